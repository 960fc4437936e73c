package labels

import (
	"errors"
	"testing"
)

// FuzzParse checks that Parse never panics, that its errors say where the problem is, and
// that String is a canonical form: it parses back to a selector that prints the same and
// selects the same labels.
func FuzzParse(f *testing.F) {
	// The seed corpus lives in testdata/fuzz/FuzzParse.
	f.Fuzz(func(t *testing.T, s string) {
		sel, err := Parse(s)
		if err != nil {
			var perr *ParseError
			if !errors.As(err, &perr) {
				t.Fatalf("Parse(%q) error %T is not a *ParseError: %v", s, err, err)
			}
			if perr.Offset < 0 || perr.Offset > len(s) || perr.Msg == "" {
				t.Fatalf("Parse(%q) error %+v has a bad offset or no message", s, perr)
			}
			return
		}
		canonical := sel.String()
		again, err := Parse(canonical)
		if err != nil {
			t.Fatalf("Parse(%q) gave %q, which does not parse: %v", s, canonical, err)
		}
		if got := again.String(); got != canonical {
			t.Fatalf("Parse(%q) gave %q, which re-parses to %q", s, canonical, got)
		}
		for _, ls := range probeSets(sel) {
			if sel.Matches(ls) != again.Matches(ls) {
				t.Fatalf("Parse(%q) and Parse(%q) disagree on %v", s, canonical, ls)
			}
		}
	})
}

// probeSets builds label sets that exercise a selector: none, then each key with each value
// the selector mentions, so both matching and failing paths run.
func probeSets(sel Selector) []Set {
	reqs, _ := sel.Requirements()
	sets := []Set{{}}
	all := Set{}
	for _, r := range reqs {
		for _, v := range append(r.Values(), "", "0") {
			sets = append(sets, Set{r.Key(): v})
			all[r.Key()] = v
		}
	}
	return append(sets, all)
}
