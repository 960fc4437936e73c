package labels

import (
	"slices"
	"strings"
)

// Selector chooses objects by their labels. Implementations are immutable: Add returns a
// new Selector and leaves the receiver alone, so a Selector may be shared between
// goroutines.
type Selector interface {
	// Matches reports whether the labels satisfy every requirement of the selector.
	Matches(Labels) bool

	// Empty reports whether the selector has no requirements, and so matches everything.
	// Nothing() is not empty: it has no requirements but matches nothing.
	Empty() bool

	// String returns the selector in the syntax Parse reads, with requirements sorted so
	// that equal selectors print the same. Nothing() prints as "", like Everything(),
	// because the syntax has no way to say "match nothing".
	String() string

	// Requirements returns a copy of the selector's requirements, sorted as String prints
	// them. selectable is false when the selector can select nothing at all (Nothing());
	// callers that translate selectors into queries must then return no results.
	Requirements() (requirements []Requirement, selectable bool)

	// Add returns a new selector with the requirements added to the receiver's.
	Add(r ...Requirement) Selector

	// RequiresExactMatch reports whether the selector pins the label to one value (through
	// =, == or an in with a single value on the first requirement for that key), and if
	// so which, so that callers can use an index instead of scanning.
	RequiresExactMatch(label string) (value string, found bool)
}

// internalSelector is the Selector behind Parse, SelectorFromSet and Add: requirements
// ANDed together, kept sorted by compareRequirements.
type internalSelector []Requirement

var (
	everything Selector = internalSelector(nil)
	nothing    Selector = nothingSelector{}
)

// Everything returns a selector that matches all labels.
func Everything() Selector { return everything }

// Nothing returns a selector that matches no labels. It prints as "", so it cannot be sent
// to a server as text; check Requirements' selectable result first.
func Nothing() Selector { return nothing }

// SelectorFromSet returns a selector that matches labels holding every key of ls with the
// same value. A nil or empty Set gives Everything(). The keys and values are not checked:
// a Set with invalid ones gives a selector whose String a server will reject. Use
// ValidatedSelectorFromSet to find out early.
func SelectorFromSet(ls Set) Selector {
	return SelectorFromValidatedSet(ls)
}

// SelectorFromValidatedSet is SelectorFromSet for a Set already known to hold valid keys
// and values; it skips the checks.
func SelectorFromValidatedSet(ls Set) Selector {
	if len(ls) == 0 {
		return everything
	}
	reqs := make(internalSelector, 0, len(ls))
	for k, v := range ls {
		reqs = append(reqs, Requirement{key: k, operator: Equals, values: []string{v}})
	}
	slices.SortFunc(reqs, compareRequirements)
	return reqs
}

// ValidatedSelectorFromSet is SelectorFromSet after checking every key and value as
// NewRequirement does; it returns the first problem found, in key order.
func ValidatedSelectorFromSet(ls Set) (Selector, error) {
	if len(ls) == 0 {
		return everything, nil
	}
	keys := make([]string, 0, len(ls))
	for k := range ls {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	reqs := make(internalSelector, 0, len(ls))
	for _, k := range keys {
		r, err := NewRequirement(k, Equals, []string{ls[k]})
		if err != nil {
			return nil, err
		}
		reqs = append(reqs, *r)
	}
	return reqs, nil
}

func (s internalSelector) Matches(ls Labels) bool {
	for i := range s {
		if !s[i].Matches(ls) {
			return false
		}
	}
	return true
}

func (s internalSelector) Empty() bool { return len(s) == 0 }

func (s internalSelector) String() string {
	var b strings.Builder
	for i := range s {
		if i > 0 {
			b.WriteByte(',')
		}
		s[i].writeTo(&b)
	}
	return b.String()
}

func (s internalSelector) Requirements() ([]Requirement, bool) {
	return slices.Clone([]Requirement(s)), true
}

func (s internalSelector) Add(reqs ...Requirement) Selector {
	out := make(internalSelector, 0, len(s)+len(reqs))
	out = append(out, s...)
	out = append(out, reqs...)
	slices.SortStableFunc(out, compareRequirements)
	return out
}

func (s internalSelector) RequiresExactMatch(label string) (string, bool) {
	for i := range s {
		if s[i].key != label {
			continue
		}
		switch s[i].operator {
		case Equals, DoubleEquals, In:
			if len(s[i].values) == 1 {
				return s[i].values[0], true
			}
		}
		return "", false
	}
	return "", false
}

// nothingSelector is Nothing(): it matches no labels, whatever is added to it.
type nothingSelector struct{}

func (nothingSelector) Matches(Labels) bool                      { return false }
func (nothingSelector) Empty() bool                              { return false }
func (nothingSelector) String() string                           { return "" }
func (nothingSelector) Requirements() ([]Requirement, bool)      { return nil, false }
func (n nothingSelector) Add(...Requirement) Selector            { return n }
func (nothingSelector) RequiresExactMatch(string) (string, bool) { return "", false }
