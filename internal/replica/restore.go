package replica

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/benbjohnson/litestream"
	"github.com/pocketbase/pocketbase/core"
	"github.com/superfly/ltx"

	"teamfund/internal/backup"
)

// Refusals of a restore from a replica, each with what to do.
var (
	ErrUnreachable = errors.New("cannot reach the replica")
	ErrNoBackup    = errors.New("the replica holds no copy of data.db")
	ErrTooEarly    = errors.New("that time is before the replica's first snapshot")
	ErrFuture      = errors.New("that time is in the future")
)

// RestoreOptions say what to restore where.
type RestoreOptions struct {
	From string    // the replica URL, as for `serve --replica`
	At   time.Time // the moment to restore; zero for the latest state
	Dir  string    // the data folder to fill
	// DirWasEmpty is the caller's answer to "did Dir hold nothing before this program
	// started": PocketBase creates empty databases in it before any command runs, so only
	// the caller, which looked before that, can tell.
	DirWasEmpty bool
}

// Restored describes the state brought back.
type Restored struct {
	TXID      uint64    // last Litestream transaction applied
	StateAt   time.Time // when that transaction was shipped (the state is as of then)
	FirstAt   time.Time // the earliest moment the replica can restore
	Bytes     int64     // size of the restored data.db
	Replica   string    // the replica, without password
	Requested time.Time // opt.At
	// Uploads is how many uploaded files came back from a folder replica; UploadsKept
	// says whether the replica keeps them at all (only folder replicas do).
	Uploads     int
	UploadsKept bool
}

// Restore puts the state of data.db from opt.From (latest, or as of opt.At) into
// opt.Dir, which must have been empty and must no longer be open (the caller closes the
// databases PocketBase created there first). It refuses, writing nothing: a folder that
// was not empty, a replica that cannot be reached or holds nothing, a time before the
// first snapshot or in the future.
func Restore(ctx context.Context, opt RestoreOptions) (Restored, error) {
	res := Restored{Requested: opt.At}
	if !opt.DirWasEmpty {
		return res, backup.ErrNotEmpty
	}
	t, err := ParseTarget(opt.From)
	if err != nil {
		return res, err
	}
	res.Replica = t.String()
	if !opt.At.IsZero() && opt.At.After(time.Now()) {
		return res, fmt.Errorf("%w (%s); leave --at out to restore the latest state", ErrFuture, opt.At.UTC().Format(time.RFC3339))
	}
	client, err := t.client(dataDB)
	if err != nil {
		return res, err
	}
	if dir := t.Folder(); dir != "" {
		if _, err := os.Stat(dir); err != nil {
			return res, fmt.Errorf("%w at %s: %v", ErrUnreachable, res.Replica, err)
		}
	}
	checkCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := client.Init(checkCtx); err != nil {
		return res, fmt.Errorf("%w at %s: %v", ErrUnreachable, res.Replica, err)
	}
	if res.FirstAt, err = firstRestorable(checkCtx, client); err != nil {
		return res, fmt.Errorf("%w at %s: %v", ErrUnreachable, res.Replica, err)
	}
	if res.FirstAt.IsZero() {
		return res, fmt.Errorf("%w at %s (is it the URL given to serve --replica?)", ErrNoBackup, res.Replica)
	}
	tooEarly := fmt.Errorf("%w: --at %s, but the earliest state it holds is from %s", ErrTooEarly,
		opt.At.UTC().Format(time.RFC3339), res.FirstAt.UTC().Format(time.RFC3339))
	if !opt.At.IsZero() && opt.At.Before(res.FirstAt) {
		return res, tooEarly
	}
	logger := slog.New(slog.DiscardHandler)
	plan, err := litestream.CalcRestorePlan(ctx, client, 0, opt.At, logger)
	if errors.Is(err, litestream.ErrTxNotAvailable) {
		if !opt.At.IsZero() {
			return res, tooEarly
		}
		return res, fmt.Errorf("%w at %s", ErrNoBackup, res.Replica)
	} else if err != nil {
		return res, fmt.Errorf("%w at %s: %v", ErrUnreachable, res.Replica, err)
	}
	last := plan[len(plan)-1]
	res.TXID, res.StateAt = uint64(last.MaxTXID), last.CreatedAt

	// Staged in PocketBase's temp folder (same disk, so the file moves by rename; emptied
	// at every start, so a crash leaves nothing that would make the folder look used).
	tmpRoot := filepath.Join(opt.Dir, core.LocalTempDirName)
	if err := os.MkdirAll(tmpRoot, 0o755); err != nil {
		return res, err
	}
	staging, err := os.MkdirTemp(tmpRoot, "teamfund-replica-restore-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(staging)
	staged := filepath.Join(staging, dataDB)
	r := litestream.NewReplicaWithClient(nil, client)
	ropt := litestream.NewRestoreOptions()
	ropt.OutputPath, ropt.Timestamp, ropt.TXID = staged, time.Time{}, ltx.TXID(last.MaxTXID)
	ropt.IntegrityCheck = litestream.IntegrityCheckQuick
	if err := r.Restore(ctx, ropt); err != nil {
		return res, fmt.Errorf("restoring from %s: %w", res.Replica, err)
	}
	st, err := os.Stat(staged)
	if err != nil {
		return res, err
	}
	res.Bytes = st.Size()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(filepath.Join(opt.Dir, dataDB+suffix)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return res, err
		}
	}
	if err := os.Rename(staged, filepath.Join(opt.Dir, dataDB)); err != nil {
		return res, err
	}
	if t.IsFolder() {
		// note: the files as they are now, not as of --at: a photo uploaded later is
		// merely unused, one deleted since is still there.
		remote := filepath.Join(t.Folder(), core.LocalStorageDirName)
		local := filepath.Join(opt.Dir, core.LocalStorageDirName)
		res.UploadsKept = true
		if res.Uploads, err = copyStorage(remote, local); err != nil {
			return res, fmt.Errorf("copying the uploaded files back: %w", err)
		}
	}
	return res, nil
}

// firstRestorable is the earliest moment a restore can reach: the first snapshot, or the
// first transaction when the replica still holds the files from its very start.
func firstRestorable(ctx context.Context, client litestream.ReplicaClient) (time.Time, error) {
	var first time.Time
	for level := litestream.SnapshotLevel; level >= 0; level-- {
		itr, err := client.LTXFiles(ctx, level, 0, false)
		if err != nil {
			return first, err
		}
		for itr.Next() {
			info := itr.Item()
			if (level == litestream.SnapshotLevel || info.MinTXID == 1) && (first.IsZero() || info.CreatedAt.Before(first)) {
				first = info.CreatedAt
			}
		}
		if err := itr.Close(); err != nil {
			return first, err
		}
	}
	return first, nil
}
