package resource

import (
	"cmp"
	"math"
	"math/big"
	"math/bits"
	"strconv"
	"strings"
)

// pow10 holds every power of ten that fits a uint64: 10^0 to 10^19.
var pow10 = [...]uint64{
	1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
	1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
}

// floatPow10 holds the powers of ten a float64 represents exactly.
var floatPow10 = [...]float64{
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
}

// decimalDigits returns the number of decimal digits in u, counting 0 as one digit.
func decimalDigits(u uint64) int64 {
	if u == 0 {
		return 1
	}
	// bits*1233>>12 is floor(bits*log10(2)), which is the digit count or one less.
	t := bits.Len64(u) * 1233 >> 12
	if u < pow10[t] {
		return int64(t)
	}
	return int64(t) + 1
}

// maxDecimalDigits bounds the decimal digits of |m| from above: |m| < 10^maxDecimalDigits(m).
func maxDecimalDigits(m *big.Int) int64 {
	return int64(m.BitLen())*30103/100000 + 1
}

// absU returns |m| as a uint64; unlike -m it is right for math.MinInt64.
func absU(m int64) uint64 {
	if m < 0 {
		return -uint64(m)
	}
	return uint64(m)
}

// pow10Big returns 10^n. n is bounded by the sizes of the operands that need it.
func pow10Big(n int64) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(n), nil)
}

// setInt sets the amount to m * 10^e, stripping trailing zeros so that it is normalized.
func (q *Quantity) setInt(m, e int64) {
	q.big = nil
	if m == 0 {
		q.mant, q.exp = 0, 0
		return
	}
	for m%10 == 0 {
		m /= 10
		e++
	}
	q.mant, q.exp = m, e
}

// setBig sets the amount to m * 10^e, normalized, keeping an int64 mantissa when it fits. q takes m
// over.
func (q *Quantity) setBig(m *big.Int, e int64) {
	if m.IsInt64() {
		q.setInt(m.Int64(), e)
		return
	}
	if m.Bit(0) == 0 { // only an even mantissa can end in a zero
		// Counting zeros on the decimal text takes one conversion, where dividing by ten in a
		// loop would take time quadratic in the length of a long run of zeros.
		text := m.Text(10)
		if trimmed := strings.TrimRight(text, "0"); len(trimmed) < len(text) {
			m.SetString(trimmed, 10)
			e += int64(len(text) - len(trimmed))
			if m.IsInt64() {
				q.setInt(m.Int64(), e)
				return
			}
		}
	}
	q.mant, q.exp, q.big = 0, e, m
}

// bigMant returns a new big.Int holding the mantissa.
func (q *Quantity) bigMant() *big.Int {
	if q.big != nil {
		return new(big.Int).Set(q.big)
	}
	return big.NewInt(q.mant)
}

// mantDigits returns the number of decimal digits in the mantissa.
func (q *Quantity) mantDigits() int64 {
	if q.big == nil {
		return decimalDigits(absU(q.mant))
	}
	text := q.big.Text(10)
	return int64(len(strings.TrimPrefix(text, "-")))
}

// neg negates the amount, leaving the cache alone.
func (q *Quantity) neg() {
	switch {
	case q.big != nil:
		q.big = new(big.Int).Neg(q.big) // never modify a big.Int a copy may share
	case q.mant == math.MinInt64:
		q.big = new(big.Int).Neg(big.NewInt(q.mant)) // 2^63 has no int64
		q.mant = 0
	default:
		q.mant = -q.mant
	}
}

// add adds y, or subtracts it when negate is set, leaving the cache and Format alone.
func (q *Quantity) add(y *Quantity, negate bool) {
	if y.IsZero() {
		return
	}
	if q.IsZero() {
		q.mant, q.exp, q.big = y.mant, y.exp, y.big
		if negate {
			q.neg()
		}
		return
	}
	if q.big == nil && y.big == nil && !(negate && y.mant == math.MinInt64) {
		ym := y.mant
		if negate {
			ym = -ym
		}
		if m, e, ok := addInt(q.mant, q.exp, ym, y.exp); ok {
			q.setInt(m, e)
			return
		}
	}
	// Exact, whatever the sizes. Like Kubernetes' inf.Dec fallback, aligning two amounts whose
	// exponents are millions apart takes memory in proportion; real quantities never are.
	a, b := q.bigMant(), y.bigMant()
	if negate {
		b.Neg(b)
	}
	e := q.exp
	switch {
	case q.exp > y.exp:
		a.Mul(a, pow10Big(q.exp-y.exp))
		e = y.exp
	case y.exp > q.exp:
		b.Mul(b, pow10Big(y.exp-q.exp))
	}
	q.setBig(a.Add(a, b), e)
}

// addInt adds a*10^ae and b*10^be in int64, reporting false if that overflows.
func addInt(a, ae, b, be int64) (m, e int64, ok bool) {
	if ae < be {
		a, ae, b, be = b, be, a, ae
	}
	if d := ae - be; d > 0 {
		if d > 18 {
			return 0, 0, false
		}
		p := int64(pow10[d])
		c := a * p
		if c/p != a {
			return 0, 0, false
		}
		a = c
	}
	sum := a + b
	if (a > 0 && b > 0 && sum < 0) || (a < 0 && b < 0 && sum >= 0) {
		return 0, 0, false
	}
	return sum, be, true
}

// cmpInt compares a*10^ae with b*10^be without overflow or allocation.
func cmpInt(a, ae, b, be int64) int {
	if ae == be || a == 0 || b == 0 {
		return cmp.Compare(a, b) // same scale, or a zero: the mantissas decide
	}
	sa, sb := cmp.Compare(a, 0), cmp.Compare(b, 0)
	if sa != sb {
		return cmp.Compare(sa, sb)
	}
	ua, ub := absU(a), absU(b)
	da, db := decimalDigits(ua), decimalDigits(ub)
	// The leading digit of |a| is worth 10^(ae+da-1); a higher one wins.
	if ma, mb := ae+da, be+db; ma != mb {
		if ma < mb {
			return -sa
		}
		return sa
	}
	// Same leading power, so padding the shorter mantissa with zeros lines them up, and both
	// then have at most 19 digits, which fit a uint64.
	if da < db {
		ua *= pow10[db-da]
	} else {
		ub *= pow10[da-db]
	}
	return cmp.Compare(ua, ub) * sa
}

// cmpBig compares two amounts when either has a big mantissa. It settles the order from the signs
// and leading powers before it aligns anything, so huge exponents cost nothing.
func cmpBig(q, y *Quantity) int {
	sq, sy := q.Sign(), y.Sign()
	if sq != sy {
		return cmp.Compare(sq, sy)
	}
	if sq == 0 {
		return 0
	}
	dq, dy := q.mantDigits(), y.mantDigits()
	if mq, my := q.exp+dq, y.exp+dy; mq != my {
		if mq < my {
			return -sq
		}
		return sq
	}
	a, b := q.bigMant(), y.bigMant()
	a.Abs(a)
	b.Abs(b)
	if dq < dy {
		a.Mul(a, pow10Big(dy-dq))
	} else if dy < dq {
		b.Mul(b, pow10Big(dq-dy))
	}
	return a.Cmp(b) * sq
}

// scaled returns the amount divided by 10^scale, rounded away from zero. On overflow it returns
// the int64 bound on the amount's side and false.
func (q *Quantity) scaled(scale int64) (int64, bool) {
	if q.IsZero() {
		return 0, true
	}
	neg := q.Sign() < 0
	d := q.exp - scale
	if q.big == nil {
		u := absU(q.mant)
		if d >= 0 {
			if d >= int64(len(pow10)) {
				return saturate(neg)
			}
			hi, lo := bits.Mul64(u, pow10[d])
			if hi != 0 {
				return saturate(neg)
			}
			return fromMagnitude(lo, neg)
		}
		if -d >= int64(len(pow10)) {
			return fromMagnitude(1, neg) // |mant| < 10^19 <= 10^-d: less than one unit
		}
		p := pow10[-d]
		r := u / p
		if u%p != 0 {
			r++
		}
		return fromMagnitude(r, neg)
	}
	if d >= 0 {
		return saturate(neg) // a big mantissa is beyond int64 already
	}
	m := q.bigMant()
	m.Abs(m)
	if -d >= maxDecimalDigits(m) {
		return fromMagnitude(1, neg)
	}
	rem := new(big.Int)
	m.QuoRem(m, pow10Big(-d), rem)
	if rem.Sign() != 0 {
		m.Add(m, big.NewInt(1))
	}
	if !m.IsUint64() {
		return saturate(neg)
	}
	return fromMagnitude(m.Uint64(), neg)
}

func saturate(neg bool) (int64, bool) {
	if neg {
		return math.MinInt64, false
	}
	return math.MaxInt64, false
}

// fromMagnitude returns ±u, saturating when it does not fit.
func fromMagnitude(u uint64, neg bool) (int64, bool) {
	if neg {
		if u > 1<<63 {
			return saturate(true)
		}
		return int64(-u), true // -u wraps to the right bits, even for 2^63
	}
	if u > math.MaxInt64 {
		return saturate(false)
	}
	return int64(u), true
}

// float64 converts the amount, correctly rounded.
func (q *Quantity) float64() float64 {
	if q.big == nil {
		if q.mant == 0 {
			return 0
		}
		// Both operands exact, so one correctly rounded operation gives the right answer.
		if f := float64(q.mant); absU(q.mant) <= 1<<53 {
			switch {
			case q.exp == 0:
				return f
			case q.exp > 0 && q.exp < int64(len(floatPow10)):
				return f * floatPow10[q.exp]
			case q.exp < 0 && -q.exp < int64(len(floatPow10)):
				return f / floatPow10[-q.exp]
			}
		}
	}
	var buf [64]byte
	b := q.appendMantissa(buf[:0])
	b = append(b, 'e')
	b = strconv.AppendInt(b, q.exp, 10)
	// Out of range gives ±Inf or ±0 and ErrRange; the value is what we want.
	f, _ := strconv.ParseFloat(string(b), 64)
	return f
}

// appendMantissa appends the signed mantissa in decimal.
func (q *Quantity) appendMantissa(b []byte) []byte {
	if q.big != nil {
		return q.big.Append(b, 10)
	}
	return strconv.AppendInt(b, q.mant, 10)
}
