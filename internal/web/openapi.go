package web

import (
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/pocketbase/pocketbase/core"
)

// openAPIRoute describes one /api/tf route for the OpenAPI document. TestOpenAPICoversEveryRoute
// fails when a registered /api/tf route has no row here.
type openAPIRoute struct {
	method, path, tag, summary string
	role                       string // the least role that may call it (public: anyone)
	list                       bool   // answers a page of PocketBase's list shape
}

var openAPIRoutes = []openAPIRoute{
	{"GET", "/api/tf/openapi.json", "meta", "This OpenAPI document", "public", false},
	{"GET", "/api/tf/overview", "overview", "The company's (or with team= one team's) money in a month (month=YYYY-MM)", "manager", false},
	{"GET", "/api/tf/api-keys", "api-keys", "List api keys", "admin", true},
	{"POST", "/api/tf/api-keys", "api-keys", "Create api keys", "admin", false},
	{"POST", "/api/tf/api-keys/{id}/revoke", "api-keys", "Post api keys revoke", "admin", false},
	{"GET", "/api/tf/approvals/sends", "approvals", "List approvals sends", "manager", true},
	{"GET", "/api/tf/audit", "audit", "List audit", "admin", true},
	{"POST", "/api/tf/budgets/run", "budgets", "Post budgets run", "admin", false},
	{"GET", "/api/tf/company/export", "company", "Get company export", "owner", false},
	{"GET", "/api/tf/export/{file}", "export", "Get one of export", "exporter", false},
	{"GET", "/api/tf/health/live", "health", "Get health live", "public", false},
	{"GET", "/api/tf/health/ready", "health", "Get health ready", "public", false},
	{"GET", "/api/tf/invite-keys", "invite-keys", "List invite keys", "manager", true},
	{"POST", "/api/tf/invite-keys", "invite-keys", "Create invite keys", "manager", false},
	{"POST", "/api/tf/invite-keys/{id}/revoke", "invite-keys", "Post invite keys revoke", "manager", false},
	{"GET", "/api/tf/invites", "invites", "List invites", "manager", true},
	{"POST", "/api/tf/invites", "invites", "Create invites", "manager", false},
	{"POST", "/api/tf/invites/bulk", "invites", "Post invites bulk", "manager", false},
	{"POST", "/api/tf/invites/import", "invites", "Post invites import", "manager", false},
	{"POST", "/api/tf/invites/preview", "invites", "Post invites preview", "manager", false},
	{"DELETE", "/api/tf/invites/{id}", "invites", "Delete invites", "manager", false},
	{"PATCH", "/api/tf/invites/{id}", "invites", "Update invites", "manager", false},
	{"POST", "/api/tf/invites/{id}/resend", "invites", "Post invites resend", "manager", false},
	{"POST", "/api/tf/invites/{id}/revoke", "invites", "Post invites revoke", "manager", false},
	{"POST", "/api/tf/leave", "leave", "Post leave", "user", false},
	{"GET", "/api/tf/leave-requests", "leave-requests", "List leave requests", "user", true},
	{"POST", "/api/tf/leave-requests/{id}/approve", "leave-requests", "Post leave requests approve", "manager", false},
	{"POST", "/api/tf/leave-requests/{id}/decline", "leave-requests", "Post leave requests decline", "manager", false},
	{"POST", "/api/tf/leave/withdraw", "leave", "Post leave withdraw", "user", false},
	{"GET", "/api/tf/ledger", "ledger", "List ledger", "user", true},
	{"GET", "/api/tf/me", "me", "Get me", "user", false},
	{"POST", "/api/tf/me/approval-mail", "me", "Post me approval mail", "user", false},
	{"POST", "/api/tf/money/balances", "money", "Post money balances", "manager", false},
	{"POST", "/api/tf/money/group", "money", "Post money group", "manager", false},
	{"GET", "/api/tf/money/me", "money", "Get money me", "user", false},
	{"POST", "/api/tf/money/move", "money", "Post money move", "admin", false},
	{"POST", "/api/tf/money/requests", "money", "Create money requests", "user", false},
	{"POST", "/api/tf/money/requests/{id}/{decision}", "money", "Post money requests", "user", false},
	{"POST", "/api/tf/money/transfer", "money", "Post money transfer", "user", false},
	{"GET", "/api/tf/outbox", "outbox", "List outbox", "admin", true},
	{"POST", "/api/tf/outbox/{id}/resend", "outbox", "Post outbox resend", "admin", false},
	{"GET", "/api/tf/sends", "sends", "List sends", "user", true},
	{"POST", "/api/tf/sends", "sends", "Create sends", "user", false},
	{"GET", "/api/tf/sends/{id}", "sends", "Get one of sends", "user", false},
	{"POST", "/api/tf/sends/{id}/approve", "sends", "Post sends approve", "manager", false},
	{"POST", "/api/tf/sends/{id}/cancel", "sends", "Post sends cancel", "user", false},
	{"POST", "/api/tf/sends/{id}/reject", "sends", "Post sends reject", "manager", false},
	{"GET", "/api/tf/settings", "settings", "Get settings", "owner", false},
	{"PUT", "/api/tf/settings", "settings", "Replace settings", "owner", false},
	{"GET", "/api/tf/teams", "teams", "List teams", "user", true},
	{"POST", "/api/tf/teams", "teams", "Create teams", "admin", false},
	{"DELETE", "/api/tf/teams/{id}", "teams", "Delete teams", "owner", false},
	{"GET", "/api/tf/teams/{id}", "teams", "Get one of teams", "user", false},
	{"PATCH", "/api/tf/teams/{id}", "teams", "Update teams", "manager", false},
	{"POST", "/api/tf/teams/{id}/members", "teams", "Post teams members", "manager", false},
	{"DELETE", "/api/tf/teams/{id}/members/{user}", "teams", "Delete teams members", "manager", false},
	{"GET", "/api/tf/touches", "touches", "List touches", "user", true},
	{"POST", "/api/tf/touches", "touches", "Create touches", "admin", false},
	{"GET", "/api/tf/touches/{id}", "touches", "Get one of touches", "user", false},
	{"PUT", "/api/tf/touches/{id}", "touches", "Replace touches", "admin", false},
	{"DELETE", "/api/tf/touches/{id}/teams/{team}", "touches", "Delete touches teams", "manager", false},
	{"PUT", "/api/tf/touches/{id}/teams/{team}", "touches", "Replace touches teams", "manager", false},
	{"GET", "/api/tf/usage", "usage", "Get usage", "manager", false},
	{"GET", "/api/tf/users", "users", "List users", "manager", true},
	{"POST", "/api/tf/users/bulk", "users", "Post users bulk", "manager", false},
	{"GET", "/api/tf/users/{id}", "users", "Get one of users", "manager", false},
	{"POST", "/api/tf/users/{id}/deactivate", "users", "Post users deactivate", "admin", false},
	{"POST", "/api/tf/users/{id}/delete", "users", "Post users delete", "admin", false},
	{"POST", "/api/tf/users/{id}/email", "users", "Post users email", "admin", false},
	{"POST", "/api/tf/users/{id}/password-reset", "users", "Post users password reset", "admin", false},
	{"POST", "/api/tf/users/{id}/permissions", "users", "Post users permissions", "manager", false},
	{"POST", "/api/tf/users/{id}/reactivate", "users", "Post users reactivate", "admin", false},
	{"POST", "/api/tf/users/{id}/role", "users", "Post users role", "manager", false},
	{"POST", "/api/tf/users/{id}/team", "users", "Post users team", "admin", false},
	{"POST", "/api/tf/users/{id}/transfer-ownership", "users", "Post users transfer ownership", "owner", false},
	{"GET", "/api/tf/webhooks", "webhooks", "List webhooks", "admin", true},
	{"POST", "/api/tf/webhooks", "webhooks", "Create webhooks", "admin", false},
	{"GET", "/api/tf/webhooks/deliveries", "webhooks", "List webhooks deliveries", "admin", true},
	{"DELETE", "/api/tf/webhooks/{id}", "webhooks", "Delete webhooks", "admin", false},
	{"PATCH", "/api/tf/webhooks/{id}", "webhooks", "Update webhooks", "admin", false},
	{"POST", "/api/tf/webhooks/{id}/test", "webhooks", "Post webhooks test", "admin", false},
	{"GET", "/api/tf/webhooks/{id}", "webhooks", "View one webhook", "admin", false},
	{"POST", "/api/tf/webhooks/{id}/pause", "webhooks", "Pause a webhook (deliveries wait)", "admin", false},
	{"POST", "/api/tf/webhooks/{id}/resume", "webhooks", "Resume a paused webhook", "admin", false},
	{"POST", "/api/tf/webhooks/deliveries/{id}/redeliver", "webhooks", "Deliver a delivery again", "admin", false},
}

var (
	openAPIOnce sync.Once
	openAPIDoc  map[string]any
)

// serveOpenAPI answers the OpenAPI 3.1 description of /api/tf, built once from openAPIRoutes.
func serveOpenAPI(e *core.RequestEvent) error {
	openAPIOnce.Do(func() { openAPIDoc = buildOpenAPI() })
	return e.JSON(http.StatusOK, openAPIDoc)
}

func buildOpenAPI() map[string]any {
	schemas := newSchemaSet()
	inputs := schemas.inputSet()
	paths := map[string]any{}
	for _, r := range openAPIRoutes {
		item, _ := paths[r.path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[r.path] = item
		}
		responses := map[string]any{"4XX": map[string]any{"$ref": "#/components/responses/Error"}}
		for _, a := range openAPIAnswers[r.method+" "+r.path] {
			responses[strconv.Itoa(a.status)] = answerResponse(schemas, a)
		}
		if strings.HasPrefix(r.path, "/api/tf/health/") {
			responses["503"] = map[string]any{"$ref": "#/components/responses/Error"}
		}
		op := map[string]any{
			"operationId": operationID(r.method, r.path),
			"summary":     r.summary,
			"tags":        []string{r.tag},
			"description": "Needs: " + r.role + ".",
			"responses":   responses,
		}
		if r.role == "public" {
			op["security"] = []any{}
		}
		if params := parametersOf(r); params != nil {
			op["parameters"] = params
		}
		if r.method == "POST" || r.method == "PUT" || r.method == "PATCH" {
			body := map[string]any{"type": "object"}
			if in, ok := openAPIBodies[r.method+" "+r.path]; ok {
				body = inputs.of(in)
			}
			op["requestBody"] = map[string]any{"required": false, "content": jsonContent(body)}
		}
		item[strings.ToLower(r.method)] = op
	}
	fieldError := map[string]any{"type": "object", "required": []string{"code", "message"}, "additionalProperties": false,
		"properties": map[string]any{"code": map[string]any{"type": "string"}, "message": map[string]any{"type": "string"}}}
	schemas.components["FieldError"] = fieldError
	schemas.components["Error"] = map[string]any{
		"type": "object", "required": []string{"status", "message", "data"}, "additionalProperties": false,
		"properties": map[string]any{
			"status":  map[string]any{"type": "integer"},
			"message": map[string]any{"type": "string"},
			"data": map[string]any{"type": "object",
				"description":          "The refused fields, each with a code and a message; for a bulk change refused for some rows (409), refused lists them.",
				"properties":           map[string]any{"refused": map[string]any{"type": "array"}},
				"additionalProperties": map[string]any{"$ref": "#/components/schemas/FieldError"}},
		}}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "Teamfund API", "version": "1",
			"description": "Teamfund's own endpoints. Authentication, paging, sorting, errors and rate limits: docs/API.md.",
			"license":     map[string]any{"name": "Proprietary", "identifier": "LicenseRef-Proprietary"}},
		"servers":  []any{map[string]any{"url": "/"}},
		"security": []any{map[string]any{"apiKey": []string{}}},
		"paths":    paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"apiKey": map[string]any{"type": "http", "scheme": "bearer", "description": "An API key (tfk_…) or a user's auth token."},
			},
			"schemas": schemas.components,
			"responses": map[string]any{
				"Error": map[string]any{"description": "An error in PocketBase's shape.",
					"content": jsonContent(map[string]any{"$ref": "#/components/schemas/Error"})},
			},
		},
	}
}

// filterWords say what each filter parameter means; one name means one thing on every
// list (docs/API.md).
var filterWords = map[string]string{
	"team":      "A team's id (none: people in no team, for admins).",
	"member":    "A user's id (the ledger also takes an email).",
	"status":    "One of the list's statuses.",
	"q":         "Text search (email or first name).",
	"from":      "First day, YYYY-MM-DD in the company's time zone (inclusive).",
	"to":        "Last day, YYYY-MM-DD in the company's time zone (inclusive).",
	"kind":      "A ledger kind, or a money word (handed_out, spent, …; docs/MONEY.md).",
	"actor":     "The acting user's id or email.",
	"action":    "An action, exact or a prefix ending in . (invite.).",
	"target":    "The target's id.",
	"role":      "owner, admin, manager or member.",
	"recipient": "The recipient's email.",
	"webhook":   "An endpoint's id.",
	"dates":     "Which day from and to apply to: sent (default) or decided (the day it went out or was refused).",
	"held_on":   "YYYY-MM-DD: the sends waiting for approval at the end of that day.",
}

// listFilters are the filter parameters of each list, by path.
var listFilters = map[string][]string{
	"/api/tf/sends":               {"status", "team", "member", "from", "to", "dates", "held_on"},
	"/api/tf/ledger":              {"kind", "team", "member", "from", "to"},
	"/api/tf/audit":               {"actor", "action", "target", "from", "to"},
	"/api/tf/users":               {"team", "role", "status", "q"},
	"/api/tf/invites":             {"team", "status"},
	"/api/tf/teams":               {"q"},
	"/api/tf/touches":             {"status"},
	"/api/tf/leave-requests":      {"status"},
	"/api/tf/outbox":              {"recipient"},
	"/api/tf/webhooks/deliveries": {"webhook"},
}

// parametersOf lists a route's path parameters and, for a list, its paging parameters.
func parametersOf(r openAPIRoute) []any {
	var params []any
	for _, seg := range strings.Split(r.path, "/") {
		if strings.HasPrefix(seg, "{") {
			params = append(params, map[string]any{"name": strings.Trim(seg, "{}"), "in": "path", "required": true,
				"schema": map[string]any{"type": "string"}})
		}
	}
	if r.list {
		params = append(params,
			map[string]any{"name": "page", "in": "query", "schema": map[string]any{"type": "integer", "minimum": 1}},
			map[string]any{"name": "perPage", "in": "query", "schema": map[string]any{"type": "integer", "minimum": 1, "maximum": maxPerPage}},
			map[string]any{"name": "skipTotal", "in": "query", "schema": map[string]any{"type": "boolean"},
				"description": "true (or 1) leaves the count out: totalItems and totalPages are -1 (PocketBase's convention), for clients that page until a short page."},
			map[string]any{"name": "sort", "in": "query", "schema": map[string]any{"type": "string"},
				"description": "Up to 3 of " + listSorts[r.path].names() + ", comma-separated, each optionally prefixed with - (descending), e.g. -" +
					firstSortField(r.path) + ". Another field is refused (400, data.sort)."})
		for _, name := range listFilters[r.path] {
			params = append(params, map[string]any{"name": name, "in": "query", "schema": map[string]any{"type": "string"},
				"description": filterWords[name]})
		}
	}
	return params
}

// answerResponse is the OpenAPI response of one answer.
func answerResponse(s *schemaSet, a answer) map[string]any {
	desc := http.StatusText(a.status) + "."
	switch {
	case a.downloads != nil:
		content := map[string]any{}
		for _, media := range a.downloads {
			content[media] = map[string]any{"schema": map[string]any{"type": "string", "contentMediaType": media}}
		}
		return map[string]any{"description": "The file.", "content": content}
	case a.body == nil:
		return map[string]any{"description": desc}
	}
	return map[string]any{"description": desc, "content": jsonContent(bodySchema(s, a.body))}
}

// bodySchema is the schema of an answer's body.
func bodySchema(s *schemaSet, body any) map[string]any {
	switch b := body.(type) {
	case inline:
		return b
	case derived:
		return b(s)
	case listOf:
		integer := map[string]any{"type": "integer", "minimum": 0}
		count := map[string]any{"type": "integer", "minimum": -1, "description": "-1 when the request asked skipTotal=1"}
		return map[string]any{"type": "object", "required": []string{"page", "perPage", "totalItems", "totalPages", "items"},
			"additionalProperties": false,
			"properties": map[string]any{"page": integer, "perPage": integer, "totalItems": count, "totalPages": count,
				"items": map[string]any{"type": "array", "items": s.of(b.item)}}}
	}
	return s.of(body)
}

func jsonContent(schema map[string]any) map[string]any {
	return map[string]any{"application/json": map[string]any{"schema": schema}}
}

// operationID names an operation after its method and path: GET /api/tf/teams/{id} → getTeamsById.
func operationID(method, path string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	for _, seg := range strings.Split(strings.TrimPrefix(path, "/api/tf/"), "/") {
		if strings.HasPrefix(seg, "{") {
			seg = "by-" + strings.Trim(seg, "{}")
		}
		for _, w := range strings.FieldsFunc(seg, func(r rune) bool { return r == '-' || r == '.' || r == '_' }) {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}

// firstSortField is one sort field of a list, for an example.
func firstSortField(path string) string {
	names := strings.Split(listSorts[path].names(), ", ")
	return names[0]
}
