package invite

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
)

// tokenBytes is the entropy of a link token: 256 random bits (the spec asks for >= 128).
const tokenBytes = 32

// tokenLen is the length of an encoded token (unpadded base64url of tokenBytes).
var tokenLen = base64.RawURLEncoding.EncodedLen(tokenBytes)

// newToken returns a fresh link token and the SHA-256 hash that is the only thing stored.
func newToken() (token, hash string) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		panic("invite: no randomness: " + err.Error()) // crypto/rand never fails on supported systems
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

// hashToken is the stored form of a token.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// wellFormed reports whether token can be one of ours, before any lookup.
func wellFormed(token string) bool {
	if len(token) != tokenLen {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(token)
	return err == nil
}

// hashMatches compares a stored hash with the hash of a presented token in constant time.
// note: the row is found through an index on the hash, so timing reveals at most something
// about a hash, never about a valid token; the final comparison is constant-time anyway.
func hashMatches(stored, token string) bool {
	return stored != "" && subtle.ConstantTimeCompare([]byte(stored), []byte(hashToken(token))) == 1
}
