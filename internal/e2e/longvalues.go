package e2e

import (
	"fmt"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/invite"
	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/send"
	"teamfund/internal/transfer"
)

// Long values the pages must hold without scrolling sideways: a 40-character name, a
// 60-character touch name, a 50-character email (see docs/UI.md, "Browser checks").
const (
	LongName      = "Maximiliana Theodora Wolkenstein-Hausner"
	LongName2     = "Bartholomew Alexandre Featherstonehaughs"
	LongTouchName = "Handmade leather notebook with engraved initials and ribbons"
	LongReason    = "Dinner with the purchasing team of a prospective key account"
)

// LongEmail is a 50-character address at domain whose local part starts with prefix.
func LongEmail(prefix, domain string) string {
	local := prefix + strings.Repeat("x", 50-len(prefix)-1-len(domain))
	return local + "@" + domain
}

// SeedLongValues adds to team (its sender, a member, sends and invites through the same
// domain code the pages use) people with 40-character names and 50-character emails, a
// 60-character touch, sends to a recipient with such a name and address (one waiting for
// approval), a money request and a transfer, and an invite — so every list a role opens
// holds the longest values next to the short ones. The team's approval threshold drops to
// 10.00 so the long touch waits for a manager.
func SeedLongValues(app core.App, teamID, senderID string) error {
	sender, err := member.Find(app, senderID)
	if err != nil {
		return err
	}
	domain := sender.Email()[strings.LastIndex(sender.Email(), "@")+1:]
	if _, err := app.DB().NewQuery("UPDATE teams SET approval_threshold = 1000, max_per_send = 0 WHERE id = {:id}").
		Bind(map[string]any{"id": teamID}).Execute(); err != nil {
		return err
	}
	var people []*member.Member
	for i, name := range []string{LongName, LongName2} {
		m, err := member.Create(app, member.NewUser{Email: LongEmail(fmt.Sprintf("long.member%d.", i+1), domain),
			Password: "long-values-password", Name: name, Role: member.RoleMember, TeamID: teamID})
		if err != nil {
			return fmt.Errorf("long member: %w", err)
		}
		people = append(people, m)
	}
	for _, m := range append([]*member.Member{sender}, people...) {
		if _, err := ledger.Post(app, ledger.Entry{Account: m.Id, Amount: 50000, Kind: ledger.KindGrant, Reason: LongReason}); err != nil {
			return err
		}
	}
	col, err := app.FindCollectionByNameOrId("touches")
	if err != nil {
		return err
	}
	var touches []string
	for _, cost := range []int{2500, 500} {
		r := core.NewRecord(col)
		name := LongTouchName
		if cost < 1000 {
			name = strings.Replace(name, "Handmade", "Handsewn", 1)
		}
		r.Load(map[string]any{"name": name, "cost": cost, "status": "active", "description": LongReason,
			"teams": []string{teamID}})
		if err := app.Save(r); err != nil {
			return err
		}
		touches = append(touches, r.Id)
	}
	for _, who := range []*member.Member{sender, people[0]} {
		for _, touch := range touches {
			if _, err := send.Create(app, who, send.Input{TouchID: touch, RecipientName: LongName2,
				RecipientEmail: LongEmail("recipient.", "client-company.example")}); err != nil {
				return fmt.Errorf("long send: %w", err)
			}
		}
	}
	if _, err := transfer.Ask(app, people[0], sender.Id, 1500, LongReason); err != nil {
		return fmt.Errorf("long request: %w", err)
	}
	if _, err := transfer.Send(app, people[1], people[0].Id, 2000, LongReason); err != nil {
		return fmt.Errorf("long transfer: %w", err)
	}
	owners, err := app.FindRecordsByFilter(member.Collection, "role = 'owner'", "", 1, 0)
	if err != nil || len(owners) == 0 {
		return fmt.Errorf("finding the owner: %v", err)
	}
	_, err = invite.Create(app, member.Wrap(owners[0]), invite.Candidate{Email: LongEmail("long.invitee.", domain),
		Name: LongName, Role: "member", Team: teamID})
	return err
}
