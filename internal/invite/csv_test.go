package invite_test

import (
	"errors"
	"strings"
	"testing"

	"teamfund/internal/invite"
)

func TestParseCSV(t *testing.T) {
	type want struct {
		line                    int
		email, name, role, team string
	}
	cases := []struct {
		name  string
		input string
		want  []want
		err   error
	}{
		{"plain LF", "email,name,role,team\na@acme.com,Ann,member,Alpha\n", []want{{2, "a@acme.com", "Ann", "member", "Alpha"}}, nil},
		{"CRLF line ends", "email,name,role,team\r\na@acme.com,Ann,member,Alpha\r\nb@acme.com,Bo,,\r\n",
			[]want{{2, "a@acme.com", "Ann", "member", "Alpha"}, {3, "b@acme.com", "Bo", "", ""}}, nil},
		{"UTF-8 BOM before the header", "\ufeffemail,name\na@acme.com,Ann\n", []want{{2, "a@acme.com", "Ann", "", ""}}, nil},
		{"quoted fields with commas, quotes and a line break", "email,name,role,team\n\"a@acme.com\",\"Doe, \"\"Jo\"\"\nJr\",member,\"Alpha\"\nb@acme.com,B,,\n",
			[]want{{2, "a@acme.com", "Doe, \"Jo\"\nJr", "member", "Alpha"}, {4, "b@acme.com", "B", "", ""}}, nil},
		{"extra spaces around values and header names", " Email , NAME ,role, team \n  a@acme.com  ,  Ann  , member , Alpha \n",
			[]want{{2, "a@acme.com", "Ann", "member", "Alpha"}}, nil},
		{"upper-case emails are kept for the checker to normalise", "email\nANN@ACME.COM\n", []want{{2, "ANN@ACME.COM", "", "", ""}}, nil},
		{"columns in another order, unknown columns ignored", "team,phone,email\nAlpha,123,a@acme.com\n", []want{{2, "a@acme.com", "", "", "Alpha"}}, nil},
		{"blank lines are skipped, line numbers stay true", "email\n\na@acme.com\n,\n\nb@acme.com\n", []want{{3, "a@acme.com", "", "", ""}, {6, "b@acme.com", "", "", ""}}, nil},
		{"short rows get blank fields", "email,name,role,team\na@acme.com\n", []want{{2, "a@acme.com", "", "", ""}}, nil},
		{"no header", "a@acme.com,Ann\n", nil, invite.ErrBadHeader},
		{"empty file", "", nil, invite.ErrEmptyFile},
		{"header only", "email,name,role,team\r\n", nil, invite.ErrEmptyFile},
		{"bare quote is reported with its line", "email,name\na@acme.com,An\"n\n", nil, invite.ErrBadCSV},
		{"too large", "email\n" + strings.Repeat("someone@example.com\n", invite.MaxCSVBytes/20+1), nil, invite.ErrFileTooLarge},
		{"too many rows", "email\n" + strings.Repeat("a@b.c\n", invite.MaxCSVRows+1), nil, invite.ErrFileTooLarge},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := invite.ParseCSV(strings.NewReader(tc.input))
			if !errors.Is(err, tc.err) {
				t.Fatalf("got error %v, want %v", err, tc.err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d rows, want %d: %+v", len(got), len(tc.want), got)
			}
			for i, w := range tc.want {
				g := got[i]
				if g.Line != w.line || g.Email != w.email || g.Name != w.name || g.Role != w.role || g.Team != w.team {
					t.Errorf("row %d: got %+v, want %+v", i, g, w)
				}
			}
		})
	}
}

func TestTooLargeFileMessageSaysTheLimit(t *testing.T) {
	_, err := invite.ParseCSV(strings.NewReader("email\n" + strings.Repeat("a@b.c\n", invite.MaxCSVRows+1)))
	if err == nil || !strings.Contains(err.Error(), "20000 rows") {
		t.Errorf("got %v, want a message naming the limit", err)
	}
}

func TestBadCSVMessageNamesTheLine(t *testing.T) {
	_, err := invite.ParseCSV(strings.NewReader("email,name\nok@acme.com,x\na@acme.com,An\"n\n"))
	if err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("got %v, want the line number", err)
	}
}

// FuzzParseCSV: the parser never panics, and every row it returns has a line number
// inside the input and trimmed values.
func FuzzParseCSV(f *testing.F) {
	for _, seed := range []string{
		"email,name,role,team\na@acme.com,Ann,member,Alpha\n",
		"\ufeffemail\r\nA@ACME.COM\r\n",
		"email,name\n\"a@acme.com\",\"Doe, \"\"Jo\"\"\"\n",
		"email\n\n\n,\n",
		"team,email\n\"x\ny\",b@c.d\n",
		"email\n\"unterminated\n",
		"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, input string) {
		rows, err := invite.ParseCSV(strings.NewReader(input))
		if err != nil {
			return
		}
		lines := strings.Count(input, "\n") + 1
		for _, r := range rows {
			if r.Line < 2 || r.Line > lines {
				t.Fatalf("line %d outside 2..%d", r.Line, lines)
			}
			for _, v := range []string{r.Email, r.Name, r.Role, r.Team} {
				if v != strings.TrimSpace(v) {
					t.Fatalf("untrimmed value %q", v)
				}
			}
		}
	})
}
