// Package replica ships Teamfund's database continuously to another disk, an
// S3-compatible bucket or an SFTP server with Litestream's library (it uses the same
// pure-Go SQLite driver as PocketBase), and restores a data folder from such a replica,
// latest or at a point in time. A lost disk then loses the last second or two, not
// everything since the last backup.
//
// Only data.db is replicated: auxiliary.db holds PocketBase's request logs, which are
// written on every request (shipping them would multiply the traffic to the replica) and
// are not company data; a restore starts with empty logs.
package replica

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/benbjohnson/litestream"
	"github.com/benbjohnson/litestream/file"
	"github.com/pocketbase/pocketbase/core"
)

// Timings of the replicator. Litestream turns new WAL frames into a local LTX file every
// second and uploads new LTX files every second, so a change normally reaches the replica
// one to two seconds after its commit.
const (
	watchInterval = 250 * time.Millisecond
	// behindAfter is the lag from which the state reads "behind" rather than "ok".
	behindAfter = 10 * time.Second
	// shutdownSync bounds the last upload on a clean stop, so an unreachable replica
	// does not hold the shutdown for Litestream's default 30 s.
	shutdownSync = 5 * time.Second
	maxRetry     = 30 * time.Second
)

// Replicator replicates one data folder's data.db while the server runs.
type Replicator struct {
	target Target
	dbPath string
	log    *slog.Logger

	cancel context.CancelFunc
	done   chan struct{}

	mu          sync.Mutex
	store       *litestream.Store
	db          *litestream.DB
	opened      bool
	localTXID   uint64
	shippedTXID uint64
	shippedAt   time.Time
	behindSince time.Time
	lastError   string
	lastErrorAt time.Time
	failing     bool      // an error came after the last upload
	uploadsAt   time.Time // last copy of storage/ to a folder replica
	refused     bool      // errWouldOverwrite was the answer once: it stays until a restart
}

// New prepares replication of dataDir/data.db to target; log receives what an operator
// should see (errors, recoveries, start and stop).
func New(target Target, dataDir string, log *slog.Logger) *Replicator {
	return &Replicator{target: target, dbPath: filepath.Join(dataDir, dataDB), log: log}
}

// Start begins replicating in the background and returns at once: nothing here waits
// for the replica, so an unreachable one never delays the server's start or a request.
func (r *Replicator) Start() {
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel, r.done = cancel, make(chan struct{})
	go func() {
		defer close(r.done)
		if r.open(ctx) {
			r.watch(ctx)
		}
	}()
}

// Stop ends replication: a last upload of what is left (bounded by shutdownSync), then
// Litestream releases data.db.
func (r *Replicator) Stop() error {
	if r.cancel == nil {
		return nil
	}
	r.cancel()
	<-r.done
	r.mu.Lock()
	store := r.store
	r.mu.Unlock()
	if store == nil {
		if st := r.Status(); st.LastError != "" {
			r.log.Error("replication stopped without ever reaching the replica", "replica", st.Replica, "error", st.LastError)
		}
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), shutdownSync+5*time.Second)
	defer cancel()
	err := store.Close(ctx)
	r.observe()
	if r.target.IsFolder() {
		r.copyUploads()
	}
	st := r.Status()
	if err != nil || st.State == StateFailing || st.LocalTXID > st.ShippedTXID {
		if err == nil && st.LastError != "" {
			err = errors.New(st.LastError)
		}
		r.log.Error("replication stopped before the replica had every change", "replica", st.Replica, "error", err)
		return err
	}
	r.log.Info("replication stopped, every change shipped", "replica", st.Replica)
	return nil
}

// open starts Litestream, retrying with backoff while the replica cannot be reached (an
// S3 or SFTP client connects when it starts) or a folder replica is missing.
func (r *Replicator) open(ctx context.Context) bool {
	wait := time.Second
	for {
		err := r.tryOpen(ctx)
		if err == nil {
			r.log.Info("replication started", "replica", r.target.String())
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		r.noteError(err)
		select {
		case <-ctx.Done():
			return false
		case <-time.After(wait):
		}
		wait = min(2*wait, maxRetry)
	}
}

func (r *Replicator) tryOpen(ctx context.Context) error {
	if dir := r.target.Folder(); dir != "" {
		// A folder replica must exist: were it on an unmounted second disk, Litestream would
		// otherwise create it on this disk and "replicate" to the disk it should protect.
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			if err == nil || errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("the replica folder %s does not exist (is its disk mounted?); create it to start replicating", dir)
			}
			return err
		}
	}
	client, err := r.target.client(dataDB)
	if err != nil {
		return err
	}
	db := litestream.NewDB(r.dbPath)
	rep := litestream.NewReplicaWithClient(db, client)
	db.Replica = rep
	if fc, ok := client.(*file.ReplicaClient); ok {
		fc.Replica = rep
	}
	if err := r.refuseToOverwrite(ctx, db, client); err != nil {
		return err
	}
	levels := make(litestream.CompactionLevels, len(litestream.DefaultCompactionLevels))
	for i, l := range litestream.DefaultCompactionLevels {
		c := *l
		levels[i] = &c
	}
	store := litestream.NewStore([]*litestream.DB{db}, levels)
	logger := slog.New(&logHandler{r: r})
	store.Logger = logger
	db.SetLogger(logger.With(litestream.LogKeyDB, dataDB))
	store.SetShutdownSyncTimeout(shutdownSync)
	openCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := store.Open(openCtx); err != nil {
		return fmt.Errorf("cannot reach the replica: %w", err)
	}
	r.mu.Lock()
	r.store, r.db = store, db
	r.opened = true
	r.mu.Unlock()
	return nil
}

// errWouldOverwrite stops a data folder that was never replicated from here (Litestream
// keeps its state beside data.db) from replicating into a replica that already holds a
// database. On a lost disk the new machine comes up empty, and Litestream would make the
// empty database the replica's latest state. A restored folder could go on with the old
// replica through Litestream's "database behind replica" path, which we have not tested;
// a new replica path is tested and leaves the old history as it was.
var errWouldOverwrite = errors.New("the replica already holds a database that was not replicated from this data folder; " +
	"give serve a new replica path (after a lost disk: restore from the old one first, then serve the restored folder with a new path); " +
	"nothing is replicated meanwhile")

// refuseToOverwrite returns errWouldOverwrite when db has no Litestream state yet and the
// replica holds files.
//
// The answer holds for the life of the process: were the first-run setup done on a new
// server meanwhile, replicating it would still bury the old company (its history is pruned
// after a day).
func (r *Replicator) refuseToOverwrite(ctx context.Context, db *litestream.DB, client litestream.ReplicaClient) error {
	if r.refused {
		return errWouldOverwrite
	}
	if _, err := os.Stat(db.MetaPath()); !errors.Is(err, fs.ErrNotExist) {
		return nil // replicated from here before
	}
	checkCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := client.Init(checkCtx); err != nil {
		return fmt.Errorf("cannot reach the replica: %w", err)
	}
	first, err := firstRestorable(checkCtx, client)
	if err != nil {
		return fmt.Errorf("cannot reach the replica: %w", err)
	}
	if !first.IsZero() {
		r.refused = true
		return errWouldOverwrite
	}
	return nil
}

// watch follows the local and shipped positions to report the lag.
func (r *Replicator) watch(ctx context.Context) {
	t := time.NewTicker(watchInterval)
	defer t.Stop()
	var uploads <-chan time.Time
	if r.target.IsFolder() {
		u := time.NewTicker(storageInterval)
		defer u.Stop()
		uploads = u.C
		r.copyUploads()
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			r.observe()
		case <-uploads:
			r.copyUploads()
		}
	}
}

// copyUploads copies new uploaded files to a folder replica.
func (r *Replicator) copyUploads() {
	local := filepath.Join(filepath.Dir(r.dbPath), core.LocalStorageDirName)
	if _, err := copyStorage(local, filepath.Join(r.target.Folder(), core.LocalStorageDirName)); err != nil {
		r.noteError(fmt.Errorf("copying uploaded files: %w", err))
		return
	}
	r.mu.Lock()
	r.uploadsAt = time.Now()
	r.mu.Unlock()
}

// observe reads Litestream's local and shipped positions.
func (r *Replicator) observe() {
	local, err := r.db.Pos()
	if err != nil {
		return
	}
	shipped := r.db.Replica.Pos()
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.localTXID = uint64(local.TXID)
	if s := uint64(shipped.TXID); s > r.shippedTXID || (s > 0 && s < r.shippedTXID && s == r.localTXID) {
		r.shippedTXID, r.shippedAt = s, now
		if r.failing {
			r.failing = false
			r.log.Info("replication recovered, shipping again", "replica", r.target.String())
		}
	}
	if r.localTXID > r.shippedTXID {
		if r.behindSince.IsZero() {
			r.behindSince = now
		}
	} else {
		r.behindSince = time.Time{}
	}
}

// noteError records a replication error for the status and the logs.
func (r *Replicator) noteError(err error) {
	r.mu.Lock()
	first := !r.failing
	r.lastError, r.lastErrorAt, r.failing = err.Error(), time.Now(), true
	r.mu.Unlock()
	if first {
		r.log.Error("replication failing; the server keeps serving and catches up when the replica is back",
			"replica", r.target.String(), "error", err)
	}
}
