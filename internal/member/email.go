package member

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/pocketbase/ozzo-validation/v4/is"
	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"
)

// Reasons ParseEmail refuses an address. The last two wrap ErrMalformedEmail, so every
// caller that refuses a malformed email refuses them too, with their own words.
var (
	ErrMalformedEmail    = errors.New("malformed email")
	ErrInvisibleInEmail  = fmt.Errorf("%w: it holds an invisible character (a soft hyphen, a zero-width space, a direction mark or the like)", ErrMalformedEmail)
	ErrMixedScriptDomain = fmt.Errorf("%w: a part of its domain mixes letters of different alphabets, as look-alike addresses do", ErrMalformedEmail)
)

// ParseEmail is the one way an email enters Teamfund (invites, CSV rows, invite keys,
// single sign-on, login-email changes, sign-in): trimmed, Unicode NFKC-normalised, then
// lower-cased, with the domain as punycode. So "Owner@ｎｏｒｔｈｗｉｎｄ.example" (fullwidth
// letters) is owner@northwind.example, the address every mail server delivers it to, and
// compares equal to it. It refuses, because they make one address look like another:
//   - invisible characters anywhere (format characters such as the soft hyphen U+00AD,
//     zero-width spaces and joiners, bidi controls, variation selectors, other
//     default-ignorable code points, control characters) — IDNA would silently drop some;
//   - a domain label that mixes scripts ("nоrthwind" with a Cyrillic о), apart from
//     characters common to all scripts (digits, "-") and the mixes Japanese, Chinese and
//     Korean names use with Latin (Unicode TS #39 "highly restrictive");
//   - anything that is not one plain address.
func ParseEmail(raw string) (string, error) {
	email, ok := fold(strings.TrimSpace(raw))
	if !ok {
		return "", ErrMalformedEmail
	}
	for _, r := range email {
		if invisible(r) {
			return "", ErrInvisibleInEmail
		}
	}
	at := strings.LastIndex(email, "@")
	if at <= 0 || len(email) > 254 || strings.ContainsAny(email, " \t\r\n,;<>\"") {
		return "", ErrMalformedEmail
	}
	domain, err := idna.Lookup.ToASCII(email[at+1:])
	if err != nil || !strings.Contains(domain, ".") {
		return "", ErrMalformedEmail
	}
	shown, err := idna.Lookup.ToUnicode(domain) // "xn--" labels are checked as what they show
	if err != nil {
		return "", ErrMalformedEmail
	}
	for _, label := range strings.Split(shown, ".") {
		if !oneScript(label) {
			return "", ErrMixedScriptDomain
		}
	}
	email = email[:at] + "@" + domain
	if is.EmailFormat.Validate(email) != nil {
		return "", ErrMalformedEmail
	}
	return email, nil
}

// NormalizeEmail is ParseEmail for looking people up and comparing: an address ParseEmail
// refuses comes back only trimmed and folded, invisible characters and all, so it matches
// no stored address (every stored one passed ParseEmail) instead of the one it imitates.
func NormalizeEmail(email string) string {
	if parsed, err := ParseEmail(email); err == nil {
		return parsed
	}
	folded, _ := fold(strings.TrimSpace(email))
	return folded
}

// fold applies NFKC and lower case until neither changes the text (lower-casing can
// un-normalise, e.g. "İ"); false when that does not settle, which no real address needs.
func fold(s string) (string, bool) {
	for range 4 {
		next := norm.NFKC.String(strings.ToLower(norm.NFKC.String(s)))
		if next == s {
			return s, true
		}
		s = next
	}
	return s, false
}

// invisible reports characters that show as nothing (or change how neighbours show).
func invisible(r rune) bool {
	return unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Other_Default_Ignorable_Code_Point,
		unicode.Variation_Selector, unicode.Join_Control, unicode.Bidi_Control) || r == unicode.ReplacementChar
}

// scriptMixes are the sets of scripts a domain label may mix (Unicode TS #39 "highly
// restrictive"): Latin with the scripts Japanese, Chinese and Korean names use.
var scriptMixes = []map[string]bool{
	{"Latin": true, "Han": true, "Hiragana": true, "Katakana": true},
	{"Latin": true, "Han": true, "Bopomofo": true},
	{"Latin": true, "Han": true, "Hangul": true},
}

// oneScript reports whether a domain label's letters come from one script (characters of
// every script, Common and Inherited, aside) or from one of scriptMixes.
func oneScript(label string) bool {
	seen := map[string]bool{}
	for _, r := range label {
		if s := scriptOf(r); s != "Common" && s != "Inherited" {
			seen[s] = true
		}
	}
	if len(seen) <= 1 {
		return true
	}
	for _, mix := range scriptMixes {
		within := true
		for s := range seen {
			within = within && mix[s]
		}
		if within {
			return true
		}
	}
	return false
}

// scriptOf names the Unicode script of r ("Common" for digits and punctuation).
func scriptOf(r rune) string {
	if r < 0x80 {
		if r|0x20 >= 'a' && r|0x20 <= 'z' {
			return "Latin"
		}
		return "Common"
	}
	for name, table := range unicode.Scripts {
		if unicode.Is(table, r) {
			return name
		}
	}
	return "Unknown"
}
