package resource

import (
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// dec builds m * 10^exp in the given format, the way Kubernetes' tests build their expectations.
func dec(m, exp int64, format Format) Quantity {
	q := Quantity{Format: format}
	q.setInt(m, exp)
	return q
}

// bigDec is dec for a mantissa written out in decimal.
func bigDec(m string, exp int64, format Format) Quantity {
	b, ok := new(big.Int).SetString(m, 10)
	if !ok {
		panic("bad mantissa " + m)
	}
	q := Quantity{Format: format}
	q.setBig(b, exp)
	return q
}

// parsed is what a test cares about in a parse result.
type parsed struct {
	String string
	Format Format
}

func parseResult(t *testing.T, in string) parsed {
	t.Helper()
	q, err := ParseQuantity(in)
	if err != nil {
		t.Fatalf("ParseQuantity(%q): %v", in, err)
	}
	return parsed{q.String(), q.Format}
}

// TestCanonicalForm is the brief's list of inputs and the canonical strings Kubernetes prints for
// them, plus the cases Kubernetes pins in its serialization golden file.
func TestCanonicalForm(t *testing.T) {
	tests := []struct {
		in   string
		want parsed
	}{
		{"100m", parsed{"100m", DecimalSI}},
		{"0.1", parsed{"100m", DecimalSI}},
		{"1.5Gi", parsed{"1536Mi", BinarySI}},
		{"1024Mi", parsed{"1Gi", BinarySI}},
		{"2e3", parsed{"2e3", DecimalExponent}},
		{"1000", parsed{"1k", DecimalSI}},
		{"1Ki", parsed{"1Ki", BinarySI}},
		{"1500m", parsed{"1500m", DecimalSI}},
		{"0", parsed{"0", DecimalSI}},
		{"1.5", parsed{"1500m", DecimalSI}},
		{"12e6", parsed{"12e6", DecimalExponent}},
		{"1M", parsed{"1M", DecimalSI}},
		{"5Gi", parsed{"5Gi", BinarySI}},
		{"0.5Gi", parsed{"512Mi", BinarySI}},
		// 1126.4 bytes is not whole, so it prints in DecimalSI and keeps its BinarySI format.
		{"1.1Ki", parsed{"1126400m", BinarySI}},
		{"1", parsed{"1", DecimalSI}},
		{"-1", parsed{"-1", DecimalSI}},
		{"1000M", parsed{"1G", DecimalSI}},
		{"1e3", parsed{"1e3", DecimalExponent}},
		{"0.000000000000001", parsed{"1n", DecimalSI}},
		{"1.000001", parsed{"1000001u", DecimalSI}},
		{"1.000000001", parsed{"1000000001n", DecimalSI}},
		{"9223372036854775807", parsed{"9223372036854775807", DecimalSI}},
		{"9223372036854775808", parsed{"9223372036854775808", DecimalSI}},
		{"18446744073709551616", parsed{"18446744073709551616", DecimalSI}},
		{"1E", parsed{"1E", DecimalSI}},
		{"100E", parsed{"100E", DecimalSI}},
		{"1000E", parsed{"1e21", DecimalSI}},
		{"1e100", parsed{"10e99", DecimalExponent}},
		{"8Ei", parsed{"9223372036854775807", BinarySI}},
		{"-20Ei", parsed{"-9223372036854775807", BinarySI}},
		{"7Ei", parsed{"7Ei", BinarySI}},
		{"-9.5Gi", parsed{"-9728Mi", BinarySI}},
		{"-9.5000000001Gi", parsed{"-10200547328107374183n", BinarySI}},
		{"1Mi", parsed{"1Mi", BinarySI}},
		{"1Gi", parsed{"1Gi", BinarySI}},
		{".001Ki", parsed{"1024m", BinarySI}}, // 1.024 is not below 1, so it stays BinarySI
		{".000001Ki", parsed{"1024u", DecimalSI}},
		{".000000001Ki", parsed{"1024n", DecimalSI}},
		{".000000000001Ki", parsed{"2n", DecimalSI}},
		{"1e-100", parsed{"1e-9", DecimalExponent}},
		{"0.0000000000001", parsed{"1n", DecimalSI}},
		{"-0.0000000000001", parsed{"-1n", DecimalSI}},
		{"0.00000000000000000000001Ki", parsed{"1n", DecimalSI}},
		// Kubernetes' int64 boundary table.
		{"-999999999999999999", parsed{"-999999999999999999", DecimalSI}},
		{"999999999999999999.1", parsed{"999999999999999999100m", DecimalSI}},
		{"-9999999999999999999.0", parsed{"-9999999999999999999", DecimalSI}},
		{"9999999999999999999000m", parsed{"9999999999999999999", DecimalSI}},
		{"1000000000000000000", parsed{"1E", DecimalSI}},
		{"-1.0E", parsed{"-1E", DecimalSI}},
		{"1.0000000000000000001E", parsed{"1000000000000000000100m", DecimalSI}},
		{"-1.000000000000000001E", parsed{"-1000000000000000001", DecimalSI}},
		{"10000000000000000000000m", parsed{"10E", DecimalSI}},
		{"-10.0000000000000000001E", parsed{"-10000000000000000000100m", DecimalSI}},
		{"10.000000000000000001E", parsed{"10000000000000000001", DecimalSI}},
		{"-9223372036854775809.1", parsed{"-9223372036854775809100m", DecimalSI}},
		{"-9223372036854775808000m", parsed{"-9223372036854775808", DecimalSI}},
		{"9223372036854775808.1", parsed{"9223372036854775808100m", DecimalSI}},
		// Kubernetes echoes these four inputs verbatim today (a fast path caches non-canonical
		// text, kubernetes#138165); skiff prints the canonical form its fix agrees on.
		{"1.441", parsed{"1441m", DecimalSI}},
		{"+1", parsed{"1", DecimalSI}},
		{"01", parsed{"1", DecimalSI}},
		{"1E3", parsed{"1e3", DecimalExponent}},
		// No digits at all still parses, as in Kubernetes.
		{".", parsed{"0", DecimalSI}},
		{"-", parsed{"0", DecimalSI}},
		{"m", parsed{"0", DecimalSI}},
		{"Ki", parsed{"0", BinarySI}},
		{"+.Ti", parsed{"0", BinarySI}},
		{"e5", parsed{"0", DecimalExponent}},
		{"0e-10", parsed{"0", DecimalExponent}},
		// The largest printable exponent: the mantissa takes zeros rather than the exponent
		// growing past what ParseQuantity reads.
		{"1e2147483647", parsed{"10e2147483646", DecimalExponent}},
		{"1000e2147483647", parsed{"10000e2147483646", DecimalExponent}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, parseResult(t, tt.in)); diff != "" {
				t.Errorf("ParseQuantity(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// TestQuantityString is Kubernetes' canonicalization table: a quantity built from mantissa,
// exponent and format; the string it must print; and an alternate spelling of the same amount
// that must parse and print the same. The canonical string must also parse to itself, and the
// negated quantity must print with a minus sign.
func TestQuantityString(t *testing.T) {
	tests := []struct {
		in        Quantity
		want      string
		alternate string
	}{
		{dec(1024*1024*1024, 0, BinarySI), "1Gi", "1024Mi"},
		{dec(300*1024*1024, 0, BinarySI), "300Mi", "307200Ki"},
		{dec(6*1024, 0, BinarySI), "6Ki", ""},
		{dec(1001*1024*1024*1024, 0, BinarySI), "1001Gi", "1025024Mi"},
		{dec(1024*1024*1024*1024, 0, BinarySI), "1Ti", "1024Gi"},
		{dec(5, 0, BinarySI), "5", "5000m"},
		{dec(500, -3, BinarySI), "500m", "0.5"},
		{dec(1, 9, DecimalSI), "1G", "1000M"},
		{dec(1000, 6, DecimalSI), "1G", "0.001T"},
		{dec(1000000, 3, DecimalSI), "1G", ""},
		{dec(1000000000, 0, DecimalSI), "1G", ""},
		{dec(1, -3, DecimalSI), "1m", "1000u"},
		{dec(80, -3, DecimalSI), "80m", ""},
		{dec(1080, -3, DecimalSI), "1080m", "1.08"},
		{dec(108, -2, DecimalSI), "1080m", "1080000000n"},
		{dec(10800, -4, DecimalSI), "1080m", ""},
		{dec(300, 6, DecimalSI), "300M", ""},
		{dec(1, 12, DecimalSI), "1T", ""},
		{dec(1, 18, DecimalSI), "1E", ""},
		{dec(1, 21, DecimalSI), "1e21", "1000E"},
		{dec(5, 21, DecimalSI), "5e21", "5000E"},
		{dec(1, 24, DecimalSI), "1e24", "1000000E"},
		{dec(1, 70, BinarySI), "10e69", ""},
		{dec(2, 70, BinarySI), "20e69", ""},
		{dec(1, 72, BinarySI), "1e72", ""},
		{dec(1234567, 6, DecimalSI), "1234567M", ""},
		{dec(1234567, -3, BinarySI), "1234567m", ""},
		{dec(3, 3, DecimalSI), "3k", ""},
		{dec(1025, 0, BinarySI), "1025", ""},
		{dec(0, 0, DecimalSI), "0", ""},
		{dec(0, 0, BinarySI), "0", ""},
		{dec(1, 9, DecimalExponent), "1e9", ".001e12"},
		{dec(1, -3, DecimalExponent), "1e-3", "0.001e0"},
		{dec(1, -9, DecimalExponent), "1e-9", "1000e-12"},
		{dec(80, -3, DecimalExponent), "80e-3", ""},
		{dec(300, 6, DecimalExponent), "300e6", ""},
		{dec(1, 12, DecimalExponent), "1e12", ""},
		{dec(1, 3, DecimalExponent), "1e3", ""},
		{dec(3, 3, DecimalExponent), "3e3", ""},
		{dec(3, 3, DecimalSI), "3k", ""},
		{dec(0, 0, DecimalExponent), "0", "00"},
		{dec(1, -9, DecimalSI), "1n", ""},
		{dec(80, -9, DecimalSI), "80n", ""},
		{dec(1080, -9, DecimalSI), "1080n", ""},
		{dec(108, -8, DecimalSI), "1080n", ""},
		{dec(10800, -10, DecimalSI), "1080n", ""},
		{dec(1, -6, DecimalSI), "1u", ""},
		{dec(80, -6, DecimalSI), "80u", ""},
		{dec(1080, -6, DecimalSI), "1080u", ""},
		{NewScaledQuantity(math.MaxInt64, 1), "92233720368547758070", ""},
		{NewScaledQuantity(1, 21), "1e21", ""},
		{NewMilliQuantity(1441, DecimalSI), "1441m", "1.441"},
		{Quantity{}, "0", ""},
		{Quantity{Format: "unknown"}, "0", ""},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.in.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
			q := MustParse(tt.want)
			if q.s != tt.want {
				t.Errorf("ParseQuantity(%q) did not keep its canonical input, cached %q", tt.want, q.s)
			}
			if q.Cmp(tt.in) != 0 {
				t.Errorf("ParseQuantity(%q) = %s, not equal to the quantity it was printed from", tt.want, q)
			}
			if tt.alternate != "" {
				alt := MustParse(tt.alternate)
				if alt.s != "" {
					t.Errorf("ParseQuantity(%q) cached the non-canonical %q", tt.alternate, alt.s)
				}
				if got := alt.String(); got != tt.want {
					t.Errorf("ParseQuantity(%q).String() = %q, want %q", tt.alternate, got, tt.want)
				}
			}
			if tt.in.IsZero() {
				return // never "-0"
			}
			negated := tt.in
			negated.Neg()
			if got, want := negated.String(), "-"+tt.want; got != want {
				t.Errorf("negated String() = %q, want %q", got, want)
			}
		})
	}
}

// TestStringOnly covers amounts whose canonical text parses to a different Format or amount, so
// TestQuantityString's round trips do not apply.
func TestStringOnly(t *testing.T) {
	tests := []struct {
		in   Quantity
		want string
	}{
		// Whole binary amounts below 1Ki print without a suffix, not as DecimalSI's "2k".
		{dec(2000, 0, BinarySI), "2000"},
		{dec(-2000, 0, BinarySI), "-2000"},
		// Past Ei there is no binary suffix: Kubernetes prints the exact decimal.
		{bigDec("1180591620717411303424", 0, BinarySI), "1180591620717411303424"},
		{bigDec("-1180591620717411303424000", 0, BinarySI), "-1180591620717411303424k"},
		// 2^63 prints as 8Ei, although parsing "8Ei" caps it at 2^63-1, as Kubernetes does.
		{bigDec("9223372036854775808", 0, BinarySI), "8Ei"},
		{bigDec("-9223372036854775808", 0, BinarySI), "-8Ei"},
		{NewQuantity(math.MinInt64, DecimalSI), "-9223372036854775808"},
		{NewQuantity(math.MinInt64, BinarySI), "-8Ei"},
		{bigDec("-9223372036854775809", 0, BinarySI), "-9223372036854775809"},
		{dec(1023, 0, BinarySI), "1023"},
		{dec(-1024, 0, BinarySI), "-1Ki"},
		{dec(1024, 1, BinarySI), "10Ki"},
		{dec(5, 18, BinarySI), "4882812500000000Ki"}, // 5^19 * 2^18: one factor of 1024
		{dec(1, 69, BinarySI), "867361737988403547205962240695953369140625000000000Ei"},
		{dec(1, 70, BinarySI), "10e69"}, // 2^70 divides it, and there is no suffix past Ei
	}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

// TestStringBelowNano covers amounts only code can build: parsing rounds up to 1n, so DecimalSI has
// no suffix for them and falls back to an exponent, as in Kubernetes.
func TestStringBelowNano(t *testing.T) {
	tests := []struct {
		in   Quantity
		want string
	}{
		{dec(1, -12, DecimalSI), "1e-12"},
		{dec(1, -10, DecimalSI), "100e-12"},
		{NewScaledQuantity(15, -10), "1500e-12"},
	}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("%v: String() = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestParseQuantity is Kubernetes' parse table: the amount (compared with Cmp) and the format each
// input must produce, then the same with a leading "-" and a leading "+".
func TestParseQuantity(t *testing.T) {
	tests := []struct {
		in   string
		want Quantity
	}{
		{"0", dec(0, 0, DecimalSI)},
		{"0n", dec(0, 0, DecimalSI)},
		{"0u", dec(0, 0, DecimalSI)},
		{"0m", dec(0, 0, DecimalSI)},
		{"0Ki", dec(0, 0, BinarySI)},
		{"0k", dec(0, 0, DecimalSI)},
		{"0Mi", dec(0, 0, BinarySI)},
		{"0M", dec(0, 0, DecimalSI)},
		{"0Gi", dec(0, 0, BinarySI)},
		{"0G", dec(0, 0, DecimalSI)},
		{"0Ti", dec(0, 0, BinarySI)},
		{"0T", dec(0, 0, DecimalSI)},

		{"1", dec(1, 0, DecimalSI)},

		{"1Ki", dec(1024, 0, BinarySI)},
		{"8Ki", dec(8*1024, 0, BinarySI)},
		{"7Mi", dec(7*1024*1024, 0, BinarySI)},
		{"6Gi", dec(6*1024*1024*1024, 0, BinarySI)},
		{"5Ti", dec(5*1024*1024*1024*1024, 0, BinarySI)},
		{"4Pi", dec(4*1024*1024*1024*1024*1024, 0, BinarySI)},
		{"3Ei", dec(3*1024*1024*1024*1024*1024*1024, 0, BinarySI)},
		{"10Ti", dec(10*1024*1024*1024*1024, 0, BinarySI)},
		{"100Ti", dec(100*1024*1024*1024*1024, 0, BinarySI)},

		{"5n", dec(5, -9, DecimalSI)},
		{"4u", dec(4, -6, DecimalSI)},
		{"3m", dec(3, -3, DecimalSI)},
		{"9", dec(9, 0, DecimalSI)},
		{"8k", dec(8, 3, DecimalSI)},
		{"50k", dec(5, 4, DecimalSI)},
		{"7M", dec(7, 6, DecimalSI)},
		{"6G", dec(6, 9, DecimalSI)},
		{"5T", dec(5, 12, DecimalSI)},
		{"40T", dec(4, 13, DecimalSI)},
		{"300T", dec(3, 14, DecimalSI)},
		{"2P", dec(2, 15, DecimalSI)},
		{"1E", dec(1, 18, DecimalSI)},

		{"1E-3", dec(1, -3, DecimalExponent)},
		{"1e3", dec(1, 3, DecimalExponent)},
		{"1E6", dec(1, 6, DecimalExponent)},
		{"1e9", dec(1, 9, DecimalExponent)},
		{"1E12", dec(1, 12, DecimalExponent)},
		{"1e15", dec(1, 15, DecimalExponent)},
		{"1E18", dec(1, 18, DecimalExponent)},

		{"1e14", dec(1, 14, DecimalExponent)},
		{"1e13", dec(1, 13, DecimalExponent)},
		{"100.035k", dec(100035, 0, DecimalSI)},

		{"0.001", dec(1, -3, DecimalSI)},
		{"0.0005k", dec(5, -1, DecimalSI)},
		{"0.005", dec(5, -3, DecimalSI)},
		{"0.05", dec(5, -2, DecimalSI)},
		{"0.5", dec(5, -1, DecimalSI)},
		{"0.00050k", dec(5, -1, DecimalSI)},
		{"0.00500", dec(5, -3, DecimalSI)},
		{"0.05000", dec(5, -2, DecimalSI)},
		{"0.50000", dec(5, -1, DecimalSI)},
		{"0.5e0", dec(5, -1, DecimalExponent)},
		{"0.5e-1", dec(5, -2, DecimalExponent)},
		{"0.5e-2", dec(5, -3, DecimalExponent)},
		{"10.035M", dec(10035, 3, DecimalSI)},

		{"1.2e3", dec(12, 2, DecimalExponent)},
		{"1.3E+6", dec(13, 5, DecimalExponent)},
		{"1.40e9", dec(14, 8, DecimalExponent)},
		{"1.53E12", dec(153, 10, DecimalExponent)},
		{"1.6e15", dec(16, 14, DecimalExponent)},
		{"1.7E18", dec(17, 17, DecimalExponent)},

		{"9.01", dec(901, -2, DecimalSI)},
		{"8.1k", dec(81, 2, DecimalSI)},
		{"7.123456M", dec(7123456, 0, DecimalSI)},
		{"6.987654321G", dec(6987654321, 0, DecimalSI)},
		{"5.444T", dec(5444, 9, DecimalSI)},
		{"40.1T", dec(401, 11, DecimalSI)},
		{"300.2T", dec(3002, 11, DecimalSI)},
		{"2.5P", dec(25, 14, DecimalSI)},
		{"1.01E", dec(101, 16, DecimalSI)},

		// Rounding up to nano, and the BinarySI cap.
		{"3.001n", dec(4, -9, DecimalSI)},
		{"1.1E-9", dec(2, -9, DecimalExponent)},
		{"0.0000000001", dec(1, -9, DecimalSI)},
		{"0.0000000005", dec(1, -9, DecimalSI)},
		{"0.00000000050", dec(1, -9, DecimalSI)},
		{"0.5e-9", dec(1, -9, DecimalExponent)},
		{"0.9n", dec(1, -9, DecimalSI)},
		{"0.00000012345", dec(124, -9, DecimalSI)},
		{"0.00000012354", dec(124, -9, DecimalSI)},
		{"9Ei", dec(math.MaxInt64, 0, BinarySI)},
		{"9223372036854775807Ki", dec(math.MaxInt64, 0, BinarySI)},
		{"12E", dec(12, 18, DecimalSI)},

		{"100.035Ki", dec(10243584, -2, BinarySI)},
		{"0.5Mi", dec(.5*1024*1024, 0, BinarySI)},
		{"0.05Gi", dec(536870912, -1, BinarySI)},
		{"0.025Ti", dec(274877906944, -1, BinarySI)},

		{"0.000000000001Ki", dec(2, -9, DecimalSI)}, // rounds up, and changes format
		{".001", dec(1, -3, DecimalSI)},
		{".0001k", dec(100, -3, DecimalSI)},
		{"1.", dec(1, 0, DecimalSI)},
		{"1.G", dec(1, 9, DecimalSI)},
	}
	for _, sign := range []string{"", "-", "+"} {
		for _, tt := range tests {
			in := sign + tt.in
			t.Run(in, func(t *testing.T) {
				got, err := ParseQuantity(in)
				if err != nil {
					t.Fatalf("ParseQuantity(%q): %v", in, err)
				}
				want := tt.want
				if sign == "-" {
					want.Neg()
				}
				if got.Cmp(want) != 0 || got.Format != want.Format {
					t.Errorf("ParseQuantity(%q) = %s (%s), want %s (%s)", in, got, got.Format, want, want.Format)
				}
			})
		}
	}
}

// TestParseQuantityErrors checks that what Kubernetes rejects is rejected, with the same sentinel,
// and that the message names the input.
func TestParseQuantityErrors(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"", ErrFormatWrong},
		{"1.5.5", ErrFormatWrong},
		{"1.1.M", ErrFormatWrong},
		{"1+1.0M", ErrFormatWrong},
		{"0.1am", ErrFormatWrong},
		{"aoeu", ErrFormatWrong},
		{" 1", ErrFormatWrong},
		{"1 ", ErrFormatWrong},
		{"1 Gi", ErrFormatWrong},
		{"1,5", ErrFormatWrong},
		{"1e5e", ErrFormatWrong},
		{"1_000", ErrFormatWrong},
		{"0x10", ErrFormatWrong},
		{"∞", ErrFormatWrong},
		{"0.1mi", ErrSuffix},
		{".5i", ErrSuffix},
		{"1i", ErrSuffix},
		{"-3.01i", ErrSuffix},
		{"-3.01e-", ErrSuffix},
		{"1gi", ErrFormatWrong}, // g is not a suffix letter at all
		{"1KI", ErrFormatWrong},
		{"1ki", ErrSuffix},
		{"--1", ErrSuffix}, // the second sign starts an exponent with no e
		{"1MM", ErrSuffix},
		{"1e", ErrSuffix},
		{"1e+", ErrSuffix},
		{"1Ee5", ErrSuffix},
		{"1m5", ErrSuffix},
		{"1e4294967297", ErrSuffix}, // beyond int32: not silently truncated to 1e1
		{"1E2147483648", ErrSuffix},
		{"1E-2147483648", ErrSuffix},
		{"1e9223372036854775808", ErrSuffix},
		{"Pi", ErrNumeric},
		{"Ei", ErrNumeric},
		{"+.Ei", ErrNumeric},
		{"-.e-10", ErrNumeric},
		{"e-2147483647", ErrNumeric},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			q, err := ParseQuantity(tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ParseQuantity(%q) = %v, %v; want an error wrapping %v", tt.in, q, err, tt.want)
			}
			var perr *ParseError
			if !errors.As(err, &perr) || perr.Input != tt.in {
				t.Errorf("ParseQuantity(%q) error %#v is not a *ParseError naming the input", tt.in, err)
			}
			if prefix := "resource: quantity " + `"`; !strings.HasPrefix(err.Error(), prefix) {
				t.Errorf("error %q does not start with %q", err, prefix)
			}
		})
	}
}

func TestParseErrorMessages(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1.5.5", `resource: quantity "1.5.5" is not a number with an optional suffix, such as 100m, 1.5Gi or 2e3`},
		{"", `resource: quantity "" is empty; want a number with an optional suffix, such as 100m, 1.5Gi or 2e3`},
		{"1ki", `resource: quantity "1ki" has an unknown suffix "ki"; want one of n, u, m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei or an exponent such as e3`},
		{"1e4294967297", `resource: quantity "1e4294967297" has an exponent outside ±2147483647`},
		{"Ei", `resource: quantity "Ei" has no digits`},
		{strings.Repeat("x", 100), `resource: quantity "` + strings.Repeat("x", 64) + `..." is not a number with an optional suffix, such as 100m, 1.5Gi or 2e3`},
	}
	for _, tt := range tests {
		_, err := ParseQuantity(tt.in)
		if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
			t.Errorf("ParseQuantity(%q) error (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestMustParsePanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil {
			t.Error("MustParse(\"Non-Numeric\") did not panic")
		}
	}()
	MustParse("Non-Numeric")
}

// TestParseFastPathMatchesBigPath checks the int64 fast paths against the exact big.Int path on
// inputs near the edges where the fast paths hand over.
func TestParseFastPathMatchesBigPath(t *testing.T) {
	inputs := []string{
		"1", "-1", "999999999999999999", "9223372036854775807", "9223372036854775808",
		"-9223372036854775808", "-9223372036854775809", "9999999999999999999", "0.000000001",
		"0.0000000001", "0.9999999999", "99999999999999999.99999999999", "1.5Gi", "0.5Mi",
		"8191Pi", "8192Pi", "9007199254740992Ki", "9223372036854775807Ki", "1Ei", "7.99Ei",
		"8Ei", "-8Ei", "0.001Ki", "0.0000000001Ki", "1000Ki", "100.035Ki", "12345678901234567.8Mi",
		"123e-15", "1e18", "1e19", "1e20", "-5e-12", "4.5n", "-4.5n", "100.00", "00100.0500",
	}
	for _, in := range inputs {
		neg, intPart, fracPart, suffix, ok := scanQuantity(in)
		if !ok {
			t.Fatalf("scanQuantity(%q) failed", in)
		}
		exp, format, problem := interpretSuffix(suffix)
		if problem != "" {
			t.Fatalf("interpretSuffix(%q): %s", suffix, problem)
		}
		fast := Quantity{Format: format}
		fast.setParsed(neg, intPart, fracPart, exp)
		slow := buildBig(neg, intPart, fracPart, exp, format)
		if diff := cmp.Diff(representation(slow), representation(fast)); diff != "" {
			t.Errorf("%q: fast path differs from big path (-big +fast):\n%s", in, diff)
		}
	}
}

// buildBig is setParsed's big.Int path on its own.
func buildBig(neg bool, intPart, fracPart string, exp int64, format Format) Quantity {
	var d digits
	d.read(intPart, fracPart)
	q := Quantity{Format: format}
	if d.sig == 0 {
		return q
	}
	e := d.trail - int64(len(fracPart))
	if format != BinarySI {
		e += exp
	}
	m := d.bigInt()
	if format == BinarySI {
		m.Lsh(m, uint(exp))
	}
	if neg {
		m.Neg(m)
	}
	q.setBigRounded(m, e)
	if format == BinarySI {
		q.capBinary()
		q.binaryFraction()
	}
	return q
}

// representation exposes the internals, to check that one amount has one representation.
func representation(q Quantity) map[string]string {
	r := map[string]string{"format": string(q.Format), "exp": big.NewInt(q.exp).String()}
	if q.big != nil {
		r["big"] = q.big.String()
	} else {
		r["mant"] = big.NewInt(q.mant).String()
	}
	return r
}

func TestCacheFollowsFormat(t *testing.T) {
	q := MustParse("1024")
	if got := q.String(); got != "1024" {
		t.Fatalf(`MustParse("1024").String() = %q`, got)
	}
	q.Format = BinarySI
	if got := q.String(); got != "1Ki" {
		t.Errorf("after switching to BinarySI, String() = %q, want %q", got, "1Ki")
	}
	q.Format = DecimalExponent
	if got := q.String(); got != "1024" {
		t.Errorf("after switching to DecimalExponent, String() = %q, want %q", got, "1024")
	}
	q.Format = "something else" // prints like DecimalExponent
	q.Add(MustParse("976"))
	if got := q.String(); got != "2e3" {
		t.Errorf("after Add, String() = %q, want %q", got, "2e3")
	}
}

func TestConstructors(t *testing.T) {
	tests := []struct {
		name string
		q    Quantity
		want string
	}{
		{"NewQuantity 1", NewQuantity(1, DecimalSI), "1"},
		{"NewQuantity 1000", NewQuantity(1000, DecimalSI), "1k"},
		{"NewQuantity 1234000", NewQuantity(1234000, DecimalSI), "1234k"},
		{"NewQuantity 1024 binary", NewQuantity(1024, BinarySI), "1Ki"},
		{"NewQuantity unknown format", NewQuantity(1000000, "invalidFormatDefaultsToExponent"), "1e6"},
		{"NewQuantity 1Mi", NewQuantity(1024*1024, BinarySI), "1Mi"},
		{"NewMilliQuantity 1", NewMilliQuantity(1, DecimalSI), "1m"},
		{"NewMilliQuantity 1000", NewMilliQuantity(1000, DecimalSI), "1"},
		{"NewMilliQuantity 1234000", NewMilliQuantity(1234000, DecimalSI), "1234"},
		{"NewMilliQuantity binary fraction", NewMilliQuantity(1024, BinarySI), "1024m"},
		{"NewMilliQuantity unknown format", NewMilliQuantity(1000000, "invalidFormatDefaultsToExponent"), "1e3"},
		{"NewMilliQuantity binary 1Mi milli", NewMilliQuantity(1024*1024, BinarySI), "1048576m"},
		{"NewScaledQuantity 1n", NewScaledQuantity(1, Nano), "1n"},
		{"NewScaledQuantity 1000n", NewScaledQuantity(1000, Nano), "1u"},
		{"NewScaledQuantity 1u", NewScaledQuantity(1, Micro), "1u"},
		{"NewScaledQuantity 1000u", NewScaledQuantity(1000, Micro), "1m"},
		{"NewScaledQuantity 1m", NewScaledQuantity(1, Milli), "1m"},
		{"NewScaledQuantity 1000m", NewScaledQuantity(1000, Milli), "1"},
		{"NewScaledQuantity 1", NewScaledQuantity(1, 0), "1"},
		{"NewScaledQuantity 0n", NewScaledQuantity(0, Nano), "0"},
		{"NewScaledQuantity 0", NewScaledQuantity(0, 0), "0"},
	}
	for _, tt := range tests {
		if got := tt.q.String(); got != tt.want {
			t.Errorf("%s: String() = %q, want %q", tt.name, got, tt.want)
		}
		if back := MustParse(tt.q.String()); back.Cmp(tt.q) != 0 {
			t.Errorf("%s: %q parses back to %s", tt.name, tt.q.String(), back)
		}
	}
}

func TestScaledValue(t *testing.T) {
	tests := []struct {
		from, to Scale
		want     int64
	}{
		{Nano, Nano, 1},
		{Nano, Micro, 1},
		{Nano, Milli, 1},
		{Nano, 0, 1},
		{Micro, Nano, 1000},
		{Micro, Micro, 1},
		{Micro, Milli, 1},
		{Micro, 0, 1},
		{Milli, Nano, 1000 * 1000},
		{Milli, Micro, 1000},
		{Milli, Milli, 1},
		{Milli, 0, 1},
		{0, Nano, 1000 * 1000 * 1000},
		{0, Micro, 1000 * 1000},
		{0, Milli, 1000},
		{0, 0, 1},
		{2, -2, 100 * 100},
	}
	for _, tt := range tests {
		if got := NewScaledQuantity(1, tt.from).ScaledValue(tt.to); got != tt.want {
			t.Errorf("NewScaledQuantity(1, %d).ScaledValue(%d) = %d, want %d", tt.from, tt.to, got, tt.want)
		}
	}
}

// TestValueRoundsAwayFromZero is Kubernetes' rounding table for Value and MilliValue, plus the
// saturation skiff adds where Kubernetes overflows.
func TestValueRoundsAwayFromZero(t *testing.T) {
	tests := []struct {
		in          string
		value, mill int64
	}{
		{"-.484785E-7466", -1, -1},
		{".484785E-7466", 1, 1},
		{"-.484785E-1", -1, -49},
		{".484785E-1", 1, 49},
		{"-0.0005", -1, -1},
		{"0.0005", 1, 1},
		{"-1500m", -2, -1500},
		{"1500m", 2, 1500},
		{"-9.5000000001Gi", -10200547329, -10200547328108},
		{"9.5000000001Gi", 10200547329, 10200547328108},
		{"-1", -1, -1000},
		{"1", 1, 1000},
		{"0", 0, 0},
		{"1.1Ki", 1127, 1126400},
		{"9223372036854775807", math.MaxInt64, math.MaxInt64},
		{"-9223372036854775808", math.MinInt64, math.MinInt64},
		{"9223372036854775808", math.MaxInt64, math.MaxInt64},
		{"-9223372036854775809", math.MinInt64, math.MinInt64},
		{"9223372036854775.808", 9223372036854776, math.MaxInt64},
		{"-9223372036854775.808", -9223372036854776, math.MinInt64},
		{"9223372036854775.807", 9223372036854776, 9223372036854775807},
		{"1e2147483647", math.MaxInt64, math.MaxInt64},
		{"12345678901234567890123.5n", 12345678901235, 12345678901234568},
		{"123456789012345678901234567.5", math.MaxInt64, math.MaxInt64},
		{"-9223372036854775809.5", math.MinInt64, math.MinInt64},
		{"-9223372036854775807.5", math.MinInt64, math.MinInt64},
	}
	for _, tt := range tests {
		q := MustParse(tt.in)
		got := [2]int64{q.Value(), q.MilliValue()}
		if diff := cmp.Diff([2]int64{tt.value, tt.mill}, got); diff != "" {
			t.Errorf("%q: [Value, MilliValue] (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestScaledValueFarBelowScale(t *testing.T) {
	if got := NewScaledQuantity(5, -30).Value(); got != 1 {
		t.Errorf("5e-30 rounds to %d, want 1", got)
	}
	if got := NewScaledQuantity(-5, -30).MilliValue(); got != -1 {
		t.Errorf("-5e-30 in milli rounds to %d, want -1", got)
	}
}

func TestAsInt64(t *testing.T) {
	tests := []struct {
		in   Quantity
		want int64
		ok   bool
	}{
		{MustParse("0"), 0, true},
		{MustParse("1k"), 1000, true},
		{MustParse("-1Gi"), -1 << 30, true},
		{MustParse("1.5"), 0, false},
		{MustParse("9223372036854775807"), math.MaxInt64, true},
		{MustParse("-9223372036854775808"), math.MinInt64, true},
		{MustParse("9223372036854775808"), 0, false},
		{MustParse("10E"), 0, false},
		{MustParse("1E"), 1e18, true},
		{MustParse("8Ei"), math.MaxInt64, true}, // capped when parsed
	}
	for _, tt := range tests {
		got, ok := tt.in.AsInt64()
		if !ok {
			got = 0
		}
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s.AsInt64() = %d, %t; want %d, %t", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestAsApproximateFloat64(t *testing.T) {
	tests := []struct {
		in   Quantity
		want float64
	}{
		{dec(0, 0, DecimalSI), 0},
		{dec(0, 0, BinarySI), 0},
		{dec(1, 0, DecimalExponent), 1},
		{dec(1024, 0, BinarySI), 1024},
		{dec(7*1024*1024, 4, BinarySI), 7 * 1024 * 1024 * 10000},
		{dec(7*1024*1024, 8, DecimalSI), 7 * 1024 * 1024 * 100000000},
		// Correctly rounded, where Kubernetes multiplies by an inexact 10^-n.
		{dec(7*1024*1024, -1, DecimalSI), 734003.2},
		{dec(7*1024*1024, -8, DecimalExponent), 0.07340032},
		{dec(math.MaxInt64, 0, DecimalSI), math.MaxInt64},
		{dec(12, 18, DecimalSI), 1.2e19},
		{dec(12, 500, DecimalSI), math.Inf(1)},
		{dec(-12, 500, DecimalSI), math.Inf(-1)},
		{dec(12, -500, DecimalSI), 0},
		{MustParse("2Ki"), 2048},
		{MustParse("1.1Ki"), 1126.4},
		{MustParse("1Mi"), 1048576},
		{MustParse("2Gi"), 2147483648},
		{MustParse("100m"), 0.1},
		{MustParse("-1n"), -1e-9},
		{MustParse("18446744073709551616"), 18446744073709551616},
		{MustParse("123456789012345678901234567890"), 1.2345678901234568e29},
	}
	for _, tt := range tests {
		if got := tt.in.AsApproximateFloat64(); got != tt.want {
			t.Errorf("%s.AsApproximateFloat64() = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// TestCopiesAreIndependent checks that a copied Quantity, big or small, does not change when the
// original does, nor the other way round.
func TestCopiesAreIndependent(t *testing.T) {
	for _, in := range []string{"100m", "123456789012345678901234567890", "1.5Gi"} {
		orig := MustParse(in)
		want := orig.String()
		byValue := orig
		deep := orig.DeepCopy()
		var into Quantity
		orig.DeepCopyInto(&into)

		orig.Add(MustParse("1"))
		orig.Neg()
		for name, c := range map[string]Quantity{"assignment": byValue, "DeepCopy": deep, "DeepCopyInto": into} {
			if got := c.String(); got != want || c.Cmp(MustParse(in)) != 0 {
				t.Errorf("%q: %s copy changed with the original: %s", in, name, got)
			}
		}
		byValue.Sub(MustParse("7"))
		if orig.Cmp(byValue) == 0 {
			t.Errorf("%q: original and copy still equal after both changed differently", in)
		}
	}
}

// TestConcurrentReads shares quantities between goroutines that only read them; run with -race, it
// shows that reading (including the cached text) writes nothing.
func TestConcurrentReads(t *testing.T) {
	shared := []Quantity{MustParse("100m"), MustParse("1.5Gi"), NewMilliQuantity(1441, DecimalSI), MustParse("123456789012345678901234567890")}
	done := make(chan struct{})
	for range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for range 100 {
				for _, q := range shared {
					_ = q.String()
					_, _ = q.MarshalJSON()
					_ = q.Cmp(shared[0])
					_ = q.Value()
					sum := q
					sum.Add(shared[1])
				}
			}
		}()
	}
	for range 4 {
		<-done
	}
}
