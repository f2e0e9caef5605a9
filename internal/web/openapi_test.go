package web_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"teamfund/internal/testutil"
)

// loadOpenAPI fetches the served document and checks it is valid OpenAPI.
func loadOpenAPI(t *testing.T, srv string) *openapi3.T {
	t.Helper()
	res, body := exchange(t, "GET", srv+"/api/tf/openapi.json", "", nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("openapi.json: got %d", res.StatusCode)
	}
	doc, err := openapi3.NewLoader().LoadFromData(body)
	if err != nil {
		t.Fatalf("openapi.json does not load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.json is not valid: %v", err)
	}
	return doc
}

func TestOpenAPICoversEveryRoute(t *testing.T) {
	app := testutil.NewApp(t)
	defer app.Cleanup()
	doc := loadOpenAPI(t, testutil.Serve(t, app).URL)
	registered := map[string]bool{}
	for _, rt := range teamfundRoutes(t) {
		if !strings.HasPrefix(rt.path, "/api/tf/") {
			continue
		}
		registered[rt.method+" "+rt.path] = true
		item := doc.Paths.Value(rt.path)
		if item == nil || item.GetOperation(rt.method) == nil {
			t.Errorf("%s %s is registered but missing from /api/tf/openapi.json (add it to openAPIRoutes)", rt.method, rt.path)
			continue
		}
		op := item.GetOperation(rt.method)
		success := false
		for code := range op.Responses.Map() {
			success = success || strings.HasPrefix(code, "2")
		}
		if !success {
			t.Errorf("%s %s has no success answer in the document (add it to openAPIAnswers)", rt.method, rt.path)
		}
		if listRoutes[rt.path] && rt.method == "GET" && op.Parameters.GetByInAndName("query", "sort") == nil {
			t.Errorf("list %s documents no sort parameter", rt.path)
		}
	}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			if !registered[method+" "+path] {
				t.Errorf("openapi.json describes %s %s, which is not registered", method, path)
			}
		}
	}
}

func TestGETAnswersMatchTheOpenAPIDocument(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	srv := testutil.Serve(t, app).URL
	doc := loadOpenAPI(t, srv)
	checked := 0
	for _, rt := range teamfundRoutes(t) {
		if rt.method != "GET" || !strings.HasPrefix(rt.path, "/api/tf/") || strings.Contains(rt.path, "{") {
			continue
		}
		res, body := exchange(t, "GET", srv+rt.path, "", f.AuthHeaders("owner"))
		if !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
			continue // downloads (CSV, XLSX, ZIP)
		}
		item := doc.Paths.Value(rt.path)
		if item == nil {
			t.Errorf("%s: not in the document", rt.path)
			continue
		}
		req, _ := http.NewRequest("GET", srv+rt.path, nil)
		route := &routers.Route{Spec: doc, Path: rt.path, PathItem: item, Method: "GET", Operation: item.Get}
		in := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, Route: route,
				Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}},
			Status: res.StatusCode, Header: res.Header, Body: io.NopCloser(bytes.NewReader(body)),
		}
		if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
			t.Errorf("GET %s answer (%d) does not match the document: %v", rt.path, res.StatusCode, err)
		}
		checked++
	}
	if checked < 15 {
		t.Errorf("only %d GET answers were checked", checked)
	}
}
