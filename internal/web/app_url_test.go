package web

import "testing"

func TestListenURL(t *testing.T) {
	cases := []struct {
		addr  string
		https bool
		want  string
	}{
		{"127.0.0.1:18091", false, "http://127.0.0.1:18091"},
		{"0.0.0.0:8090", false, "http://localhost:8090"},
		{":9000", false, "http://localhost:9000"},
		{"[::]:8080", false, "http://localhost:8080"},
		{"teamfund.example.com:443", true, "https://teamfund.example.com"},
		{"not an address", false, ""},
	}
	for _, c := range cases {
		if got := listenURL(c.addr, c.https); got != c.want {
			t.Errorf("listenURL(%q, %v) = %q, want %q", c.addr, c.https, got, c.want)
		}
	}
}
