package web

import (
	"sort"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/member"
)

// NavItem is one entry of the side navigation.
type NavItem struct {
	Label   string
	Path    string
	Icon    string
	Current bool
	Badge   int // things waiting behind this entry (0: no badge)
}

// NavGroup is one area of the navigation with its heading ("People", "Money", ...).
type NavGroup struct {
	Title string
	Items []NavItem
}

// navEntry is registered by each domain's routes file, so the menu only lists pages that exist.
type navEntry struct {
	order   int
	label   string
	path    string
	visible func(u *member.Member) bool
}

var navEntries []navEntry

// navAreas places each page in its area and gives it an icon (ui/vendor/tabler-icons-*),
// in one table so the routes files only say which pages exist and who sees them.
var navAreas = map[string]struct{ area, icon string }{
	"/":                  {"Overview", "home"},
	"/teams":             {"People", "users-group"},
	"/users":             {"People", "users"},
	"/invites":           {"People", "mail-plus"},
	"/money":             {"Money", "coin"},
	"/usage":             {"Money", "chart-bar"},
	"/ledger":            {"Money", "list-details"},
	"/touches":           {"Sends", "gift"},
	"/sends":             {"Sends", "send"},
	"/approvals/sends":   {"Sends", "checkbox"},
	"/approvals/leave":   {"Sends", "checkbox"},
	"/audit":             {"Admin", "history"},
	"/outbox":            {"Admin", "inbox"},
	"/webhooks":          {"Admin", "map-route"},
	"/settings":          {"Admin", "settings"},
	"/settings/api-keys": {"Admin", "key"},
}

// navAreaOrder is the order of the areas in the menu.
var navAreaOrder = []string{"Overview", "People", "Money", "Sends", "Admin"}

// addNav registers a menu entry; order sorts the menu (dashboard 0, then 10, 20, ...).
func addNav(order int, label, path string, visible func(u *member.Member) bool) {
	for _, n := range navEntries {
		// One entry per label: several pages share "Approvals" (sends, money, leave tabs).
		if n.path == path || n.label == label {
			return
		}
	}
	navEntries = append(navEntries, navEntry{order, label, path, visible})
	sort.SliceStable(navEntries, func(i, j int) bool { return navEntries[i].order < navEntries[j].order })
}

// Visibility helpers for addNav.
func everyone(u *member.Member) bool     { return true }
func managersUp(u *member.Member) bool   { return u.Role() != member.RoleMember }
func adminsOnly(u *member.Member) bool   { return u.Role().IsAdmin() }
func ownerOnlyNav(u *member.Member) bool { return u.Role() == member.RoleOwner }

// navFor groups the entries u may see by area; current is the request path.
func navFor(u *member.Member, current string) []NavGroup {
	if u == nil {
		return nil
	}
	byArea := map[string][]NavItem{}
	for _, n := range navEntries {
		if !n.visible(u) {
			continue
		}
		isCurrent := current == n.path || (n.path != "/" && strings.HasPrefix(current, n.path+"/")) ||
			strings.HasPrefix(current, sectionOf(n.path)+"/")
		meta, ok := navAreas[n.path]
		if !ok {
			meta.area, meta.icon = "Overview", "home"
		}
		byArea[meta.area] = append(byArea[meta.area], NavItem{Label: n.label, Path: n.path, Icon: meta.icon, Current: isCurrent})
	}
	var out []NavGroup
	for _, area := range navAreaOrder {
		if items := byArea[area]; len(items) > 0 {
			out = append(out, NavGroup{Title: area, Items: items})
		}
	}
	return out
}

// addNavBadges puts the counts of what waits for u on the Money and Approvals entries.
// Errors only cost the badge: the page itself still renders.
func addNavBadges(app core.App, u *member.Member, groups []NavGroup) {
	todos, err := todosFor(app, u)
	if err != nil {
		return
	}
	waiting := 0
	for _, t := range todos {
		waiting += t.Count
	}
	for gi := range groups {
		for ii := range groups[gi].Items {
			item := &groups[gi].Items[ii]
			switch {
			case item.Path == "/money" && len(todos) > 0:
				item.Badge = todos[0].Count // money requests to answer
			case strings.HasPrefix(item.Path, "/approvals/"):
				item.Badge = waiting
			}
		}
	}
}

// sectionOf is "/approvals" for an entry at "/approvals/leave": one entry stands for all
// tabs of its section, so it is current on each of them. Single-segment paths have none.
func sectionOf(path string) string {
	rest := strings.TrimPrefix(path, "/")
	if i := strings.Index(rest, "/"); i > 0 {
		return "/" + rest[:i]
	}
	return "\x00"
}
