package labels

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNewRequirement(t *testing.T) {
	tests := []struct {
		name       string
		key        string
		op         Operator
		vals       []string
		wantString string
		wantErr    string
	}{
		{name: "in", key: "x", op: In, vals: []string{"b", "a", "b"}, wantString: "x in (a,b)"},
		{name: "notin with empty value", key: "x", op: NotIn, vals: []string{""}, wantString: "x notin ()"},
		{name: "equals", key: "x", op: Equals, vals: []string{"a"}, wantString: "x=a"},
		{name: "double equals", key: "x", op: DoubleEquals, vals: []string{"a"}, wantString: "x==a"},
		{name: "not equals", key: "x", op: NotEquals, vals: []string{""}, wantString: "x!="},
		{name: "exists", key: "x", op: Exists, wantString: "x"},
		{name: "exists with empty slice", key: "x", op: Exists, vals: []string{}, wantString: "x"},
		{name: "does not exist", key: "example.com/x", op: DoesNotExist, wantString: "!example.com/x"},
		{name: "greater than", key: "x", op: GreaterThan, vals: []string{"1"}, wantString: "x>1"},
		{name: "less than", key: "x", op: LessThan, vals: []string{"6"}, wantString: "x<6"},

		{name: "in without values", key: "x", op: In, wantErr: "for 'in', 'notin' operators, values set can't be empty"},
		{name: "notin with empty slice", key: "x", op: NotIn, vals: []string{}, wantErr: "for 'in', 'notin' operators, values set can't be empty"},
		{name: "equals with two values", key: "x", op: Equals, vals: []string{"a", "b"}, wantErr: "exact-match compatibility requires one single value"},
		{name: "equals twice the same value", key: "x", op: Equals, vals: []string{"a", "a"}, wantErr: "exact-match compatibility requires one single value"},
		{name: "not equals without value", key: "x", op: NotEquals, wantErr: "exact-match compatibility requires one single value"},
		{name: "exists with value", key: "x", op: Exists, vals: []string{"a"}, wantErr: "values set must be empty for exists and does not exist"},
		{name: "does not exist with value", key: "x", op: DoesNotExist, vals: []string{""}, wantErr: "values set must be empty for exists and does not exist"},
		{name: "greater than without value", key: "x", op: GreaterThan, wantErr: "for 'Gt', 'Lt' operators, exactly one value is required"},
		{name: "less than with two values", key: "x", op: LessThan, vals: []string{"1", "2"}, wantErr: "for 'Gt', 'Lt' operators, exactly one value is required"},
		{name: "greater than a word", key: "x", op: GreaterThan, vals: []string{"bar"}, wantErr: `for 'Gt', 'Lt' operators, the value must be an integer, not "bar"`},
		{name: "unknown operator", key: "x", op: "like", vals: []string{"a"}, wantErr: "operator 'like' is not recognized; supported operators are: in, notin, =, ==, !=, gt, lt, exists, !"},
		{name: "key too long", key: strings.Repeat("a", 64), op: Exists, wantErr: `invalid label key "` + strings.Repeat("a", 64) + `": name part must be no more than 63 characters`},
		{name: "empty key", key: "", op: Exists, wantErr: `invalid label key "": name part must be non-empty; name part ` + strings.TrimPrefix(badNameReason[:strings.Index(badNameReason, " with an optional")], "a qualified name ")},
		{name: "key checked before operator", key: "a b", op: "like", wantErr: `invalid label key "a b": name part ` + strings.TrimPrefix(badNameReason[:strings.Index(badNameReason, " with an optional")], "a qualified name ")},
		{name: "value too long", key: "x", op: Equals, vals: []string{strings.Repeat("a", 64)}, wantErr: `invalid label value: "` + strings.Repeat("a", 64) + `": at key: "x": must be no more than 63 characters`},
		{name: "value with a space", key: "x", op: In, vals: []string{"ok", "a b"}, wantErr: `invalid label value: "a b": at key: "x": ` + badValueReason},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewRequirement(tt.key, tt.op, tt.vals)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if diff := cmp.Diff(tt.wantErr, gotErr); diff != "" {
				t.Fatalf("NewRequirement(%q, %q, %q) error mismatch (-want +got):\n%s", tt.key, tt.op, tt.vals, diff)
			}
			if err != nil {
				return
			}
			if diff := cmp.Diff(tt.wantString, r.String()); diff != "" {
				t.Errorf("String() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewRequirementCopiesValues(t *testing.T) {
	vals := []string{"b", "a"}
	r, err := NewRequirement("x", In, vals)
	if err != nil {
		t.Fatal(err)
	}
	vals[0] = "changed"
	got := r.Values()
	got[0] = "changed too"
	if diff := cmp.Diff([]string{"a", "b"}, r.Values()); diff != "" {
		t.Errorf("Values() changed through the caller's slices (-want +got):\n%s", diff)
	}
}

func mustRequirement(t testing.TB, key string, op Operator, vals ...string) Requirement {
	t.Helper()
	r, err := NewRequirement(key, op, vals)
	if err != nil {
		t.Fatalf("NewRequirement(%q, %q, %q): %v", key, op, vals, err)
	}
	return *r
}

func TestRequirementMatches(t *testing.T) {
	tests := []struct {
		name   string
		req    Requirement
		labels Set
		want   bool
	}{
		{"equals present", mustRequirement(t, "x", Equals, "a"), Set{"x": "a"}, true},
		{"equals other value", mustRequirement(t, "x", Equals, "a"), Set{"x": "b"}, false},
		{"equals absent", mustRequirement(t, "x", Equals, "a"), Set{}, false},
		{"equals empty value absent", mustRequirement(t, "x", Equals, ""), Set{}, false},
		{"equals empty value present", mustRequirement(t, "x", Equals, ""), Set{"x": ""}, true},
		{"double equals", mustRequirement(t, "x", DoubleEquals, "a"), Set{"x": "a"}, true},
		{"not equals other value", mustRequirement(t, "x", NotEquals, "a"), Set{"x": "b"}, true},
		{"not equals same value", mustRequirement(t, "x", NotEquals, "a"), Set{"x": "a"}, false},
		{"not equals absent", mustRequirement(t, "x", NotEquals, "a"), Set{"y": "a"}, true},
		{"in one of", mustRequirement(t, "x", In, "a", "b", "c", "d", "e"), Set{"x": "d"}, true},
		{"in none of", mustRequirement(t, "x", In, "a", "b", "c", "d", "e"), Set{"x": "f"}, false},
		{"in absent", mustRequirement(t, "x", In, "a"), Set{}, false},
		{"in empty value absent", mustRequirement(t, "x", In, ""), Set{"y": "baz"}, false},
		{"notin one of", mustRequirement(t, "x", NotIn, "a", "b"), Set{"x": "b"}, false},
		{"notin none of", mustRequirement(t, "x", NotIn, "a", "b"), Set{"x": "c"}, true},
		{"notin absent", mustRequirement(t, "x", NotIn, ""), Set{"y": ""}, true},
		{"exists present empty", mustRequirement(t, "x", Exists), Set{"x": ""}, true},
		{"exists absent", mustRequirement(t, "x", Exists), Set{"y": "x"}, false},
		{"does not exist absent", mustRequirement(t, "x", DoesNotExist), Set{"y": "z"}, true},
		{"does not exist present", mustRequirement(t, "x", DoesNotExist), Set{"x": "z"}, false},
		{"greater than", mustRequirement(t, "x", GreaterThan, "1"), Set{"x": "2"}, true},
		{"greater than equal", mustRequirement(t, "x", GreaterThan, "1"), Set{"x": "1"}, false},
		{"greater than negative label", mustRequirement(t, "x", GreaterThan, "0"), Set{"x": "-5"}, false},
		{"greater than signed label", mustRequirement(t, "x", GreaterThan, "4"), Set{"x": "+5"}, true},
		{"greater than word", mustRequirement(t, "x", GreaterThan, "1"), Set{"x": "v2"}, false},
		{"greater than absent", mustRequirement(t, "x", GreaterThan, "1"), Set{}, false},
		{"less than", mustRequirement(t, "x", LessThan, "1"), Set{"x": "0"}, true},
		{"less than greater", mustRequirement(t, "x", LessThan, "1"), Set{"x": "2"}, false},
		{"less than empty", mustRequirement(t, "x", LessThan, "1"), Set{"x": ""}, false},
		{"less than overflow", mustRequirement(t, "x", LessThan, "1"), Set{"x": "-99999999999999999999"}, false},
		{"zero requirement", Requirement{}, Set{"": ""}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.req.Matches(tt.labels); got != tt.want {
				t.Errorf("%q.Matches(%q) = %v, want %v", tt.req.String(), tt.labels, got, tt.want)
			}
		})
	}
}

func TestRequirementEqual(t *testing.T) {
	a := mustRequirement(t, "x", In, "a", "b")
	tests := []struct {
		name string
		x    Requirement
		want bool
	}{
		{"same", mustRequirement(t, "x", In, "b", "a", "a"), true},
		{"other key", mustRequirement(t, "y", In, "a", "b"), false},
		{"other operator", mustRequirement(t, "x", NotIn, "a", "b"), false},
		{"other values", mustRequirement(t, "x", In, "a"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := a.Equal(tt.x); got != tt.want {
				t.Errorf("Equal = %v, want %v", got, tt.want)
			}
			if got := cmp.Equal(a, tt.x); got != tt.want {
				t.Errorf("cmp.Equal = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseInt64(t *testing.T) {
	tests := []string{
		"", "0", "-0", "+0", "1", "-1", "+1", "007", "12345678901234567", "a", "1a", "-", "+", "--1", "+-1",
		"1_000", "0x10", " 1", "1 ", "١",
		strconv.FormatInt(math.MaxInt64, 10), strconv.FormatInt(math.MinInt64, 10),
		"9223372036854775808", "-9223372036854775809", "99999999999999999999", "-99999999999999999999",
	}
	for _, s := range tests {
		t.Run(s, func(t *testing.T) {
			want, err := strconv.ParseInt(s, 10, 64)
			got, ok := parseInt64(s)
			if diff := cmp.Diff(err == nil, ok); diff != "" {
				t.Fatalf("parseInt64(%q) ok mismatch with strconv (-want +got):\n%s", s, diff)
			}
			if ok && got != want {
				t.Errorf("parseInt64(%q) = %d, want %d", s, got, want)
			}
		})
	}
}

func FuzzParseInt64(f *testing.F) {
	for _, s := range []string{"0", "-9223372036854775808", "9223372036854775807", "+12", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := strconv.ParseInt(s, 10, 64)
		got, ok := parseInt64(s)
		if ok != (err == nil) || (ok && got != want) {
			t.Errorf("parseInt64(%q) = %d, %v; strconv gives %d, %v", s, got, ok, want, err)
		}
	})
}
