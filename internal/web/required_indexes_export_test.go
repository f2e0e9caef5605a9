package web

import "slices"

// RequiredIndexes lists requiredIndexes for the tests of package web_test.
func RequiredIndexes() []string { return slices.Clone(requiredIndexes) }
