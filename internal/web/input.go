package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"teamfund/internal/text"
)

// Messages of refuseBadInput.
const (
	msgTrailingJSON = "Invalid JSON body: send exactly one JSON value, with nothing after it."
	msgUncleanText  = "Text must be UTF-8 without NUL characters; remove them and try again."
	msgTooLarge     = "The request is larger than this address accepts."
)

// msgDuplicateKey answers a JSON body of /api/tf/ that repeats a key (%q: the key's path).
const msgDuplicateKey = "Duplicate key %q in the JSON body: each key may appear once per object, also when spelled with other capitals."

// refuseBadInput runs before CSRF and every handler of a state-changing request, so that
// what no handler should ever see is refused in one place:
//   - a JSON body that is not exactly one JSON value (today's decoders stop after the first
//     value and would act on `{"amount":1} trailing data`);
//   - NUL characters or invalid UTF-8 in a JSON body or any form field (they would be stored);
//   - a JSON body of /api/tf/ that repeats a key in one object, also with other capitals at
//     any depth: Go's decoder keeps the last one and matches keys to fields ignoring case,
//     so `{"amount":1,"Amount":900}` would mean what a proxy or log that read the first did not;
//   - a form larger than the body limit answers 413 (not the CSRF check's 403, which it got
//     when the form could not be read to find the token).
//
// Uploaded files are checked by the code that reads them (the CSV import refuses such cells).
func refuseBadInput(e *core.RequestEvent) error {
	switch e.Request.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return e.Next()
	}
	path := e.Request.URL.Path
	if strings.HasPrefix(path, "/_/") {
		return e.Next()
	}
	ct := e.Request.Header.Get("Content-Type")
	var status int
	var msg string
	switch {
	case strings.HasPrefix(ct, "application/json"):
		status, msg = checkJSONBody(e)
		if status == 0 && strings.HasPrefix(path, "/api/tf/") {
			if key := duplicateJSONKey(e); key != "" {
				msg = fmt.Sprintf(msgDuplicateKey, key)
				return e.Error(http.StatusBadRequest, msg, fieldError(key, "duplicate_key", errors.New(msg)))
			}
		}
	case strings.HasPrefix(path, "/api/") && !strings.HasPrefix(path, "/api/tf/"):
		// PocketBase's own API (file uploads included) validates its records below the API.
	case strings.HasPrefix(ct, "application/x-www-form-urlencoded"), strings.HasPrefix(ct, "multipart/form-data"):
		status, msg = checkForm(e.Request)
	}
	if status == 0 {
		return e.Next()
	}
	if strings.HasPrefix(path, "/api/") {
		return e.Error(status, msg, fieldError("body", "invalid_body", errors.New(msg)))
	}
	return renderError(e, status, msg)
}

func checkJSONBody(e *core.RequestEvent) (int, string) {
	body, err := io.ReadAll(e.Request.Body)
	if err != nil {
		if tooLarge(err) {
			return http.StatusRequestEntityTooLarge, msgTooLarge
		}
		return http.StatusBadRequest, "Unreadable request body."
	}
	e.Request.Body = &router.RereadableReadCloser{ReadCloser: io.NopCloser(bytes.NewReader(body))}
	if len(bytes.TrimSpace(body)) == 0 {
		return 0, ""
	}
	if !json.Valid(body) {
		return http.StatusBadRequest, msgTrailingJSON
	}
	var v any
	if !utf8.Valid(body) || json.Unmarshal(body, &v) != nil || !cleanJSON(v) {
		return http.StatusBadRequest, msgUncleanText
	}
	return 0, ""
}

// duplicateJSONKey returns the path of the first key of the request's JSON body that
// repeats in its object (compared as encoding/json matches keys to fields: ignoring case),
// "" when none does. The body was checked to be one valid JSON value, so nesting is at
// most encoding/json's 10,000 levels.
//
// note: PocketBase's own /api/ routes are left out: a JSON field's value may hold any
// keys, and PocketBase reads a body into one map that its API rules see too.
func duplicateJSONKey(e *core.RequestEvent) string {
	body, err := io.ReadAll(e.Request.Body)
	e.Request.Body = &router.RereadableReadCloser{ReadCloser: io.NopCloser(bytes.NewReader(body))}
	if err != nil || len(bytes.TrimSpace(body)) == 0 {
		return ""
	}
	key, _ := repeatedKey(json.NewDecoder(bytes.NewReader(body)), "")
	return key
}

// repeatedKey reads one JSON value from dec and returns the path of its first repeated key.
func repeatedKey(dec *json.Decoder, path string) (string, error) {
	tok, err := dec.Token()
	if err != nil {
		return "", err
	}
	switch tok {
	case json.Delim('{'):
		seen := map[string]bool{}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return "", err
			}
			key, _ := tok.(string)
			at := key
			if path != "" {
				at = path + "." + key
			}
			if seen[foldKey(key)] {
				return at, nil
			}
			seen[foldKey(key)] = true
			if dup, err := repeatedKey(dec, at); dup != "" || err != nil {
				return dup, err
			}
		}
	case json.Delim('['):
		for i := 0; dec.More(); i++ {
			if dup, err := repeatedKey(dec, fmt.Sprintf("%s[%d]", path, i)); dup != "" || err != nil {
				return dup, err
			}
		}
	default:
		return "", nil
	}
	_, err = dec.Token() // the closing '}' or ']'
	return "", err
}

// foldKey is the form in which encoding/json compares a key with a field name: each rune
// upper-cased after lower-casing, so "K" (Kelvin sign) and "k", "ſ" and "S" are one key.
func foldKey(key string) string {
	return strings.Map(func(r rune) rune { return unicode.ToUpper(unicode.ToLower(r)) }, key)
}

// cleanJSON says whether every string (and key) in a decoded JSON value is clean text;
// a "\u0000" escape decodes to a NUL character.
func cleanJSON(v any) bool {
	switch x := v.(type) {
	case string:
		return text.Clean(x)
	case []any:
		for _, item := range x {
			if !cleanJSON(item) {
				return false
			}
		}
	case map[string]any:
		for k, item := range x {
			if !text.Clean(k) || !cleanJSON(item) {
				return false
			}
		}
	}
	return true
}

func checkForm(r *http.Request) (int, string) {
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		err = r.ParseMultipartForm(32 << 20)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		if tooLarge(err) {
			return http.StatusRequestEntityTooLarge, msgTooLarge
		}
		return http.StatusBadRequest, "Unreadable form."
	}
	values := r.PostForm
	if r.MultipartForm != nil {
		values = r.MultipartForm.Value
	}
	for k, vs := range values {
		if !text.Clean(k) {
			return http.StatusBadRequest, msgUncleanText
		}
		for _, v := range vs {
			if !text.Clean(v) {
				return http.StatusBadRequest, msgUncleanText
			}
		}
	}
	return 0, ""
}

// tooLarge recognises the body limit (PocketBase's limiter, http.MaxBytesReader) and the
// standard library's own form caps ("http: POST too large", "multipart: message too large").
func tooLarge(err error) bool {
	var maxErr *http.MaxBytesError
	return errors.Is(err, apis.ErrRequestEntityTooLarge) || errors.As(err, &maxErr) ||
		errors.Is(err, multipart.ErrMessageTooLarge) || strings.Contains(err.Error(), "too large")
}
