package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
)

// apiResult is a JSON response: status, decoded body and the raw text.
type apiResult struct {
	Status int
	Body   map[string]any
	Text   string
}

// callAPI sends a JSON request with a bearer token ("" = guest) to a testutil.Serve server.
func callAPI(tb testing.TB, client *http.Client, base, method, path, token string, body any) apiResult {
	tb.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := client.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := apiResult{Status: res.StatusCode, Text: string(raw)}
	_ = json.Unmarshal(raw, &out.Body)
	return out
}
