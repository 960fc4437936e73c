// Package serviceaccount issues and verifies service account tokens as Kubernetes does: JWTs
// signed with the API server's key (ES256 for a P-256 ECDSA key, RS256 for RSA), for chosen
// audiences, that expire, and that stop working as soon as their service account, or the pod or
// secret they are bound to, is deleted.
//
// An Issuer signs; TokenRequester serves the serviceaccounts/<name>/token subresource with it; an
// Authenticator verifies signature, algorithm, issuer, audience and validity, then asks a Lookup
// whether the objects the token names still exist with the same uids. Signing and verification
// are go-jose's; only the claims and the checks are written here.
//
//	issuer, err := serviceaccount.NewIssuer(key, "https://skiff.example.com", clk)
//	requests := &serviceaccount.TokenRequester{Issuer: issuer, Lookup: serviceaccount.StoreLookup(st)}
//	tr, err := requests.TokenRequest(ctx, "ci", "builder", &authentication.TokenRequest{})
//	// tr.Status.Token is "eyJhbGciOiJFUzI1NiIsImtpZCI6..."
//
//	a, err := serviceaccount.NewAuthenticator([]crypto.PublicKey{key.Public()},
//		[]string{"https://skiff.example.com"}, nil, serviceaccount.StoreLookup(st), clk)
//	resp, ok, err := a.AuthenticateRequest(r) // Authorization: Bearer <tr.Status.Token>
//	// resp.User.Name is "system:serviceaccount:ci:builder"; errors.Is(err, serviceaccount.ErrExpired) ...
//
// Legacy tokens, stored in Secrets of type kubernetes.io/service-account-token, without audience
// or expiry, are neither issued nor accepted.
package serviceaccount
