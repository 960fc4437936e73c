package basicauth

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"

	"github.com/skiff-io/skiff/authn"
	"github.com/skiff-io/skiff/authn/internal/credfile"
)

// Method is what Response.Method says for a request authenticated by a password.
const Method = "basic"

var (
	// ErrInvalidCredentials means a request named an unknown user or the wrong password. The two are
	// not told apart, so that the answer does not confirm which user names exist.
	ErrInvalidCredentials = errors.New("basicauth: invalid username/password combination")
	// ErrMalformed means a password file or entry cannot be used; the error names the line.
	ErrMalformed = errors.New("basicauth: malformed password file")
)

// Entry is one user and its password.
type Entry struct {
	Password string
	User     authn.User
}

// Authenticator authenticates requests by basic credentials. It is safe for concurrent use.
type Authenticator struct {
	users map[string]*user
}

type user struct {
	// passwordHash is the SHA-256 of the password. Comparing hashes in constant time hides both
	// where a guess first differs and how long the password is.
	passwordHash [sha256.Size]byte
	resp         authn.Response
}

var _ authn.Authenticator = (*Authenticator)(nil)

// Load reads the password file at path (see Parse) and returns an Authenticator for its users.
func Load(path string) (*Authenticator, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("basicauth: %w", err)
	}
	defer f.Close()
	entries, err := parse(f, path)
	if err != nil {
		return nil, err
	}
	return New(entries)
}

// Parse reads password file records from r: password, user name, user uid and optionally a quoted,
// comma-separated list of groups. Errors wrap ErrMalformed and name the line.
func Parse(r io.Reader) ([]Entry, error) {
	return parse(r, "")
}

// format is the file's CSV layout.
var format = credfile.Format{Secret: "password", Malformed: ErrMalformed, Unique: func(r credfile.Record) (string, string) {
	// Kubernetes let the last line win; which password is meant is a guess, so refuse.
	return r.User.Name, fmt.Sprintf("user %q", r.User.Name)
}}

func parse(r io.Reader, name string) ([]Entry, error) {
	recs, err := format.Parse(r, name)
	if err != nil {
		if errors.Is(err, ErrMalformed) {
			return nil, err
		}
		return nil, fmt.Errorf("basicauth: %w", err)
	}
	entries := make([]Entry, len(recs))
	for i, rec := range recs {
		entries[i] = Entry{Password: rec.Secret, User: rec.User}
	}
	return entries, nil
}

// New returns an Authenticator for entries. Every entry needs a password and a user name, and no
// user may be given twice; errors wrap ErrMalformed. The authenticated user is the entry's user in
// the group system:authenticated, added as kube-apiserver adds it to every authenticated user.
func New(entries []Entry) (*Authenticator, error) {
	a := &Authenticator{users: make(map[string]*user, len(entries))}
	for i, e := range entries {
		if e.Password == "" {
			return nil, fmt.Errorf("%w: entry %d: empty password", ErrMalformed, i)
		}
		if e.User.Name == "" {
			return nil, fmt.Errorf("%w: entry %d: empty user name", ErrMalformed, i)
		}
		if _, dup := a.users[e.User.Name]; dup {
			return nil, fmt.Errorf("%w: entry %d: user %q already given", ErrMalformed, i, e.User.Name)
		}
		a.users[e.User.Name] = &user{
			passwordHash: sha256.Sum256([]byte(e.Password)),
			resp:         authn.Response{User: withAuthenticated(e.User), Method: Method},
		}
	}
	return a, nil
}

// unknownUser is compared against when the user name is not in the file, so that an unknown name
// costs as much as a wrong password and timing does not reveal which names exist.
var unknownUser = &user{passwordHash: sha256.Sum256([]byte("basicauth: no such user"))}

// AuthenticateRequest authenticates r by its basic credentials. ok is false, with no error, when r
// has none (no Authorization header, another scheme, or a value that is not base64 of user:password);
// an unknown user or a wrong password is an error wrapping ErrInvalidCredentials. The Response is a
// copy the caller may change.
func (a *Authenticator) AuthenticateRequest(r *http.Request) (*authn.Response, bool, error) {
	name, password, ok := r.BasicAuth()
	if !ok {
		return nil, false, nil
	}
	resp, ok := a.AuthenticatePassword(name, password)
	if !ok {
		return nil, false, ErrInvalidCredentials
	}
	return resp, true, nil
}

// AuthenticatePassword checks a user name and password; ok is false when the user is unknown or
// the password wrong. The Response is a copy the caller may change.
func (a *Authenticator) AuthenticatePassword(name, password string) (resp *authn.Response, ok bool) {
	u, known := a.users[name]
	if !known {
		u = unknownUser
	}
	got := sha256.Sum256([]byte(password))
	if subtle.ConstantTimeCompare(u.passwordHash[:], got[:]) != 1 || !known {
		return nil, false
	}
	out := u.resp
	out.User = cloneUser(u.resp.User)
	return &out, true
}

// withAuthenticated copies u, adding system:authenticated to its groups unless it is there.
func withAuthenticated(u authn.User) authn.User {
	u = cloneUser(u)
	for _, g := range u.Groups {
		if g == authn.AllAuthenticated {
			return u
		}
	}
	u.Groups = append(u.Groups, authn.AllAuthenticated)
	return u
}

// cloneUser copies u so that it shares no memory with the original.
func cloneUser(u authn.User) authn.User {
	u.Groups = append([]string(nil), u.Groups...)
	if u.Extra != nil {
		extra := make(map[string][]string, len(u.Extra))
		for k, v := range u.Extra {
			extra[k] = append([]string(nil), v...)
		}
		u.Extra = extra
	}
	return u
}
