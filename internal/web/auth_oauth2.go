package web

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/auth"
	"github.com/pocketbase/pocketbase/tools/security"
	"golang.org/x/oauth2"

	"teamfund/internal/company"
	"teamfund/internal/invite"
	"teamfund/internal/sso"
)

// Single sign-on routes (the providers are PocketBase's, set up in the dashboard):
//
//	GET /auth/oauth2/{provider}  startOAuth2   ?next= a local page, ?key= an invite key token
//	GET /auth/oauth2/callback    finishOAuth2  the redirect URL registered at the provider
func bindOAuth2Routes(g routeGroup) {
	g.GET("/auth/oauth2/callback", finishOAuth2)
	g.GET("/auth/oauth2/{provider}", startOAuth2)
}

const (
	// oauth2Cookie carries one sign-in attempt from the start to the callback.
	oauth2Cookie = "tf_oauth2"
	oauth2Path   = "/auth/oauth2/"
	// oauth2TTL is how long a person may take at the provider's sign-in page.
	oauth2TTL = 10 * time.Minute
)

// oauth2Flow is kept in an HttpOnly cookie between the start and the callback: the state
// proves the callback answers our own request, the PKCE verifier proves the code is ours.
type oauth2Flow struct {
	State    string `json:"s"`
	Verifier string `json:"v"`
	Provider string `json:"p"`
	Key      string `json:"k,omitempty"` // invite key token of a join page
	Next     string `json:"n,omitempty"`
}

// ssoButton is one "Sign in with …" link.
type ssoButton struct {
	Label string
	URL   string
}

// ssoButtons links every usable provider, carrying an invite key or a next page along;
// verb starts the label ("Sign in with Google", "Join with Google").
func ssoButtons(e *core.RequestEvent, verb, key, next string) []ssoButton {
	var out []ssoButton
	for _, p := range sso.Usable(e.App) {
		q := url.Values{}
		if key != "" {
			q.Set("key", key)
		}
		if next != "" {
			q.Set("next", next)
		}
		u := oauth2Path + url.PathEscape(p.Name)
		if len(q) > 0 {
			u += "?" + q.Encode()
		}
		out = append(out, ssoButton{Label: verb + " with " + p.DisplayName, URL: u})
	}
	return out
}

// callbackURL is the redirect URL to register at the provider: this server as the browser
// reached it, so the flow cookie set here rides along on the way back.
func callbackURL(e *core.RequestEvent) string {
	return requestOrigin(e) + oauth2Path + "callback"
}

func startOAuth2(e *core.RequestEvent) error {
	if !company.IsSetUp(e.App) {
		return redirect(e, "/setup")
	}
	q := e.Request.URL.Query()
	flow := oauth2Flow{State: security.RandomString(32), Verifier: security.RandomString(64),
		Key: q.Get("key"), Next: safeNext(q.Get("next"))}
	if currentUser(e) != nil && flow.Key == "" {
		return redirect(e, "/")
	}
	cfg, err := sso.Find(e.App, e.Request.PathValue("provider"))
	if err != nil {
		return ssoRefused(e, http.StatusNotFound, "Sign-in option not available", capitalize(err.Error())+".")
	}
	client, err := sso.Init(cfg)
	if err != nil {
		return ssoRefused(e, http.StatusServiceUnavailable, "Single sign-on is not set up correctly",
			"Sign-in with "+cfg.Name+" cannot start: "+err.Error()+". An admin can fix this; until then use another way to sign in.")
	}
	flow.Provider = cfg.Name
	client.SetRedirectURL(callbackURL(e))
	var opts []oauth2.AuthCodeOption
	if client.PKCE() {
		sum := sha256.Sum256([]byte(flow.Verifier))
		opts = append(opts, oauth2.SetAuthURLParam("code_challenge", base64.RawURLEncoding.EncodeToString(sum[:])),
			oauth2.SetAuthURLParam("code_challenge_method", "S256"))
	}
	raw, err := json.Marshal(flow)
	if err != nil {
		return pageError(e, err)
	}
	e.SetCookie(&http.Cookie{Name: oauth2Cookie, Value: base64.RawURLEncoding.EncodeToString(raw), Path: oauth2Path,
		MaxAge: int(oauth2TTL / time.Second), HttpOnly: true, Secure: isHTTPS(e), SameSite: http.SameSiteLaxMode})
	return e.Redirect(http.StatusFound, client.BuildAuthURL(flow.State, opts...))
}

// takeOAuth2Flow reads and clears the flow cookie: each attempt's state is used once.
func takeOAuth2Flow(e *core.RequestEvent) (oauth2Flow, bool) {
	var flow oauth2Flow
	raw, err := base64.RawURLEncoding.DecodeString(takeCookie(e, oauth2Cookie, oauth2Path, http.SameSiteLaxMode))
	if err != nil || json.Unmarshal(raw, &flow) != nil || flow.State == "" || flow.Verifier == "" {
		return flow, false
	}
	return flow, true
}

func finishOAuth2(e *core.RequestEvent) error {
	q := e.Request.URL.Query()
	flow, ok := takeOAuth2Flow(e)
	if !ok || subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(flow.State)) != 1 {
		return ssoRefused(e, http.StatusBadRequest, "Sign-in expired",
			"This sign-in attempt expired or was started in another browser. Go back to the sign-in page and try again.")
	}
	cfg, err := sso.Find(e.App, flow.Provider)
	if err != nil {
		return ssoRefused(e, http.StatusNotFound, "Sign-in option not available", capitalize(err.Error())+".")
	}
	client, err := sso.Init(cfg)
	if err != nil {
		return ssoRefused(e, http.StatusServiceUnavailable, "Single sign-on is not set up correctly", "Sign-in with "+cfg.Name+": "+err.Error()+".")
	}
	name := providerLabel(cfg, client.DisplayName())
	if code := q.Get("error"); code != "" {
		reason := q.Get("error_description")
		if reason == "" {
			reason = code
		}
		return ssoRefused(e, http.StatusUnauthorized, "Not signed in", name+" did not sign you in ("+reason+"). Try again, or ask an admin.")
	}
	user, err := exchangeCode(e, client, q.Get("code"), flow.Verifier)
	if err != nil {
		return exchangeFailed(e, cfg.Name, name, err)
	}
	m, outcome, err := sso.SignIn(e.App, sso.Identity{Provider: cfg.Name, Email: user.Email, Name: user.Name}, flow.Key)
	if err != nil {
		return ssoSignInRefused(e, name, user.Email, err)
	}
	if err := startSession(e, m); err != nil {
		return pageError(e, err)
	}
	if outcome != sso.SignedIn {
		setFlash(e, "ok", "Welcome to Teamfund, "+m.Name()+".")
	}
	next := flow.Next
	if next == "" {
		next = "/"
	}
	return redirect(e, next)
}

// The two steps of the server-side exchange that can fail at the provider.
var (
	errCodeRejected  = errors.New("code exchange failed")
	errProfileUnread = errors.New("user profile fetch failed")
)

// exchangeCode trades the authorization code (with the PKCE verifier) for tokens on the
// server and reads the person's profile through PocketBase's provider.
func exchangeCode(e *core.RequestEvent, client auth.Provider, code, verifier string) (*auth.AuthUser, error) {
	ctx, cancel := context.WithTimeout(e.Request.Context(), 30*time.Second)
	defer cancel()
	client.SetContext(ctx)
	client.SetRedirectURL(callbackURL(e))
	var opts []oauth2.AuthCodeOption
	if client.PKCE() {
		opts = append(opts, oauth2.SetAuthURLParam("code_verifier", verifier))
	}
	token, err := client.FetchToken(code, opts...)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errCodeRejected, err)
	}
	user, err := client.FetchAuthUser(token)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errProfileUnread, err)
	}
	return user, nil
}

// exchangeFailed logs why the provider exchange failed and tells the person which
// settings an admin should check.
func exchangeFailed(e *core.RequestEvent, provider, name string, err error) error {
	e.App.Logger().Warn("oauth2 sign-in failed", slog.String("provider", provider), slog.Any("error", err))
	if errors.Is(err, errCodeRejected) {
		return ssoRefused(e, http.StatusBadGateway, "Sign-in failed", name+" did not accept Teamfund's sign-in request. An admin should check the Client ID, the Client secret and the token URL in the dashboard, and that "+callbackURL(e)+" is registered at the provider as a redirect URL.")
	}
	return ssoRefused(e, http.StatusBadGateway, "Sign-in failed", "Teamfund could not read your profile from "+name+". An admin should check the provider settings in the dashboard (for OpenID Connect: user info URL, or JWKS URL and issuer).")
}

// providerLabel is the name people know the provider by.
func providerLabel(cfg core.OAuth2ProviderConfig, fallback string) string {
	if cfg.DisplayName != "" {
		return cfg.DisplayName
	}
	return fallback
}

// ssoSignInRefused explains why a verified identity may not come in.
func ssoSignInRefused(e *core.RequestEvent, provider, email string, err error) error {
	switch {
	case errors.Is(err, sso.ErrUnverifiedEmail):
		return ssoRefused(e, http.StatusForbidden, "Email not verified",
			provider+" did not confirm a verified email address for your account, so Teamfund cannot tell who you are. Verify your email address with "+provider+", or ask an admin.")
	case errors.Is(err, sso.ErrNoAccount):
		return ssoRefused(e, http.StatusForbidden, "No Teamfund account",
			"There is no Teamfund account or pending invite for "+email+". Teamfund accounts are by invitation: ask an admin for an invite.")
	case errors.Is(err, sso.ErrDeactivated):
		return ssoRefused(e, http.StatusForbidden, "Account deactivated", "The account of "+email+" is deactivated. Ask an admin to reactivate it.")
	case errors.Is(err, invite.ErrInvalidLink):
		return ssoRefused(e, http.StatusNotFound, "Invalid or expired link",
			"The join link is invalid or has expired, and "+email+" has no account or pending invite. Ask the person who shared the link for a new one.")
	}
	status, msg := inviteMessage(err)
	if status >= 500 {
		return pageError(e, err)
	}
	return ssoRefused(e, status, "Cannot join", email+": "+msg)
}

// ssoRefused is the page that ends a sign-in that did not work, with the way back.
func ssoRefused(e *core.RequestEvent, status int, heading, message string) error {
	return render(e, status, "auth/refused", &errorPage{Page: Page{Title: heading}, Heading: heading, Message: message})
}
