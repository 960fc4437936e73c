package resource

import (
	"math"
	"math/bits"
	"strconv"
)

// maxPrintedExponent is the largest multiple of three that ParseQuantity accepts as an exponent.
const maxPrintedExponent = math.MaxInt32 - math.MaxInt32%3

// binarySuffixes are the BinarySI suffixes by power of 1024.
var binarySuffixes = [...]string{"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"}

// decimalSuffix returns the DecimalSI suffix for 10^e, if there is one.
func decimalSuffix(e int64) (string, bool) {
	switch e {
	case -9:
		return "n", true
	case -6:
		return "u", true
	case -3:
		return "m", true
	case 0:
		return "", true
	case 3:
		return "k", true
	case 6:
		return "M", true
	case 9:
		return "G", true
	case 12:
		return "T", true
	case 15:
		return "P", true
	case 18:
		return "E", true
	}
	return "", false
}

// appendCanonical appends the canonical form of q, the one Kubernetes prints: no fractional digits
// and the largest suffix that keeps every digit. It allocates only for big mantissas.
func (q *Quantity) appendCanonical(b []byte) []byte {
	if q.IsZero() {
		return append(b, '0')
	}
	switch renderingOf(q.Format) {
	case renderBinarySI:
		if out, ok := q.appendBinary(b); ok {
			return out
		}
		// Not a whole number, under 1Ki, or past Ei: Kubernetes prints these in DecimalSI
		// rather than round or drop anything.
		return q.appendDecimal(b, true)
	case renderDecimalSI:
		return q.appendDecimal(b, true)
	default:
		return q.appendDecimal(b, false)
	}
}

// appendDecimal prints mantissa and exponent with the exponent lowered to a multiple of three,
// then a DecimalSI suffix when si is set and one exists, and an "e" exponent otherwise. Past "E",
// or below "n", DecimalSI falls back to the exponent, as Kubernetes now does, so the printed
// text always parses back to the same amount.
func (q *Quantity) appendDecimal(b []byte, si bool) []byte {
	e := q.exp
	pad := ((e % 3) + 3) % 3
	e -= pad
	if e > maxPrintedExponent {
		// ParseQuantity reads exponents only up to 2^31-1, as Kubernetes does, so 1e2147483650
		// prints as "10000e2147483646", which reads back, rather than "10e2147483649".
		pad += e - maxPrintedExponent
		e = maxPrintedExponent
	}
	b = q.appendMantissa(b)
	for ; pad > 0; pad-- {
		b = append(b, '0')
	}
	if si {
		if suffix, ok := decimalSuffix(e); ok {
			return append(b, suffix...)
		}
	}
	if e == 0 {
		return b
	}
	b = append(b, 'e')
	return strconv.AppendInt(b, e, 10)
}

// appendBinary prints a whole amount of at least 1024 in magnitude as n * 1024^k with the largest
// k up to 6 (Ei). It reports false for any other amount.
func (q *Quantity) appendBinary(b []byte) ([]byte, bool) {
	if q.exp < 0 {
		return b, false // normalized, so a negative exponent means a fraction
	}
	// The amount is mant * 2^exp * 5^exp, so its factors of two are the mantissa's plus exp.
	// Counting them first avoids building 10^exp for amounts that will not print in binary.
	var twos int64
	if q.big != nil {
		twos = int64(q.big.TrailingZeroBits())
	} else {
		twos = int64(bits.TrailingZeros64(uint64(q.mant)))
	}
	k := (twos + q.exp) / 10
	if k >= int64(len(binarySuffixes)) {
		return b, false
	}
	neg := q.Sign() < 0
	if q.big == nil && q.exp < int64(len(pow10)) {
		if hi, v := bits.Mul64(absU(q.mant), pow10[q.exp]); hi == 0 {
			if v < 1024 {
				return b, false
			}
			if neg {
				b = append(b, '-')
			}
			b = strconv.AppendUint(b, v>>(10*k), 10)
			return append(b, binarySuffixes[k]...), true
		}
	}
	// exp <= twos < 70 here, so 10^exp is small.
	v := q.bigMant()
	v.Abs(v)
	v.Mul(v, pow10Big(q.exp))
	v.Rsh(v, uint(10*k))
	if neg {
		v.Neg(v)
	}
	b = v.Append(b, 10)
	return append(b, binarySuffixes[k]...), true
}
