package resource

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCmp(t *testing.T) {
	const mostPositive, mostNegative = math.MaxInt64, math.MinInt64
	tests := []struct {
		a, b Quantity
		want int
	}{
		{MustParse("0"), MustParse("0"), 0},
		{MustParse("100m"), MustParse("50m"), 1},
		{MustParse("50m"), MustParse("100m"), -1},
		{MustParse("10000T"), MustParse("100Gi"), 1},
		{MustParse("1Ki"), MustParse("1024"), 0},
		{MustParse("1k"), MustParse("1Ki"), -1},
		{MustParse("-1k"), MustParse("-1Ki"), 1},
		{MustParse("0"), MustParse("0Ki"), 0},
		{MustParse("1e-9"), MustParse("0"), 1},
		{MustParse("-1n"), MustParse("0"), -1},
		// Kubernetes' int64-against-int64 table.
		{dec(901, -2, DecimalSI), dec(901, -2, DecimalSI), 0},
		{dec(90, -1, DecimalSI), dec(901, -2, DecimalSI), -1},
		{dec(901, -2, DecimalSI), dec(900, -2, DecimalSI), 1},
		{dec(0, 1, DecimalSI), dec(0, -1, DecimalSI), 0},
		{dec(800, -3, DecimalSI), dec(1, 0, DecimalSI), -1},
		{dec(800, -3, DecimalSI), dec(79, -2, DecimalSI), 1},
		{dec(mostPositive, 0, DecimalSI), dec(1, -1, DecimalSI), 1},
		{dec(mostPositive, 1, DecimalSI), dec(1, 0, DecimalSI), 1},
		{dec(mostPositive, 1, DecimalSI), dec(1, 1, DecimalSI), 1},
		{dec(mostPositive, 1, DecimalSI), dec(0, 1, DecimalSI), 1},
		{dec(mostPositive, -16, DecimalSI), dec(1, 3, DecimalSI), -1},
		{dec(mostNegative, 0, DecimalSI), dec(0, 0, DecimalSI), -1},
		{dec(mostNegative, -18, DecimalSI), dec(-1, 0, DecimalSI), -1},
		{dec(mostNegative, -19, DecimalSI), dec(-1, 0, DecimalSI), 1},
		{dec(1e18, -17, DecimalSI), dec(1, 1, DecimalSI), 0},
		{dec(1e18, -17, DecimalSI), dec(-10, 0, DecimalSI), 1},
		{dec(-1e18, -17, DecimalSI), dec(-10, 0, DecimalSI), 0},
		{dec(1e18, -17, DecimalSI), dec(1, 0, DecimalSI), 1},
		{dec(1e18+1, -17, DecimalSI), dec(1, 1, DecimalSI), 1},
		{dec(1e18-1, -17, DecimalSI), dec(1, 1, DecimalSI), -1},
		{dec(mostPositive, 0, DecimalSI), dec(mostPositive-1, 0, DecimalSI), 1},
		{dec(9999999999999999999/10, 1, DecimalSI), dec(mostPositive, 0, DecimalSI), 1},
		// Big mantissas, alone and against int64 ones.
		{bigDec("9223372036854775808", 0, DecimalSI), dec(mostPositive, 0, DecimalSI), 1},
		{bigDec("-9223372036854775809", 0, DecimalSI), dec(mostNegative, 0, DecimalSI), -1},
		{bigDec("92233720368547758071", -1, DecimalSI), dec(mostPositive, 0, DecimalSI), 1},
		{bigDec("92233720368547758069", -1, DecimalSI), dec(mostPositive, 0, DecimalSI), -1},
		{bigDec("12345678901234567890123", 0, DecimalSI), bigDec("12345678901234567890123", 0, BinarySI), 0},
		{bigDec("12345678901234567890123", 0, DecimalSI), bigDec("1234567890123456789012", 1, DecimalSI), 1},
		{bigDec("-12345678901234567890123", 5, DecimalSI), dec(1, 100, DecimalSI), -1},
		// Huge exponents are decided without building 10^exponent.
		{MustParse("1e2147483647"), MustParse("1"), 1},
		{MustParse("1e2147483647"), MustParse("-1e2147483647"), 1},
		{MustParse("1e2147483647"), MustParse("10e2147483646"), 0},
		{MustParse("123456789012345678901234567890e2147483647"), MustParse("123456789012345678901234567891e2147483647"), -1},
		{MustParse("123456789012345678901234567890e2147483647"), MustParse("1e-2147483647"), 1},
	}
	for _, tt := range tests {
		if got := tt.a.Cmp(tt.b); got != tt.want {
			t.Errorf("%s.Cmp(%s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := tt.b.Cmp(tt.a); got != -tt.want {
			t.Errorf("%s.Cmp(%s) = %d, want %d", tt.b, tt.a, got, -tt.want)
		}
		if got := tt.a.Equal(tt.b); got != (tt.want == 0) {
			t.Errorf("%s.Equal(%s) = %t", tt.a, tt.b, got)
		}
	}
}

func TestCmpInt64(t *testing.T) {
	tests := []struct {
		q    Quantity
		y    int64
		want int
	}{
		{MustParse("1Ki"), 1024, 0},
		{MustParse("1023.9"), 1024, -1},
		{MustParse("-1n"), 0, -1},
		{MustParse("9223372036854775808"), math.MaxInt64, 1},
		{MustParse("-9223372036854775809"), math.MinInt64, -1},
	}
	for _, tt := range tests {
		if got := tt.q.CmpInt64(tt.y); got != tt.want {
			t.Errorf("%s.CmpInt64(%d) = %d, want %d", tt.q, tt.y, got, tt.want)
		}
	}
}

// TestEqualWithCmp checks that go-cmp compares quantities, and structs holding them, by amount.
func TestEqualWithCmp(t *testing.T) {
	type limits struct {
		CPU    Quantity
		Memory Quantity
	}
	want := limits{CPU: MustParse("0.5"), Memory: MustParse("1024Mi")}
	got := limits{CPU: MustParse("500m"), Memory: MustParse("1Gi")}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("equal amounts differ (-want +got):\n%s", diff)
	}
	got.CPU = MustParse("501m")
	if cmp.Equal(want, got) {
		t.Error("cmp.Equal says 500m == 501m")
	}
}

func TestAddSub(t *testing.T) {
	tests := []struct {
		name       string
		a, b       Quantity
		sum, diff  string
		sumFormat  Format
		diffFormat Format
	}{
		{"scales differ", dec(10, 0, DecimalSI), dec(1, 1, DecimalSI), "20", "0", DecimalSI, DecimalSI},
		{"left format wins", dec(10, 0, DecimalSI), dec(1, 0, BinarySI), "11", "9", DecimalSI, DecimalSI},
		{"left binary format wins", dec(10, 0, BinarySI), dec(1, 0, DecimalSI), "11", "9", BinarySI, BinarySI},
		{"zero takes the other's format", Quantity{Format: DecimalSI}, MustParse("1Gi"), "1Gi", "-1Gi", BinarySI, BinarySI},
		{"empty takes the other's format", Quantity{}, MustParse("100m"), "100m", "-100m", DecimalSI, DecimalSI},
		{"adding zero keeps the suffix", MustParse("100m"), MustParse("0"), "100m", "100m", DecimalSI, DecimalSI},
		{"zero and zero", Quantity{Format: DecimalSI}, Quantity{Format: DecimalSI}, "0", "0", DecimalSI, DecimalSI},
		{"milli and giga", MustParse("1500m"), MustParse("1G"), "1000000001500m", "-999999998500m", DecimalSI, DecimalSI},
		{"binary halves", MustParse("0.5Gi"), MustParse("512Mi"), "1Gi", "0", BinarySI, BinarySI},
		{"into a fraction of a byte", MustParse("1Ki"), MustParse("0.5"), "1024500m", "1023500m", BinarySI, BinarySI},
		{"past int64", dec(math.MaxInt64, 0, DecimalSI), dec(1, 0, DecimalSI), "9223372036854775808", "9223372036854775806", DecimalSI, DecimalSI},
		{"past int64 by scale", dec(math.MaxInt64, 0, DecimalSI), dec(1, 19, DecimalSI), "19223372036854775807", "-776627963145224193", DecimalSI, DecimalSI},
		{"below int64", dec(math.MinInt64, 0, DecimalSI), dec(1, 0, DecimalSI), "-9223372036854775807", "-9223372036854775809", DecimalSI, DecimalSI},
		{"minus the most negative", dec(1, 0, DecimalSI), dec(math.MinInt64, 0, DecimalSI), "-9223372036854775807", "9223372036854775809", DecimalSI, DecimalSI},
		{"big back to int64", bigDec("9223372036854775808", 0, DecimalSI), dec(-1, 0, DecimalSI), "9223372036854775807", "9223372036854775809", DecimalSI, DecimalSI},
		{"big cancels", bigDec("123456789012345678901234567890", -3, DecimalSI), bigDec("123456789012345678901234567890", -3, DecimalSI), "246913578024691357802469135780m", "0", DecimalSI, DecimalSI},
		{"exponent fallback", MustParse("1000E"), MustParse("1000E"), "2e21", "0", DecimalSI, DecimalSI},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sum := tt.a
			sum.Add(tt.b)
			diff := tt.a
			diff.Sub(tt.b)
			want := []string{tt.sum, string(tt.sumFormat), tt.diff, string(tt.diffFormat)}
			got := []string{sum.String(), string(sum.Format), diff.String(), string(diff.Format)}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("[sum, format, difference, format] (-want +got):\n%s", d)
			}
			// The operands are values: neither may change.
			if tt.a.Cmp(tt.a.DeepCopy()) != 0 || tt.b.Cmp(tt.b.DeepCopy()) != 0 {
				t.Error("an operand changed")
			}
		})
	}
}

func TestNeg(t *testing.T) {
	tests := []struct {
		in   Quantity
		want string
	}{
		{dec(901, -2, DecimalSI), "-9010m"},
		{Quantity{}, "0"},
		{dec(10, 0, BinarySI), "-10"},
		{dec(-10, 0, BinarySI), "10"},
		{dec(math.MinInt64, 0, DecimalSI), "9223372036854775808"},
		{dec(math.MinInt64, -3, DecimalSI), "9223372036854775808m"},
		{bigDec("9223372036854775808", 0, DecimalSI), "-9223372036854775808"},
		{MustParse("1.5Gi"), "-1536Mi"},
	}
	for _, tt := range tests {
		q := tt.in
		q.Neg()
		if got := q.String(); got != tt.want {
			t.Errorf("-(%s) = %q, want %q", tt.in, got, tt.want)
		}
		q.Neg()
		if q.Cmp(tt.in) != 0 {
			t.Errorf("-(-(%s)) = %s", tt.in, q)
		}
	}
}

// TestSubAtMostNegative follows Kubernetes' regression tests for 0 - MinInt64 and friends, which
// must move to a big mantissa rather than wrap.
func TestSubAtMostNegative(t *testing.T) {
	zero := Quantity{Format: DecimalSI}
	zero.Sub(dec(math.MinInt64, 0, BinarySI))
	if got := zero.String(); got != "8Ei" || zero.Format != BinarySI {
		t.Errorf("0 - MinInt64 (BinarySI) = %q in %s, want 8Ei in BinarySI", got, zero.Format)
	}
	if _, ok := zero.AsInt64(); ok {
		t.Error("2^63 claims to fit an int64")
	}
	ten := dec(1, 1, DecimalSI)
	ten.Sub(dec(math.MinInt64, 0, DecimalSI))
	if got := ten.String(); got != "9223372036854775818" {
		t.Errorf("10 - MinInt64 = %q", got)
	}
	milli := NewScaledQuantity(1, Milli)
	milli.Sub(NewScaledQuantity(math.MinInt64, Milli))
	if got := milli.String(); got != "9223372036854775809m" {
		t.Errorf("1m - MinInt64m = %q", got)
	}
	wide := NewScaledQuantity(math.MinInt64, 100)
	wide.Neg()
	if got, want := wide.String(), "92233720368547758080e99"; got != want {
		t.Errorf("-(MinInt64e100) = %q, want %q", got, want)
	}
}

// TestBinaryPastEi grows 1Ei to 2^70, which has no binary suffix, and checks it prints the exact
// decimal Kubernetes prints and reads back.
func TestBinaryPastEi(t *testing.T) {
	q := MustParse("1Ei")
	for range 10 {
		q.Add(q)
	}
	if got, want := q.String(), "1180591620717411303424"; got != want {
		t.Fatalf("1Ei * 1024 = %q, want %q", got, want)
	}
	if back := MustParse(q.String()); back.Cmp(q) != 0 {
		t.Errorf("%q parses back to %s", q.String(), back)
	}
}

func TestAddSubRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for k := -10; k <= 10; k++ {
		var q Quantity
		var order []int64
		for range 100 {
			j := r.Int64()
			order = append(order, j)
			q.Add(NewScaledQuantity(j, Scale(k)))
		}
		for _, j := range order {
			q.Sub(NewScaledQuantity(j, Scale(k)))
		}
		if !q.IsZero() {
			t.Errorf("scale %d: adding and subtracting left %s", k, q)
		}
	}
	var q Quantity
	var order []int64
	for range 100 {
		j := r.Int64()
		order = append(order, j)
		q.Add(NewScaledQuantity(j, Scale(j%20-10)))
	}
	for _, j := range order {
		q.Sub(NewScaledQuantity(j, Scale(j%20-10)))
	}
	if !q.IsZero() {
		t.Errorf("mixed scales: adding and subtracting left %s", q)
	}
}

func TestSignAndIsZero(t *testing.T) {
	tests := []struct {
		in   Quantity
		sign int
	}{
		{Quantity{}, 0},
		{MustParse("0Ki"), 0},
		{MustParse("-0"), 0},
		{MustParse("1n"), 1},
		{MustParse("-1n"), -1},
		{MustParse("99999999999999999999"), 1},
		{MustParse("-99999999999999999999"), -1},
	}
	for _, tt := range tests {
		if got := tt.in.Sign(); got != tt.sign {
			t.Errorf("%s.Sign() = %d, want %d", tt.in, got, tt.sign)
		}
		if got := tt.in.IsZero(); got != (tt.sign == 0) {
			t.Errorf("%s.IsZero() = %t", tt.in, got)
		}
	}
}

func TestDecimalDigits(t *testing.T) {
	for d := 1; d < len(pow10); d++ {
		for _, u := range []uint64{pow10[d-1], pow10[d] - 1} {
			if got := decimalDigits(u); got != int64(d) {
				t.Errorf("decimalDigits(%d) = %d, want %d", u, got, d)
			}
		}
	}
	if got := decimalDigits(math.MaxUint64); got != 20 {
		t.Errorf("decimalDigits(MaxUint64) = %d, want 20", got)
	}
	if got := decimalDigits(0); got != 1 {
		t.Errorf("decimalDigits(0) = %d, want 1", got)
	}
}
