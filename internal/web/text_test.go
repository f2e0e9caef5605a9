package web

import (
	"io/fs"
	"regexp"
	"testing"

	"teamfund/views"
)

func TestPlural(t *testing.T) {
	cases := []struct {
		n    int
		one  string
		many []string
		want string
	}{
		{0, "user", nil, "0 users"},
		{1, "user", nil, "1 user"},
		{2, "user", nil, "2 users"},
		{1, "money request to answer", []string{"money requests to answer"}, "1 money request to answer"},
		{3, "money request to answer", []string{"money requests to answer"}, "3 money requests to answer"},
	}
	for _, c := range cases {
		if got := plural(c.n, c.one, c.many...); got != c.want {
			t.Errorf("plural(%d, %q) = %q, want %q", c.n, c.one, got, c.want)
		}
	}
}

func TestLabel(t *testing.T) {
	cases := map[string]string{"active": "Active", "manager": "Manager", "pending_approval": "Pending approval", "": "", "élan": "Élan"}
	for code, want := range cases {
		if got := label(code); got != want {
			t.Errorf("label(%q) = %q, want %q", code, got, want)
		}
	}
}

func TestInitials(t *testing.T) {
	cases := map[string]string{"Max Member": "MM", "ann@acme.com": "A", "Émile de la Tour": "ÉD", "  ": "?", "x": "X"}
	for name, want := range cases {
		if got := initials(name); got != want {
			t.Errorf("initials(%q) = %q, want %q", name, got, want)
		}
	}
}

// TestTemplatesUseVendoredIcons: every icon a template or the menu names is a vendored file
// (icon draws nothing for an unknown name, so a typo would go unseen).
func TestTemplatesUseVendoredIcons(t *testing.T) {
	used := regexp.MustCompile(`(?:icon|"Icon") "([a-z0-9-]+)"`)
	err := fs.WalkDir(views.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(views.FS, p)
		if err != nil {
			return err
		}
		for _, m := range used.FindAllStringSubmatch(string(b), -1) {
			if _, ok := icons[m[1]]; !ok {
				t.Errorf("%s uses icon %q, which is not in ui/%s", p, m[1], iconDir)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for path, area := range navAreas {
		if _, ok := icons[area.icon]; !ok {
			t.Errorf("menu entry %s uses icon %q, which is not vendored", path, area.icon)
		}
	}
}
