package web

import (
	"sort"
	"strings"

	"teamfund/internal/member"
)

// NavItem is one entry of the top navigation.
type NavItem struct {
	Label   string
	Path    string
	Current bool
}

// navEntry is registered by each domain's routes file, so the menu only lists pages that exist.
type navEntry struct {
	order   int
	label   string
	path    string
	visible func(u *member.Member) bool
}

var navEntries []navEntry

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

func navFor(u *member.Member, current string) []NavItem {
	if u == nil {
		return nil
	}
	var out []NavItem
	for _, n := range navEntries {
		if !n.visible(u) {
			continue
		}
		isCurrent := current == n.path || (n.path != "/" && strings.HasPrefix(current, n.path+"/")) ||
			strings.HasPrefix(current, sectionOf(n.path)+"/")
		out = append(out, NavItem{Label: n.label, Path: n.path, Current: isCurrent})
	}
	return out
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
