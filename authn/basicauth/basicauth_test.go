package basicauth_test

import (
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/authn"
	"github.com/skiff-io/skiff/authn/basicauth"
)

const passwords = `s3cr3t,alice,1001,"devs,ops"

pa:ss:word,bob,1002
`

func request(header string) *http.Request {
	r := httptest.NewRequest("GET", "/api/v1/pods", nil)
	if header != "" {
		r.Header.Set("Authorization", header)
	}
	return r
}

func basic(user, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
}

func TestAuthenticateRequest(t *testing.T) {
	path := filepath.Join(t.TempDir(), "passwords.csv")
	if err := os.WriteFile(path, []byte(passwords), 0o600); err != nil {
		t.Fatal(err)
	}
	a, err := basicauth.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	alice := &authn.Response{User: authn.User{Name: "alice", UID: "1001", Groups: []string{"devs", "ops", authn.AllAuthenticated}}, Method: "basic"}
	tests := []struct {
		name    string
		header  string
		want    *authn.Response
		wantOK  bool
		wantErr error
	}{
		{name: "valid", header: basic("alice", "s3cr3t"), want: alice, wantOK: true},
		{name: "scheme is case-insensitive", header: "bASIC " + base64.StdEncoding.EncodeToString([]byte("alice:s3cr3t")), want: alice, wantOK: true},
		{name: "password with colons", header: basic("bob", "pa:ss:word"), wantOK: true,
			want: &authn.Response{User: authn.User{Name: "bob", UID: "1002", Groups: []string{authn.AllAuthenticated}}, Method: "basic"}},
		{name: "wrong password", header: basic("alice", "s3cr3T"), wantErr: basicauth.ErrInvalidCredentials},
		{name: "password prefix", header: basic("alice", "s3cr3"), wantErr: basicauth.ErrInvalidCredentials},
		{name: "empty password", header: basic("alice", ""), wantErr: basicauth.ErrInvalidCredentials},
		{name: "unknown user", header: basic("mallory", "s3cr3t"), wantErr: basicauth.ErrInvalidCredentials},
		{name: "another user's password", header: basic("bob", "s3cr3t"), wantErr: basicauth.ErrInvalidCredentials},
		{name: "no header", header: ""},
		{name: "bearer is not ours", header: "Bearer abc"},
		{name: "not base64", header: "Basic !!!"},
		{name: "no colon", header: "Basic " + base64.StdEncoding.EncodeToString([]byte("alice"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, ok, err := a.AuthenticateRequest(request(tt.header))
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
			if ok != tt.wantOK {
				t.Errorf("ok = %v, want %v", ok, tt.wantOK)
			}
			if diff := cmp.Diff(tt.want, resp); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
		})
	}
}

func TestResponseIsACopy(t *testing.T) {
	a, err := basicauth.New([]basicauth.Entry{{Password: "p", User: authn.User{Name: "u", Groups: []string{"g"}}}})
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := a.AuthenticateRequest(request(basic("u", "p")))
	first.User.Groups[0] = "system:masters"
	second, _, _ := a.AuthenticateRequest(request(basic("u", "p")))
	if diff := cmp.Diff([]string{"g", authn.AllAuthenticated}, second.User.Groups); diff != "" {
		t.Errorf("groups (-want +got):\n%s", diff)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		file string
		want string
	}{
		{"too few columns", "p,alice,1\np,bob\n", "basicauth: malformed password file: line 2: must have at least 3 columns (password, user name, user uid), found 2"},
		{"unquoted groups", "p,alice,1,devs,ops\n", "basicauth: malformed password file: line 1: must have at most 4 columns (password, user name, user uid, groups), found 5: quote the groups column when there is more than one group"},
		{"empty password", "\n,alice,1\n", "basicauth: malformed password file: line 2: empty password"},
		{"empty user", "p,,1\n", "basicauth: malformed password file: line 1: empty user name"},
		{"duplicate user", "p,alice,1\nq,bob,2\n\nr,alice,3\n", `basicauth: malformed password file: line 4: user "alice" already given on line 1`},
		{"bare quote", "p,alice,1\np\"q,bob,2\n", "basicauth: malformed password file: line 2: bare \" in non-quoted-field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := basicauth.Parse(strings.NewReader(tt.file))
			if !errors.Is(err, basicauth.ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("message (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadNamesTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "passwords.csv")
	if err := os.WriteFile(path, []byte("p,alice,1\np,alice,2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := basicauth.Load(path)
	if !errors.Is(err, basicauth.ErrMalformed) || !strings.Contains(err.Error(), path+":2:") {
		t.Errorf("error %v should wrap ErrMalformed and name %s:2", err, path)
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name    string
		entries []basicauth.Entry
		want    string
	}{
		{"empty password", []basicauth.Entry{{User: authn.User{Name: "a"}}}, "basicauth: malformed password file: entry 0: empty password"},
		{"empty user", []basicauth.Entry{{Password: "p"}}, "basicauth: malformed password file: entry 0: empty user name"},
		{"duplicate", []basicauth.Entry{{Password: "p", User: authn.User{Name: "a"}}, {Password: "q", User: authn.User{Name: "a"}}}, `basicauth: malformed password file: entry 1: user "a" already given`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := basicauth.New(tt.entries)
			if !errors.Is(err, basicauth.ErrMalformed) || err.Error() != tt.want {
				t.Errorf("error = %v, want %q wrapping ErrMalformed", err, tt.want)
			}
		})
	}
}

// TestUnknownUserMatchesNothing makes sure the stand-in compared for unknown users can never let one
// in, whatever password is sent.
func TestUnknownUserMatchesNothing(t *testing.T) {
	a, err := basicauth.New([]basicauth.Entry{{Password: "p", User: authn.User{Name: "u"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, pw := range []string{"", "p", "basicauth: no such user"} {
		if _, ok := a.AuthenticatePassword("nobody", pw); ok {
			t.Errorf("unknown user authenticated with password %q", pw)
		}
	}
}
