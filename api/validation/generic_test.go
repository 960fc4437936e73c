package validation

import (
	"testing"

	"github.com/skiff-io/skiff/api/field"
	"github.com/skiff-io/skiff/api/field/fieldtest"
)

func TestGenericChecks(t *testing.T) {
	p := field.NewPath("x")
	fieldtest.Expect(t, IsValidIP(p, "10.0.0.1"))
	fieldtest.Expect(t, IsValidIP(p, "2001:db8::1"))
	fieldtest.Expect(t, IsValidIP(p, "10.0.0.256"), `x: Invalid value: "10.0.0.256": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)`)
	fieldtest.Expect(t, IsValidCIDR(p, "10.0.0.0/8"))
	fieldtest.Expect(t, IsValidCIDR(p, "10.0.0.0"), `x: Invalid value: "10.0.0.0": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)`)
	fieldtest.Expect(t, ValidateImmutableField("a", "a", p))
	fieldtest.Expect(t, ValidateImmutableField("b", "a", p), `x: Invalid value: "b": field is immutable`)
	fieldtest.Expect(t, ValidateNonnegativeField(-3, p), "x: Invalid value: -3: must be greater than or equal to 0")
	if msgs := IsValidPercent("25%"); len(msgs) != 0 {
		t.Errorf("25%%: %v", msgs)
	}
	if msgs := IsValidPercent("25"); len(msgs) != 1 {
		t.Errorf("25 accepted as a percentage")
	}
	if msgs := IsHTTPHeaderName("X-Probe"); len(msgs) != 0 {
		t.Errorf("X-Probe: %v", msgs)
	}
	if msgs := IsHTTPHeaderName("X Probe"); len(msgs) != 1 {
		t.Errorf("X Probe accepted as a header name")
	}
	if msgs := IsValidUserID(1 << 31); len(msgs) != 1 || msgs[0] != "must be between 0 and 2147483647, inclusive" {
		t.Errorf("uid 2^31: %v", msgs)
	}
}
