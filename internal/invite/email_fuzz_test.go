package invite

import (
	"strings"
	"testing"

	"teamfund/internal/company"
)

// FuzzNormalizeEmail: whatever comes in, a normalised email is trimmed, lower-case,
// normalises to itself, and its domain is exactly the text after its last @ — so the
// domain rule compares like with like.
func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range []string{" Anna@Acme.COM ", "a+tag@acme.com", "x@bücher.de", "@acme.com", "a@b@c.com",
		"a@sales.acme.com", "A@XN--BCHER-KVA.DE", "a@acme.com\x00", "a@.com", "\u0130@acme.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := NormalizeEmail(in)
		if err != nil {
			return
		}
		if out != strings.TrimSpace(out) || out != strings.ToLower(out) {
			t.Fatalf("NormalizeEmail(%q) = %q: not trimmed and lower-case", in, out)
		}
		again, err := NormalizeEmail(out)
		if err != nil || again != out {
			t.Fatalf("not idempotent: %q -> %q -> %q (%v)", in, out, again, err)
		}
		if d := company.EmailDomain(out); d != out[strings.LastIndex(out, "@")+1:] {
			t.Fatalf("domain of %q = %q, want the text after the last @", out, d)
		}
	})
}
