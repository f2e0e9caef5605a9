package web

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/audit"
	"teamfund/internal/rules"
)

// bindCollectionAudit records in the audit log every change a superuser makes to the
// collections (the dashboard's Collections screens, or its collections API): fields, API
// rules, indexes, auth options and OAuth2 providers, before and after. Secrets (OAuth2
// client secrets, token signing keys) appear only as a short fingerprint, so the log says
// that one changed without holding it. The entry commits with the change, or neither does.
// A change that drops or redefines an index the queries name is refused (requiredIndexes).
func bindCollectionAudit(app core.App) {
	app.OnCollectionCreateRequest().BindFunc(func(e *core.CollectionRequestEvent) error { return auditCollectionWrite(e, "create") })
	app.OnCollectionUpdateRequest().BindFunc(func(e *core.CollectionRequestEvent) error { return auditCollectionWrite(e, "update") })
	app.OnCollectionDeleteRequest().BindFunc(func(e *core.CollectionRequestEvent) error { return auditCollectionWrite(e, "delete") })
	app.OnCollectionsImportRequest().BindFunc(auditCollectionsImport)
}

func auditCollectionWrite(e *core.CollectionRequestEvent, op string) error {
	indexes, err := requiredIndexSQL(e.App)
	if err != nil {
		return err
	}
	var before map[string]any
	if e.Auth != nil && op != "create" {
		// note: e.Collection already holds the submitted changes; the stored one is the before.
		if old, err := e.App.FindCollectionByNameOrId(e.Collection.Id); err == nil {
			before = collectionSnapshot(old)
		}
	}
	return e.App.RunInTransaction(func(tx core.App) error {
		e.App = tx
		if err := e.Next(); err != nil {
			return err
		}
		if err := keepRequiredIndexes(tx, indexes); err != nil || e.Auth == nil {
			return err
		}
		var after map[string]any
		if op != "delete" {
			after = collectionSnapshot(e.Collection)
		}
		return recordCollectionChange(tx, e.Auth.Email(), op, e.Collection, before, after)
	})
}

// auditCollectionsImport records each collection an import created, changed or deleted.
func auditCollectionsImport(e *core.CollectionsImportRequestEvent) error {
	indexes, err := requiredIndexSQL(e.App)
	if err != nil {
		return err
	}
	snapshots := func(app core.App) (map[string]*core.Collection, map[string]map[string]any) {
		cols, _ := app.FindAllCollections()
		byID, snaps := map[string]*core.Collection{}, map[string]map[string]any{}
		for _, c := range cols {
			byID[c.Id], snaps[c.Id] = c, collectionSnapshot(c)
		}
		return byID, snaps
	}
	oldCols, before := snapshots(e.App)
	return e.App.RunInTransaction(func(tx core.App) error {
		e.App = tx
		if err := e.Next(); err != nil {
			return err
		}
		if err := keepRequiredIndexes(tx, indexes); err != nil || e.Auth == nil {
			return err
		}
		newCols, after := snapshots(tx)
		for id, c := range newCols {
			op := "update"
			if before[id] == nil {
				op = "create"
			}
			if err := recordCollectionChange(tx, e.Auth.Email(), op, c, before[id], after[id]); err != nil {
				return err
			}
		}
		for id, c := range oldCols {
			if newCols[id] == nil {
				if err := recordCollectionChange(tx, e.Auth.Email(), "delete", c, before[id], nil); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// recordCollectionChange audits what changed between two snapshots (nothing: no entry).
func recordCollectionChange(tx core.App, by, op string, c *core.Collection, before, after map[string]any) error {
	before, after = onlyChanged(before, after)
	if op == "update" && len(before) == 0 && len(after) == 0 {
		return nil
	}
	entry := audit.Entry{Action: "collection." + op, TargetType: "collection", TargetID: c.Id, TargetLabel: c.Name}
	if before != nil {
		entry.Before = before
	}
	if after != nil {
		entry.After = after
	}
	return audit.RecordBySuperuser(tx, by, entry)
}

// collectionSnapshot is what the audit keeps of a collection, one key per thing that can
// change on its own ("rule:listRule", "field:email", "oauth2:google", ...), so that an
// update's entry lists only what changed.
func collectionSnapshot(c *core.Collection) map[string]any {
	out := map[string]any{"name": c.Name, "type": c.Type, "indexes": fmt.Sprint(c.Indexes)}
	for _, name := range []string{"listRule", "viewRule", "createRule", "updateRule", "deleteRule"} {
		out["rule:"+name] = rules.Describe(rules.Of(c, name))
	}
	for _, f := range c.Fields {
		b, _ := json.Marshal(f)
		out["field:"+f.GetName()] = string(b)
	}
	if !c.IsAuth() {
		return out
	}
	for _, name := range []string{"authRule", "manageRule"} {
		out["rule:"+name] = rules.Describe(rules.Of(c, name))
	}
	out["passwordAuth"] = fmt.Sprintf("enabled=%v identityFields=%v", c.PasswordAuth.Enabled, c.PasswordAuth.IdentityFields)
	out["oauth2"] = fmt.Sprintf("enabled=%v mappedFields=%+v", c.OAuth2.Enabled, c.OAuth2.MappedFields)
	for _, p := range c.OAuth2.Providers {
		out["oauth2:"+p.Name] = fmt.Sprintf("displayName=%q clientId=%q clientSecret=%s authURL=%q tokenURL=%q userInfoURL=%q pkce=%v",
			p.DisplayName, p.ClientId, fingerprint(p.ClientSecret), p.AuthURL, p.TokenURL, p.UserInfoURL, p.PKCE != nil && *p.PKCE)
	}
	out["mfa"] = fmt.Sprintf("enabled=%v duration=%d rule=%q", c.MFA.Enabled, c.MFA.Duration, c.MFA.Rule)
	out["otp"] = fmt.Sprintf("enabled=%v duration=%d length=%d", c.OTP.Enabled, c.OTP.Duration, c.OTP.Length)
	out["authAlert"] = fmt.Sprintf("enabled=%v", c.AuthAlert.Enabled)
	for name, t := range map[string]core.TokenConfig{"authToken": c.AuthToken, "passwordResetToken": c.PasswordResetToken,
		"emailChangeToken": c.EmailChangeToken, "verificationToken": c.VerificationToken, "fileToken": c.FileToken} {
		out["token:"+name] = fmt.Sprintf("duration=%ds secret=%s", t.Duration, fingerprint(t.Secret))
	}
	return out
}

// fingerprint tells secrets apart without keeping them: "none", or the first 8 hex digits
// of their SHA-256.
func fingerprint(secret string) string {
	if secret == "" {
		return "none"
	}
	sum := sha256.Sum256([]byte(secret))
	return "sha256:" + hex.EncodeToString(sum[:4])
}
