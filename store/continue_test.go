package store

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/skiff-io/skiff/api/meta"
)

func TestContinueRoundTrip(t *testing.T) {
	tok, err := EncodeContinue("/registry/pods/ns/", "/registry/pods/ns/web-7", 42)
	if err != nil {
		t.Fatal(err)
	}
	key, rev, err := DecodeContinue(tok, "/registry/pods/ns/")
	if err != nil || key != "/registry/pods/ns/web-7" || rev != 42 {
		t.Fatalf("DecodeContinue = %q, %d, %v", key, rev, err)
	}
	// The token is relative to the prefix: another list cannot use it to read outside its own.
	if key, _, err := DecodeContinue(tok, "/registry/secrets/ns/"); err != nil || !strings.HasPrefix(key, "/registry/secrets/ns/") {
		t.Errorf("token reused under another prefix gave %q, %v", key, err)
	}
	if _, err := EncodeContinue("/registry/pods/a/", "/registry/pods/b/x", 1); !errors.Is(err, ErrInvalidContinue) {
		t.Errorf("key outside the prefix: %v", err)
	}
}

func FuzzDecodeContinue(f *testing.F) {
	good, _ := EncodeContinue("/registry/pods/", "/registry/pods/ns/a", 7)
	for _, s := range []string{good, "", "e30", "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MSwic3RhcnQiOiIuLi8ifQ", "!!!"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		key, rev, err := DecodeContinue(token, "/registry/pods/")
		if err != nil {
			if !errors.Is(err, ErrInvalidContinue) {
				t.Fatalf("error %v does not wrap ErrInvalidContinue", err)
			}
			return
		}
		if !strings.HasPrefix(key, "/registry/pods/") || len(key) == len("/registry/pods/") || rev <= 0 {
			t.Fatalf("accepted token gives key %q at revision %d", key, rev)
		}
		if strings.Contains(key, "..") {
			t.Fatalf("key %q climbs out of the prefix", key)
		}
	})
}

func TestParseRevision(t *testing.T) {
	for in, want := range map[string]int64{"": 0, "0": 0, "17": 17} {
		if got, err := ParseRevision(in); err != nil || got != want {
			t.Errorf("ParseRevision(%q) = %d, %v", in, got, err)
		}
	}
	for _, bad := range []string{"-1", "abc", "1.5", "99999999999999999999"} {
		if _, err := ParseRevision(bad); !errors.Is(err, ErrInvalidResourceVersion) {
			t.Errorf("ParseRevision(%q): %v, want ErrInvalidResourceVersion", bad, err)
		}
	}
}

func TestTyped(t *testing.T) {
	// A minimal reader over a map, enough to check the conversions.
	r := mapReader{"/registry/things/a": &thing{}, "/registry/other/b": &other{}}
	ctx := context.Background()
	if _, err := GetAs[*thing](ctx, r, "/registry/things/a"); err != nil {
		t.Errorf("GetAs: %v", err)
	}
	if _, err := GetAs[*thing](ctx, r, "/registry/other/b"); !errors.Is(err, ErrInvalidObject) {
		t.Errorf("GetAs of another type: %v", err)
	}
	if _, err := GetAs[*thing](ctx, r, "/registry/things/missing"); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetAs of a missing key: %v", err)
	}
	if items, _, err := ListAs[*thing](ctx, r, "/registry/things/", ListOptions{}); err != nil || len(items) != 1 {
		t.Errorf("ListAs: %v %v", items, err)
	}
	if _, _, err := ListAs[*thing](ctx, r, "/registry/", ListOptions{}); !errors.Is(err, ErrInvalidObject) {
		t.Errorf("ListAs over mixed types: %v", err)
	}
}

type thing struct {
	meta.TypeMeta
	meta.ObjectMeta
}

func (t *thing) DeepCopyObject() meta.Object { c := *t; return &c }

type other struct{ thing }

func (o *other) DeepCopyObject() meta.Object { c := *o; return &c }

type mapReader map[string]meta.Object

func (m mapReader) Get(_ context.Context, key string) (meta.Object, error) {
	if o, ok := m[key]; ok {
		return o, nil
	}
	return nil, &OpError{Err: ErrNotFound, Key: key}
}

func (m mapReader) List(_ context.Context, prefix string, _ ListOptions) (*ListResult, error) {
	res := &ListResult{}
	for k, o := range m {
		if strings.HasPrefix(k, prefix) {
			res.Items = append(res.Items, o)
		}
	}
	return res, nil
}

func (m mapReader) Revision(context.Context) (int64, error) { return 1, nil }
