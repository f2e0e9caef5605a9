package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
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

// refuseBadInput runs before CSRF and every handler of a state-changing request, so that
// what no handler should ever see is refused in one place:
//   - a JSON body that is not exactly one JSON value (today's decoders stop after the first
//     value and would act on `{"amount":1} trailing data`);
//   - NUL characters or invalid UTF-8 in a JSON body or any form field (they would be stored);
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
