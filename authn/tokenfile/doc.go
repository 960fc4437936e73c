// Package tokenfile authenticates requests by static bearer tokens listed in a CSV file, the format
// of kube-apiserver's --token-auth-file:
//
//	token,user name,user uid,"group1,group2"
//
// One record a line, at least three columns; the fourth, optional, holds the groups, and must be
// quoted when there is more than one. Blank lines are skipped. As in Kubernetes there is no comment
// syntax: a line starting with # is a record like any other.
//
// Where Kubernetes logs a warning and guesses, Load refuses the file and names the line, because a
// guess about who a credential belongs to is a security bug waiting for its day: an empty token, an
// empty user name, a token listed twice, or more than four columns (usually unquoted groups, of which
// Kubernetes would silently keep only the first) are errors.
//
//	a, err := tokenfile.Load("/etc/skiff/tokens.csv")
//	if err != nil {
//		return err // "tokenfile: malformed token file: /etc/skiff/tokens.csv:3: ..."
//	}
//	resp, ok, err := a.AuthenticateRequest(r) // Authorization: Bearer 31ada4fd-adec-460c-809a-9e56ceb75269
//	switch {
//	case err != nil: // a bearer token that is not in the file: 401
//	case !ok: // no bearer token: let another authenticator try
//	default: // resp.User is the file's user, resp.Method is "token"
//	}
//
// Static tokens never expire and are only revoked by editing the file and restarting; they suit
// bootstrap and tests, not people.
package tokenfile
