package labels

import (
	"slices"
	"strings"
)

// Labels is read access to a set of labels. Matching goes through this interface rather
// than a map so that callers whose labels live in another structure can match without
// copying them into a Set.
type Labels interface {
	// Has reports whether the label is present, even with an empty value.
	Has(label string) (exists bool)
	// Get returns the value of the label, or "" when it is absent.
	Get(label string) (value string)
}

// Set is a map of label keys to values. It implements Labels.
type Set map[string]string

var _ Labels = Set(nil)

// String returns the labels as "key=value" pairs joined by commas and sorted by key, which
// is also the text of SelectorFromSet(ls). A nil or empty Set gives "".
func (ls Set) String() string {
	keys := make([]string, 0, len(ls))
	for k := range ls {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(ls[k])
	}
	return b.String()
}

// Has reports whether the label is present in the Set.
func (ls Set) Has(label string) bool {
	_, ok := ls[label]
	return ok
}

// Get returns the value of the label, or "" when it is absent.
func (ls Set) Get(label string) string {
	return ls[label]
}

// AsSelector is SelectorFromSet(ls).
func (ls Set) AsSelector() Selector {
	return SelectorFromSet(ls)
}
