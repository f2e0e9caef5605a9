// Package apikey is the credential an integration (a CRM sync, a finance script, a no-code
// flow) uses instead of a person's session: named, scoped to a role no higher than its
// creator's, optionally expiring, revocable at once, and stored only as a SHA-256 hash.
// A key acts as its creator with the key's scope, capped on every use by what the creator
// may still do: a deactivated creator's keys stop working, a demoted creator's keys shrink.
package apikey

import (
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/audit"
	"teamfund/internal/member"
	"teamfund/internal/telemetry"
)

// Collection holds the keys.
const Collection = "api_keys"

// Prefix starts every key, so a leaked key is recognisable (secret scanners, logs) and the
// auth middleware tells a key from a PocketBase token without a lookup.
const Prefix = "tfk_"

// Scopes a key may have, lowest first.
const (
	ReadOnly = "readonly" // the creator's reads, no writes
	Manager  = "manager"  // manager of one team
	Admin    = "admin"    // admin (never owner)
)

// Errors a refused key gives; the web layer answers 401 for all of them, with the reason.
var (
	ErrUnknown      = errors.New("unknown API key")
	ErrRevoked      = errors.New("this API key was revoked")
	ErrExpired      = errors.New("this API key has expired")
	ErrCreatorGone  = errors.New("the person who created this API key is deactivated")
	ErrScopeOutside = errors.New("the person who created this API key no longer manages its team")
)

// Key is one stored key.
type Key struct{ core.BaseRecordProxy }

// Wrap types a record of Collection.
func Wrap(r *core.Record) *Key { k := &Key{}; k.SetProxyRecord(r); return k }

// Role is the key's scope (ReadOnly, Manager or Admin).
func (k *Key) Role() string { return k.GetString("role") }

// TeamID is the team of a Manager key.
func (k *Key) TeamID() string { return k.GetString("team") }

// CreatorID is the user who made the key.
func (k *Key) CreatorID() string { return k.GetString("created_by") }

// Input is a new key's name, scope and optional expiry.
type Input struct {
	Name    string    `json:"name"`
	Role    string    `json:"role"`
	Team    string    `json:"team"`
	Expires time.Time `json:"expires"`
}

// Create stores a new key of actor's and returns it with its secret, which is shown once.
// Only the owner and admins create keys; a Manager key needs a team.
func Create(app core.App, actor *member.Member, in Input) (*Key, string, error) {
	if actor == nil || !actor.Role().IsAdmin() {
		return nil, "", access.ErrForbidden
	}
	in.Name = strings.TrimSpace(in.Name)
	err := validation.Errors{
		"name":    validation.Validate(in.Name, validation.Required, validation.Length(1, 100)),
		"role":    validation.Validate(in.Role, validation.Required, validation.In(ReadOnly, Manager, Admin).Error("must be readonly, manager or admin")),
		"team":    validation.Validate(in.Team, validation.When(in.Role == Manager, validation.Required.Error("a manager key needs a team"))),
		"expires": validation.Validate(in.Expires, validation.When(!in.Expires.IsZero(), validation.Min(time.Now()).Error("must be in the future"))),
	}.Filter()
	if err != nil {
		return nil, "", err
	}
	if in.Role != Manager {
		in.Team = ""
	} else if _, err := app.FindRecordById("teams", in.Team); err != nil {
		return nil, "", validation.Errors{"team": validation.NewError("not_found", "no such team")}
	}
	secret := newSecret()
	col, err := app.FindCachedCollectionByNameOrId(Collection)
	if err != nil {
		return nil, "", err
	}
	r := core.NewRecord(col)
	r.Load(map[string]any{"name": in.Name, "key_hash": hash(secret), "hint": secret[:len(Prefix)+4], "role": in.Role,
		"team": in.Team, "created_by": actor.Id})
	if !in.Expires.IsZero() {
		r.Set("expires", in.Expires.UTC())
	}
	err = app.RunInTransaction(func(tx core.App) error {
		if err := tx.Save(r); err != nil {
			return err
		}
		return audit.Record(tx, actor, audit.Entry{Action: "apikey.create", TargetType: "api_key", TargetID: r.Id,
			TargetLabel: in.Name, After: map[string]any{"role": in.Role, "team": in.Team, "expires": r.GetString("expires")}})
	})
	if err != nil {
		return nil, "", err
	}
	return Wrap(r), secret, nil
}

// List is the keys actor may manage: the owner sees every key, an admin their own.
func List(app core.App, actor *member.Member) ([]*Key, error) {
	if actor == nil || !actor.Role().IsAdmin() {
		return nil, access.ErrForbidden
	}
	q := app.RecordQuery(Collection).OrderBy("created DESC", "id DESC").Limit(500)
	if actor.Role() != member.RoleOwner {
		q = q.AndWhere(dbx.HashExp{"created_by": actor.Id})
	}
	var recs []*core.Record
	if err := q.All(&recs); err != nil {
		return nil, err
	}
	out := make([]*Key, len(recs))
	for i, r := range recs {
		out[i] = Wrap(r)
	}
	return out, nil
}

// Revoke ends a key at once. The owner revokes any key, an admin their own.
func Revoke(app core.App, actor *member.Member, id string) error {
	if actor == nil || !actor.Role().IsAdmin() {
		return access.ErrForbidden
	}
	return app.RunInTransaction(func(tx core.App) error {
		r, err := tx.FindRecordById(Collection, id)
		if err != nil || (actor.Role() != member.RoleOwner && r.GetString("created_by") != actor.Id) {
			return sql.ErrNoRows
		}
		if !r.GetDateTime("revoked").IsZero() {
			return nil
		}
		r.Set("revoked", time.Now().UTC())
		if err := tx.Save(r); err != nil {
			return err
		}
		return audit.Record(tx, actor, audit.Entry{Action: "apikey.revoke", TargetType: "api_key", TargetID: r.Id,
			TargetLabel: r.GetString("name")})
	})
}

// Resolve finds the key of secret and the user it acts as now: a copy of its creator
// whose role and team are the key's scope capped by the creator's current ones. The copy
// lives in memory only. A refused key that exists is audited (apikey.denied).
func Resolve(app core.App, secret string, now time.Time) (*Key, *core.Record, error) {
	if !strings.HasPrefix(secret, Prefix) || len(secret) > 100 {
		return nil, nil, ErrUnknown
	}
	r, err := app.FindFirstRecordByData(Collection, "key_hash", hash(secret))
	if err != nil {
		return nil, nil, ErrUnknown
	}
	k := Wrap(r)
	creator, acting, err := actingAs(app, k, now)
	if err != nil {
		return k, nil, denied(app, k, creator, err)
	}
	return k, acting, nil
}

// Recheck is Resolve for a key already in use by a long-lived connection (a realtime
// stream): the key of id as it is now and the user it acts as, or why it may no longer be
// used. It does not audit: the connection just ends.
func Recheck(app core.App, id string, now time.Time) (*Key, *core.Record, error) {
	r, err := app.FindRecordById(Collection, id)
	if err != nil {
		return nil, nil, ErrUnknown
	}
	k := Wrap(r)
	_, acting, err := actingAs(app, k, now)
	if err != nil {
		return k, nil, err
	}
	return k, acting, nil
}

// actingAs checks k (revoked, expired, creator active, scope still held) and returns its
// creator and the in-memory copy the key acts as.
func actingAs(app core.App, k *Key, now time.Time) (*core.Record, *core.Record, error) {
	creator, err := app.FindRecordById(member.Collection, k.CreatorID())
	if err != nil {
		return nil, nil, ErrCreatorGone
	}
	switch {
	case !k.GetDateTime("revoked").IsZero():
		return creator, nil, ErrRevoked
	case !k.GetDateTime("expires").IsZero() && !now.Before(k.GetDateTime("expires").Time()):
		return creator, nil, ErrExpired
	case !member.Wrap(creator).Active():
		return creator, nil, ErrCreatorGone
	}
	role, team, err := effectiveScope(k, member.Wrap(creator))
	if err != nil {
		return creator, nil, err
	}
	acting := creator.Clone()
	acting.Set("role", string(role))
	acting.Set("team", team)
	return creator, acting, nil
}

// rank orders roles for "no higher than".
var rank = map[member.Role]int{member.RoleMember: 1, member.RoleManager: 2, member.RoleAdmin: 3, member.RoleOwner: 4}

// effectiveScope is min(key scope, creator's current role): an admin key of a creator who
// is now a manager acts as that manager; a manager key acts on its team only while the
// creator is an admin, the owner or that team's manager (or a member of it, as a member).
func effectiveScope(k *Key, creator *member.Member) (member.Role, string, error) {
	role, team := creator.Role(), creator.TeamID()
	if role == member.RoleOwner {
		role = member.RoleAdmin
	}
	switch k.Role() {
	case Manager:
		if role.IsAdmin() {
			return member.RoleManager, k.TeamID(), nil
		}
		if team != k.TeamID() {
			return "", "", ErrScopeOutside
		}
	case Admin, ReadOnly:
	default:
		return "", "", ErrUnknown
	}
	return role, team, nil
}

// Touch notes when and from where a key was last used, at most once a minute per key so
// that a busy integration does not write on every request.
func Touch(app core.App, k *Key, ip string, now time.Time) {
	last := k.GetDateTime("last_used_at")
	if !last.IsZero() && now.Sub(last.Time()) < time.Minute && k.GetString("last_used_ip") == ip {
		return
	}
	_, _ = app.DB().Update(Collection, dbx.Params{"last_used_at": now.UTC().Format("2006-01-02 15:04:05.000Z"), "last_used_ip": ip},
		dbx.HashExp{"id": k.Id}).Execute()
}

// deniedAuditEvery is how often a refused key writes an audit row per reason: a script
// that keeps using a revoked key must not flood the audit log (or its writer); every
// refusal is still counted in teamfund_apikey_denied_total.
const deniedAuditEvery = time.Minute

// denied counts a refused use of an existing key, audits it at most once per key, reason
// and deniedAuditEvery, and returns why.
func denied(app core.App, k *Key, creator *core.Record, why error) error {
	telemetry.For(app).KeyDenials.WithLabelValues(reasonLabel(why)).Inc()
	if !deniedAudits(app).due(k.Id+"|"+why.Error(), time.Now()) {
		return why
	}
	var actor *member.Member
	if creator != nil {
		actor = member.Wrap(creator)
	}
	_ = audit.Record(app, actor, audit.Entry{Action: "apikey.denied", TargetType: "api_key", TargetID: k.Id,
		TargetLabel: k.GetString("name"), After: map[string]any{"reason": why.Error()}})
	return why
}

// reasonLabel is the metric label of a refusal.
func reasonLabel(why error) string {
	switch why {
	case ErrRevoked:
		return "revoked"
	case ErrExpired:
		return "expired"
	case ErrCreatorGone:
		return "creator_inactive"
	case ErrScopeOutside:
		return "scope_lost"
	}
	return "other"
}

// auditThrottle remembers when each key and reason was last audited.
type auditThrottle struct {
	mu   sync.Mutex
	last map[string]time.Time
}

func deniedAudits(app core.App) *auditThrottle {
	return app.Store().GetOrSet("teamfund.apiKeyDeniedAudits", func() any {
		return &auditThrottle{last: map[string]time.Time{}}
	}).(*auditThrottle)
}

// due reports whether id may be audited now, and if so notes it; entries older than the
// period are dropped as it goes, so the map stays as small as the keys refused lately.
func (t *auditThrottle) due(id string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if last, ok := t.last[id]; ok && now.Sub(last) < deniedAuditEvery {
		return false
	}
	for k, at := range t.last {
		if now.Sub(at) >= deniedAuditEvery {
			delete(t.last, k)
		}
	}
	t.last[id] = now
	return true
}

func newSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return Prefix + base64.RawURLEncoding.EncodeToString(b)
}

func hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
