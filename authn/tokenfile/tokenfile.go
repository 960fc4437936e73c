package tokenfile

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

// Method is what Response.Method says for a request authenticated by a static token.
const Method = "token"

var (
	// ErrInvalidToken means a request carried a bearer token that is not in the file.
	ErrInvalidToken = errors.New("tokenfile: invalid bearer token")
	// ErrMalformed means a token file or entry cannot be used; the error names the line.
	ErrMalformed = errors.New("tokenfile: malformed token file")
)

// Entry is one static token and the user it stands for.
type Entry struct {
	Token string
	User  authn.User
}

// Authenticator authenticates requests by static bearer tokens. It is safe for concurrent use.
type Authenticator struct {
	// byHash finds an entry by the SHA-256 of its token. A map keyed by the token itself would
	// compare the secret byte by byte, and the time that takes tells an attacker how much of a guess
	// was right; the hash's bytes give away nothing about the token. The token is then compared in
	// constant time, so that a hash collision, however unlikely, is not enough.
	byHash map[[sha256.Size]byte]*entry
}

type entry struct {
	token []byte
	resp  authn.Response
}

var _ authn.Authenticator = (*Authenticator)(nil)

// Load reads the token file at path (see Parse) and returns an Authenticator for its tokens.
func Load(path string) (*Authenticator, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("tokenfile: %w", err)
	}
	defer f.Close()
	entries, err := parse(f, path)
	if err != nil {
		return nil, err
	}
	return New(entries)
}

// Parse reads token file records from r: token, user name, user uid and optionally a quoted,
// comma-separated list of groups. Errors wrap ErrMalformed and name the line.
func Parse(r io.Reader) ([]Entry, error) {
	return parse(r, "")
}

// format is the file's CSV layout.
var format = credfile.Format{Secret: "token", Malformed: ErrMalformed, Unique: func(r credfile.Record) (string, string) {
	// The token is a secret: name the lines, never the token.
	return r.Secret, "token"
}}

func parse(r io.Reader, name string) ([]Entry, error) {
	recs, err := format.Parse(r, name)
	if err != nil {
		if errors.Is(err, ErrMalformed) {
			return nil, err
		}
		return nil, fmt.Errorf("tokenfile: %w", err)
	}
	entries := make([]Entry, len(recs))
	for i, rec := range recs {
		entries[i] = Entry{Token: rec.Secret, User: rec.User}
	}
	return entries, nil
}

// New returns an Authenticator for entries. Every entry needs a token and a user name, and no token
// may be given twice; errors wrap ErrMalformed. The authenticated user is the entry's user in the
// group system:authenticated, added as kube-apiserver adds it to every authenticated user.
func New(entries []Entry) (*Authenticator, error) {
	a := &Authenticator{byHash: make(map[[sha256.Size]byte]*entry, len(entries))}
	for i, e := range entries {
		if e.Token == "" {
			return nil, fmt.Errorf("%w: entry %d: empty token", ErrMalformed, i)
		}
		if e.User.Name == "" {
			return nil, fmt.Errorf("%w: entry %d: empty user name", ErrMalformed, i)
		}
		h := sha256.Sum256([]byte(e.Token))
		if _, dup := a.byHash[h]; dup {
			return nil, fmt.Errorf("%w: entry %d: token already given", ErrMalformed, i)
		}
		a.byHash[h] = &entry{token: []byte(e.Token), resp: authn.Response{User: withAuthenticated(e.User), Method: Method}}
	}
	return a, nil
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

// AuthenticateRequest authenticates r by its bearer token. ok is false, with no error, when r has no
// bearer token; a bearer token that is not in the file is an error wrapping ErrInvalidToken. The
// Response is a copy the caller may change.
func (a *Authenticator) AuthenticateRequest(r *http.Request) (*authn.Response, bool, error) {
	token, ok := BearerToken(r)
	if !ok {
		return nil, false, nil
	}
	resp, ok := a.AuthenticateToken(token)
	if !ok {
		return nil, false, ErrInvalidToken
	}
	return resp, true, nil
}

// AuthenticateToken looks token up; ok is false when it is not in the file. The Response is a copy
// the caller may change.
func (a *Authenticator) AuthenticateToken(token string) (resp *authn.Response, ok bool) {
	h := sha256.Sum256([]byte(token))
	e, found := a.byHash[h]
	if !found || subtle.ConstantTimeCompare(e.token, []byte(token)) != 1 {
		return nil, false
	}
	out := e.resp
	out.User = cloneUser(e.resp.User)
	return &out, true
}
