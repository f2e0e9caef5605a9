package web

import (
	"strings"
	"testing"
)

// The hand-kept tables of the OpenAPI document name only routes it describes, so a renamed
// route cannot leave an answer, a body or a sort table behind unseen.
func TestOpenAPITablesNameDescribedRoutes(t *testing.T) {
	described := map[string]bool{}
	lists := map[string]bool{}
	for _, r := range openAPIRoutes {
		described[r.method+" "+r.path] = true
		if r.list {
			lists[r.path] = true
		}
	}
	for key := range openAPIAnswers {
		if !described[key] {
			t.Errorf("openAPIAnswers has %s, which openAPIRoutes does not describe", key)
		}
	}
	for key := range openAPIBodies {
		if !described[key] || strings.HasPrefix(key, "GET ") {
			t.Errorf("openAPIBodies has %s, which is not a described route with a body", key)
		}
	}
	for path := range listSorts {
		if !lists[path] {
			t.Errorf("listSorts has %s, which is not a described list", path)
		}
	}
	for path, names := range listFilters {
		if !lists[path] {
			t.Errorf("listFilters has %s, which is not a described list", path)
		}
		for _, name := range names {
			if filterWords[name] == "" {
				t.Errorf("%s filters by %s, which filterWords does not explain", path, name)
			}
		}
	}
	for path := range lists {
		if listSorts[path] == nil {
			t.Errorf("list %s has no sort fields in listSorts", path)
		}
	}
}
