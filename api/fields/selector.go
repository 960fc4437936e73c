package fields

import (
	"cmp"
	"slices"
	"strings"
)

// Operator relates a field to a value in a Requirement. The values are the strings
// Kubernetes uses in selection.Operator.
type Operator string

// The operators a field selector may use. Parsing reads "==" as Equals.
const (
	// Equals requires the field to have the value.
	Equals Operator = "="
	// DoubleEquals is Equals spelt "=="; parsed selectors never hold it.
	DoubleEquals Operator = "=="
	// NotEquals requires the field to have another value.
	NotEquals Operator = "!="
)

// Requirement is one term of a field selector.
type Requirement struct {
	// Field is the name of the field, such as "metadata.name". It is not checked here;
	// each kind of object decides which fields it supports.
	Field string
	// Operator is Equals or NotEquals (DoubleEquals is taken as Equals).
	Operator Operator
	// Value is the unescaped value to compare with.
	Value string
}

// Matches reports whether the fields satisfy the requirement.
func (r Requirement) Matches(fs Fields) bool {
	if r.Operator == NotEquals {
		return fs.Get(r.Field) != r.Value
	}
	return fs.Get(r.Field) == r.Value
}

// String returns the requirement in selector syntax, with the value escaped.
func (r Requirement) String() string {
	op := "="
	if r.Operator == NotEquals {
		op = "!="
	}
	return r.Field + op + EscapeValue(r.Value)
}

// Selector chooses objects by their fields. Implementations are immutable, so a Selector
// may be shared between goroutines.
type Selector interface {
	// Matches reports whether the fields satisfy every term of the selector.
	Matches(Fields) bool

	// Empty reports whether the selector has no terms, and so matches everything.
	// Nothing() is not empty.
	Empty() bool

	// RequiresExactMatch reports whether the selector pins the field to one value with an
	// "=" term, and if so which, so that callers can use an index instead of scanning.
	RequiresExactMatch(field string) (value string, found bool)

	// Transform returns a new selector with fn applied to every term, or fn's first
	// error. A term that fn turns into an empty field and an empty value is dropped.
	// Servers use it to check the field names a kind supports and to rename or normalise
	// them and their values.
	Transform(fn TransformFunc) (Selector, error)

	// Requirements returns a copy of the selector's terms, in the order String prints them.
	Requirements() []Requirement

	// String returns the selector in the syntax ParseSelector reads, with values escaped.
	// Parsed selectors print their terms sorted, so equal selectors print the same.
	String() string
}

// TransformFunc turns one term's field and value into new ones, or says why the term is
// not allowed. Returning "", "" drops the term.
type TransformFunc func(field, value string) (newField, newValue string, err error)

// terms is the Selector behind parsing and the constructors: terms ANDed together.
type terms []Requirement

var (
	everything Selector = terms(nil)
	nothing    Selector = nothingSelector{}
)

// Everything returns a selector that matches all objects.
func Everything() Selector { return everything }

// Nothing returns a selector that matches no objects. It prints as "", like Everything, so
// it cannot be sent to a server as text.
func Nothing() Selector { return nothing }

// SelectorFromSet returns a selector that matches objects whose fields have every value in
// ls. A nil or empty Set gives Everything(). Values are taken literally; String escapes
// them.
func SelectorFromSet(ls Set) Selector {
	if len(ls) == 0 {
		return everything
	}
	out := make(terms, 0, len(ls))
	for f, v := range ls {
		out = append(out, Requirement{Field: f, Operator: Equals, Value: v})
	}
	slices.SortFunc(out, compareRequirements)
	return out
}

// OneTermEqualSelector returns a selector matching objects whose field k has the literal
// value v. It cannot fail: v needs no escaping.
func OneTermEqualSelector(k, v string) Selector {
	return terms{{Field: k, Operator: Equals, Value: v}}
}

// OneTermNotEqualSelector returns a selector matching objects whose field k does not have
// the literal value v.
func OneTermNotEqualSelector(k, v string) Selector {
	return terms{{Field: k, Operator: NotEquals, Value: v}}
}

// AndSelectors returns a selector that matches what all the given selectors match, such
// as a client's selector and the namespace a request is limited to.
func AndSelectors(selectors ...Selector) Selector {
	var flat terms
	for _, s := range selectors {
		t, ok := s.(terms)
		if !ok {
			return andSelector(slices.Clone(selectors))
		}
		flat = append(flat, t...)
	}
	return flat
}

// compareRequirements orders terms by field, operator and value, so that a parsed
// selector's String does not depend on the order the terms were written in.
func compareRequirements(a, b Requirement) int {
	return cmp.Or(
		strings.Compare(a.Field, b.Field),
		strings.Compare(string(a.Operator), string(b.Operator)),
		strings.Compare(a.Value, b.Value),
	)
}

func (t terms) Matches(fs Fields) bool {
	for i := range t {
		if !t[i].Matches(fs) {
			return false
		}
	}
	return true
}

func (t terms) Empty() bool { return len(t) == 0 }

func (t terms) RequiresExactMatch(field string) (string, bool) {
	for _, r := range t {
		if r.Field == field && r.Operator != NotEquals {
			return r.Value, true
		}
	}
	return "", false
}

func (t terms) Transform(fn TransformFunc) (Selector, error) {
	out := make(terms, 0, len(t))
	for _, r := range t {
		f, v, err := fn(r.Field, r.Value)
		if err != nil {
			return nil, err
		}
		if f == "" && v == "" {
			continue
		}
		out = append(out, Requirement{Field: f, Operator: r.Operator, Value: v})
	}
	return out, nil
}

func (t terms) Requirements() []Requirement { return slices.Clone([]Requirement(t)) }

func (t terms) String() string {
	var b strings.Builder
	for i, r := range t {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(r.Field)
		if r.Operator == NotEquals {
			b.WriteString("!=")
		} else {
			b.WriteByte('=')
		}
		b.WriteString(EscapeValue(r.Value))
	}
	return b.String()
}

// andSelector joins selectors of other implementations, which cannot be flattened into
// terms without losing what they do (Nothing(), for one).
type andSelector []Selector

func (a andSelector) Matches(fs Fields) bool {
	for _, s := range a {
		if !s.Matches(fs) {
			return false
		}
	}
	return true
}

func (a andSelector) Empty() bool {
	for _, s := range a {
		if !s.Empty() {
			return false
		}
	}
	return true
}

func (a andSelector) RequiresExactMatch(field string) (string, bool) {
	for _, s := range a {
		if v, ok := s.RequiresExactMatch(field); ok {
			return v, true
		}
	}
	return "", false
}

func (a andSelector) Transform(fn TransformFunc) (Selector, error) {
	out := make(andSelector, 0, len(a))
	for _, s := range a {
		n, err := s.Transform(fn)
		if err != nil {
			return nil, err
		}
		if !n.Empty() {
			out = append(out, n)
		}
	}
	return out, nil
}

func (a andSelector) Requirements() []Requirement {
	var out []Requirement
	for _, s := range a {
		out = append(out, s.Requirements()...)
	}
	return out
}

func (a andSelector) String() string {
	parts := make([]string, 0, len(a))
	for _, s := range a {
		if str := s.String(); str != "" {
			parts = append(parts, str)
		}
	}
	return strings.Join(parts, ",")
}

// nothingSelector is Nothing().
type nothingSelector struct{}

func (nothingSelector) Matches(Fields) bool                         { return false }
func (nothingSelector) Empty() bool                                 { return false }
func (nothingSelector) RequiresExactMatch(string) (string, bool)    { return "", false }
func (n nothingSelector) Transform(TransformFunc) (Selector, error) { return n, nil }
func (nothingSelector) Requirements() []Requirement                 { return nil }
func (nothingSelector) String() string                              { return "" }
