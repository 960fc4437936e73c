package resource

import (
	"math/big"
)

// Format is how a Quantity spells itself: the kind of suffix it prints. Parsing records the kind of
// suffix the text had, so a quantity prints back in the style it was written in.
type Format string

// The three formats Kubernetes knows. Any other value prints like DecimalExponent, as in Kubernetes.
const (
	DecimalExponent = Format("DecimalExponent") // 12e6: a power-of-ten exponent
	BinarySI        = Format("BinarySI")        // 12Mi: 12 * 2^20
	DecimalSI       = Format("DecimalSI")       // 12M: 12 * 10^6
)

// Scale is a power of ten, used to construct quantities and to read them back as integers:
// NewScaledQuantity(5, Milli) is 5m, and q.ScaledValue(Milli) is q in thousandths.
type Scale int32

// The scales that have SI suffixes.
const (
	Nano  Scale = -9
	Micro Scale = -6
	Milli Scale = -3
	Kilo  Scale = 3
	Mega  Scale = 6
	Giga  Scale = 9
	Tera  Scale = 12
	Peta  Scale = 15
	Exa   Scale = 18
)

// Quantity is an exact decimal amount of a resource, such as "100m" of CPU or "1.5Gi" of memory,
// with the same text and JSON form as Kubernetes' resource.Quantity.
//
// The amount is a fixed-point number, never a float: parsing keeps every digit down to 1n
// (10^-9) and rounds anything finer away from zero, so asking for a sliver of a resource never
// becomes asking for none. There is no upper bound, except that a BinarySI quantity is capped at
// 2^63-1 when parsed, exactly as Kubernetes caps it.
//
// String, MarshalJSON and MarshalText print the canonical form: no fractional digits, and the
// largest suffix of the quantity's Format that keeps every digit ("1.5Gi" prints "1536Mi", "0.1"
// prints "100m", "2e3" prints "2e3"). A BinarySI quantity that is not a whole number of bytes, or
// is smaller than 1Ki, prints in DecimalSI so that nothing is rounded away.
//
// The zero value is 0. A Quantity is a value: copies share nothing mutable, so it may be copied
// freely and read from several goroutines. Compare quantities with Cmp or Equal, not ==, which
// also compares the representation and the Format.
type Quantity struct {
	// Format says how the quantity prints. It may be changed at will; the amount stays the same.
	Format Format

	// The amount is mant * 10^exp, or big * 10^exp when the mantissa does not fit an int64. The
	// mantissa never ends in a decimal zero, so one amount has one representation, and zero is
	// mant == 0, exp == 0, big == nil. big is never modified once a Quantity holds it, which is
	// what makes copies independent.
	mant int64
	exp  int64
	big  *big.Int

	// s is the canonical text when it is already known (parsing keeps the input when it was
	// canonical), valid only while sFor matches how Format renders. Every change to the amount
	// clears it.
	s    string
	sFor rendering
}

// rendering is how a Format actually prints; unknown formats print as exponents.
type rendering uint8

const (
	renderNone rendering = iota
	renderDecimalSI
	renderBinarySI
	renderExponent
)

func renderingOf(f Format) rendering {
	switch f {
	case DecimalSI:
		return renderDecimalSI
	case BinarySI:
		return renderBinarySI
	}
	return renderExponent
}

// cached returns the canonical text if it is known for the current Format.
func (q *Quantity) cached() (string, bool) {
	if q.s != "" && q.sFor == renderingOf(q.Format) {
		return q.s, true
	}
	return "", false
}

// MustParse is ParseQuantity for text known to be valid, such as a constant in a test; it panics on
// an error.
func MustParse(s string) Quantity {
	q, err := ParseQuantity(s)
	if err != nil {
		panic(err)
	}
	return q
}

// NewQuantity returns value in the given format.
func NewQuantity(value int64, format Format) Quantity {
	q := Quantity{Format: format}
	q.setInt(value, 0)
	return q
}

// NewMilliQuantity returns milli thousandths in the given format. A BinarySI quantity that is not a
// whole number, or is between -1024 and 1024, prints in DecimalSI.
func NewMilliQuantity(milli int64, format Format) Quantity {
	q := Quantity{Format: format}
	q.setInt(milli, int64(Milli))
	return q
}

// NewScaledQuantity returns value * 10^scale in DecimalSI.
func NewScaledQuantity(value int64, scale Scale) Quantity {
	q := Quantity{Format: DecimalSI}
	q.setInt(value, int64(scale))
	return q
}

// DeepCopy returns a copy of q. Copying a Quantity by assignment is already safe; DeepCopy exists so
// that generated deep-copy code for API types can call it.
func (q Quantity) DeepCopy() Quantity {
	// A copy is the value itself: big is never modified once a Quantity holds it, so sharing it is
	// safe, and maps of quantities (ResourceList) can be cloned wholesale.
	return q
}

// DeepCopyInto copies q into out.
func (q *Quantity) DeepCopyInto(out *Quantity) {
	*out = q.DeepCopy()
}

// IsZero reports whether q is zero.
func (q Quantity) IsZero() bool {
	return q.mant == 0 && q.big == nil
}

// Sign returns -1, 0 or 1 as q is negative, zero or positive.
func (q Quantity) Sign() int {
	switch {
	case q.big != nil:
		return q.big.Sign()
	case q.mant > 0:
		return 1
	case q.mant < 0:
		return -1
	}
	return 0
}

// Cmp returns -1, 0 or 1 as q is less than, equal to or greater than y. It compares amounts only,
// so 1Ki and 1024 are equal.
func (q Quantity) Cmp(y Quantity) int {
	if q.big == nil && y.big == nil {
		return cmpInt(q.mant, q.exp, y.mant, y.exp)
	}
	return cmpBig(&q, &y)
}

// CmpInt64 compares q with the integer y as Cmp does.
func (q Quantity) CmpInt64(y int64) int {
	if q.big == nil {
		return cmpInt(q.mant, q.exp, y, 0)
	}
	yq := NewQuantity(y, DecimalSI)
	return cmpBig(&q, &yq)
}

// Equal reports whether q and y are the same amount, whatever their formats. Having this method
// lets go-cmp and similar libraries compare quantities, and structs holding them, by value.
func (q Quantity) Equal(y Quantity) bool {
	return q.Cmp(y) == 0
}

// Add adds y to q. If q was zero it takes y's Format, so adding to an empty total keeps the
// style of what is added, as in Kubernetes.
func (q *Quantity) Add(y Quantity) {
	q.clearCache()
	if q.IsZero() {
		q.Format = y.Format
	}
	q.add(&y, false)
}

// Sub subtracts y from q. If q was zero it takes y's Format, as Add does.
func (q *Quantity) Sub(y Quantity) {
	q.clearCache()
	if q.IsZero() {
		q.Format = y.Format
	}
	q.add(&y, true)
}

// Neg negates q.
func (q *Quantity) Neg() {
	q.clearCache()
	q.neg()
}

// Value returns q rounded away from zero to an integer: 1500m is 2 and -1500m is -2. A quantity
// outside the int64 range saturates at math.MaxInt64 or math.MinInt64 (Kubernetes leaves the
// result undefined there); compare with Cmp first when that matters.
func (q Quantity) Value() int64 {
	return q.ScaledValue(0)
}

// MilliValue returns q in thousandths, rounded away from zero, saturating as Value does.
func (q Quantity) MilliValue() int64 {
	return q.ScaledValue(Milli)
}

// ScaledValue returns q / 10^scale rounded away from zero, saturating as Value does:
// MustParse("1").ScaledValue(Milli) is 1000, and MustParse("1n").ScaledValue(0) is 1.
func (q Quantity) ScaledValue(scale Scale) int64 {
	v, _ := q.scaled(int64(scale))
	return v
}

// AsInt64 returns q as an int64 if it is a whole number that fits one.
func (q Quantity) AsInt64() (int64, bool) {
	if q.big != nil || q.exp < 0 {
		return 0, false
	}
	return q.scaled(0)
}

// AsApproximateFloat64 returns the float64 nearest to q, or ±Inf beyond the float64 range. It is
// exact whenever q is, and correctly rounded otherwise.
func (q Quantity) AsApproximateFloat64() float64 {
	return q.float64()
}

// String returns the canonical form of q, as described on Quantity.
func (q Quantity) String() string {
	if s, ok := q.cached(); ok {
		return s
	}
	var buf [48]byte
	return string(q.appendCanonical(buf[:0]))
}

// AppendText appends the canonical form of q to b, implementing encoding.TextAppender.
func (q Quantity) AppendText(b []byte) ([]byte, error) {
	if s, ok := q.cached(); ok {
		return append(b, s...), nil
	}
	return q.appendCanonical(b), nil
}

// MarshalText returns the canonical form of q. YAML encoders use it to write q as a plain scalar.
func (q Quantity) MarshalText() ([]byte, error) {
	return q.AppendText(make([]byte, 0, 16))
}

// UnmarshalText parses text as ParseQuantity does. On error q is left unchanged.
func (q *Quantity) UnmarshalText(text []byte) error {
	parsed, err := ParseQuantity(string(text))
	if err != nil {
		return err
	}
	*q = parsed
	return nil
}

func (q *Quantity) clearCache() {
	q.s, q.sFor = "", renderNone
}
