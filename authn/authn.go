package authn

import (
	"context"
	"errors"
	"net/http"
)

// User is an authenticated identity.
type User struct {
	Name   string
	UID    string
	Groups []string
	Extra  map[string][]string
}

// Well-known users and groups.
const (
	Anonymous             = "system:anonymous"
	AllUnauthenticated    = "system:unauthenticated"
	AllAuthenticated      = "system:authenticated"
	SystemPrivilegedGroup = "system:masters"
)

// Response is the result of a successful authentication.
type Response struct {
	User User
	// Method names how the user was authenticated ("x509", "token", "anonymous", ...), for audit.
	Method string
	// Audiences the credential was valid for, when it had any.
	Audiences []string
}

// Authenticator authenticates a request. ok is false when the request carries no credential this
// authenticator understands; err is set when it carries one that is bad (expired, forged, unknown).
type Authenticator interface {
	AuthenticateRequest(r *http.Request) (resp *Response, ok bool, err error)
}

// AuthenticatorFunc adapts a function to an Authenticator.
type AuthenticatorFunc func(r *http.Request) (*Response, bool, error)

// AuthenticateRequest calls f.
func (f AuthenticatorFunc) AuthenticateRequest(r *http.Request) (*Response, bool, error) {
	return f(r)
}

var _ Authenticator = AuthenticatorFunc(nil)

// Union returns an Authenticator that tries each in order and returns the first success, adding
// the group system:authenticated that every authenticated user belongs to, as kube-apiserver does.
// When none succeeds, the errors of those that failed are joined; no error and no success means the
// request carried no credential.
func Union(as ...Authenticator) Authenticator {
	return AuthenticatorFunc(func(r *http.Request) (*Response, bool, error) {
		var errs []error
		for _, a := range as {
			resp, ok, err := a.AuthenticateRequest(r)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if ok {
				return withAuthenticatedGroup(resp), true, nil
			}
		}
		return nil, false, errors.Join(errs...)
	})
}

func withAuthenticatedGroup(resp *Response) *Response {
	if resp.User.Name == Anonymous {
		return resp
	}
	for _, g := range resp.User.Groups {
		if g == AllAuthenticated {
			return resp
		}
	}
	out := *resp
	out.User.Groups = append(append([]string(nil), resp.User.Groups...), AllAuthenticated)
	return &out
}

// WithAnonymous lets requests that carry no credential at all in as system:anonymous. A request
// with a bad credential still fails (401): anonymous access is not a way around a rejected token,
// as in kube-apiserver.
func WithAnonymous(a Authenticator) Authenticator {
	anon := AnonymousAuthenticator()
	return AuthenticatorFunc(func(r *http.Request) (*Response, bool, error) {
		resp, ok, err := a.AuthenticateRequest(r)
		if ok || err != nil {
			return resp, ok, err
		}
		return anon.AuthenticateRequest(r)
	})
}

// AnonymousAuthenticator authenticates every request as system:anonymous in the group
// system:unauthenticated. Put it last in a Union, and only where anonymous access is wanted.
func AnonymousAuthenticator() Authenticator {
	return AuthenticatorFunc(func(*http.Request) (*Response, bool, error) {
		return &Response{User: User{Name: Anonymous, Groups: []string{AllUnauthenticated}}, Method: "anonymous"}, true, nil
	})
}

type userKey struct{}

// WithUser returns a context carrying u.
func WithUser(ctx context.Context, u User) context.Context {
	return context.WithValue(ctx, userKey{}, u)
}

// UserFrom returns the user in ctx, if any.
func UserFrom(ctx context.Context) (User, bool) {
	u, ok := ctx.Value(userKey{}).(User)
	return u, ok
}
