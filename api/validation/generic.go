package validation

import (
	"fmt"
	"math"
	"net/netip"
	"regexp"
	"strings"

	"github.com/skiff-io/skiff/api/equality"
	"github.com/skiff-io/skiff/api/field"
)

// ValidateNameFunc checks an object name and returns the reasons it is bad. prefix is true when
// the value is a generateName, which may end with a '-' because a random suffix follows it.
type ValidateNameFunc func(name string, prefix bool) []string

// NameIsDNSSubdomain checks a name that must be a DNS-1123 subdomain (most kinds).
func NameIsDNSSubdomain(name string, prefix bool) []string {
	if prefix {
		name = maskTrailingDash(name)
	}
	return IsDNS1123Subdomain(name)
}

// NameIsDNSLabel checks a name that must be a DNS-1123 label (namespaces).
func NameIsDNSLabel(name string, prefix bool) []string {
	if prefix {
		name = maskTrailingDash(name)
	}
	return IsDNS1123Label(name)
}

// maskTrailingDash stands in a letter for a generateName's trailing '-', which a generated suffix
// will follow.
func maskTrailingDash(name string) string {
	if len(name) > 1 && strings.HasSuffix(name, "-") {
		return name[:len(name)-2] + "a"
	}
	return name
}

// ValidatePathSegmentName checks a name that only has to be usable as one URL path segment, as
// RBAC role names are.
func ValidatePathSegmentName(name string, prefix bool) []string {
	if !prefix {
		for _, bad := range []string{".", ".."} {
			if name == bad {
				return []string{fmt.Sprintf("may not be '%s'", bad)}
			}
		}
	}
	var errs []string
	for _, bad := range []string{"/", "%"} {
		if strings.Contains(name, bad) {
			errs = append(errs, fmt.Sprintf("may not contain '%s'", bad))
		}
	}
	return errs
}

// IsNegativeErrorMsg is the message for a value that must not be negative.
const IsNegativeErrorMsg = "must be greater than or equal to 0"

// IsNotPositiveErrorMsg is the message for a value that must be positive.
const IsNotPositiveErrorMsg = "must be greater than zero"

// FieldImmutableErrorMsg is the message for a change to a field that may not change.
const FieldImmutableErrorMsg = "field is immutable"

// ValidateNonnegativeField reports a negative value.
func ValidateNonnegativeField(value int64, path *field.Path) field.ErrorList {
	if value < 0 {
		return field.ErrorList{field.Invalid(path, value, IsNegativeErrorMsg)}
	}
	return nil
}

// ValidateImmutableField reports a field whose new value differs, semantically, from the old one.
func ValidateImmutableField(newVal, oldVal any, path *field.Path) field.ErrorList {
	if !equality.DeepEqual(oldVal, newVal) {
		return field.ErrorList{field.Invalid(path, newVal, FieldImmutableErrorMsg)}
	}
	return nil
}

// ValidateDNS1123Label reports a value that is not a DNS-1123 label.
func ValidateDNS1123Label(value string, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range IsDNS1123Label(value) {
		errs = append(errs, field.Invalid(path, value, msg))
	}
	return errs
}

// ValidateDNS1123Subdomain reports a value that is not a DNS-1123 subdomain.
func ValidateDNS1123Subdomain(value string, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range IsDNS1123Subdomain(value) {
		errs = append(errs, field.Invalid(path, value, msg))
	}
	return errs
}

// ValidateQualifiedName reports a value that is not a qualified name.
func ValidateQualifiedName(value string, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range IsQualifiedName(value) {
		errs = append(errs, field.Invalid(path, value, msg))
	}
	return errs
}

const (
	percentFmt           = "[0-9]+%"
	percentErrMsg        = "a valid percent string must be a numeric string followed by an ending '%'"
	httpHeaderNameFmt    = "[-A-Za-z0-9]+"
	httpHeaderNameErrMsg = "a valid HTTP header must consist of alphanumeric characters or '-'"
)

var (
	percentRegexp        = regexp.MustCompile("^" + percentFmt + "$")
	httpHeaderNameRegexp = regexp.MustCompile("^" + httpHeaderNameFmt + "$")
)

// IsValidPercent checks a percentage such as "25%".
func IsValidPercent(percent string) []string {
	if !percentRegexp.MatchString(percent) {
		return []string{RegexError(percentErrMsg, percentFmt, "1%", "93%")}
	}
	return nil
}

// IsHTTPHeaderName checks the name of an HTTP header.
func IsHTTPHeaderName(value string) []string {
	if !httpHeaderNameRegexp.MatchString(value) {
		return []string{RegexError(httpHeaderNameErrMsg, httpHeaderNameFmt, "X-Header-Name")}
	}
	return nil
}

// IsValidUserID checks a Linux user ID (0 to 2^31-1).
func IsValidUserID(uid int64) []string {
	if uid < 0 || uid > math.MaxInt32 {
		return []string{InclusiveRangeError(0, math.MaxInt32)}
	}
	return nil
}

// IsValidGroupID checks a Linux group ID (0 to 2^31-1).
func IsValidGroupID(gid int64) []string {
	if gid < 0 || gid > math.MaxInt32 {
		return []string{InclusiveRangeError(0, math.MaxInt32)}
	}
	return nil
}

// IsValidIP reports a value that is not an IPv4 or IPv6 address.
func IsValidIP(path *field.Path, value string) field.ErrorList {
	if _, err := netip.ParseAddr(value); err != nil || strings.Contains(value, "%") {
		return field.ErrorList{field.Invalid(path, value, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")}
	}
	return nil
}

// IsValidCIDR reports a value that is not a CIDR.
func IsValidCIDR(path *field.Path, value string) field.ErrorList {
	if _, err := netip.ParsePrefix(value); err != nil {
		return field.ErrorList{field.Invalid(path, value, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)")}
	}
	return nil
}

// IsFullyQualifiedName checks a DNS subdomain of at least three segments ("a.example.com"), as
// initializer names must be.
func IsFullyQualifiedName(path *field.Path, name string) field.ErrorList {
	if name == "" {
		return field.ErrorList{field.Required(path, "")}
	}
	var errs field.ErrorList
	if msgs := IsDNS1123Subdomain(name); len(msgs) != 0 {
		errs = append(errs, field.Invalid(path, name, strings.Join(msgs, ",")))
	}
	if len(strings.Split(name, ".")) < 3 {
		errs = append(errs, field.Invalid(path, name, "should be a domain with at least three segments separated by dots"))
	}
	return errs
}
