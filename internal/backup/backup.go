// Package backup copies a whole Teamfund data folder into one ZIP while the server runs,
// and restores such a ZIP into an empty data folder (to move to another server).
//
// The ZIP has the layout of PocketBase's own backups (data.db, auxiliary.db and storage/
// at its root), so a file made here can also be restored from the dashboard, and a
// dashboard backup restored here.
package backup

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// The database files of a data folder, as PocketBase names them.
const (
	dataDB = "data.db"
	auxDB  = "auxiliary.db"
)

// Info is what a backup holds or a restore brought back.
type Info struct {
	Files      int   // files in the ZIP (the two databases and the uploaded files)
	Bytes      int64 // uncompressed
	Migrations int   // applied migrations in the backup's schema
}

// Create writes a consistent copy of app's data folder to w as a ZIP: each database is
// copied with SQLite's VACUUM INTO, which reads one snapshot (a read transaction) and so
// neither blocks the running server's writes nor catches one half done; the uploaded files
// (storage/) are added after. Uploaded files are never changed in place (a new upload gets
// a new name), so a file deleted in between is the only difference: it is skipped.
//
// note: PocketBase's app.CreateBackup zips the live files inside a write transaction, which
// holds every writer of the running server for as long as the zipping takes.
func Create(app core.App, w io.Writer) (Info, error) {
	var info Info
	// PocketBase's temp folder: left out of its own backups and emptied at every start, so
	// a copy left by a crash goes away by itself.
	tmpRoot := filepath.Join(app.DataDir(), core.LocalTempDirName)
	if err := os.MkdirAll(tmpRoot, 0o755); err != nil {
		return info, err
	}
	tmp, err := os.MkdirTemp(tmpRoot, "teamfund-backup-")
	if err != nil {
		return info, err
	}
	defer os.RemoveAll(tmp)
	copies := []struct {
		name string
		db   dbx.Builder
	}{{dataDB, app.ConcurrentDB()}, {auxDB, app.AuxConcurrentDB()}}
	for _, c := range copies {
		if _, err := c.db.NewQuery("VACUUM INTO {:path}").Bind(dbx.Params{"path": filepath.Join(tmp, c.name)}).Execute(); err != nil {
			return info, fmt.Errorf("copying %s: %w", c.name, err)
		}
	}
	if info.Migrations, err = countMigrations(filepath.Join(tmp, dataDB)); err != nil {
		return info, err
	}
	zw := zip.NewWriter(w)
	for _, c := range copies {
		if err := addFile(zw, &info, filepath.Join(tmp, c.name), c.name); err != nil {
			return info, err
		}
	}
	storage := filepath.Join(app.DataDir(), core.LocalStorageDirName)
	err = filepath.WalkDir(storage, func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // no uploads yet, or one deleted while we walk
		}
		if err != nil || d.IsDir() || !d.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(app.DataDir(), path)
		if err != nil {
			return err
		}
		err = addFile(zw, &info, path, filepath.ToSlash(rel))
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	})
	if err != nil {
		return info, err
	}
	return info, zw.Close()
}

func addFile(zw *zip.Writer, info *Info, path, name string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	hdr, err := zip.FileInfoHeader(st)
	if err != nil {
		return err
	}
	hdr.Name, hdr.Method = name, zip.Deflate
	part, err := zw.CreateHeader(hdr)
	if err != nil {
		return err
	}
	n, err := io.Copy(part, f)
	info.Files++
	info.Bytes += n
	return err
}

// Errors of a restore the operator can act on.
var (
	ErrNotEmpty    = errors.New("the data folder is not empty: restore into a new, empty folder (--dir)")
	ErrNotABackup  = errors.New("the file is not a Teamfund backup (a ZIP with data.db at its root)")
	ErrNewerSchema = errors.New("the backup comes from a newer Teamfund than this program")
	ErrUnsafe      = errors.New("the backup is refused as unsafe to unpack")
)

// Limits bound what a restore unpacks, so a hostile or broken ZIP cannot fill the disk.
type Limits struct {
	MaxBytes int64 // all files together, uncompressed
	MaxRatio int64 // uncompressed:compressed of one file larger than 1 MiB
}

// DefaultLimits fit any real company (a database of years of history is a few GB) with
// room to spare. SQLite files and photos compress far less than 100:1; a ZIP bomb is
// ~1000:1.
var DefaultLimits = Limits{MaxBytes: 64 << 30, MaxRatio: 200}

// Restore puts the backup ZIP at zipPath into app's data folder, which must be empty: app
// is bootstrapped on it (PocketBase does that before any command, creating empty
// databases and the JS hooks' types.d.ts), with no migration of ours applied and nothing
// but those files in it. Every entry is checked before anything is unpacked: names that
// leave the folder, links and other special files, sizes over limits and extreme
// compression are refused; so is a backup whose schema has a migration this program does
// not know (made by a newer version: this one would not know its tables).
// On a refusal the folder is left as it was before the bootstrap (Forget); on success app
// is bootstrapped again on the restored data.
func Restore(app core.App, zipPath string, limits Limits) (Info, error) {
	var info Info
	if err := CheckEmpty(app); err != nil {
		return info, err
	}
	if err := checkZip(zipPath, limits); err != nil {
		return info, err
	}
	dir := app.DataDir()
	// Staged in PocketBase's temp folder (same disk, so the files move by rename; emptied at
	// every start, so a crash leaves nothing that would make the folder look used).
	tmpRoot := filepath.Join(dir, core.LocalTempDirName)
	if err := os.MkdirAll(tmpRoot, 0o755); err != nil {
		return info, err
	}
	staging, err := os.MkdirTemp(tmpRoot, "teamfund-restore-")
	if err != nil {
		return info, err
	}
	defer os.RemoveAll(staging)
	if info, err = extract(zipPath, staging, limits); err != nil {
		return info, err
	}
	applied, err := appliedMigrations(filepath.Join(staging, dataDB))
	if err != nil {
		return info, fmt.Errorf("%w: %v", ErrNotABackup, err)
	}
	info.Migrations = len(applied)
	if unknown := unknownMigrations(applied); len(unknown) > 0 {
		return info, fmt.Errorf("%w: it has migrations this version does not know (%s); restore it with that version or a newer one",
			ErrNewerSchema, strings.Join(unknown, ", "))
	}
	if err := app.ResetBootstrapState(); err != nil {
		return info, err
	}
	entries, err := os.ReadDir(staging)
	if err != nil {
		return info, err
	}
	if err := removeBootstrapFiles(dir); err != nil {
		return info, err
	}
	for _, e := range entries {
		if err := os.Rename(filepath.Join(staging, e.Name()), filepath.Join(dir, e.Name())); err != nil {
			return info, err
		}
	}
	return info, app.Bootstrap()
}

// Forget undoes what bootstrapping app wrote into its data folder, after a refused
// restore into a folder that held nothing: the empty databases and types file go, and the
// folder itself when the bootstrap created it. A folder that holds anything else is left
// alone.
func Forget(app core.App, folderWasNew bool) error {
	if err := CheckEmpty(app); err != nil {
		return nil
	}
	if err := app.ResetBootstrapState(); err != nil {
		return err
	}
	dir := app.DataDir()
	if err := removeBootstrapFiles(dir); err != nil {
		return err
	}
	for name := range runtimeDirs {
		if name != "lost+found" {
			if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
				return err
			}
		}
	}
	if folderWasNew {
		return os.Remove(dir) // only if empty: anything else stays
	}
	return nil
}

// bootstrapFiles are what PocketBase's bootstrap writes into a data folder: the two
// databases with their WAL and shared-memory files, and the JS hooks' type declarations.
var bootstrapFiles = []string{dataDB, dataDB + "-wal", dataDB + "-shm", auxDB, auxDB + "-wal", auxDB + "-shm", "types.d.ts"}

func removeBootstrapFiles(dir string) error {
	for _, name := range bootstrapFiles {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// runtimeDirs are what PocketBase makes in a data folder when it starts, holding nothing.
var runtimeDirs = map[string]bool{core.LocalTempDirName: true, core.LocalNotifyDirName: true,
	core.LocalAutocertCacheDirName: true, "lost+found": true}

// CheckEmpty refuses a data folder that holds anything but the files PocketBase's
// bootstrap created (whose database has no migration beyond PocketBase's own).
func CheckEmpty(app core.App) error {
	entries, err := os.ReadDir(app.DataDir())
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		if slices.Contains(bootstrapFiles, name) || runtimeDirs[name] {
			continue
		}
		return fmt.Errorf("%w (it holds %s)", ErrNotEmpty, name)
	}
	var ours int
	err = app.DB().Select("COUNT(*)").From(core.DefaultMigrationsTable).Where(dbx.NotIn("file", systemMigrations()...)).Row(&ours)
	if err != nil {
		return err
	}
	if ours > 0 {
		return fmt.Errorf("%w (its database has Teamfund tables)", ErrNotEmpty)
	}
	return nil
}

// mib is where the compression-ratio check starts: tiny files compress wildly (an empty
// table's pages) and cannot fill a disk.
const mib = 1 << 20

// checkZip refuses, before anything is unpacked, a file that is not a ZIP with data.db at
// its root, or that has an entry that is unsafe to unpack: a name outside the folder (`..`,
// absolute), a link or other special file, or sizes beyond limits as its headers declare
// them (extract also counts what really comes out).
func checkZip(zipPath string, limits Limits) error {
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrNotABackup, err)
	}
	defer zr.Close()
	var total uint64
	hasData := false
	for _, f := range zr.File {
		if f.Name == dataDB {
			hasData = true
		}
		if err := checkEntry(f, limits); err != nil {
			return err
		}
		total += f.UncompressedSize64
		if total > uint64(limits.MaxBytes) {
			return fmt.Errorf("%w: it unpacks to more than %d MB (the limit; raise it with --max-size-mb)", ErrUnsafe, limits.MaxBytes>>20)
		}
	}
	if !hasData {
		return ErrNotABackup
	}
	return nil
}

func checkEntry(f *zip.File, limits Limits) error {
	name := filepath.FromSlash(f.Name)
	if !filepath.IsLocal(name) || strings.Contains(f.Name, "\\") {
		return fmt.Errorf("%w: it names a file outside the folder (%s)", ErrUnsafe, f.Name)
	}
	if mode := f.Mode(); mode&fs.ModeType != 0 && !mode.IsDir() {
		return fmt.Errorf("%w: %s is a link or special file, not a plain file", ErrUnsafe, f.Name)
	}
	if f.UncompressedSize64 > mib && f.UncompressedSize64/max(f.CompressedSize64, 1) > uint64(limits.MaxRatio) {
		return fmt.Errorf("%w: %s is compressed more than %d:1, like a ZIP bomb", ErrUnsafe, f.Name, limits.MaxRatio)
	}
	return nil
}

// extract unpacks the ZIP (checked by checkZip) into dir, counting what really comes out:
// an entry that yields more than its header declared is refused, so lying headers cannot
// get past the limits.
func extract(zipPath, dir string, limits Limits) (Info, error) {
	var info Info
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		return info, fmt.Errorf("%w: %v", ErrNotABackup, err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		n, err := extractFile(f, filepath.Join(dir, filepath.FromSlash(f.Name)))
		if err != nil {
			return info, err
		}
		info.Files++
		info.Bytes += n
		if info.Bytes > limits.MaxBytes {
			return info, fmt.Errorf("%w: it unpacks to more than %d MB", ErrUnsafe, limits.MaxBytes>>20)
		}
	}
	return info, nil
}

func extractFile(f *zip.File, path string) (int64, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return 0, err
	}
	r, err := f.Open()
	if err != nil {
		return 0, err
	}
	defer r.Close()
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(out, io.LimitReader(r, int64(f.UncompressedSize64)+1))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil && uint64(n) > f.UncompressedSize64 {
		err = fmt.Errorf("%w: %s holds more than its header declares", ErrUnsafe, f.Name)
	}
	return n, err
}

// appliedMigrations lists the migrations recorded in the database file at path.
func appliedMigrations(path string) ([]string, error) {
	db, err := openReadOnly(path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var files []string
	err = db.Select("file").From(core.DefaultMigrationsTable).OrderBy("applied", "file").Column(&files)
	return files, err
}

func countMigrations(path string) (int, error) {
	files, err := appliedMigrations(path)
	return len(files), err
}

func openReadOnly(path string) (*dbx.DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	db, err := core.DefaultDBConnect(path)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := db.DB().PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// unknownMigrations are the applied migrations this program has not registered.
func unknownMigrations(applied []string) []string {
	known := map[string]bool{}
	for _, list := range []core.MigrationsList{core.SystemMigrations, core.AppMigrations} {
		for _, m := range list.Items() {
			known[m.File] = true
		}
	}
	var unknown []string
	for _, f := range applied {
		if !known[f] {
			unknown = append(unknown, f)
		}
	}
	return unknown
}

func systemMigrations() []any {
	var files []any
	for _, m := range core.SystemMigrations.Items() {
		files = append(files, m.File)
	}
	return files
}
