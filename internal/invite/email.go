package invite

import (
	"strings"

	"github.com/pocketbase/ozzo-validation/v4/is"

	"teamfund/internal/company"
	"teamfund/internal/member"
)

// NormalizeEmail trims and lower-cases email and writes its domain as punycode; it
// returns ErrMalformedEmail for anything that is not one plain address.
func NormalizeEmail(email string) (string, error) {
	email = member.NormalizeEmail(email)
	at := strings.LastIndex(email, "@")
	if at <= 0 || len(email) > 254 || strings.ContainsAny(email, " \t\r\n,;<>\"") {
		return "", ErrMalformedEmail
	}
	domain := company.EmailDomain(email)
	if domain == "" || !strings.Contains(domain, ".") {
		return "", ErrMalformedEmail
	}
	email = email[:at] + "@" + domain
	if is.EmailFormat.Validate(email) != nil {
		return "", ErrMalformedEmail
	}
	return email, nil
}

// plusKey is email without its +tag ("a+x@d" → "a@d"), to warn about near-duplicates.
func plusKey(email string) string {
	at := strings.LastIndex(email, "@")
	local := email[:at]
	if p := strings.IndexByte(local, '+'); p >= 0 {
		local = local[:p]
	}
	return local + email[at:]
}

// domainAllowed applies the domain rule: when on, email must be in inviterEmail's domain.
func domainAllowed(c *company.Company, inviterDomain, email string) bool {
	return !c.DomainRule() || company.EmailDomain(email) == inviterDomain
}
