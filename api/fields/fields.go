package fields

import (
	"slices"
	"strings"
)

// Fields is read access to the selectable fields of an object, such as "metadata.name" or
// "status.phase". Matching goes through this interface so that callers can compute fields
// on demand instead of building a map.
type Fields interface {
	// Has reports whether the field is present.
	Has(field string) (exists bool)
	// Get returns the value of the field, or "" when it is absent. Matching uses only Get,
	// as Kubernetes does, so an absent field matches "field=" and not "field!=".
	Get(field string) (value string)
}

// Set is a map of field names to values. It implements Fields.
type Set map[string]string

var _ Fields = Set(nil)

// String returns the fields as "field=value" terms sorted by field, with values escaped as
// EscapeValue does, so that the text is also SelectorFromSet(ls).String() and parses back
// to the same Set.
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
		b.WriteString(EscapeValue(ls[k]))
	}
	return b.String()
}

// Has reports whether the field is present in the Set.
func (ls Set) Has(field string) bool {
	_, ok := ls[field]
	return ok
}

// Get returns the value of the field, or "" when it is absent.
func (ls Set) Get(field string) string {
	return ls[field]
}

// AsSelector is SelectorFromSet(ls).
func (ls Set) AsSelector() Selector {
	return SelectorFromSet(ls)
}
