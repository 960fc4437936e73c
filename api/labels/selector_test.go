package labels

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSelectorMatches(t *testing.T) {
	labelset := Set{"foo": "bar", "baz": "blah"}
	tests := []struct {
		selector string
		labels   Set
		want     bool
	}{
		{"", Set{"x": "y"}, true},
		{"", nil, true},
		{"x=y", Set{"x": "y"}, true},
		{"x=y,z=w", Set{"x": "y", "z": "w"}, true},
		{"x!=y,z!=w", Set{"x": "z", "z": "a"}, true},
		{"notin=in", Set{"notin": "in"}, true},
		{"x", Set{"x": "z"}, true},
		{"!x", Set{"y": "z"}, true},
		{"x>1", Set{"x": "2"}, true},
		{"x<1", Set{"x": "0"}, true},
		{"x=z", Set{}, false},
		{"x=y", Set{"x": "z"}, false},
		{"x=y,z=w", Set{"x": "w", "z": "w"}, false},
		{"x!=y,z!=w", Set{"x": "z", "z": "w"}, false},
		{"x", Set{"y": "z"}, false},
		{"!x", Set{"x": "z"}, false},
		{"x>1", Set{"x": "0"}, false},
		{"x<1", Set{"x": "2"}, false},
		{"x!=y", Set{}, true},
		{"x notin (y)", nil, true},
		{"x in (foo),y notin (alpha)", Set{"x": "foo", "y": "baz"}, true},
		{"x in (foo),y in (alpha)", Set{"x": "foo", "y": "baz"}, false},
		{"x notin (),y", Set{"y": ""}, true},
		{"!x,y", Set{"y": ""}, true},
		{"x notin (),!y", Set{"y": ""}, false},
		{"x in ()", Set{"y": "baz"}, false},
		{"x in ()", Set{"x": ""}, true},
		{"x=", Set{"x": ""}, true},
		{"x=", Set{}, false},
		{"x,y in (a)", Set{"x": "", "y": "a"}, true},
		{"foo=bar", labelset, true},
		{"baz=blah", labelset, true},
		{"foo=bar,baz=blah", labelset, true},
		{"foo=blah", labelset, false},
		{"baz=bar", labelset, false},
		{"foo=bar,foobar=bar,baz=blah", labelset, false},
	}
	for _, tt := range tests {
		t.Run(tt.selector, func(t *testing.T) {
			sel, err := Parse(tt.selector)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.selector, err)
			}
			if got := sel.Matches(tt.labels); got != tt.want {
				t.Errorf("%q.Matches(%q) = %v, want %v", tt.selector, tt.labels, got, tt.want)
			}
		})
	}
}

// otherLabels is a Labels that is not a Set, to show that matching needs only the interface.
type otherLabels []string // key, value, key, value...

func (o otherLabels) Has(label string) bool {
	for i := 0; i+1 < len(o); i += 2 {
		if o[i] == label {
			return true
		}
	}
	return false
}

func (o otherLabels) Get(label string) string {
	for i := 0; i+1 < len(o); i += 2 {
		if o[i] == label {
			return o[i+1]
		}
	}
	return ""
}

func TestMatchesAnyLabels(t *testing.T) {
	sel, err := Parse("app=web,!canary,tier in (edge)")
	if err != nil {
		t.Fatal(err)
	}
	if !sel.Matches(otherLabels{"app", "web", "tier", "edge"}) {
		t.Errorf("selector did not match labels held outside a Set")
	}
	if sel.Matches(otherLabels{"app", "web", "tier", "edge", "canary", ""}) {
		t.Errorf("selector matched labels it excludes")
	}
}

func TestEverythingAndNothing(t *testing.T) {
	tests := []struct {
		name           string
		sel            Selector
		wantMatches    bool
		wantEmpty      bool
		wantSelectable bool
	}{
		{"everything", Everything(), true, true, true},
		{"nothing", Nothing(), false, false, false},
		{"nothing after add", Nothing().Add(mustRequirement(t, "x", Exists)), false, false, false},
		{"empty set", SelectorFromSet(Set{}), true, true, true},
		{"nil set", Set(nil).AsSelector(), true, true, true},
		{"parsed empty", mustParse(t, ""), true, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.sel.Matches(Set{"x": "y"}); got != tt.wantMatches {
				t.Errorf("Matches = %v, want %v", got, tt.wantMatches)
			}
			if got := tt.sel.Empty(); got != tt.wantEmpty {
				t.Errorf("Empty = %v, want %v", got, tt.wantEmpty)
			}
			reqs, selectable := tt.sel.Requirements()
			if len(reqs) != 0 || selectable != tt.wantSelectable {
				t.Errorf("Requirements() = %v, %v; want none, %v", reqs, selectable, tt.wantSelectable)
			}
			if got := tt.sel.String(); got != "" {
				t.Errorf("String = %q, want empty", got)
			}
			if v, found := tt.sel.RequiresExactMatch("x"); found {
				t.Errorf("RequiresExactMatch = %q, true; want not found", v)
			}
		})
	}
}

func mustParse(t testing.TB, s string) Selector {
	t.Helper()
	sel, err := Parse(s)
	if err != nil {
		t.Fatalf("Parse(%q): %v", s, err)
	}
	return sel
}

func TestSelectorFromSet(t *testing.T) {
	tests := []struct {
		name string
		set  Set
		want string
	}{
		{"nil", nil, ""},
		{"one", Set{"x": "a"}, "x=a"},
		{"sorted", Set{"z": "c", "a.b": "x", "a": "b"}, "a=b,a.b=x,z=c"},
		{"empty value", Set{"x": ""}, "x="},
		{"not validated", Set{"x": "a b"}, "x=a b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sel := SelectorFromSet(tt.set)
			if diff := cmp.Diff(tt.want, sel.String()); diff != "" {
				t.Errorf("SelectorFromSet(%v).String() mismatch (-want +got):\n%s", tt.set, diff)
			}
			if diff := cmp.Diff(tt.want, tt.set.String()); diff != "" {
				t.Errorf("Set.String() differs from its selector's (-want +got):\n%s", diff)
			}
			if !sel.Matches(tt.set) {
				t.Errorf("SelectorFromSet(%v) does not match the set itself", tt.set)
			}
		})
	}
}

func TestSelectorFromSetMatches(t *testing.T) {
	labelset := Set{"foo": "bar", "baz": "blah"}
	tests := []struct {
		set  Set
		want bool
	}{
		{Set{}, true},
		{Set{"foo": "bar"}, true},
		{Set{"baz": "blah"}, true},
		{Set{"foo": "bar", "baz": "blah"}, true},
		{Set{"foo": "=blah"}, false},
		{Set{"foo": ""}, false},
		{Set{"foo": "bar", "foobar": "bar", "baz": "blah"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.set.String(), func(t *testing.T) {
			if got := SelectorFromSet(tt.set).Matches(labelset); got != tt.want {
				t.Errorf("SelectorFromSet(%v).Matches(%v) = %v, want %v", tt.set, labelset, got, tt.want)
			}
		})
	}
}

func TestValidatedSelectorFromSet(t *testing.T) {
	long := "axahm2EJ8Phiephe2eixohbee9eGeiyees1thuozi1xoh0GiuH3diewi8iem7Nui"
	tests := []struct {
		name    string
		set     Set
		want    string
		wantErr string
	}{
		{name: "nil", set: nil, want: ""},
		{name: "valid", set: Set{"b": "2", "a": "1"}, want: "a=1,b=2"},
		{name: "value too long", set: Set{"Key": long}, wantErr: `invalid label value: "` + long + `": at key: "Key": must be no more than 63 characters`},
		{name: "first bad key in order", set: Set{"b c": "", "a b": ""}, wantErr: `invalid label key "a b": name part ` + strings.TrimPrefix(badNameReason[:strings.Index(badNameReason, " with an optional")], "a qualified name ")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sel, err := ValidatedSelectorFromSet(tt.set)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if diff := cmp.Diff(tt.wantErr, gotErr); diff != "" {
				t.Fatalf("error mismatch (-want +got):\n%s", diff)
			}
			if err == nil {
				if diff := cmp.Diff(tt.want, sel.String()); diff != "" {
					t.Errorf("String() mismatch (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(SelectorFromSet(tt.set), sel); diff != "" {
					t.Errorf("differs from SelectorFromSet (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestAdd(t *testing.T) {
	tests := []struct {
		name string
		sel  Selector
		add  []Requirement
		want string
	}{
		{"to everything", Everything(), []Requirement{mustRequirement(t, "key", In, "value")}, "key in (value)"},
		{"sorted in", mustParse(t, "b=1"), []Requirement{mustRequirement(t, "a", Exists), mustRequirement(t, "c", DoesNotExist)}, "a,b=1,!c"},
		{"nothing added", mustParse(t, "b=1"), nil, "b=1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := tt.sel.String()
			got := tt.sel.Add(tt.add...)
			if diff := cmp.Diff(tt.want, got.String()); diff != "" {
				t.Errorf("Add mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(before, tt.sel.String()); diff != "" {
				t.Errorf("Add changed the receiver (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(mustParse(t, tt.want), got); diff != "" {
				t.Errorf("Add result differs from parsing its String (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRequirementsReturnsCopy(t *testing.T) {
	sel := mustParse(t, "a=1,b=2")
	reqs, _ := sel.Requirements()
	reqs[0] = mustRequirement(t, "z", Exists)
	if diff := cmp.Diff("a=1,b=2", sel.String()); diff != "" {
		t.Errorf("changing Requirements' result changed the selector (-want +got):\n%s", diff)
	}
}

func TestRequiresExactMatch(t *testing.T) {
	tests := []struct {
		selector  string
		label     string
		wantValue string
		wantFound bool
	}{
		{"key in (value)", "key", "value", true},
		{"key in (value,value2)", "key", "", false},
		{"key in (value,value1),key2 in (value2)", "key2", "value2", true},
		{"key=value", "key", "value", true},
		{"key==value", "key", "value", true},
		{"key=", "key", "", true},
		{"key!=value", "key", "", false},
		{"key", "key", "", false},
		{"key=value", "other", "", false},
		{"key in (value),key2 in (value2)", "key", "value", true},
		// As in Kubernetes only the first requirement on the key counts; "!" sorts first.
		{"key=value,!key", "key", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.selector+"/"+tt.label, func(t *testing.T) {
			value, found := mustParse(t, tt.selector).RequiresExactMatch(tt.label)
			if value != tt.wantValue || found != tt.wantFound {
				t.Errorf("RequiresExactMatch(%q) = %q, %v; want %q, %v", tt.label, value, found, tt.wantValue, tt.wantFound)
			}
		})
	}
}

func TestSet(t *testing.T) {
	s := Set{"a": "1", "empty": ""}
	tests := []struct {
		label   string
		wantHas bool
		wantGet string
	}{
		{"a", true, "1"},
		{"empty", true, ""},
		{"missing", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			if got := s.Has(tt.label); got != tt.wantHas {
				t.Errorf("Has(%q) = %v, want %v", tt.label, got, tt.wantHas)
			}
			if got := s.Get(tt.label); got != tt.wantGet {
				t.Errorf("Get(%q) = %q, want %q", tt.label, got, tt.wantGet)
			}
		})
	}
	if diff := cmp.Diff("a=1,empty=", s.String()); diff != "" {
		t.Errorf("String() mismatch (-want +got):\n%s", diff)
	}
	if got := Set(nil).String(); got != "" {
		t.Errorf("nil Set String() = %q, want empty", got)
	}
}

func TestDeterministicParse(t *testing.T) {
	a, b := mustParse(t, "x=a,a=x"), mustParse(t, "a=x,x=a")
	if diff := cmp.Diff(a.String(), b.String()); diff != "" {
		t.Errorf("order of input changed the result (-want +got):\n%s", diff)
	}
}
