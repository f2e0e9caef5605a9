package member_test

import (
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"teamfund/internal/company"
	"teamfund/internal/member"
)

// FuzzParseEmail: whatever comes in, an accepted email is trimmed, lower-case, NFKC,
// free of format characters, parses to itself, and its domain is exactly the text after
// its last @ — so the domain rule compares like with like.
func FuzzParseEmail(f *testing.F) {
	for _, s := range []string{" Anna@Acme.COM ", "a+tag@acme.com", "x@bücher.de", "@acme.com", "a@b@c.com",
		"a@sales.acme.com", "A@XN--BCHER-KVA.DE", "a@acme.com\x00", "a@.com", "\u0130@acme.com",
		"owner@ｎｏｒｔｈｗｉｎｄ.example", "owner@north\u00adwind.example", "owner@n\u043erthwind.example", "a@\u200bacme.com",
		"a@xn--nrthwind-5ve.example", "a@日本語ドメイン.jp"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := member.ParseEmail(in)
		if err != nil {
			return
		}
		if out != strings.TrimSpace(out) || out != strings.ToLower(out) {
			t.Fatalf("member.ParseEmail(%q) = %q: not trimmed and lower-case", in, out)
		}
		again, err := member.ParseEmail(out)
		if err != nil || again != out {
			t.Fatalf("not idempotent: %q -> %q -> %q (%v)", in, out, again, err)
		}
		if !norm.NFKC.IsNormalString(out) || strings.ContainsFunc(out, func(r rune) bool { return unicode.Is(unicode.Cf, r) }) {
			t.Fatalf("member.ParseEmail(%q) = %q: not NFKC, or holds a format character", in, out)
		}
		if d := company.EmailDomain(out); d != out[strings.LastIndex(out, "@")+1:] {
			t.Fatalf("domain of %q = %q, want the text after the last @", out, d)
		}
	})
}
