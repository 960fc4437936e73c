// Package fieldtest checks validation results in tests by their messages, which carry the field
// path, the error type and the detail exactly as the API returns them.
//
//	errs := core.ValidatePod(pod)
//	fieldtest.Expect(t, errs,
//		"spec.containers[0].image: Required value",
//		`metadata.name: Invalid value: "Bad_Name"`)
package fieldtest

import (
	"strings"
	"testing"

	"github.com/skiff-io/skiff/api/field"
)

// Expect asserts that errs holds, for each of want, exactly one error whose message starts with it,
// and no other error. No want means errs must be empty.
func Expect(t testing.TB, errs field.ErrorList, want ...string) {
	t.Helper()
	used := make([]bool, len(errs))
	for _, w := range want {
		found := false
		for i, e := range errs {
			if !used[i] && strings.HasPrefix(e.Error(), w) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			t.Errorf("missing error %q", w)
		}
	}
	for i, e := range errs {
		if !used[i] {
			t.Errorf("unexpected error %q", e.Error())
		}
	}
}
