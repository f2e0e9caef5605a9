package replica

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// storageInterval is how often uploaded files are copied to a folder replica. Uploads are
// rare (profile photos) and a walk of storage/ is cheap at a company's size.
const storageInterval = 10 * time.Second

// copyStorage copies the uploaded files (storage/) of a data folder into dst, skipping
// files already there with the same size: PocketBase never changes an uploaded file in
// place (a new upload gets a new name), so name and size identify it. Files deleted from
// storage/ stay in dst. Each file is written to a temporary name and renamed, so dst
// never holds half a file. It returns how many files it copied.
func copyStorage(src, dst string) (int, error) {
	copied := 0
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // no uploads yet, or one deleted while we walk
		}
		if err != nil || d.IsDir() || !d.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return nil // deleted meanwhile
		}
		target := filepath.Join(dst, rel)
		if st, err := os.Stat(target); err == nil && st.Size() == info.Size() {
			return nil
		}
		if err := copyFile(path, target); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		copied++
		return nil
	})
	return copied, err
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".tmp-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, in); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dst)
}
