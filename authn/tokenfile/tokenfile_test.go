package tokenfile_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/authn"
	"github.com/skiff-io/skiff/authn/tokenfile"
)

const tokens = `31ada4fd-adec-460c-809a-9e56ceb75269,alice,1001,"devs,ops"
8b1d2c3e,bob,1002

"tok,with,commas",carol,1003,admins
# this is a token too: Kubernetes has no comments,mallory,1004
trailing-comma,dave,1005,"devs,"
`

func request(header string) *http.Request {
	r := httptest.NewRequest("GET", "/api/v1/pods", nil)
	if header != "" {
		r.Header.Set("Authorization", header)
	}
	return r
}

func TestAuthenticateRequest(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.csv")
	if err := os.WriteFile(path, []byte(tokens), 0o600); err != nil {
		t.Fatal(err)
	}
	a, err := tokenfile.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		header  string
		want    *authn.Response
		wantOK  bool
		wantErr error
	}{
		{name: "valid token with groups", header: "Bearer 31ada4fd-adec-460c-809a-9e56ceb75269", wantOK: true,
			want: &authn.Response{User: authn.User{Name: "alice", UID: "1001", Groups: []string{"devs", "ops", authn.AllAuthenticated}}, Method: "token"}},
		{name: "valid token without groups", header: "Bearer 8b1d2c3e", wantOK: true,
			want: &authn.Response{User: authn.User{Name: "bob", UID: "1002", Groups: []string{authn.AllAuthenticated}}, Method: "token"}},
		{name: "scheme is case-insensitive", header: "bEaReR 8b1d2c3e", wantOK: true,
			want: &authn.Response{User: authn.User{Name: "bob", UID: "1002", Groups: []string{authn.AllAuthenticated}}, Method: "token"}},
		{name: "quoted token", header: "Bearer tok,with,commas", wantOK: true,
			want: &authn.Response{User: authn.User{Name: "carol", UID: "1003", Groups: []string{"admins", authn.AllAuthenticated}}, Method: "token"}},
		{name: "a line starting with # is a record", header: "Bearer # this is a token too: Kubernetes has no comments", wantOK: false, wantErr: tokenfile.ErrInvalidToken},
		{name: "empty group names dropped", header: "Bearer trailing-comma", wantOK: true,
			want: &authn.Response{User: authn.User{Name: "dave", UID: "1005", Groups: []string{"devs", authn.AllAuthenticated}}, Method: "token"}},
		{name: "unknown token", header: "Bearer nope", wantErr: tokenfile.ErrInvalidToken},
		{name: "prefix of a token", header: "Bearer 8b1d2c3", wantErr: tokenfile.ErrInvalidToken},
		{name: "token plus a suffix", header: "Bearer 8b1d2c3ef", wantErr: tokenfile.ErrInvalidToken},
		{name: "no header", header: ""},
		{name: "basic auth is not ours", header: "Basic YWxpY2U6c2VjcmV0"},
		{name: "bearer without token", header: "Bearer"},
		{name: "bearer with two spaces", header: "Bearer  8b1d2c3e"},
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

// TestResponseIsACopy guards the authenticator's own state: a filter that adds a group to one
// request's user must not add it to every later request's.
func TestResponseIsACopy(t *testing.T) {
	a, err := tokenfile.New([]tokenfile.Entry{{Token: "t", User: authn.User{Name: "u", Groups: []string{"g"}, Extra: map[string][]string{"k": {"v"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := a.AuthenticateRequest(request("Bearer t"))
	first.User.Groups[0] = "system:masters"
	first.User.Extra["k"][0] = "changed"
	second, _, _ := a.AuthenticateRequest(request("Bearer t"))
	want := authn.User{Name: "u", Groups: []string{"g", authn.AllAuthenticated}, Extra: map[string][]string{"k": {"v"}}}
	if diff := cmp.Diff(want, second.User); diff != "" {
		t.Errorf("second user (-want +got):\n%s", diff)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		file string
		want string
	}{
		{"too few columns", "a,alice,1\nb,bob\n", "tokenfile: malformed token file: line 2: must have at least 3 columns (token, user name, user uid), found 2"},
		{"unquoted groups", "\n\na,alice,1,devs,ops\n", "tokenfile: malformed token file: line 3: must have at most 4 columns (token, user name, user uid, groups), found 5: quote the groups column when there is more than one group"},
		{"empty token", "a,alice,1\n,bob,2\n", "tokenfile: malformed token file: line 2: empty token"},
		{"empty user", "a,,1\n", "tokenfile: malformed token file: line 1: empty user name"},
		{"duplicate token", "a,alice,1\nb,bob,2\na,mallory,3\n", "tokenfile: malformed token file: line 3: token already given on line 1"},
		{"unterminated quote", "a,alice,1\nb,bob,2,\"devs\n", "tokenfile: malformed token file: line 2: extraneous or missing \" in quoted-field"},
		{"bare quote", "a,al\"ice,1\n", "tokenfile: malformed token file: line 1: bare \" in non-quoted-field"},
		{"a comment has too few columns", "# tokens for CI\na,alice,1\n", "tokenfile: malformed token file: line 1: must have at least 3 columns (token, user name, user uid), found 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tokenfile.Parse(strings.NewReader(tt.file))
			if !errors.Is(err, tokenfile.ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("message (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParse(t *testing.T) {
	got, err := tokenfile.Parse(strings.NewReader("a,alice,1,\"x,y\"\r\n\r\nb,bob,\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []tokenfile.Entry{
		{Token: "a", User: authn.User{Name: "alice", UID: "1", Groups: []string{"x", "y"}}},
		{Token: "b", User: authn.User{Name: "bob"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
}

func TestLoadNamesTheFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tokens.csv")
	if err := os.WriteFile(path, []byte("a,alice\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := tokenfile.Load(path)
	if !errors.Is(err, tokenfile.ErrMalformed) || !strings.Contains(err.Error(), path+":1:") {
		t.Errorf("error %v should wrap ErrMalformed and name %s:1", err, path)
	}
	if _, err := tokenfile.Load(filepath.Join(dir, "missing.csv")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: error %v should wrap os.ErrNotExist", err)
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name    string
		entries []tokenfile.Entry
		want    string
	}{
		{"empty token", []tokenfile.Entry{{User: authn.User{Name: "a"}}}, "tokenfile: malformed token file: entry 0: empty token"},
		{"empty user", []tokenfile.Entry{{Token: "t"}}, "tokenfile: malformed token file: entry 0: empty user name"},
		{"duplicate", []tokenfile.Entry{{Token: "t", User: authn.User{Name: "a"}}, {Token: "t", User: authn.User{Name: "b"}}}, "tokenfile: malformed token file: entry 1: token already given"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tokenfile.New(tt.entries)
			if !errors.Is(err, tokenfile.ErrMalformed) || err.Error() != tt.want {
				t.Errorf("error = %v, want %q wrapping ErrMalformed", err, tt.want)
			}
		})
	}
}

func TestBearerToken(t *testing.T) {
	tests := []struct {
		header    string
		want      string
		wantFound bool
	}{
		{"Bearer abc", "abc", true},
		{"bearer abc", "abc", true},
		{"BEARER abc", "abc", true},
		{"  Bearer abc  ", "abc", true},
		{"Bearer abc def", "abc", true}, // Kubernetes takes the second word and ignores the rest
		{"Bearer eyJhbGciOiJFUzI1NiJ9.e30.sig", "eyJhbGciOiJFUzI1NiJ9.e30.sig", true},
		{"", "", false},
		{"Bearer", "", false},
		{"Bearer ", "", false},
		{"Bearer  abc", "", false},
		{"Bearer\tabc", "", false},
		{"Basic abc", "", false},
		{"Bearerabc", "", false},
		{"Token abc", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			got, ok := tokenfile.BearerToken(request(tt.header))
			if got != tt.want || ok != tt.wantFound {
				t.Errorf("BearerToken(%q) = %q, %v; want %q, %v", tt.header, got, ok, tt.want, tt.wantFound)
			}
		})
	}
}

func FuzzBearer(f *testing.F) {
	for _, s := range []string{"Bearer abc", "bearer  x", "Basic Zm9vOmJhcg==", "", "Bearer\x00a", "BEARER a b c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header["Authorization"] = []string{header}
		token, ok := tokenfile.BearerToken(r)
		if ok != (token != "") {
			t.Fatalf("ok %v with token %q", ok, token)
		}
		if !ok {
			return
		}
		if strings.Contains(token, " ") {
			t.Fatalf("token %q holds a space", token)
		}
		if trimmed := strings.TrimSpace(header); len(trimmed) < 7 || !strings.EqualFold(trimmed[:7], "bearer ") || !strings.Contains(header, token) {
			t.Fatalf("token %q from a header %q that is not a bearer header", token, header)
		}
	})
}

func FuzzParse(f *testing.F) {
	f.Add(tokens)
	f.Add("a,b,c,\"d\ne\"\n\"")
	f.Fuzz(func(t *testing.T, file string) {
		entries, err := tokenfile.Parse(strings.NewReader(file))
		if err != nil {
			if !errors.Is(err, tokenfile.ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		// Whatever parses must be accepted as it is.
		if _, err := tokenfile.New(entries); err != nil {
			t.Fatalf("parsed entries rejected: %v", err)
		}
	})
}

func BenchmarkAuthenticateRequest(b *testing.B) {
	entries := make([]tokenfile.Entry, 1000)
	for i := range entries {
		entries[i] = tokenfile.Entry{Token: strings.Repeat("x", 8) + string(rune('a'+i%26)) + strings.Repeat("y", i/26), User: authn.User{Name: "user", Groups: []string{"g"}}}
	}
	a, err := tokenfile.New(entries)
	if err != nil {
		b.Fatal(err)
	}
	r := request("Bearer " + entries[500].Token)
	b.ReportAllocs()
	for b.Loop() {
		if _, ok, err := a.AuthenticateRequest(r); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}
