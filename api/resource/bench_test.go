package resource

import (
	"encoding/json"
	"testing"
)

// The usual shapes of quantities in pod specs, plus one past int64.
var benchInputs = []string{"100m", "1.5Gi", "2", "500Mi", "0.5", "2e3", "123456789012345678901234"}

func BenchmarkParseQuantity(b *testing.B) {
	for _, in := range benchInputs {
		b.Run(in, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ParseQuantity(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkQuantityString(b *testing.B) {
	cases := []struct {
		name string
		q    Quantity
	}{
		{"parsed canonical", MustParse("100m")},      // the input is kept, nothing to do
		{"parsed non-canonical", MustParse("1.5Gi")}, // prints 1536Mi
		{"milli", NewMilliQuantity(1500, DecimalSI)},
		{"binary", NewQuantity(3<<30, BinarySI)},
		{"exponent", NewScaledQuantity(12, 6)},
		{"big", MustParse("123456789012345678901234")},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if c.q.String() == "" {
					b.Fatal("empty")
				}
			}
		})
	}
}

func BenchmarkQuantityCmp(b *testing.B) {
	cases := []struct {
		name string
		x, y Quantity
	}{
		{"same scale", MustParse("100m"), MustParse("250m")},
		{"different scales", MustParse("1500m"), MustParse("2")},
		{"binary and decimal", MustParse("1Gi"), MustParse("1G")},
		{"big", MustParse("123456789012345678901234"), MustParse("123456789012345678901235")},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if c.x.Cmp(c.y) == 0 {
					b.Fatal("equal")
				}
			}
		})
	}
}

func BenchmarkQuantityAdd(b *testing.B) {
	x, y := MustParse("100m"), MustParse("1.5")
	b.ReportAllocs()
	for b.Loop() {
		sum := x
		sum.Add(y)
	}
}

func BenchmarkQuantityJSON(b *testing.B) {
	q := MustParse("1.5Gi")
	data, _ := json.Marshal(q)
	b.Run("MarshalJSON", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := q.MarshalJSON(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("UnmarshalJSON", func(b *testing.B) {
		b.ReportAllocs()
		var out Quantity
		for b.Loop() {
			if err := out.UnmarshalJSON(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}
