// Package authn answers "who is making this request": an Authenticator turns a request into a User
// (name, uid, groups, extra), and Union tries several, the first that succeeds winning, as
// kube-apiserver does.
//
//	a := authn.Union(x509Authenticator, tokenAuthenticator, authn.Anonymous())
//	resp, ok, err := a.AuthenticateRequest(r)
//	if !ok {
//		// 401 Unauthorized
//	}
//	ctx := authn.WithUser(r.Context(), resp.User)
package authn
