package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Signature formats of an endpoint (docs/WEBHOOKS.md, "Formats and migration").
const (
	// FormatStandard follows the Standard Webhooks specification: webhook-id,
	// webhook-timestamp and webhook-signature headers and a {type, timestamp, data} body.
	// Every endpoint made since version 2 of the payload uses it.
	FormatStandard = "standard"
	// FormatLegacy is Teamfund's first format, kept for the endpoints registered before
	// the Standard Webhooks one, so that their receivers keep working: the old body and
	// X-Teamfund-* headers, with the Standard Webhooks headers beside them. An endpoint
	// can be moved to the standard format, never back.
	FormatLegacy = "legacy"
)

// PayloadVersion is the "version" of the body endpoints on the standard format get.
// Version 1 is the legacy body ({id, type, created, team, data}).
const PayloadVersion = 2

// Standard Webhooks headers of every delivery.
const (
	HeaderID        = "webhook-id"        // the delivery's id: the same on every retry and redelivery
	HeaderTimestamp = "webhook-timestamp" // Unix seconds when this attempt was signed
	HeaderSignature = "webhook-signature" // "v1," + base64 HMAC-SHA256(key, id + "." + timestamp + "." + body)
)

// Legacy headers, sent only to endpoints on FormatLegacy.
const (
	LegacyHeaderEvent     = "X-Teamfund-Event"
	LegacyHeaderDelivery  = "X-Teamfund-Delivery"
	LegacyHeaderTimestamp = "X-Teamfund-Timestamp"
	LegacyHeaderSignature = "X-Teamfund-Signature" // "sha256=" + hex HMAC-SHA256(secret, timestamp + "." + body)
)

const secretPrefix = "whsec_"

// Standard Webhooks keys are 24 to 64 bytes; a generated one is 32.
const (
	minKeyBytes = 24
	maxKeyBytes = 64
)

// NewSecret returns a random secret in the Standard Webhooks form whsec_<base64 of 32 bytes>.
func NewSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return secretPrefix + base64.StdEncoding.EncodeToString(b)
}

// IsStandardSecret says whether s is whsec_ followed by the base64 of a 24 to 64 byte key,
// which every Standard Webhooks library reads.
func IsStandardSecret(s string) bool {
	rest, ok := strings.CutPrefix(s, secretPrefix)
	if !ok {
		return false
	}
	key, err := base64.StdEncoding.DecodeString(rest)
	return err == nil && len(key) >= minKeyBytes && len(key) <= maxKeyBytes
}

// signingKey is the HMAC key of secret for the Standard Webhooks signature: the decoded
// base64 after whsec_, as the reference libraries read it. A legacy typed secret that is no
// such thing signs with its own bytes (docs/WEBHOOKS.md says how to verify it).
//
// note: the legacy generated secrets, whsec_ + 48 hex digits, are valid base64 too, so
// the reference libraries verify them as they are.
func signingKey(secret string) []byte {
	if rest, ok := strings.CutPrefix(secret, secretPrefix); ok {
		if key, err := base64.StdEncoding.DecodeString(rest); err == nil && len(key) > 0 {
			return key
		}
	}
	return []byte(secret)
}

// Sign is the webhook-signature header value of body with message id msgID, sent at
// timestamp (Unix seconds) by an endpoint with secret.
func Sign(secret, msgID string, timestamp int64, body []byte) string {
	mac := hmac.New(sha256.New, signingKey(secret))
	fmt.Fprintf(mac, "%s.%d.", msgID, timestamp)
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// SignLegacy is the X-Teamfund-Signature header value of the legacy format.
func SignLegacy(secret string, timestamp int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(timestamp, 10)))
	mac.Write([]byte("."))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// payload is the body of a delivery in the standard format (version 2).
type payload struct {
	Type      string          `json:"type"`      // e.g. "send.created"
	Timestamp string          `json:"timestamp"` // when the event happened, RFC 3339 UTC
	Version   int             `json:"version"`   // PayloadVersion
	Team      string          `json:"team,omitempty"`
	Data      json.RawMessage `json:"data"`
}

// legacyPayload is the body of the legacy format (version 1).
type legacyPayload struct {
	ID      string          `json:"id"`
	Type    string          `json:"type"`
	Created string          `json:"created"`
	Team    string          `json:"team,omitempty"`
	Data    json.RawMessage `json:"data"`
}

// storedPayload reads a queued body of either version: deliveries queued before the
// standard format kept the legacy body.
type storedPayload struct {
	Type      string          `json:"type"`
	Timestamp string          `json:"timestamp"`
	Created   string          `json:"created"`
	Team      string          `json:"team"`
	Data      json.RawMessage `json:"data"`
}

// bodyFor is the body a delivery of the queued payload stored is sent with to an endpoint
// of format; eventID is the id the legacy body carries.
func bodyFor(stored, format, eventID string) ([]byte, error) {
	var p storedPayload
	if err := json.Unmarshal([]byte(stored), &p); err != nil {
		return nil, err
	}
	when := p.Timestamp
	if when == "" {
		when = p.Created
	}
	if len(p.Data) == 0 {
		p.Data = json.RawMessage("null")
	}
	if format == FormatLegacy {
		return json.Marshal(legacyPayload{ID: eventID, Type: p.Type, Created: when, Team: p.Team, Data: p.Data})
	}
	return json.Marshal(payload{Type: p.Type, Timestamp: when, Version: PayloadVersion, Team: p.Team, Data: p.Data})
}
