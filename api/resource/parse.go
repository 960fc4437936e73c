package resource

import (
	"errors"
	"math"
	"math/big"
	"math/bits"
	"strconv"
)

// The reasons ParseQuantity rejects text. They match Kubernetes' sentinels of the same names, and
// the errors ParseQuantity returns wrap exactly one of them, so errors.Is tells them apart.
var (
	// ErrFormatWrong: the text is not [sign]number[suffix], for example "1.5.5", " 1" or "abc".
	ErrFormatWrong = errors.New("resource: quantity must be a number with an optional suffix, such as 100m, 1.5Gi or 2e3")
	// ErrNumeric: the number has no digits where Kubernetes cannot read it as zero, for example ".Ei".
	ErrNumeric = errors.New("resource: unable to parse the numeric part of a quantity")
	// ErrSuffix: the suffix is not one of n u m k M G T P E Ki Mi Gi Ti Pi Ei or an exponent such as
	// e3, or the exponent is beyond ±2147483647.
	ErrSuffix = errors.New("resource: unable to parse a quantity's suffix")
)

// ParseError is the error ParseQuantity and the decoders return. It unwraps to ErrFormatWrong,
// ErrNumeric or ErrSuffix.
type ParseError struct {
	Input  string // the text that was rejected
	Err    error  // ErrFormatWrong, ErrNumeric or ErrSuffix
	Reason string // what is wrong with Input, in words
}

// maxQuotedInput bounds how much of a rejected input an error message repeats, so a huge request
// body does not become a huge log line.
const maxQuotedInput = 64

// Error names the input, shortened if long, and says what is wrong with it.
func (e *ParseError) Error() string {
	in := e.Input
	if len(in) > maxQuotedInput {
		in = in[:maxQuotedInput] + "..."
	}
	return "resource: quantity " + strconv.Quote(in) + " " + e.Reason
}

// Unwrap returns the sentinel, for errors.Is.
func (e *ParseError) Unwrap() error { return e.Err }

func newParseError(input string, sentinel error, reason string) error {
	return &ParseError{Input: input, Err: sentinel, Reason: reason}
}

// ParseQuantity reads a quantity written as Kubernetes writes it:
//
//	<quantity> ::= <sign>? <digits>? ("." <digits>?)? <suffix>
//	<suffix>   ::= "" | n | u | m | k | M | G | T | P | E        (DecimalSI: powers of 1000)
//	             | Ki | Mi | Gi | Ti | Pi | Ei                   (BinarySI: powers of 1024)
//	             | ("e" | "E") <sign>? <digits>                  (DecimalExponent)
//
// The quantity remembers which kind of suffix it had as its Format. Digits below 1n round away
// from zero to the next nano; a BinarySI value beyond 2^63-1 in magnitude is capped there; a
// BinarySI value strictly between -1 and 1 becomes DecimalSI. All of this is what Kubernetes does,
// down to its oddities: a sign, point or suffix with no digits at all ("+", ".", "m", "Ki") is
// zero, except where Kubernetes reports ErrNumeric instead (with Pi, Ei or an exponent below -9).
// Space anywhere is an error.
//
// The error is a *ParseError wrapping ErrFormatWrong, ErrNumeric or ErrSuffix.
func ParseQuantity(str string) (Quantity, error) {
	if str == "" {
		return Quantity{}, newParseError(str, ErrFormatWrong, "is empty; want a number with an optional suffix, such as 100m, 1.5Gi or 2e3")
	}
	neg, intPart, fracPart, suffix, ok := scanQuantity(str)
	if !ok {
		return Quantity{}, newParseError(str, ErrFormatWrong, "is not a number with an optional suffix, such as 100m, 1.5Gi or 2e3")
	}
	exp, format, serr := interpretSuffix(suffix)
	if serr != "" {
		return Quantity{}, newParseError(str, ErrSuffix, serr)
	}

	q := Quantity{Format: format}
	if intPart == "" && fracPart == "" {
		// Kubernetes reads a missing number as zero on its fast path and fails to read it on its
		// slow path, which it takes for Pi, Ei and for exponents below nano. Keep both halves, so
		// that skiff accepts and rejects the same text.
		if (format == BinarySI && exp >= 50) || (format != BinarySI && exp < int64(Nano)) {
			return Quantity{}, newParseError(str, ErrNumeric, "has no digits")
		}
	} else {
		q.setParsed(neg, intPart, fracPart, exp)
	}

	// Remember the input when it is already canonical, so String and MarshalJSON of a parsed
	// quantity need not format or allocate. Formatting into a stack buffer costs no allocation.
	var buf [48]byte
	if string(q.appendCanonical(buf[:0])) == str {
		q.s, q.sFor = str, renderingOf(q.Format)
	}
	return q, nil
}

// scanQuantity splits str into sign, integer digits, fraction digits and suffix, accepting exactly
// what Kubernetes' scanner accepts: [+-] digits [. digits] letters-from-eEinumkKMGTP [+-] digits.
// Whether the suffix means anything is decided later.
func scanQuantity(str string) (neg bool, intPart, fracPart, suffix string, ok bool) {
	i, n := 0, len(str)
	if str[0] == '+' || str[0] == '-' {
		neg = str[0] == '-'
		i++
	}
	start := i
	for i < n && isDigit(str[i]) {
		i++
	}
	intPart = str[start:i]
	if i < n && str[i] == '.' {
		i++
		start = i
		for i < n && isDigit(str[i]) {
			i++
		}
		fracPart = str[start:i]
	}
	start = i
	for i < n && isSuffixLetter(str[i]) {
		i++
	}
	if i < n && (str[i] == '+' || str[i] == '-') {
		i++
	}
	for i < n && isDigit(str[i]) {
		i++
	}
	return neg, intPart, fracPart, str[start:], i == n
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isSuffixLetter(c byte) bool {
	switch c {
	case 'e', 'E', 'i', 'n', 'u', 'm', 'k', 'K', 'M', 'G', 'T', 'P':
		return true
	}
	return false
}

// interpretSuffix returns the exponent a suffix stands for (a power of 2 for BinarySI, of 10
// otherwise) and the format it implies, or why it means nothing.
func interpretSuffix(s string) (exp int64, format Format, problem string) {
	switch s {
	case "":
		return 0, DecimalSI, ""
	case "n":
		return -9, DecimalSI, ""
	case "u":
		return -6, DecimalSI, ""
	case "m":
		return -3, DecimalSI, ""
	case "k":
		return 3, DecimalSI, ""
	case "M":
		return 6, DecimalSI, ""
	case "G":
		return 9, DecimalSI, ""
	case "T":
		return 12, DecimalSI, ""
	case "P":
		return 15, DecimalSI, ""
	case "E":
		return 18, DecimalSI, ""
	case "Ki":
		return 10, BinarySI, ""
	case "Mi":
		return 20, BinarySI, ""
	case "Gi":
		return 30, BinarySI, ""
	case "Ti":
		return 40, BinarySI, ""
	case "Pi":
		return 50, BinarySI, ""
	case "Ei":
		return 60, BinarySI, ""
	}
	if len(s) < 2 || (s[0] != 'e' && s[0] != 'E') {
		return 0, "", unknownSuffix(s)
	}
	v, err := strconv.ParseInt(s[1:], 10, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, "", unknownSuffix(s)
	}
	// Kubernetes keeps exponents in an int32 that it negates, so it rejects anything it cannot
	// negate; so does skiff, to agree on what is valid.
	if err != nil || v > math.MaxInt32 || v < -math.MaxInt32 {
		return 0, "", "has an exponent outside ±2147483647"
	}
	return v, DecimalExponent, ""
}

func unknownSuffix(s string) string {
	return "has an unknown suffix " + strconv.Quote(s) + "; want one of n, u, m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei or an exponent such as e3"
}

// setParsed sets the amount to sign * intPart.fracPart * base^exp, exactly, then applies Kubernetes'
// limits: round away from zero to nano, cap BinarySI at 2^63-1, and make a BinarySI fraction of
// one DecimalSI. exp is a power of 2 for BinarySI and of 10 otherwise; q.Format is already set.
func (q *Quantity) setParsed(neg bool, intPart, fracPart string, exp int64) {
	var d digits
	d.read(intPart, fracPart)
	if d.sig == 0 {
		return // zero, however many zeros it was written with
	}
	binary := q.Format == BinarySI
	// The significant digits, as an integer, are worth 10^e.
	e := d.trail - int64(len(fracPart))
	if !binary {
		e += exp
	}
	if m, ok := d.uint64(); ok && m <= math.MaxInt64 {
		if !binary {
			q.setRounded(int64(m), e, neg)
			return
		}
		if q.setBinaryInt(m, e, uint(exp), neg) {
			q.binaryFraction()
			return
		}
	}
	// The big path: rare, and exact whatever the size.
	m := d.bigInt()
	if binary {
		m.Lsh(m, uint(exp))
	}
	if neg {
		m.Neg(m)
	}
	q.setBigRounded(m, e)
	if binary {
		q.capBinary()
		q.binaryFraction()
	}
}

// setBinaryInt handles the common binary case, m * 10^e * 2^shift with m small, in integers. It
// reports false when the product needs more than 64 bits and the amount is not simply capped.
func (q *Quantity) setBinaryInt(m uint64, e int64, shift uint, neg bool) bool {
	hi, lo := bits.Mul64(m, 1<<shift)
	if e >= 0 {
		// A whole number: either it fits, or it is capped at 2^63-1.
		v := uint64(math.MaxInt64)
		if hi == 0 && e < int64(len(pow10)) {
			if hi2, product := bits.Mul64(lo, pow10[e]); hi2 == 0 && product < v {
				v = product
			}
		}
		if neg {
			q.setInt(-int64(v), 0)
		} else {
			q.setInt(int64(v), 0)
		}
		return true
	}
	if hi != 0 || lo > math.MaxInt64 {
		return false
	}
	q.setRounded(int64(lo), e, neg)
	return true
}

// capBinary caps a BinarySI amount at ±(2^63-1), as Kubernetes does when parsing.
func (q *Quantity) capBinary() {
	switch {
	case q.CmpInt64(math.MaxInt64) > 0:
		q.setInt(math.MaxInt64, 0)
	case q.CmpInt64(-math.MaxInt64) < 0:
		q.setInt(-math.MaxInt64, 0)
	}
}

// binaryFraction makes a BinarySI amount strictly between -1 and 1 DecimalSI, as Kubernetes does,
// so that it never has to be rounded to a whole number of bytes.
func (q *Quantity) binaryFraction() {
	// Normalized, |mant| * 10^exp < 1 exactly when the mantissa has no more digits than -exp.
	if !q.IsZero() && q.exp < 0 && q.mantDigits() <= -q.exp {
		q.Format = DecimalSI
	}
}

// setRounded sets the amount to ±m * 10^e, m > 0, rounding away from zero to nano.
func (q *Quantity) setRounded(m int64, e int64, neg bool) {
	if e < int64(Nano) {
		shift := int64(Nano) - e
		if shift >= int64(len(pow10)) {
			m = 1 // m < 10^19 <= 10^shift, so the amount is below 1n, and rounds up to it
		} else {
			p := pow10[shift]
			quo, rem := uint64(m)/p, uint64(m)%p
			if rem != 0 {
				quo++
			}
			m = int64(quo)
		}
		e = int64(Nano)
	}
	if neg {
		m = -m
	}
	q.setInt(m, e)
}

// setBigRounded sets the amount to m * 10^e, rounding away from zero to nano. q takes m over; the
// caller must not use it again.
func (q *Quantity) setBigRounded(m *big.Int, e int64) {
	if e < int64(Nano) && m.Sign() != 0 {
		shift := int64(Nano) - e
		neg := m.Sign() < 0
		if shift >= maxDecimalDigits(m) {
			m.SetInt64(1) // |m| < 10^shift, so the amount is below 1n and rounds up to it
		} else {
			rem := new(big.Int)
			m.QuoRem(m.Abs(m), pow10Big(shift), rem)
			if rem.Sign() != 0 {
				m.Add(m, big.NewInt(1))
			}
		}
		if neg {
			m.Neg(m)
		}
		e = int64(Nano)
	}
	q.setBig(m, e)
}

// digits is the number in a quantity's text: intPart and fracPart read as one digit string, with
// its leading and trailing zeros counted rather than copied.
type digits struct {
	intPart, fracPart string
	lead              int   // leading zeros
	sig               int   // digits between the leading and trailing zeros
	trail             int64 // trailing zeros
}

func (d *digits) read(intPart, fracPart string) {
	*d = digits{intPart: intPart, fracPart: fracPart}
	for d.lead < len(intPart) && intPart[d.lead] == '0' {
		d.lead++
	}
	if d.lead == len(intPart) {
		i := 0
		for i < len(fracPart) && fracPart[i] == '0' {
			i++
		}
		if i == len(fracPart) {
			return // all zeros
		}
		d.lead += i
	}
	t := 0
	for t < len(fracPart) && fracPart[len(fracPart)-1-t] == '0' {
		t++
	}
	if t == len(fracPart) {
		for intPart[len(intPart)-1-(t-len(fracPart))] == '0' {
			t++
		}
	}
	d.trail = int64(t)
	d.sig = len(intPart) + len(fracPart) - d.lead - t
}

// uint64 returns the significant digits as an integer if there are at most 19 of them, which
// always fits a uint64.
func (d *digits) uint64() (uint64, bool) {
	if d.sig > 19 {
		return 0, false
	}
	var v uint64
	start, end := d.lead, d.lead+d.sig
	for i := start; i < end && i < len(d.intPart); i++ {
		v = v*10 + uint64(d.intPart[i]-'0')
	}
	for i := max(start, len(d.intPart)); i < end; i++ {
		v = v*10 + uint64(d.fracPart[i-len(d.intPart)]-'0')
	}
	return v, true
}

func (d *digits) bigInt() *big.Int {
	text := (d.intPart + d.fracPart)[d.lead : d.lead+d.sig]
	m, _ := new(big.Int).SetString(text, 10)
	return m
}
