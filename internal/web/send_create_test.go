package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/testutil"
)

func sendJSONBody(touchID string) *strings.Reader {
	return jsonBody(`{"touch":"` + touchID + `","recipient_name":"Carla Client","recipient_email":" Carla@Client.example "}`)
}

// TestSendRefusals: every rule that refuses a send answers with its own message and
// writes nothing (no send, ledger entry, audit entry, balance or inventory change).
func TestSendRefusals(t *testing.T) {
	f := testutil.Fixtures(t)
	refused := func(name, who, touchID string, status int, msg string) tests.ApiScenario {
		return tests.ApiScenario{
			Name: name, Method: http.MethodPost, URL: "/api/tf/sends", Body: sendJSONBody(touchID),
			Headers: f.AuthHeaders(who), TestAppFactory: newSendsApp,
			ExpectedStatus: status, ExpectedContent: []string{msg},
			AfterTestFunc: expectNothingWritten,
		}
	}
	scenarios := []tests.ApiScenario{
		refused("member cannot send a completed touch", "memberA", doneID, http.StatusConflict, "This touch is not active, so it cannot be sent."),
		refused("member cannot send a touch before its start date", "memberA", futureID, http.StatusConflict, "This touch has not started yet."),
		refused("member cannot send a touch after its end date", "memberA", oldID, http.StatusConflict, "This touch has ended."),
		refused("member cannot send a touch not assigned to their team", "memberA", betaOnlyID, http.StatusForbidden, "This touch is not assigned to your team."),
		refused("member cannot send a touch without inventory", "memberA", emptyID, http.StatusConflict, "This touch is out of inventory."),
		refused("member cannot send a touch above the team's max per send", "memberA", yachtID, http.StatusConflict, "This touch costs more than your team's maximum per send."),
		refused("member cannot send a touch costing more than their balance", "memberA2", hamperID, http.StatusConflict, "Your balance is too low for this touch."),
		refused("teamless member cannot send", "loner", mugID, http.StatusForbidden, "You are not in a team, so you cannot send touches."),
		refused("admin without a team cannot send", "admin", mugID, http.StatusForbidden, "You are not in a team"),
		refused("unknown touch is not found", "memberA", "nosuchtouch0000", http.StatusNotFound, "Not found."),
		{
			Name: "missing recipient fields are named", Method: http.MethodPost, URL: "/api/tf/sends",
			Body:    jsonBody(`{"touch":"` + mugID + `","recipient_name":"  ","recipient_email":"not-an-email"}`),
			Headers: f.AuthHeaders("memberA"), TestAppFactory: newSendsApp,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"recipient_name"`, `"recipient_email"`, "valid email"},
			AfterTestFunc: expectNothingWritten,
		},
		{
			Name: "a body that is not JSON is a 400", Method: http.MethodPost, URL: "/api/tf/sends", Body: jsonBody(`touch=1`),
			Headers: f.AuthHeaders("memberA"), TestAppFactory: newSendsApp,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"body"`},
			AfterTestFunc: expectNothingWritten,
		},
		{
			Name: "guest cannot send", Method: http.MethodPost, URL: "/api/tf/sends", Body: sendJSONBody(mugID),
			TestAppFactory: newSendsApp, ExpectedStatus: http.StatusUnauthorized, ExpectedContent: []string{"Sign in first."},
			AfterTestFunc: expectNothingWritten,
		},
		{
			Name: "refusal on the HTML form shows the reason above the form and keeps the input", Method: http.MethodPost, URL: "/sends",
			Body:    form(url.Values{"touch": {yachtID}, "recipient_name": {"Carla Client"}, "recipient_email": {"carla@client.example"}}),
			Headers: f.FormHeaders("memberA"), TestAppFactory: newSendsApp,
			ExpectedStatus:  http.StatusConflict,
			ExpectedContent: []string{`id="send-refusal"`, "This touch costs more than your team&#39;s maximum per send.", `value="Carla Client"`},
			AfterTestFunc:   expectNothingWritten,
		},
		{
			Name: "bad email on the HTML form is a field error", Method: http.MethodPost, URL: "/sends",
			Body:    form(url.Values{"touch": {mugID}, "recipient_name": {"Carla"}, "recipient_email": {"carla@"}}),
			Headers: f.FormHeaders("memberA"), TestAppFactory: newSendsApp,
			ExpectedStatus: http.StatusUnprocessableEntity, ExpectedContent: []string{"Must be a valid email address."},
			AfterTestFunc: expectNothingWritten,
		},
		{
			Name: "HTML send without CSRF token is refused", Method: http.MethodPost, URL: "/sends",
			Body:           form(url.Values{"touch": {mugID}, "recipient_name": {"Carla"}, "recipient_email": {"carla@client.example"}}),
			Headers:        map[string]string{"Cookie": "tf_session=" + f.Token("memberA"), "Content-Type": "application/x-www-form-urlencoded"},
			TestAppFactory: newSendsApp, ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{"Reload the page"},
			AfterTestFunc: expectNothingWritten,
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
