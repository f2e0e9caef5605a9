package member_test

import (
	"errors"
	"testing"

	"golang.org/x/net/idna"

	"teamfund/internal/member"
)

func TestParseEmail(t *testing.T) {
	mixedPunycode, err := idna.ToASCII("n\u043erthwind.example") // Cyrillic о among Latin letters
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, in, want string
		err            error
	}{
		{"trimmed and lower-cased", " Owner@Northwind.Example ", "owner@northwind.example", nil},
		{"fullwidth letters are NFKC-normalised to the same address", "owner@ｎｏｒｔｈｗｉｎｄ.example", "owner@northwind.example", nil},
		{"fullwidth local part and @ too", "ＯＷＮＥＲ＠northwind.example", "owner@northwind.example", nil},
		{"international domain as punycode", "x@Bücher.de", "x@xn--bcher-kva.de", nil},
		{"one non-Latin script per label is fine", "ivan@почта.рф", "ivan@xn--80a1acny.xn--p1ai", nil},
		{"Japanese mixes Han and Katakana", "a@日本語ドメイン.jp", "a@xn--eckwd4c7c5976acvb2w6i.jp", nil},
		{"soft hyphen in the domain", "owner@north\u00adwind.example", "", member.ErrInvisibleInEmail},
		{"soft hyphen in the local part", "ow\u00adner@northwind.example", "", member.ErrInvisibleInEmail},
		{"zero-width space", "owner@\u200bnorthwind.example", "", member.ErrInvisibleInEmail},
		{"zero-width joiner", "owner@north\u200dwind.example", "", member.ErrInvisibleInEmail},
		{"word joiner", "owner@north\u2060wind.example", "", member.ErrInvisibleInEmail},
		{"byte order mark", "\ufeffowner@northwind.example", "", member.ErrInvisibleInEmail},
		{"right-to-left override", "owner@\u202eelpmaxe.dniwhtron", "", member.ErrInvisibleInEmail},
		{"left-to-right mark", "owner@northwind\u200e.example", "", member.ErrInvisibleInEmail},
		{"variation selector", "owner@north\ufe0fwind.example", "", member.ErrInvisibleInEmail},
		{"Hangul filler", "owner@north\u3164wind.example", "", member.ErrInvisibleInEmail},
		{"tag character", "owner@northwind.example\U000e0041", "", member.ErrInvisibleInEmail},
		{"Cyrillic о among Latin letters", "owner@n\u043erthwind.example", "", member.ErrMixedScriptDomain},
		{"the same look-alike written as punycode", "owner@" + mixedPunycode, "", member.ErrMixedScriptDomain},
		{"Greek alpha among Latin letters", "owner@\u03b1cme.com", "", member.ErrMixedScriptDomain},
		{"no address", "not-an-email", "", member.ErrMalformedEmail},
		{"two addresses", "a@acme.com,b@acme.com", "", member.ErrMalformedEmail},
		{"no dot in the domain", "a@localhost", "", member.ErrMalformedEmail},
	}
	for _, tc := range tests {
		got, err := member.ParseEmail(tc.in)
		if got != tc.want || !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
			t.Errorf("%s: ParseEmail(%q) = %q, %v; want %q, %v", tc.name, tc.in, got, err, tc.want, tc.err)
		}
		if tc.err != nil && !errors.Is(err, member.ErrMalformedEmail) {
			t.Errorf("%s: %v does not count as a malformed email", tc.name, err)
		}
	}
}

// TestNormalizeEmailMatchesNobodyForARefusedAddress: a look-up with a look-alike of an
// address never finds the address it imitates.
func TestNormalizeEmailMatchesNobodyForARefusedAddress(t *testing.T) {
	for _, in := range []string{"owner@north\u00adwind.example", "owner@n\u043erthwind.example", "owner@northwind.example\u200b"} {
		if got := member.NormalizeEmail(in); got == "owner@northwind.example" {
			t.Errorf("NormalizeEmail(%q) = %q, the address it imitates", in, got)
		}
	}
	if got := member.NormalizeEmail(" Owner@ｎｏｒｔｈｗｉｎｄ.example"); got != "owner@northwind.example" {
		t.Errorf("NormalizeEmail of the fullwidth address = %q, want owner@northwind.example", got)
	}
}
