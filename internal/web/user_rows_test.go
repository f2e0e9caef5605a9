package web

import (
	"bytes"
	"strings"
	"testing"

	"teamfund/internal/member"
)

// TestUsersRowsAreEscaped: the users table rows are written in Go, not by html/template,
// so every value a user controls must come out escaped, in text and in attributes.
func TestUsersRowsAreEscaped(t *testing.T) {
	evil := `<script>alert("x")</script>&'`
	data := &usersPage{Page: Page{Currency: "EUR"}, Selected: map[string]bool{"u2": true},
		List: member.ListPage{Total: 2, Page: 1, PerPage: 50, Rows: []member.Row{
			{ID: `u1"><b>`, Email: evil + "@acme.com", Name: evil, Role: "member", Status: `active" onclick="x`, TeamName: evil, Balance: 123456},
			{ID: "u2", Email: "plain@acme.com", Name: "Plain", Role: "manager", Status: "active"},
		}}}
	var buf bytes.Buffer
	if err := templates["user/list"].ExecuteTemplate(&buf, "user_table", data); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, raw := range []string{"<script>", `"><b>`, `" onclick="`, "&'"} {
		if strings.Contains(out, raw) {
			t.Errorf("unescaped %q in:\n%s", raw, out)
		}
	}
	for _, want := range []string{"&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;&#39;", `href="/users/u1%22%3E%3Cb%3E"`,
		`value="u2" aria-label="Select plain@acme.com" checked>`, "Manager", `<span class="text-secondary">—</span>`, "1,234.56"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	if strings.Count(out, " checked") != 1 {
		t.Errorf("want exactly the selected user checked:\n%s", out)
	}
}
