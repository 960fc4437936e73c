package labels

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The reasons api/validation gives, repeated here so the expected messages read in full.
const (
	badValueReason = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
	badNameReason  = "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // canonical String() of the result
	}{
		{"empty", "", ""},
		{"only spaces", " \t\r\n ", ""},
		{"equals", "x=a", "x=a"},
		{"double equals kept", "x==a", "x==a"},
		{"not equals", "x!=a", "x!=a"},
		{"sorted by key", "z=c,x=a,y=b", "x=a,y=b,z=c"},
		{"empty value", "x=", "x="},
		{"empty value before comma", "x=,z= ", "x=,z="},
		{"empty value with spaces", "x= ,z= ", "x=,z="},
		{"empty not-equals value", "x!=", "x!="},
		{"exists", "x", "x"},
		{"exists after leading carriage return", "\rx", "x"},
		{"trailing space", "a ", "a"},
		{"does not exist", "!x", "!x"},
		{"does not exist with space", "! x", "!x"},
		{"greater than", "x>1", "x>1"},
		{"less than", "x<7", "x<7"},
		{"greater and less", "x>1,z<5", "x>1,z<5"},
		{"integer with leading zeros", "x>007", "x>007"},
		{"in", "x in (abc,def)", "x in (abc,def)"},
		{"in sorts and dedupes values", "x in (def,abc,def)", "x in (abc,def)"},
		{"notin", "x notin (abc)", "x notin (abc)"},
		{"in with tabs and newlines", "x  notin\t\n\t(abc,def)", "x notin (abc,def)"},
		{"in without spaces", "x in(a)", "x in (a)"},
		{"in with spaces inside", "x in ( a , b )", "x in (a,b)"},
		{"in empty list is the empty value", "x in ()", "x in ()"},
		{"in list of spaces", "x notin ( )", "x notin ()"},
		{"in leading empty value", "x notin (, a)", "x notin (,a)"},
		{"in trailing empty value", "x in (abc,)", "x in (,abc)"},
		{"in empty value between", "x notin (abc,,def)", "x notin (,abc,def)"},
		{"in only a comma", "x in (,)", "x in ()"},
		{"in three commas", "x in (a,,,b)", "x in (,a,b)"},
		{"in and notin as values", "a in (x,y,notin, z,in)", "a in (in,notin,x,y,z)"},
		{"in and notin as keys", "in in (notin),notin notin (in)", "in in (notin),notin notin (in)"},
		{"in as exact value", "notin=in", "notin=in"},
		{"mixed", "x notin (abc,,def),bar,z in (),w", "bar,w,x notin (,abc,def),z in ()"},
		{"prefixed key", "this-is-a-dns.domain.com/key-with-dash", "this-is-a-dns.domain.com/key-with-dash"},
		{"prefixed key with in", "0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)", "0.1.2.domain/99 notin (10.10.100.1,tick.tack.clock)"},
		{"same key sorted by operator then values", "x=b,x!=a,x,!x,x in (c)", "!x,x!=a,x=b,x,x in (c)"},
		{"duplicates kept", "x=a,x=a", "x=a,x=a"},
		{"doc example", "app=web, tier in (frontend,edge), !canary", "app=web,!canary,tier in (edge,frontend)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sel, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q) failed: %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, sel.String()); diff != "" {
				t.Errorf("Parse(%q).String() mismatch (-want +got):\n%s", tt.in, diff)
			}
			again, err := Parse(sel.String())
			if err != nil {
				t.Fatalf("Parse(%q) of its own String failed: %v", sel.String(), err)
			}
			if diff := cmp.Diff(sel, again); diff != "" {
				t.Errorf("re-parsing %q gave another selector (-want +got):\n%s", sel.String(), diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		wantMsg    string
		wantOffset int
	}{
		{"leading comma", ",x,y", "found ',', expected: !, identifier, or 'end of string'", 0},
		{"open paren", "(", "found '(', expected: !, identifier, or 'end of string'", 0},
		{"operator first", "=a", "found '=', expected: !, identifier, or 'end of string'", 0},
		{"double comma", "x,,y", "found ',', expected: identifier after ','", 2},
		{"trailing comma", "a in (xyz),", "found 'end of string', expected: identifier after ','", 11},
		{"missing comma between requirements", "a in (xyz)b notin ()", "found 'b', expected: ',' or 'end of string'", 10},
		{"two values", "x=a b", "found 'b', expected: ',' or 'end of string'", 4},
		{"chained equals", "x==a==b", "found '==', expected: ',' or 'end of string'", 4},
		{"does not exist with value", "!x=a", "found '=', expected: ',' or 'end of string'", 2},
		{"bang alone", "!", "unable to parse requirement: found 'end of string', expected: identifier", 1},
		{"double bang", "!!x", "unable to parse requirement: found '!', expected: identifier", 1},
		{"unknown operator", "x nott in (y)", "unable to parse requirement: found 'nott', expected: in, notin, =, ==, !=, gt, lt", 2},
		{"paren as operator", "a (", "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt", 2},
		{"bang as operator", "x !y", "unable to parse requirement: found '!', expected: in, notin, =, ==, !=, gt, lt", 2},
		{"greater or equal", "x>=1", "unable to parse requirement: found '=', expected: identifier", 2},
		{"paren as value", "x=(", "unable to parse requirement: found '(', expected: identifier", 2},
		{"in without values", "x in", "unable to parse requirement: found 'end of string', expected: '('", 4},
		{"in with a word", "x in a", "unable to parse requirement: found 'a', expected: '('", 5},
		{"unclosed list", "a notin(", "unable to parse requirement: found 'end of string', expected: ',', ')' or identifier", 8},
		{"list opened by operator", "a in (=)", "unable to parse requirement: found '=', expected: ',', ')' or identifier", 6},
		{"missing comma in list", "a in (xyz abc)", "unable to parse requirement: found 'abc', expected: ',' or ')'", 10},
		{"unterminated list", "x in (a,b", "unable to parse requirement: found 'end of string', expected: ',' or ')'", 9},
		{"operator in list", "x in (a,!)", "unable to parse requirement: found '!', expected: ',', or identifier", 8},
		{"list ending in two commas", "x in (a,,)", "unable to parse requirement: found ')', expected: ',', or identifier", 9},
		{"bad key", "a/b/c", `unable to parse requirement: invalid label key "a/b/c": ` + badNameReason, 0},
		{"bad key after bang", "x, !-y", `unable to parse requirement: invalid label key "-y": name part ` + strings.TrimPrefix(badNameReason[:strings.Index(badNameReason, " with an optional")], "a qualified name "), 4},
		{"key with a colon", "run:tmp", `unable to parse requirement: invalid label key "run:tmp": name part ` + strings.TrimPrefix(badNameReason[:strings.Index(badNameReason, " with an optional")], "a qualified name "), 0},
		{"bad value", "x=a||y=b", `unable to parse requirement: invalid label value: "a||y": at key: "x": ` + badValueReason, 2},
		{"bad value in list", "x in (ok,-bad)", `unable to parse requirement: invalid label value: "-bad": at key: "x": ` + badValueReason, 9},
		{"value too long", "x=" + strings.Repeat("a", 64), `unable to parse requirement: invalid label value: "` + strings.Repeat("a", 64) + `": at key: "x": must be no more than 63 characters`, 2},
		{"not an integer", "x<a", `unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer, not "a"`, 2},
		{"missing integer", "x>", `unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer, not ""`, 2},
		{"integer out of range", "x>99999999999999999999", `unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer, not "99999999999999999999"`, 2},
		{"negative integer is not a label value", "x>-1", `unable to parse requirement: invalid label value: "-1": at key: "x": ` + badValueReason, 2},
		{"NUL is not the end", "x\x00y", `unable to parse requirement: invalid label key "x\x00y": name part ` + strings.TrimPrefix(badNameReason[:strings.Index(badNameReason, " with an optional")], "a qualified name "), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sel, err := Parse(tt.in)
			if err == nil {
				t.Fatalf("Parse(%q) = %q, want an error", tt.in, sel)
			}
			var perr *ParseError
			if !errors.As(err, &perr) {
				t.Fatalf("Parse(%q) error %T is not a *ParseError: %v", tt.in, err, err)
			}
			want := &ParseError{Selector: tt.in, Offset: tt.wantOffset, Msg: tt.wantMsg}
			if diff := cmp.Diff(want, perr); diff != "" {
				t.Errorf("Parse(%q) error mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestParseErrorText(t *testing.T) {
	_, err := Parse("a (")
	want := "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt (at offset 2)"
	if diff := cmp.Diff(want, err.Error()); diff != "" {
		t.Errorf("error text mismatch (-want +got):\n%s", diff)
	}
}

// plainRequirement exposes a Requirement's parts so tests can compare them field by field.
type plainRequirement struct {
	Key    string
	Op     Operator
	Values []string
}

func plain(reqs []Requirement) []plainRequirement {
	var out []plainRequirement
	for _, r := range reqs {
		out = append(out, plainRequirement{Key: r.Key(), Op: r.Operator(), Values: r.Values()})
	}
	return out
}

func TestParseRequirements(t *testing.T) {
	tests := []struct {
		in   string
		want []plainRequirement
	}{
		{"", nil},
		{"x,y in (a)", []plainRequirement{{"x", Exists, nil}, {"y", In, []string{"a"}}}},
		{"!x", []plainRequirement{{"x", DoesNotExist, nil}}},
		{"x=a,y!=b,z==c", []plainRequirement{{"x", Equals, []string{"a"}}, {"y", NotEquals, []string{"b"}}, {"z", DoubleEquals, []string{"c"}}}},
		{"x=", []plainRequirement{{"x", Equals, []string{""}}}},
		{"x in ()", []plainRequirement{{"x", In, []string{""}}}},
		{"x notin (b,,a)", []plainRequirement{{"x", NotIn, []string{"", "a", "b"}}}},
		{"x>1,y<2", []plainRequirement{{"x", GreaterThan, []string{"1"}}, {"y", LessThan, []string{"2"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			sel, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q) failed: %v", tt.in, err)
			}
			reqs, selectable := sel.Requirements()
			if !selectable {
				t.Errorf("Parse(%q).Requirements() selectable = false, want true", tt.in)
			}
			if diff := cmp.Diff(tt.want, plain(reqs)); diff != "" {
				t.Errorf("Parse(%q).Requirements() mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}
