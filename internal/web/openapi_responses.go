package web

import (
	"net/http"

	"teamfund/internal/apikey"
	"teamfund/internal/audit"
	"teamfund/internal/company"
	"teamfund/internal/leave"
	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/overview"
	"teamfund/internal/team"
	"teamfund/internal/transfer"
	"teamfund/internal/webhook"
)

// answer is one successful answer of a route: its status and its body, given as a Go
// value whose type encoding/json writes (its schema is derived, see schemaSet), as an
// inline schema, as a download's media types, or nothing (204).
type answer struct {
	status    int
	body      any
	downloads []string
}

// inline is a schema written by hand, for small bodies built from maps.
type inline map[string]any

// derived is a hand-written schema that refers to derived ones.
type derived func(s *schemaSet) map[string]any

// listOf marks a list route's item type: the answer is a listPage of it.
type listOf struct{ item any }

func ok(body any) []answer      { return []answer{{status: http.StatusOK, body: body}} }
func created(body any) []answer { return []answer{{status: http.StatusCreated, body: body}} }
func noContent() []answer       { return []answer{{status: http.StatusNoContent}} }
func list(item any) []answer    { return ok(listOf{item}) }

// props is an object schema whose every property is required and no other is allowed.
func props(fields map[string]string) inline {
	p := map[string]any{}
	req := []string{}
	for name, typ := range fields {
		p[name] = map[string]any{"type": typ}
		req = append(req, name)
	}
	return inline{"type": "object", "properties": p, "required": req, "additionalProperties": false}
}

// openAPIAnswers is what each /api/tf route answers on success, by "METHOD path".
// TestOpenAPICoversEveryRoute fails when a route has none.
var openAPIAnswers = map[string][]answer{
	"GET /api/tf/openapi.json": ok(inline{"type": "object", "required": []string{"openapi", "paths"},
		"properties": map[string]any{"openapi": map[string]any{"type": "string"}, "paths": map[string]any{"type": "object"}}}),
	"GET /api/tf/overview":  ok(overview.Overview{}),
	"GET /api/tf/api-keys":  list(apiKeyJSON{}),
	"POST /api/tf/api-keys": created(apiKeyJSON{}),

	"POST /api/tf/api-keys/{id}/revoke": noContent(),
	"GET /api/tf/approvals/sends":       list(sendJSON{}),
	"GET /api/tf/audit":                 list(audit.Row{}),
	"POST /api/tf/budgets/run":          ok(props(map[string]string{"month": "string", "entries": "integer", "total": "integer"})),
	"GET /api/tf/company/export":        {{status: http.StatusOK, downloads: []string{"application/zip"}}},
	"GET /api/tf/export/{file}": {{status: http.StatusOK, downloads: []string{"text/csv",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}}},
	"GET /api/tf/health/live":  ok(props(map[string]string{"status": "string"})),
	"GET /api/tf/health/ready": ok(props(map[string]string{"status": "string", "migrations": "integer"})),

	"GET /api/tf/invite-keys":              list(keyJSON{}),
	"POST /api/tf/invite-keys":             created(keyJSON{}),
	"POST /api/tf/invite-keys/{id}/revoke": noContent(),
	"GET /api/tf/invites":                  list(inviteJSON{}),
	"POST /api/tf/invites":                 created(inviteJSON{}),
	"POST /api/tf/invites/bulk": {{status: http.StatusOK, body: derived(func(s *schemaSet) map[string]any {
		return map[string]any{"anyOf": []any{map[string]any(props(map[string]string{"changed": "integer"})), s.of(inviteJSON{})}}
	})}, {status: http.StatusNoContent}},
	"POST /api/tf/invites/import":                     ok(csvAnswer("invited")),
	"POST /api/tf/invites/preview":                    ok(csvAnswer("valid")),
	"DELETE /api/tf/invites/{id}":                     noContent(),
	"PATCH /api/tf/invites/{id}":                      ok(inviteJSON{}),
	"POST /api/tf/invites/{id}/resend":                ok(inviteJSON{}),
	"POST /api/tf/invites/{id}/revoke":                ok(inviteJSON{}),
	"POST /api/tf/leave":                              {{status: http.StatusOK, body: props(map[string]string{"left": "boolean"})}, {status: http.StatusAccepted, body: props(map[string]string{"left": "boolean", "request": "string", "status": "string"})}},
	"GET /api/tf/leave-requests":                      list(leave.Row{}),
	"POST /api/tf/leave-requests/{id}/approve":        noContent(),
	"POST /api/tf/leave-requests/{id}/decline":        noContent(),
	"POST /api/tf/leave/withdraw":                     noContent(),
	"GET /api/tf/ledger":                              list(ledger.Row{}),
	"GET /api/tf/me":                                  ok(meJSON{}),
	"POST /api/tf/me/approval-mail":                   ok(props(map[string]string{"on": "boolean"})),
	"POST /api/tf/money/balances":                     ok(props(map[string]string{"changed": "integer"})),
	"POST /api/tf/money/group":                        ok(props(map[string]string{"entries": "integer", "total": "integer", "ref": "string"})),
	"GET /api/tf/money/me":                            ok(myMoneyJSON{}),
	"POST /api/tf/money/move":                         ok(transfer.Result{}),
	"POST /api/tf/money/requests":                     created(transfer.Request{}),
	"POST /api/tf/money/requests/{id}/{decision}":     ok(transfer.Request{}),
	"POST /api/tf/money/transfer":                     ok(transfer.Result{}),
	"GET /api/tf/outbox":                              list(outboxJSON{}),
	"POST /api/tf/outbox/{id}/resend":                 ok(outboxJSON{}),
	"GET /api/tf/sends":                               list(sendJSON{}),
	"POST /api/tf/sends":                              created(sendJSON{}),
	"GET /api/tf/sends/{id}":                          ok(sendJSON{}),
	"POST /api/tf/sends/{id}/approve":                 ok(sendJSON{}),
	"POST /api/tf/sends/{id}/cancel":                  ok(sendJSON{}),
	"POST /api/tf/sends/{id}/reject":                  ok(sendJSON{}),
	"GET /api/tf/settings":                            ok(company.Settings{}),
	"PUT /api/tf/settings":                            ok(company.Settings{}),
	"GET /api/tf/teams":                               list(team.Summary{}),
	"POST /api/tf/teams":                              created(teamJSON{}),
	"DELETE /api/tf/teams/{id}":                       noContent(),
	"GET /api/tf/teams/{id}":                          ok(teamJSON{}),
	"PATCH /api/tf/teams/{id}":                        ok(teamJSON{}),
	"POST /api/tf/teams/{id}/members":                 noContent(),
	"DELETE /api/tf/teams/{id}/members/{user}":        noContent(),
	"GET /api/tf/touches":                             list(touchJSON{}),
	"POST /api/tf/touches":                            created(touchJSON{}),
	"GET /api/tf/touches/{id}":                        ok(touchJSON{}),
	"PUT /api/tf/touches/{id}":                        ok(touchJSON{}),
	"DELETE /api/tf/touches/{id}/teams/{team}":        ok(touchJSON{}),
	"PUT /api/tf/touches/{id}/teams/{team}":           ok(touchJSON{}),
	"GET /api/tf/usage":                               ok(usageJSON{}),
	"GET /api/tf/users":                               list(member.Row{}),
	"POST /api/tf/users/bulk":                         ok(props(map[string]string{"updated": "integer"})),
	"GET /api/tf/users/{id}":                          ok(member.Row{}),
	"GET /api/tf/webhooks":                            list(webhookJSON{}),
	"POST /api/tf/webhooks":                           created(webhookJSON{}),
	"GET /api/tf/webhooks/deliveries":                 ok(webhook.DeliveryPage{}),
	"DELETE /api/tf/webhooks/{id}":                    noContent(),
	"PATCH /api/tf/webhooks/{id}":                     ok(webhookJSON{}),
	"POST /api/tf/webhooks/{id}/test":                 {{status: http.StatusAccepted, body: props(map[string]string{"queued": "boolean"})}},
	"GET /api/tf/webhooks/{id}":                       ok(webhookJSON{}),
	"POST /api/tf/webhooks/{id}/pause":                ok(webhookJSON{}),
	"POST /api/tf/webhooks/{id}/resume":               ok(webhookJSON{}),
	"POST /api/tf/webhooks/deliveries/{id}/redeliver": {{status: http.StatusAccepted, body: props(map[string]string{"queued": "boolean"})}},
}

// csvAnswer is the answer of a CSV preview or import: a count, the refused count and
// every checked row.
func csvAnswer(count string) derived {
	return func(s *schemaSet) map[string]any {
		return map[string]any{"type": "object", "required": []string{count, "refused", "rows"}, "additionalProperties": false,
			"properties": map[string]any{count: map[string]any{"type": "integer"}, "refused": map[string]any{"type": "integer"},
				"rows": map[string]any{"type": "array", "items": s.of(rowJSON{})}}}
	}
}

func init() {
	for _, a := range userActions {
		openAPIAnswers["POST /api/tf/users/{id}/"+a.path] = ok(props(map[string]string{"message": "string"}))
	}
}

// openAPIBodies are the request bodies of the routes whose handlers read a named type, by
// "METHOD path"; the others are described as a JSON object.
var openAPIBodies = map[string]any{
	"POST /api/tf/api-keys":       apikey.Input{},
	"POST /api/tf/invites":        inviteInput{},
	"POST /api/tf/invites/bulk":   changeInput{},
	"PATCH /api/tf/invites/{id}":  changeInput{},
	"POST /api/tf/money/transfer": amountJSON{},
	"POST /api/tf/money/requests": amountJSON{},
	"POST /api/tf/money/move":     amountJSON{},
	"POST /api/tf/money/group":    groupJSON{},
	"POST /api/tf/money/balances": balancesJSON{},
	"POST /api/tf/sends":          sendBody{},
	"PUT /api/tf/settings":        company.Settings{},
	"POST /api/tf/teams":          team.Input{},
	"PATCH /api/tf/teams/{id}":    team.Input{},
	"POST /api/tf/touches":        touchBody{},
	"PUT /api/tf/touches/{id}":    touchBody{},
	"POST /api/tf/webhooks":       webhook.Input{},
	"PATCH /api/tf/webhooks/{id}": webhook.Input{},
}
