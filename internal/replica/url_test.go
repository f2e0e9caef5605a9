package replica

import (
	"errors"
	"testing"
)

func TestParseTarget(t *testing.T) {
	cases := []struct {
		name, in, want string
		folder         bool
		err            bool
	}{
		{"a plain path is a folder", "/mnt/backup/teamfund", "file:///mnt/backup/teamfund", true, false},
		{"a file URL", "file:///mnt/backup/teamfund", "file:///mnt/backup/teamfund", true, false},
		{"S3 with endpoint and region, as given", "s3://bucket/teamfund?endpoint=https://x.r2.cloudflarestorage.com&region=auto",
			"s3://bucket/teamfund?endpoint=https://x.r2.cloudflarestorage.com&region=auto", false, false},
		{"an SFTP password is hidden", "sftp://backup:hunter2@host:22/srv/teamfund", "sftp://backup:xxxxx@host:22/srv/teamfund", false, false},
		{"an S3 key in the query is hidden", "s3://bucket/p?sseCustomerKey=abc", "s3://bucket/p?sseCustomerKey=xxxxx", false, false},
		{"an unknown scheme", "gs://bucket/teamfund", "", false, true},
		{"S3 without a bucket", "s3:///teamfund", "", false, true},
		{"SFTP without a user", "sftp://host/teamfund", "", false, true},
		{"the root folder", "file:///", "", false, true},
		{"nothing", "  ", "", false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseTarget(c.in)
			if c.err {
				if !errors.Is(err, ErrBadURL) {
					t.Fatalf("got %v, want %v", err, ErrBadURL)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != c.want || got.IsFolder() != c.folder {
				t.Errorf("got %q (folder %v), want %q (folder %v)", got.String(), got.IsFolder(), c.want, c.folder)
			}
		})
	}
}
