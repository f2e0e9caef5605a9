package company

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// SetupLinkTTL is how long a setup link works: long enough to deploy, read the console and
// open it; short enough that a link left in old console output is dead.
const SetupLinkTTL = 24 * time.Hour

// ErrSetupLinkInvalid is returned for a setup without a valid link: none given, unknown,
// used, replaced by a newer one, or expired.
var ErrSetupLinkInvalid = errors.New("this setup link is invalid, used or expired")

// NewSetupToken makes the one-time secret of the setup link and keeps only its hash; any
// earlier link stops working. While no company exists, the first-run form opens only with
// it, so whoever merely reaches a new (or closed) server first cannot take it: the token is
// printed on the server's console, which only the operator reads.
func NewSetupToken(app core.App) (string, error) {
	if IsSetUp(app) {
		return "", ErrAlreadySetUp
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	return token, StoreSetupToken(app, token)
}

// StoreSetupToken makes token the only working setup link secret (NewSetupToken's second
// half; tests give it a token they know).
func StoreSetupToken(app core.App, token string) error {
	return app.RunInTransaction(func(tx core.App) error {
		if _, err := tx.DB().NewQuery("DELETE FROM setup_links").Execute(); err != nil {
			return err
		}
		_, err := tx.DB().Insert("setup_links", dbx.Params{
			"token_hash": hashSetupToken(token),
			"expires":    time.Now().Add(SetupLinkTTL).UTC().Format(time.RFC3339Nano),
		}).Execute()
		return err
	})
}

// ValidSetupToken reports whether token opens the first-run form now.
func ValidSetupToken(app core.App, token string) bool {
	if token == "" {
		return false
	}
	var expires string
	err := app.DB().Select("expires").From("setup_links").
		Where(dbx.HashExp{"token_hash": hashSetupToken(token)}).Row(&expires)
	if err != nil {
		return false
	}
	t, err := time.Parse(time.RFC3339Nano, expires)
	return err == nil && time.Now().Before(t)
}

// consumeSetupToken uses the link up inside the setup transaction, so two forms sent with
// the same link cannot both create a company.
func consumeSetupToken(tx core.App, token string) error {
	if !ValidSetupToken(tx, token) {
		return ErrSetupLinkInvalid
	}
	_, err := tx.DB().NewQuery("DELETE FROM setup_links").Execute()
	return err
}

// SetupURL is the link the console shows: base is where people reach the server.
func SetupURL(base, token string) string {
	return strings.TrimRight(base, "/") + "/setup?token=" + url.QueryEscape(token)
}

func hashSetupToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
