package company

import (
	"strings"

	"golang.org/x/net/idna"
)

// EmailDomain returns the domain of an email as the domain rule compares it: the text
// after the last "@", lower-cased, internationalised names as punycode ("" when there is
// no "@" or the domain is not a valid host name).
func EmailDomain(email string) string {
	i := strings.LastIndex(email, "@")
	if i < 0 {
		return ""
	}
	d, err := idna.Lookup.ToASCII(strings.ToLower(strings.TrimSpace(email[i+1:])))
	if err != nil {
		return ""
	}
	return d
}

// webmailDomains are public mail providers: a domain rule on one of them would admit anyone.
var webmailDomains = map[string]bool{
	"gmail.com": true, "googlemail.com": true, "outlook.com": true, "hotmail.com": true,
	"hotmail.co.uk": true, "live.com": true, "msn.com": true, "yahoo.com": true, "yahoo.co.uk": true,
	"ymail.com": true, "icloud.com": true, "me.com": true, "mac.com": true, "aol.com": true,
	"proton.me": true, "protonmail.com": true, "pm.me": true, "gmx.com": true, "gmx.net": true,
	"gmx.de": true, "web.de": true, "mail.com": true, "zoho.com": true, "yandex.com": true,
	"yandex.ru": true, "mail.ru": true, "qq.com": true, "163.com": true, "fastmail.com": true,
	"tutanota.com": true, "hey.com": true,
}

// IsWebmailDomain reports whether domain belongs to a public webmail provider.
func IsWebmailDomain(domain string) bool { return webmailDomains[strings.ToLower(domain)] }
