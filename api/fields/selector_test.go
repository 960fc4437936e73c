package fields

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func mustParse(t testing.TB, s string) Selector {
	t.Helper()
	sel, err := ParseSelector(s)
	if err != nil {
		t.Fatalf("ParseSelector(%q): %v", s, err)
	}
	return sel
}

func TestSelectorMatches(t *testing.T) {
	fieldset := Set{"foo": "bar", "baz": "blah", "complex": `=value\,\`}
	tests := []struct {
		selector string
		fields   Set
		want     bool
	}{
		{"", Set{"x": "y"}, true},
		{"x=y", Set{"x": "y"}, true},
		{"x==y", Set{"x": "y"}, true},
		{"x=y,z=w", Set{"x": "y", "z": "w"}, true},
		{"x!=y,z!=w", Set{"x": "z", "z": "a"}, true},
		{"notin=in", Set{"notin": "in"}, true},
		{"x=y", Set{"x": "z"}, false},
		{"x=y,z=w", Set{"x": "w", "z": "w"}, false},
		{"x!=y,z!=w", Set{"x": "z", "z": "w"}, false},
		{"x=", Set{}, true},   // an absent field reads as ""
		{"x!=", Set{}, false}, // and so is not different from ""
		{"x!=y", Set{}, true},
		{"foo=bar", fieldset, true},
		{"baz=blah", fieldset, true},
		{"foo=bar,baz=blah", fieldset, true},
		{`foo=bar,baz=blah,complex=\=value\\\,\\`, fieldset, true},
		{"foo=blah", fieldset, false},
		{"baz=bar", fieldset, false},
		{"foo=bar,foobar=bar,baz=blah", fieldset, false},
	}
	for _, tt := range tests {
		t.Run(tt.selector, func(t *testing.T) {
			if got := mustParse(t, tt.selector).Matches(tt.fields); got != tt.want {
				t.Errorf("%q.Matches(%v) = %v, want %v", tt.selector, tt.fields, got, tt.want)
			}
		})
	}
}

func TestSelectorFromSet(t *testing.T) {
	labelset := Set{"foo": "bar", "baz": "blah"}
	tests := []struct {
		name       string
		set        Set
		wantString string
		wantMatch  bool
	}{
		{"nil", nil, "", true},
		{"empty", Set{}, "", true},
		{"one", Set{"foo": "bar"}, "foo=bar", true},
		{"two sorted", Set{"foo": "bar", "baz": "blah"}, "baz=blah,foo=bar", true},
		{"value needing escapes", Set{"foo": "=blah"}, `foo=\=blah`, false},
		{"extra field", Set{"foo": "=bar", "foobar": "bar", "baz": "blah"}, `baz=blah,foo=\=bar,foobar=bar`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sel := SelectorFromSet(tt.set)
			if diff := cmp.Diff(tt.wantString, sel.String()); diff != "" {
				t.Errorf("String() mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantString, tt.set.String()); diff != "" {
				t.Errorf("Set.String() differs from its selector's (-want +got):\n%s", diff)
			}
			if got := sel.Matches(labelset); got != tt.wantMatch {
				t.Errorf("Matches(%v) = %v, want %v", labelset, got, tt.wantMatch)
			}
			if sel.Empty() != (len(tt.set) == 0) {
				t.Errorf("Empty() = %v for %d fields", sel.Empty(), len(tt.set))
			}
			back := mustParse(t, sel.String())
			if diff := cmp.Diff(sel.Requirements(), back.Requirements()); diff != "" {
				t.Errorf("String does not parse back (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOneTermSelectors(t *testing.T) {
	tests := []struct {
		name       string
		sel        Selector
		fields     Set
		wantMatch  bool
		wantString string
	}{
		{"equal matches", OneTermEqualSelector("x", "y"), Set{"x": "y"}, true, "x=y"},
		{"equal does not match", OneTermEqualSelector("x", "y"), Set{"x": "z"}, false, "x=y"},
		{"equal escapes", OneTermEqualSelector("x", "a,b"), Set{"x": "a,b"}, true, `x=a\,b`},
		{"not equal matches", OneTermNotEqualSelector("x", "y"), Set{"x": "z"}, true, "x!=y"},
		{"not equal does not match", OneTermNotEqualSelector("x", "y"), Set{"x": "y"}, false, "x!=y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.sel.Matches(tt.fields); got != tt.wantMatch {
				t.Errorf("Matches(%v) = %v, want %v", tt.fields, got, tt.wantMatch)
			}
			if diff := cmp.Diff(tt.wantString, tt.sel.String()); diff != "" {
				t.Errorf("String() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEverythingAndNothing(t *testing.T) {
	tests := []struct {
		name        string
		sel         Selector
		wantMatches bool
		wantEmpty   bool
	}{
		{"everything", Everything(), true, true},
		{"nothing", Nothing(), false, false},
		{"nil set", Set(nil).AsSelector(), true, true},
		{"parsed empty", mustParse(t, ""), true, true},
		{"and of nothing", AndSelectors(Everything(), Nothing()), false, false},
		{"and of empties", AndSelectors(Everything(), Everything()), true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.sel.Matches(Set{"x": "y"}); got != tt.wantMatches {
				t.Errorf("Matches = %v, want %v", got, tt.wantMatches)
			}
			if got := tt.sel.Empty(); got != tt.wantEmpty {
				t.Errorf("Empty = %v, want %v", got, tt.wantEmpty)
			}
			if got := tt.sel.String(); got != "" {
				t.Errorf("String = %q, want empty", got)
			}
			if got := tt.sel.Requirements(); len(got) != 0 {
				t.Errorf("Requirements = %v, want none", got)
			}
		})
	}
}

func TestAndSelectors(t *testing.T) {
	tests := []struct {
		name       string
		sel        Selector
		fields     Set
		wantMatch  bool
		wantString string
	}{
		{"flattened", AndSelectors(mustParse(t, "b=2"), OneTermEqualSelector("a", "1")), Set{"a": "1", "b": "2"}, true, "b=2,a=1"},
		{"one fails", AndSelectors(mustParse(t, "b=2"), OneTermEqualSelector("a", "1")), Set{"a": "1"}, false, "b=2,a=1"},
		{"with nothing", AndSelectors(mustParse(t, "b=2"), Nothing()), Set{"b": "2"}, false, "b=2"},
		{"none", AndSelectors(), Set{}, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.sel.Matches(tt.fields); got != tt.wantMatch {
				t.Errorf("Matches(%v) = %v, want %v", tt.fields, got, tt.wantMatch)
			}
			if diff := cmp.Diff(tt.wantString, tt.sel.String()); diff != "" {
				t.Errorf("String() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRequiresExactMatch(t *testing.T) {
	tests := []struct {
		name      string
		sel       Selector
		field     string
		wantValue string
		wantFound bool
	}{
		{"empty set", Set{}.AsSelector(), "test", "", false},
		{"other field", OneTermEqualSelector("a", "b"), "test", "", false},
		{"equal", OneTermEqualSelector("test", "b"), "test", "b", true},
		{"equal no value", OneTermEqualSelector("test", ""), "test", "", true},
		{"not equal", OneTermNotEqualSelector("test", "b"), "test", "", false},
		{"not equal no value", OneTermNotEqualSelector("test", ""), "test", "", false},
		{"parsed double equals", mustParse(t, "test==b"), "test", "b", true},
		{"after a not equal", mustParse(t, "test!=a,test=b"), "test", "b", true},
		{"among others", mustParse(t, "a=1,test=b,z=2"), "test", "b", true},
		{"nothing", Nothing(), "test", "", false},
		{"and", AndSelectors(Nothing(), OneTermEqualSelector("test", "b")), "test", "b", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			value, found := tt.sel.RequiresExactMatch(tt.field)
			if value != tt.wantValue || found != tt.wantFound {
				t.Errorf("RequiresExactMatch(%q) = %q, %v; want %q, %v", tt.field, value, found, tt.wantValue, tt.wantFound)
			}
		})
	}
}

func TestTransform(t *testing.T) {
	identity := func(field, value string) (string, string, error) { return field, value, nil }
	errUnsupported := errors.New(`field label not supported: "spec.secret"`)
	tests := []struct {
		name      string
		selector  Selector
		transform TransformFunc
		want      string
		wantEmpty bool
		wantErr   error
	}{
		{name: "empty selector", selector: mustParse(t, ""), transform: identity, want: "", wantEmpty: true},
		{name: "no-op", selector: mustParse(t, "a=b,c=d"), transform: identity, want: "a=b,c=d"},
		{
			name:     "rename one field",
			selector: mustParse(t, "a=b,c=d"),
			transform: func(field, value string) (string, string, error) {
				if field == "a" {
					return "e", "f", nil
				}
				return field, value, nil
			},
			want: "e=f,c=d", // order is kept, not re-sorted, as in Kubernetes
		},
		{name: "drop to empty", selector: mustParse(t, "a=b"), transform: func(string, string) (string, string, error) { return "", "", nil }, want: "", wantEmpty: true},
		{
			name:     "drop one",
			selector: mustParse(t, "a=b,c=d,e=f"),
			transform: func(field, value string) (string, string, error) {
				if field == "c" {
					return "", "", nil
				}
				return field, value, nil
			},
			want: "a=b,e=f",
		},
		{name: "operator kept", selector: mustParse(t, "a!=b"), transform: func(f, v string) (string, string, error) { return "x." + f, strings.ToUpper(v), nil }, want: "x.a!=B"},
		{
			name:     "reject a field",
			selector: mustParse(t, "metadata.name=a,spec.secret=b"),
			transform: func(field, value string) (string, string, error) {
				if field == "spec.secret" {
					return "", "", errUnsupported
				}
				return field, value, nil
			},
			wantErr: errUnsupported,
		},
		{name: "nothing stays nothing", selector: Nothing(), transform: identity, want: ""},
		{name: "and selector", selector: AndSelectors(mustParse(t, "a=b"), Nothing()), transform: func(string, string) (string, string, error) { return "", "", nil }, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.selector.Transform(tt.transform)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Transform error = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if diff := cmp.Diff(tt.want, got.String()); diff != "" {
				t.Errorf("String() mismatch (-want +got):\n%s", diff)
			}
			if tt.wantEmpty != got.Empty() {
				t.Errorf("Empty() = %v, want %v", got.Empty(), tt.wantEmpty)
			}
		})
	}
}

func TestParseAndTransformSelector(t *testing.T) {
	sel, err := ParseAndTransformSelector("b=2,a=1", func(f, v string) (string, string, error) { return "spec." + f, v, nil })
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("spec.a=1,spec.b=2", sel.String()); diff != "" {
		t.Errorf("String() mismatch (-want +got):\n%s", diff)
	}
}

func TestRequirementsReturnsCopy(t *testing.T) {
	sel := mustParse(t, "a=1")
	sel.Requirements()[0].Value = "changed"
	if diff := cmp.Diff("a=1", sel.String()); diff != "" {
		t.Errorf("changing Requirements' result changed the selector (-want +got):\n%s", diff)
	}
}

func TestSet(t *testing.T) {
	s := Set{"a": "1", "empty": "", "c": "x,y"}
	tests := []struct {
		field   string
		wantHas bool
		wantGet string
	}{
		{"a", true, "1"},
		{"empty", true, ""},
		{"missing", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			if got := s.Has(tt.field); got != tt.wantHas {
				t.Errorf("Has(%q) = %v, want %v", tt.field, got, tt.wantHas)
			}
			if got := s.Get(tt.field); got != tt.wantGet {
				t.Errorf("Get(%q) = %q, want %q", tt.field, got, tt.wantGet)
			}
		})
	}
	if diff := cmp.Diff(`a=1,c=x\,y,empty=`, s.String()); diff != "" {
		t.Errorf("String() mismatch (-want +got):\n%s", diff)
	}
}
