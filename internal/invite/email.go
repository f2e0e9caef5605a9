package invite

import (
	"strings"

	"teamfund/internal/company"
)

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
