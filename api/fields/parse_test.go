package fields

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseSelector(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // canonical String()
		reqs []Requirement
	}{
		{name: "empty", in: "", want: ""},
		{name: "only commas", in: ",,", want: ""},
		{name: "equals", in: "x=a", want: "x=a", reqs: []Requirement{{"x", Equals, "a"}}},
		{name: "double equals", in: "x==a", want: "x=a", reqs: []Requirement{{"x", Equals, "a"}}},
		{name: "not equals", in: "x!=a", want: "x!=a", reqs: []Requirement{{"x", NotEquals, "a"}}},
		{name: "empty value", in: "x=", want: "x=", reqs: []Requirement{{"x", Equals, ""}}},
		{name: "empty field", in: "=a", want: "=a", reqs: []Requirement{{"", Equals, "a"}}},
		{name: "sorted", in: "x=a,y=b,z=c", want: "x=a,y=b,z=c"},
		{name: "sorted from any order", in: "z=c,x!=a,y=b", want: "x!=a,y=b,z=c"},
		{name: "same field sorted by operator then value", in: "a==x,a=b,a!=c", want: "a!=c,a=b,a=x"},
		{name: "empty terms skipped", in: "a=a,,b=b,", want: "a=a,b=b"},
		{name: "spaces kept", in: "a = b", want: "a = b", reqs: []Requirement{{"a ", Equals, " b"}}},
		{name: "escaped pipes", in: `x=a||y\=b`, want: `x=a||y\=b`, reqs: []Requirement{{"x", Equals, "a||y=b"}}},
		{name: "escaped equals", in: `x=a\=\=b`, want: `x=a\=\=b`, reqs: []Requirement{{"x", Equals, "a==b"}}},
		{name: "escaped comma", in: `k=\,,k2=v2`, want: `k=\,,k2=v2`, reqs: []Requirement{{"k", Equals, ","}, {"k2", Equals, "v2"}}},
		{name: "escaped backslash then comma", in: `k=\\,k2=v2`, want: `k=\\,k2=v2`, reqs: []Requirement{{"k", Equals, `\`}, {"k2", Equals, "v2"}}},
		{name: "escaped backslash and comma", in: `k=\\\,,k2=v2`, want: `k=\\\,,k2=v2`, reqs: []Requirement{{"k", Equals, `\,`}, {"k2", Equals, "v2"}}},
		{name: "backslash in field kept", in: `a\,b=c`, want: `a\,b=c`, reqs: []Requirement{{`a\,b`, Equals, "c"}}},
		{name: "bang in field", in: "a!b=c", want: "a!b=c", reqs: []Requirement{{"a!b", Equals, "c"}}},
		{name: "multi-byte", in: "함=수,목=록", want: "목=록,함=수"},
		{name: "in is not an operator", in: "notin=in", want: "notin=in"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sel, err := ParseSelector(tt.in)
			if err != nil {
				t.Fatalf("ParseSelector(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, sel.String()); diff != "" {
				t.Errorf("String() mismatch (-want +got):\n%s", diff)
			}
			if tt.reqs != nil {
				if diff := cmp.Diff(tt.reqs, sel.Requirements()); diff != "" {
					t.Errorf("Requirements() mismatch (-want +got):\n%s", diff)
				}
			}
			again, err := ParseSelector(sel.String())
			if err != nil {
				t.Fatalf("re-parsing %q: %v", sel.String(), err)
			}
			if diff := cmp.Diff(sel.Requirements(), again.Requirements()); diff != "" {
				t.Errorf("re-parsing %q gave other terms (-want +got):\n%s", sel.String(), diff)
			}
		})
	}
}

func TestParseSelectorErrors(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr string
		// wantAs is the typed error errors.As should find, if any.
		wantAs error
	}{
		{name: "no operator", in: "x", wantErr: "invalid selector: 'x'; can't understand 'x'"},
		{name: "second term without operator", in: "x=a,b", wantErr: "invalid selector: 'x=a,b'; can't understand 'b'"},
		{name: "set syntax", in: "x in (a)", wantErr: "invalid selector: 'x in (a)'; can't understand 'x in (a)'"},
		{name: "set syntax with commas", in: "x in (a,b,c)", wantErr: "invalid selector: 'x in (a,b,c)'; can't understand 'x in (a'"},
		{name: "unescaped equals", in: "x=a||y=b", wantErr: `invalid field selector: unescaped character in value: '=' (in term 'x=a||y=b')`, wantAs: UnescapedRune{Rune: '='}},
		{name: "chained equals", in: "x==a==b", wantErr: `invalid field selector: unescaped character in value: '=' (in term 'x==a==b')`, wantAs: UnescapedRune{Rune: '='}},
		{name: "first operator wins", in: "a!==b", wantErr: `invalid field selector: unescaped character in value: '=' (in term 'a!==b')`, wantAs: UnescapedRune{Rune: '='}},
		{name: "unknown escape", in: `a=b,k=\a`, wantErr: `invalid field selector: invalid escape sequence: \a (in term 'k=\a')`, wantAs: InvalidEscapeSequence{Sequence: `\a`}},
		{name: "orphan backslash", in: `k=\`, wantErr: `invalid field selector: invalid escape sequence: \ (in term 'k=\')`, wantAs: InvalidEscapeSequence{Sequence: `\`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sel, err := ParseSelector(tt.in)
			if err == nil {
				t.Fatalf("ParseSelector(%q) = %q, want an error", tt.in, sel)
			}
			if diff := cmp.Diff(tt.wantErr, err.Error()); diff != "" {
				t.Errorf("error mismatch (-want +got):\n%s", diff)
			}
			switch want := tt.wantAs.(type) {
			case UnescapedRune:
				var got UnescapedRune
				if !errors.As(err, &got) || got != want {
					t.Errorf("errors.As(UnescapedRune) = %v, want %v", got, want)
				}
			case InvalidEscapeSequence:
				var got InvalidEscapeSequence
				if !errors.As(err, &got) || got != want {
					t.Errorf("errors.As(InvalidEscapeSequence) = %v, want %v", got, want)
				}
			}
		})
	}
}

func TestParseSelectorOrDie(t *testing.T) {
	if got := ParseSelectorOrDie("a=b").String(); got != "a=b" {
		t.Errorf("ParseSelectorOrDie(%q).String() = %q", "a=b", got)
	}
	defer func() {
		if recover() == nil {
			t.Errorf("ParseSelectorOrDie(%q) did not panic", "a")
		}
	}()
	ParseSelectorOrDie("a")
}

func TestSplitTerms(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{``, nil},
		{`a`, []string{`a`}},
		{`a=avalue,b=bvalue`, []string{`a=avalue`, `b=bvalue`}},
		{`a=a,`, []string{`a=a`, ``}},
		{`,a=a`, []string{``, `a=a`}},
		{`k=\,,k2=v2`, []string{`k=\,`, `k2=v2`}},
		{`k=\\,k2=v2`, []string{`k=\\`, `k2=v2`}},
		{`k=\\\,,k2=v2`, []string{`k=\\\,`, `k2=v2`}},
		{`k=\a\b\`, []string{`k=\a\b\`}},
		{`k=\`, []string{`k=\`}},
		{`함=수,목=록`, []string{`함=수`, `목=록`}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, splitTerms(tt.in)); diff != "" {
				t.Errorf("splitTerms(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestEscapeValue(t *testing.T) {
	tests := []struct {
		literal string
		escaped string
	}{
		{``, ``},
		{`a`, `a`},
		{`=`, `\=`},
		{`,`, `\,`},
		{`\`, `\\`},
		{`\=\,\`, `\\\=\\\,\\`},
		{"\xff=", "\xff\\="},
	}
	for _, tt := range tests {
		t.Run(tt.literal, func(t *testing.T) {
			if diff := cmp.Diff(tt.escaped, EscapeValue(tt.literal)); diff != "" {
				t.Errorf("EscapeValue(%q) mismatch (-want +got):\n%s", tt.literal, diff)
			}
			got, err := UnescapeValue(tt.escaped)
			if err != nil {
				t.Fatalf("UnescapeValue(%q): %v", tt.escaped, err)
			}
			if diff := cmp.Diff(tt.literal, got); diff != "" {
				t.Errorf("UnescapeValue(%q) mismatch (-want +got):\n%s", tt.escaped, diff)
			}
		})
	}
}

func TestUnescapeValueErrors(t *testing.T) {
	tests := []struct {
		in   string
		want error
		text string
	}{
		{`\`, InvalidEscapeSequence{Sequence: `\`}, `invalid field selector: invalid escape sequence: \`},
		{`\\\`, InvalidEscapeSequence{Sequence: `\`}, `invalid field selector: invalid escape sequence: \`},
		{`\a`, InvalidEscapeSequence{Sequence: `\a`}, `invalid field selector: invalid escape sequence: \a`},
		{`\수`, InvalidEscapeSequence{Sequence: `\수`}, `invalid field selector: invalid escape sequence: \수`},
		{"\\\xff", InvalidEscapeSequence{Sequence: "\\\uFFFD"}, "invalid field selector: invalid escape sequence: \\\uFFFD"},
		{`a,b`, UnescapedRune{Rune: ','}, `invalid field selector: unescaped character in value: ','`},
		{`a=b`, UnescapedRune{Rune: '='}, `invalid field selector: unescaped character in value: '='`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := UnescapeValue(tt.in)
			if diff := cmp.Diff(tt.want, err); diff != "" {
				t.Errorf("UnescapeValue(%q) error mismatch (-want +got):\n%s", tt.in, diff)
			}
			if err != nil {
				if diff := cmp.Diff(tt.text, err.Error()); diff != "" {
					t.Errorf("error text mismatch (-want +got):\n%s", diff)
				}
			}
		})
	}
}
