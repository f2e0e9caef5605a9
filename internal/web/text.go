package web

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// plural is "1 member" or "3 members": the count with the noun in the right form. Nouns
// whose plural is not noun+"s" give it: plural(n, "money request to answer", "money requests to answer").
func plural(n int, one string, many ...string) string {
	if n == 1 {
		return "1 " + one
	}
	if len(many) > 0 {
		return strconv.Itoa(n) + " " + many[0]
	}
	return strconv.Itoa(n) + " " + one + "s"
}

// codeLabels are the words people read for the codes stored in records (statuses, roles,
// kinds), so every page capitalises and words them the same way.
var codeLabels = map[string]string{
	"deactivated": "Deactivated",
	"may_export":  "May export",
	"in_review":   "In review",
}

// label turns a stored code ("active", "manager", "pending_approval") into what people
// read ("Active", "Manager", "Pending approval").
func label(code string) string {
	if l, ok := codeLabels[code]; ok {
		return l
	}
	code = strings.ReplaceAll(code, "_", " ")
	r, size := utf8.DecodeRuneInString(code)
	if r == utf8.RuneError {
		return code
	}
	return string(unicode.ToUpper(r)) + code[size:]
}

// badgeClass colours a status or role badge: green when done or fine, yellow while it
// waits, red when it failed, grey when it is over; roles in blues.
func badgeClass(code string) string {
	switch code {
	case "active", "accepted", "approved", "sent", "delivered", "done", "joined":
		return "bg-green-lt"
	case "pending", "scheduled", "queued", "waiting", "requested":
		return "bg-yellow-lt"
	case "failed", "error", "refused":
		return "bg-red-lt"
	case "owner":
		return "bg-purple-lt"
	case "admin":
		return "bg-indigo-lt"
	case "manager":
		return "bg-blue-lt"
	case "member":
		return "bg-azure-lt"
	}
	return "bg-secondary-lt"
}

// initials is what the avatar shows without a photo: "Max Member" → "MM", "ann@x.com" → "A".
func initials(name string) string {
	name = strings.TrimSpace(name)
	if at := strings.IndexByte(name, '@'); at > 0 {
		name = name[:at]
	}
	var out []rune
	for _, word := range strings.Fields(name) {
		r, _ := utf8.DecodeRuneInString(word)
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			out = append(out, unicode.ToUpper(r))
		}
		if len(out) == 2 {
			break
		}
	}
	if len(out) == 0 {
		return "?"
	}
	return string(out)
}
