package web_test

import (
	"bytes"
	"context"
	"io"
	"mime"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// openAPIDoc is the served OpenAPI document, fetched once from the first server a test
// talks to (every app serves the same one), with a matcher per path template.
var openAPIDoc struct {
	once  sync.Once
	doc   *openapi3.T
	err   error
	paths []openAPIPath
}

type openAPIPath struct {
	template string
	pattern  *regexp.Regexp
	params   int
}

// checkAnswerAgainstOpenAPI validates every /api/tf answer a test receives through
// exchange (and so apiJSON, withKey, do, body) against the document: its status must be
// one the operation lists and a JSON body must match that status's schema, so a schema
// that is wrong, or an answer that changed, fails the test that received it.
func checkAnswerAgainstOpenAPI(t *testing.T, req *http.Request, res *http.Response, body []byte) {
	t.Helper()
	if !strings.HasPrefix(req.URL.Path, "/api/tf/") || req.URL.Path == "/api/tf/openapi.json" {
		return
	}
	openAPIDoc.once.Do(func() { loadOpenAPIDoc(req.URL.Scheme + "://" + req.URL.Host) })
	if openAPIDoc.err != nil {
		t.Fatalf("openapi.json: %v", openAPIDoc.err)
	}
	template := ""
	params := map[string]string{}
	for _, p := range openAPIDoc.paths {
		if m := p.pattern.FindStringSubmatch(req.URL.Path); m != nil {
			template = p.template
			for i, name := range p.pattern.SubexpNames() {
				if name != "" {
					params[name] = m[i]
				}
			}
			break
		}
	}
	var op *openapi3.Operation
	var item *openapi3.PathItem
	if template != "" {
		item = openAPIDoc.doc.Paths.Value(template)
		op = item.GetOperation(req.Method)
	}
	if op == nil {
		if res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("%s %s answered %d but is not in the OpenAPI document", req.Method, req.URL.Path, res.StatusCode)
		}
		return
	}
	media, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type"))
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true,
		ExcludeResponseBody: media != "application/json" || len(body) == 0}
	route := &routers.Route{Spec: openAPIDoc.doc, Path: template, PathItem: item, Method: req.Method, Operation: op}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts},
		Status:                 res.StatusCode, Header: res.Header, Body: io.NopCloser(bytes.NewReader(body)), Options: opts,
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("%s %s answered %d, which the OpenAPI document does not describe: %v\n%.400s", req.Method, req.URL.Path,
			res.StatusCode, err, body)
	}
}

func loadOpenAPIDoc(origin string) {
	res, err := http.Get(origin + "/api/tf/openapi.json")
	if err != nil {
		openAPIDoc.err = err
		return
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err == nil {
		err = doc.Validate(context.Background())
	}
	if err != nil {
		openAPIDoc.err = err
		return
	}
	openAPIDoc.doc = doc
	for template := range doc.Paths.Map() {
		openAPIDoc.paths = append(openAPIDoc.paths, openAPIPath{template: template,
			pattern: regexp.MustCompile(paramPattern(template)), params: strings.Count(template, "{")})
	}
	// a static segment wins over a parameter (/webhooks/deliveries before /webhooks/{id})
	for i := range openAPIDoc.paths {
		for j := i + 1; j < len(openAPIDoc.paths); j++ {
			if openAPIDoc.paths[j].params < openAPIDoc.paths[i].params {
				openAPIDoc.paths[i], openAPIDoc.paths[j] = openAPIDoc.paths[j], openAPIDoc.paths[i]
			}
		}
	}
}

// paramPattern turns /api/tf/teams/{id} into ^/api/tf/teams/(?P<id>[^/]+)$.
func paramPattern(template string) string {
	var b strings.Builder
	b.WriteString("^")
	for _, seg := range strings.Split(template, "/")[1:] {
		b.WriteString("/")
		if strings.HasPrefix(seg, "{") {
			b.WriteString("(?P<" + strings.Trim(seg, "{}") + ">[^/]+)")
		} else {
			b.WriteString(regexp.QuoteMeta(seg))
		}
	}
	return b.String() + "$"
}
