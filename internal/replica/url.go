package replica

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/benbjohnson/litestream"
	_ "github.com/benbjohnson/litestream/file" // file:// replicas (another disk)
	_ "github.com/benbjohnson/litestream/s3"   // s3:// replicas (AWS S3, R2, B2, MinIO)
	"github.com/benbjohnson/litestream/sftp"
)

// Env is the environment variable that names the replica when `serve --replica` is not given.
const Env = "TEAMFUND_REPLICA"

// SFTP credentials besides a password in the URL: a private key file and the server's
// host key (one authorized_keys line); without the host key the server is not verified.
const (
	EnvSFTPKey     = "TEAMFUND_REPLICA_SFTP_KEY"
	EnvSFTPHostKey = "TEAMFUND_REPLICA_SFTP_HOST_KEY"
)

// dataDB is the database Teamfund replicates. Its files live under <replica>/data.db/, so
// the replica URL names a folder (or bucket prefix) for the whole instance, and the plain
// `litestream restore <replica>/data.db` works on it too.
const dataDB = "data.db"

// ErrBadURL is the refusal of a replica URL that names no supported place.
var ErrBadURL = errors.New("the replica must be a folder (/path or file:///path), s3://bucket/path (with ?endpoint=...&region=... for R2, B2 or MinIO) or sftp://user@host/path")

// Target is a parsed replica URL.
type Target struct {
	raw    string
	scheme string
	u      *url.URL
}

// ParseTarget reads a replica URL: a plain absolute path is a folder.
func ParseTarget(raw string) (Target, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return Target{}, ErrBadURL
	}
	if !strings.Contains(raw, "://") {
		if !filepath.IsAbs(raw) {
			abs, err := filepath.Abs(raw)
			if err != nil {
				return Target{}, fmt.Errorf("%w: %v", ErrBadURL, err)
			}
			raw = abs
		}
		raw = (&url.URL{Scheme: "file", Path: filepath.ToSlash(raw)}).String()
	}
	u, err := url.Parse(raw)
	if err != nil {
		return Target{}, fmt.Errorf("%w: %v", ErrBadURL, err)
	}
	switch u.Scheme {
	case "file":
		if u.Path == "" || u.Path == "/" {
			return Target{}, fmt.Errorf("%w: the folder is missing", ErrBadURL)
		}
	case "s3":
		if u.Host == "" {
			return Target{}, fmt.Errorf("%w: the bucket is missing", ErrBadURL)
		}
	case "sftp":
		if u.Host == "" || u.User.Username() == "" {
			return Target{}, fmt.Errorf("%w: the user or host is missing", ErrBadURL)
		}
	default:
		return Target{}, ErrBadURL
	}
	return Target{raw: raw, scheme: u.Scheme, u: u}, nil
}

// String is the URL with any password hidden, for pages and logs.
func (t Target) String() string {
	if t.u == nil {
		return ""
	}
	c := *t.u
	q := c.Query()
	secret := false
	for k := range q {
		if strings.Contains(strings.ToLower(k), "key") || strings.Contains(strings.ToLower(k), "secret") {
			q.Set(k, "xxxxx")
			secret = true
		}
	}
	if secret {
		c.RawQuery = q.Encode()
	}
	return c.Redacted()
}

// IsFolder reports whether the replica is a folder on this machine.
func (t Target) IsFolder() bool { return t.scheme == "file" }

// Folder is the replica's folder on this machine ("" unless IsFolder).
func (t Target) Folder() string {
	if !t.IsFolder() {
		return ""
	}
	return filepath.FromSlash(t.u.Path)
}

// client opens the Litestream client for the database name under the replica.
func (t Target) client(name string) (litestream.ReplicaClient, error) {
	c := *t.u
	c.Path = path.Join(c.Path, name)
	client, err := litestream.NewReplicaClientFromURL(c.String())
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadURL, err)
	}
	if s, ok := client.(*sftp.ReplicaClient); ok {
		s.KeyPath = os.Getenv(EnvSFTPKey)
		s.HostKey = os.Getenv(EnvSFTPHostKey)
	}
	return client, nil
}
