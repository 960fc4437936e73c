package intstr

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Type says which of its two fields an IntOrString holds.
type Type int64

// The two Types.
const (
	Int    Type = iota // IntVal holds the value.
	String             // StrVal holds the value.
)

// IntOrString holds an int32 or a string, and encodes as whichever it holds: 8080 or "http".
// The zero value is the integer 0.
type IntOrString struct {
	Type   Type
	IntVal int32
	StrVal string
}

// The errors this package returns wrap one of these, for errors.Is.
var (
	// ErrNil: a nil *IntOrString where a value is needed.
	ErrNil = errors.New("intstr: nil IntOrString")
	// ErrType: a Type that is neither Int nor String.
	ErrType = errors.New("intstr: Type is neither Int nor String")
	// ErrNotPercent: a string where an integer percentage such as "25%" is needed.
	ErrNotPercent = errors.New("intstr: not an integer percentage")
	// ErrJSON: JSON that is neither an int32 nor a string.
	ErrJSON = errors.New("intstr: IntOrString must be a JSON int32 or string")
)

// FromInt32 returns an IntOrString holding val.
func FromInt32(val int32) IntOrString {
	return IntOrString{Type: Int, IntVal: val}
}

// FromInt returns an IntOrString holding val, which must fit an int32: as in Kubernetes, larger
// values wrap silently. Prefer FromInt32, which cannot overflow.
func FromInt(val int) IntOrString {
	return IntOrString{Type: Int, IntVal: int32(val)}
}

// FromString returns an IntOrString holding val.
func FromString(val string) IntOrString {
	return IntOrString{Type: String, StrVal: val}
}

// Parse returns an Int if val is a decimal int32 (an optional sign, then digits), and a String
// holding val otherwise.
func Parse(val string) IntOrString {
	i, err := strconv.ParseInt(val, 10, 32)
	if err != nil {
		return FromString(val)
	}
	return FromInt32(int32(i))
}

// String returns the string, or the integer in decimal.
func (v IntOrString) String() string {
	if v.Type == String {
		return v.StrVal
	}
	return strconv.Itoa(v.IntValue())
}

// IntValue returns the integer, or the string read as a decimal integer, which is 0 when the
// string is not one.
func (v IntOrString) IntValue() int {
	if v.Type == String {
		i, _ := strconv.Atoi(v.StrVal)
		return i
	}
	return int(v.IntVal)
}

// DeepCopyInto copies v into out.
func (v *IntOrString) DeepCopyInto(out *IntOrString) {
	*out = *v
}

// DeepCopy returns a copy of v, or nil for nil.
func (v *IntOrString) DeepCopy() *IntOrString {
	if v == nil {
		return nil
	}
	out := *v
	return &out
}

// MarshalJSON writes a bare number for an Int and a JSON string for a String.
func (v IntOrString) MarshalJSON() ([]byte, error) {
	switch v.Type {
	case Int:
		return strconv.AppendInt(nil, int64(v.IntVal), 10), nil
	case String:
		return json.Marshal(v.StrVal)
	}
	return nil, fmt.Errorf("%w: cannot marshal Type %d", ErrType, v.Type)
}

// UnmarshalJSON reads a JSON number into an Int and a JSON string into a String. The number must be
// an integer that fits an int32. null sets the zero value. Anything else is an error wrapping
// ErrJSON, and leaves v unchanged.
func (v *IntOrString) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return fmt.Errorf("%w, not empty input", ErrJSON)
	}
	switch c := data[0]; {
	case c == '"':
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return fmt.Errorf("%w: %v", ErrJSON, err)
		}
		*v = FromString(s)
	case c == '-' || ('0' <= c && c <= '9'):
		var i int32
		if err := json.Unmarshal(data, &i); err != nil {
			return fmt.Errorf("%w, not %s", ErrJSON, quoteJSON(data))
		}
		*v = FromInt32(i)
	case string(data) == "null":
		*v = IntOrString{}
	default:
		return fmt.Errorf("%w, not %s", ErrJSON, quoteJSON(data))
	}
	return nil
}

// quoteJSON shortens rejected JSON for an error message.
func quoteJSON(data []byte) string {
	const shown = 64
	if len(data) > shown {
		return string(data[:shown]) + "..."
	}
	return string(data)
}

// ValueOrDefault returns intOrPercent, or &defaultValue if it is nil.
func ValueOrDefault(intOrPercent *IntOrString, defaultValue IntOrString) *IntOrString {
	if intOrPercent == nil {
		return &defaultValue
	}
	return intOrPercent
}

// GetScaledValueFromIntOrPercent returns an Int as it is, and a percentage string such as "25%" as
// that share of total, rounded up or down; exactly as Kubernetes computes a Deployment's maxSurge
// (rounded up) and maxUnavailable (rounded down): 25% of 10 is 3 or 2. A string without a
// trailing "%", or whose rest is not a decimal integer, is an error wrapping ErrNotPercent; nil is
// ErrNil.
func GetScaledValueFromIntOrPercent(intOrPercent *IntOrString, total int, roundUp bool) (int, error) {
	if intOrPercent == nil {
		return 0, ErrNil
	}
	switch intOrPercent.Type {
	case Int:
		return intOrPercent.IntValue(), nil
	case String:
		s := intOrPercent.StrVal
		digits, ok := strings.CutSuffix(s, "%")
		if !ok {
			return 0, fmt.Errorf("%w: %q has no trailing %%; want an integer or a percentage such as \"25%%\"", ErrNotPercent, s)
		}
		percent, err := strconv.Atoi(digits)
		if err != nil {
			return 0, fmt.Errorf("%w: %q is not a whole number followed by %%, such as \"25%%\"", ErrNotPercent, s)
		}
		return scalePercent(percent, total, roundUp), nil
	}
	return 0, fmt.Errorf("%w: Type %d", ErrType, intOrPercent.Type)
}

// GetValueFromIntOrPercent is the older form of GetScaledValueFromIntOrPercent, kept because
// Kubernetes keeps it: it reads every string as a percentage, with or without "%" (every "%" in it
// is dropped), so "25" is 25% of total.
//
// Deprecated: use GetScaledValueFromIntOrPercent, which rejects strings that are not percentages.
func GetValueFromIntOrPercent(intOrPercent *IntOrString, total int, roundUp bool) (int, error) {
	if intOrPercent == nil {
		return 0, ErrNil
	}
	switch intOrPercent.Type {
	case Int:
		return intOrPercent.IntValue(), nil
	case String:
		percent, err := strconv.Atoi(strings.ReplaceAll(intOrPercent.StrVal, "%", ""))
		if err != nil {
			return 0, fmt.Errorf("%w: %q is not a whole number of percent", ErrNotPercent, intOrPercent.StrVal)
		}
		return scalePercent(percent, total, roundUp), nil
	}
	return 0, fmt.Errorf("%w: Type %d", ErrType, intOrPercent.Type)
}

// scalePercent returns percent% of total, computed in float64 as Kubernetes computes it so that
// results agree even where float64 rounds.
func scalePercent(percent, total int, roundUp bool) int {
	share := float64(percent) * float64(total) / 100
	if roundUp {
		return int(math.Ceil(share))
	}
	return int(math.Floor(share))
}
