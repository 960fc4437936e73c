package resource

import (
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"testing"
)

// FuzzParseQuantity checks that ParseQuantity never panics; that it accepts exactly what an
// independent, slow reading of Kubernetes' grammar accepts, with the same amount and Format; and
// that String is canonical: it parses back to an equal quantity that prints the same, through
// JSON too. The seed corpus lives in testdata/fuzz/FuzzParseQuantity.
func FuzzParseQuantity(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		checkAgainstReference(t, s)
	})
}

// TestParseMatchesReference runs the fuzz checks over a grid of numbers, suffixes and signs.
func TestParseMatchesReference(t *testing.T) {
	numbers := []string{
		"", "0", "00", "1", "01", "10", "1.5", ".5", "1.", ".", "0.0", "999999999999999999",
		"9223372036854775807", "9223372036854775808", "0.000000001", "0.0000000001", "1.0000000005",
		"123456789.123456789123", "18446744073709551616", "99999999999999999999.9999999999",
	}
	suffixes := []string{
		"", "n", "u", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei",
		"e0", "e3", "e-3", "E+6", "e-9", "e-10", "e-12", "e18", "e19", "e40", "E-40", "i", "e", "mi",
	}
	for _, sign := range []string{"", "+", "-"} {
		for _, n := range numbers {
			for _, suffix := range suffixes {
				checkAgainstReference(t, sign+n+suffix)
			}
		}
	}
}

func checkAgainstReference(t *testing.T, s string) {
	t.Helper()
	q, err := ParseQuantity(s)
	ref := referenceParse(s)
	if err != nil {
		var perr *ParseError
		if !errors.As(err, &perr) || perr.Input != s || perr.Reason == "" {
			t.Fatalf("ParseQuantity(%q) error %#v is not a *ParseError naming the input", s, err)
		}
		if ref.err == nil {
			t.Fatalf("ParseQuantity(%q) = %v, but Kubernetes accepts it", s, err)
		}
		if !errors.Is(err, ref.err) {
			t.Fatalf("ParseQuantity(%q) = %v, want an error wrapping %v", s, err, ref.err)
		}
		return
	}
	if ref.err != nil {
		t.Fatalf("ParseQuantity(%q) = %s, but Kubernetes rejects it: %v", s, q, ref.err)
	}
	checkNormalized(t, s, q)
	if ref.value != nil {
		if got := ratOf(q); got.Cmp(ref.value) != 0 || q.Format != ref.format {
			t.Fatalf("ParseQuantity(%q) = %s (%s), want %s (%s)", s, got.RatString(), q.Format, ref.value.RatString(), ref.format)
		}
	}

	canonical := q.String()
	again, err := ParseQuantity(canonical)
	if err != nil {
		t.Fatalf("ParseQuantity(%q) printed %q, which does not parse: %v", s, canonical, err)
	}
	if again.Cmp(q) != 0 {
		t.Fatalf("ParseQuantity(%q) printed %q, which parses to a different amount, %s", s, canonical, again)
	}
	if got := again.String(); got != canonical {
		t.Fatalf("ParseQuantity(%q) printed %q, which prints as %q", s, canonical, got)
	}

	data, err := json.Marshal(q)
	if err != nil {
		t.Fatalf("Marshal(%q): %v", s, err)
	}
	var back Quantity
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatalf("ParseQuantity(%q) marshals to %s, which does not unmarshal: %v", s, data, err)
	}
	if back.Cmp(q) != 0 || back.String() != canonical {
		t.Fatalf("ParseQuantity(%q) marshals to %s, which unmarshals to %s", s, data, back)
	}
}

// checkNormalized checks the representation invariant the fast comparisons rely on.
func checkNormalized(t *testing.T, s string, q Quantity) {
	t.Helper()
	switch {
	case q.big != nil:
		if q.big.IsInt64() || new(big.Int).Rem(q.big, big.NewInt(10)).Sign() == 0 {
			t.Fatalf("ParseQuantity(%q) has a big mantissa %s that fits int64 or ends in 0", s, q.big)
		}
	case q.mant == 0:
		if q.exp != 0 {
			t.Fatalf("ParseQuantity(%q) is a zero with exponent %d", s, q.exp)
		}
	case q.mant%10 == 0:
		t.Fatalf("ParseQuantity(%q) has mantissa %d ending in 0", s, q.mant)
	}
}

// ratOf returns the exact amount of q.
func ratOf(q Quantity) *big.Rat {
	r := new(big.Rat).SetInt(q.bigMant())
	p := new(big.Rat).SetInt(pow10Big(absInt(q.exp)))
	if q.exp >= 0 {
		return r.Mul(r, p)
	}
	return r.Quo(r, p)
}

func absInt(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// reference is what Kubernetes makes of a string, worked out the slow, obvious way.
type reference struct {
	err    error    // the sentinel, or nil when the text is accepted
	value  *big.Rat // the exact amount, or nil when the exponent is too large to work out
	format Format
}

var quantityPattern = regexp.MustCompile(`^([+-]?)([0-9]*)(?:\.([0-9]*))?([eEinumkKMGTP]*[+-]?[0-9]*)$`)

var referenceSuffixes = map[string]struct {
	base   int64
	exp    int64
	format Format
}{
	"": {10, 0, DecimalSI}, "n": {10, -9, DecimalSI}, "u": {10, -6, DecimalSI}, "m": {10, -3, DecimalSI},
	"k": {10, 3, DecimalSI}, "M": {10, 6, DecimalSI}, "G": {10, 9, DecimalSI}, "T": {10, 12, DecimalSI},
	"P": {10, 15, DecimalSI}, "E": {10, 18, DecimalSI}, "Ki": {2, 10, BinarySI}, "Mi": {2, 20, BinarySI},
	"Gi": {2, 30, BinarySI}, "Ti": {2, 40, BinarySI}, "Pi": {2, 50, BinarySI}, "Ei": {2, 60, BinarySI},
}

func referenceParse(s string) reference {
	m := quantityPattern.FindStringSubmatch(s)
	if s == "" || m == nil {
		return reference{err: ErrFormatWrong}
	}
	sign, intPart, fracPart, suffix := m[1], m[2], m[3], m[4]
	sfx, known := referenceSuffixes[suffix]
	if !known {
		if len(suffix) < 2 || (suffix[0] != 'e' && suffix[0] != 'E') {
			return reference{err: ErrSuffix}
		}
		exp, err := strconv.ParseInt(suffix[1:], 10, 32)
		if err != nil || exp == math.MinInt32 {
			return reference{err: ErrSuffix}
		}
		sfx.base, sfx.exp, sfx.format = 10, exp, DecimalExponent
	}
	if intPart == "" && fracPart == "" {
		// Kubernetes' slow path cannot read a number with no digits; its fast path reads zero.
		if (sfx.base == 2 && sfx.exp >= 50) || (sfx.base == 10 && sfx.exp < -9) {
			return reference{err: ErrNumeric}
		}
		return reference{value: new(big.Rat), format: sfx.format}
	}
	if sfx.base == 10 && (sfx.exp > 2000 || sfx.exp < -2000) {
		return reference{} // accepted; too big to work out here
	}
	digits, _ := new(big.Int).SetString("0"+intPart+fracPart, 10)
	v := new(big.Rat).SetFrac(digits, pow10Big(int64(len(fracPart))))
	if sfx.base == 2 {
		v.Mul(v, new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), uint(sfx.exp))))
	} else {
		p := new(big.Rat).SetInt(pow10Big(absInt(sfx.exp)))
		if sfx.exp >= 0 {
			v.Mul(v, p)
		} else {
			v.Quo(v, p)
		}
	}
	// Round away from zero to a whole number of nanos (v is not negative yet).
	nanos := new(big.Rat).Mul(v, big.NewRat(1e9, 1))
	if !nanos.IsInt() {
		whole := new(big.Int).Quo(nanos.Num(), nanos.Denom())
		whole.Add(whole, big.NewInt(1))
		v.SetFrac(whole, big.NewInt(1e9))
	}
	format := sfx.format
	if format == BinarySI {
		if limit := new(big.Rat).SetInt64(math.MaxInt64); v.Cmp(limit) > 0 {
			v = limit
		}
		if v.Sign() > 0 && v.Cmp(big.NewRat(1, 1)) < 0 {
			format = DecimalSI
		}
	}
	if sign == "-" {
		v.Neg(v)
	}
	return reference{value: v, format: format}
}
