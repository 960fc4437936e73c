package apierrors

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/skiff-io/skiff/api/field"
)

func TestStatuses(t *testing.T) {
	pods := GroupResource{Resource: "pods"}
	cases := []struct {
		err     error
		code    int32
		reason  string
		message string
		is      func(error) bool
	}{
		{NewNotFound(pods, "x"), 404, "NotFound", `pods "x" not found`, IsNotFound},
		{NewAlreadyExists(GroupResource{"apps", "deployments"}, "d"), 409, "AlreadyExists", `deployments.apps "d" already exists`, IsAlreadyExists},
		{NewConflict(pods, "x", errors.New("the object has been modified")), 409, "Conflict", `Operation cannot be fulfilled on pods "x": the object has been modified`, IsConflict},
		{NewInvalid(GroupKind{"apps", "Deployment"}, "d", field.ErrorList{field.Required(field.NewPath("spec", "selector"), "")}), 422, "Invalid", `Deployment.apps "d" is invalid: spec.selector: Required value`, IsInvalid},
		{NewForbidden(pods, "", errors.New(`User "bob" cannot list resource "pods"`)), 403, "Forbidden", `pods is forbidden: User "bob" cannot list resource "pods"`, IsForbidden},
		{NewUnauthorized(""), 401, "Unauthorized", "Unauthorized", IsUnauthorized},
		{NewGone("too old resource version: 1 (5)"), 410, "Expired", "too old resource version: 1 (5)", IsGone},
		{NewTooManyRequests("", 1), 429, "TooManyRequests", "Too many requests, please try again later.", IsTooManyRequests},
		{NewBadRequest("bad"), 400, "BadRequest", "bad", IsBadRequest},
		{NewMethodNotSupported(pods, "PATCH"), 405, "MethodNotAllowed", `PATCH is not supported on resources of kind "pods"`, IsMethodNotSupported},
	}
	for _, tc := range cases {
		st := StatusOf(tc.err)
		if st.Code != tc.code || string(st.Reason) != tc.reason || st.Message != tc.message || st.Kind != "Status" || st.APIVersion != "v1" || st.Status != "Failure" {
			t.Errorf("%v: code %d reason %s message %q", tc.err, st.Code, st.Reason, st.Message)
		}
		if !tc.is(fmt.Errorf("wrapped: %w", tc.err)) {
			t.Errorf("%s: the Is function does not see it through wrapping", tc.reason)
		}
		if tc.reason != "NotFound" && IsNotFound(tc.err) {
			t.Errorf("%s counts as NotFound", tc.reason)
		}
	}
	// Causes carry the field errors, for kubectl's per-field output.
	inv := NewInvalid(GroupKind{Kind: "Pod"}, "p", field.ErrorList{field.Required(field.NewPath("spec", "containers").Index(0).Child("image"), "")})
	data, _ := json.Marshal(inv)
	if want := `"causes":[{"reason":"FieldValueRequired","message":"Required value","field":"spec.containers[0].image"}]`; !contains(string(data), want) {
		t.Errorf("invalid status JSON %s lacks %s", data, want)
	}
	if st := StatusOf(errors.New("disk on fire")); st.Code != 500 || st.Reason != "InternalError" {
		t.Errorf("plain error: %+v", st)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
