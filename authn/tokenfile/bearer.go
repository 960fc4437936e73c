package tokenfile

import (
	"net/http"
	"strings"
)

// BearerToken returns the token of an "Authorization: Bearer <token>" header, as Kubernetes reads
// it: the scheme is case-insensitive, the header is trimmed, and the token is the text between the
// first and second single space, so "Bearer  x" (two spaces) carries no token. ok is false when there
// is no such header or the token is empty: the request carries no bearer token, which is not an
// error. Tokens sent as a websocket subprotocol (base64url.bearer.authorization.k8s.io.<token>) are
// not read.
func BearerToken(r *http.Request) (token string, ok bool) {
	auth := strings.TrimSpace(r.Header.Get("Authorization"))
	scheme, rest, found := strings.Cut(auth, " ")
	if !found || !strings.EqualFold(scheme, "bearer") {
		return "", false
	}
	token, _, _ = strings.Cut(rest, " ")
	return token, token != ""
}
