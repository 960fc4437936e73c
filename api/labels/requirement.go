package labels

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/skiff-io/skiff/api/validation"
)

// Operator relates a Requirement's key to its values. The values are the strings Kubernetes
// uses in selection.Operator, so they can be carried across unchanged.
type Operator string

// The operators a Requirement may use.
const (
	// Equals requires the label to have the one given value.
	Equals Operator = "="
	// DoubleEquals is Equals spelt "==". It is kept apart only so that String gives back
	// what was parsed.
	DoubleEquals Operator = "=="
	// NotEquals requires the label to be absent or to have another value.
	NotEquals Operator = "!="
	// In requires the label to have one of the given values.
	In Operator = "in"
	// NotIn requires the label to be absent or to have none of the given values.
	NotIn Operator = "notin"
	// Exists requires the label to be present, with any value.
	Exists Operator = "exists"
	// DoesNotExist requires the label to be absent.
	DoesNotExist Operator = "!"
	// GreaterThan requires the label's value to be an integer greater than the given one.
	GreaterThan Operator = "gt"
	// LessThan requires the label's value to be an integer less than the given one.
	LessThan Operator = "lt"
)

// Requirement is one condition of a Selector: a key, an operator and, for most operators,
// values. Build one with NewRequirement or get it from a parsed Selector; the zero value
// matches nothing. A Requirement is immutable once built, so it may be shared freely.
type Requirement struct {
	key      string
	operator Operator
	// values are sorted and free of duplicates, which lets Matches search them and String
	// print them without sorting again.
	values []string
	// bound is the parsed value of a GreaterThan or LessThan requirement, kept so that
	// matching never parses it again.
	bound int64
}

// NewRequirement returns a Requirement after checking it as Kubernetes does: the key must
// be a qualified name; In and NotIn need at least one value; Equals, DoubleEquals and
// NotEquals exactly one; Exists and DoesNotExist none; GreaterThan and LessThan exactly one,
// which must be a decimal integer; and every value must be a valid label value (the empty
// string is one). The values are copied, so the caller may reuse the slice.
func NewRequirement(key string, op Operator, vals []string) (*Requirement, error) {
	if err := validateKey(key); err != nil {
		return nil, err
	}
	r, _, err := newRequirement(key, op, slices.Clone(vals))
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// newRequirement checks op and vals (but not the key, which the parser checks earlier to
// report it first) and builds the Requirement, taking ownership of vals. When a particular
// value is at fault its index is returned, so the parser can point at it; otherwise -1.
func newRequirement(key string, op Operator, vals []string) (Requirement, int, error) {
	var bound int64
	switch op {
	case In, NotIn:
		if len(vals) == 0 {
			return Requirement{}, -1, fmt.Errorf("for 'in', 'notin' operators, values set can't be empty")
		}
	case Equals, DoubleEquals, NotEquals:
		if len(vals) != 1 {
			return Requirement{}, -1, fmt.Errorf("exact-match compatibility requires one single value")
		}
	case Exists, DoesNotExist:
		if len(vals) != 0 {
			return Requirement{}, -1, fmt.Errorf("values set must be empty for exists and does not exist")
		}
	case GreaterThan, LessThan:
		if len(vals) != 1 {
			return Requirement{}, -1, fmt.Errorf("for 'Gt', 'Lt' operators, exactly one value is required")
		}
		n, err := strconv.ParseInt(vals[0], 10, 64)
		if err != nil {
			return Requirement{}, 0, fmt.Errorf("for 'Gt', 'Lt' operators, the value must be an integer, not %q", vals[0])
		}
		bound = n
	default:
		return Requirement{}, -1, fmt.Errorf("operator '%s' is not recognized; supported operators are: %s", op, strings.Join(supportedOperators, ", "))
	}
	for i, v := range vals {
		if errs := validation.IsValidLabelValue(v); len(errs) != 0 {
			return Requirement{}, i, fmt.Errorf("invalid label value: %q: at key: %q: %s", v, key, strings.Join(errs, "; "))
		}
	}
	slices.Sort(vals)
	vals = slices.Compact(vals)
	if len(vals) == 0 {
		vals = nil
	}
	return Requirement{key: key, operator: op, values: vals, bound: bound}, -1, nil
}

var supportedOperators = []string{
	string(In), string(NotIn), string(Equals), string(DoubleEquals), string(NotEquals),
	string(GreaterThan), string(LessThan), string(Exists), string(DoesNotExist),
}

// validateKey reports a key that is not a qualified name, in the words Kubernetes uses.
func validateKey(key string) error {
	if errs := validation.IsQualifiedName(key); len(errs) != 0 {
		return fmt.Errorf("invalid label key %q: %s", key, strings.Join(errs, "; "))
	}
	return nil
}

// Key returns the label key the Requirement is about.
func (r *Requirement) Key() string { return r.key }

// Operator returns the Requirement's operator.
func (r *Requirement) Operator() Operator { return r.operator }

// Values returns a sorted copy of the Requirement's values, without duplicates. It is empty
// for Exists and DoesNotExist.
func (r *Requirement) Values() []string { return slices.Clone(r.values) }

// Equal reports whether two Requirements have the same key, operator and values. It also
// lets go-cmp compare Requirements despite their unexported fields.
func (r Requirement) Equal(x Requirement) bool {
	return r.key == x.key && r.operator == x.operator && slices.Equal(r.values, x.values)
}

// Matches reports whether the labels satisfy the Requirement. As in Kubernetes, NotEquals,
// NotIn and DoesNotExist are satisfied by an absent label, while GreaterThan and LessThan
// need the label present and holding a decimal integer. It does not allocate.
func (r *Requirement) Matches(ls Labels) bool {
	switch r.operator {
	case Equals, DoubleEquals, In:
		return ls.Has(r.key) && r.hasValue(ls.Get(r.key))
	case NotEquals, NotIn:
		return !ls.Has(r.key) || !r.hasValue(ls.Get(r.key))
	case Exists:
		return ls.Has(r.key)
	case DoesNotExist:
		return !ls.Has(r.key)
	case GreaterThan, LessThan:
		if !ls.Has(r.key) {
			return false
		}
		n, ok := parseInt64(ls.Get(r.key))
		if !ok {
			return false
		}
		if r.operator == GreaterThan {
			return n > r.bound
		}
		return n < r.bound
	default:
		return false
	}
}

func (r *Requirement) hasValue(v string) bool {
	if len(r.values) == 1 {
		return r.values[0] == v
	}
	_, found := slices.BinarySearch(r.values, v)
	return found
}

// String returns the Requirement in selector syntax, for example "env in (dev,test)",
// "tier!=web", "!canary" or "replicas>3". Values are printed sorted.
func (r *Requirement) String() string {
	var b strings.Builder
	r.writeTo(&b)
	return b.String()
}

func (r *Requirement) writeTo(b *strings.Builder) {
	if r.operator == DoesNotExist {
		b.WriteByte('!')
	}
	b.WriteString(r.key)
	switch r.operator {
	case Exists, DoesNotExist:
		return
	case Equals, DoubleEquals, NotEquals:
		b.WriteString(string(r.operator))
	case GreaterThan:
		b.WriteByte('>')
	case LessThan:
		b.WriteByte('<')
	case In, NotIn:
		b.WriteByte(' ')
		b.WriteString(string(r.operator))
		b.WriteString(" (")
		for i, v := range r.values {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(v)
		}
		b.WriteByte(')')
		return
	default:
		// A zero Requirement has no operator: print only its key, as Kubernetes does.
		return
	}
	if len(r.values) > 0 {
		b.WriteString(r.values[0])
	}
}

// compareRequirements orders requirements by key, then operator, then values. Ordering on
// more than the key makes String canonical even when one key has several requirements.
func compareRequirements(a, b Requirement) int {
	if c := strings.Compare(a.key, b.key); c != 0 {
		return c
	}
	if c := strings.Compare(string(a.operator), string(b.operator)); c != 0 {
		return c
	}
	return slices.Compare(a.values, b.values)
}

// parseInt64 parses a base-10 integer exactly as strconv.ParseInt(s, 10, 64) does, but
// without allocating an error for the many label values that are not numbers, so that
// Matches stays allocation-free.
func parseInt64(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	neg := false
	switch s[0] {
	case '+':
		s = s[1:]
	case '-':
		neg = true
		s = s[1:]
	}
	if s == "" {
		return 0, false
	}
	// Accumulate as a negative number: its range is one larger, which lets the most
	// negative int64 be parsed without overflowing.
	const minInt64 = -1 << 63
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := int64(c - '0')
		if n < minInt64/10 || n*10 < minInt64+d {
			return 0, false
		}
		n = n*10 - d
	}
	if neg {
		return n, true
	}
	if n == minInt64 {
		return 0, false
	}
	return -n, true
}
