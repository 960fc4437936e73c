package fields

import (
	"maps"
	"testing"
)

// FuzzParseSelector checks that ParseSelector never panics and that String is a canonical
// form: it parses back to a selector that prints the same and selects the same objects.
func FuzzParseSelector(f *testing.F) {
	// The seed corpus lives in testdata/fuzz/FuzzParseSelector.
	f.Fuzz(func(t *testing.T, s string) {
		sel, err := ParseSelector(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("ParseSelector(%q) gave an empty error", s)
			}
			return
		}
		canonical := sel.String()
		again, err := ParseSelector(canonical)
		if err != nil {
			t.Fatalf("ParseSelector(%q) gave %q, which does not parse: %v", s, canonical, err)
		}
		if got := again.String(); got != canonical {
			t.Fatalf("ParseSelector(%q) gave %q, which re-parses to %q", s, canonical, got)
		}
		probes := []Set{{}}
		all := Set{}
		for _, r := range sel.Requirements() {
			probes = append(probes, Set{r.Field: r.Value}, Set{r.Field: r.Value + "x"})
			all[r.Field] = r.Value
		}
		probes = append(probes, all)
		// A field the selector pins to one value rules out every other value.
		for _, r := range sel.Requirements() {
			if v, ok := sel.RequiresExactMatch(r.Field); ok {
				other := maps.Clone(all)
				other[r.Field] = v + "x"
				if sel.Matches(other) {
					t.Fatalf("%q requires %s=%q but matches %v", canonical, r.Field, v, other)
				}
			}
		}
		for _, fs := range probes {
			if sel.Matches(fs) != again.Matches(fs) {
				t.Fatalf("ParseSelector(%q) and ParseSelector(%q) disagree on %v", s, canonical, fs)
			}
		}
	})
}
