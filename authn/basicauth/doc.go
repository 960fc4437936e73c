// Package basicauth authenticates requests by "Authorization: Basic" user names and passwords
// listed in a CSV file, the format of kube-apiserver's --basic-auth-file:
//
//	password,user name,user uid,"group1,group2"
//
// This is legacy: Kubernetes deprecated the password file in 1.16 and removed it in 1.19, because
// long-lived passwords sent with every request, never expiring and revocable only by a restart, are
// the weakest credential there is. skiff keeps it for old tooling and tests; it is off unless an
// API server is configured with a file, and new setups should use client certificates or tokens.
//
// Records are read as Kubernetes read them (at least three columns, the fourth, optional, a quoted
// list of groups; blank lines skipped; no comment syntax), except that where Kubernetes warned and
// guessed, Load refuses the file and names the line: an empty password or user name, a user listed
// twice, or more than four columns.
//
//	a, err := basicauth.Load("/etc/skiff/passwords.csv")
//	if err != nil {
//		return err // "basicauth: malformed password file: /etc/skiff/passwords.csv:2: ..."
//	}
//	resp, ok, err := a.AuthenticateRequest(r) // Authorization: Basic YWxpY2U6czNjcjN0
//	switch {
//	case err != nil: // unknown user or wrong password: 401
//	case !ok: // no basic credentials: let another authenticator try
//	default: // resp.User is the file's user, resp.Method is "basic"
//	}
package basicauth
