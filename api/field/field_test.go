package field

import (
	"errors"
	"testing"
)

func TestPathString(t *testing.T) {
	cases := []struct {
		path *Path
		want string
	}{
		{NewPath("spec"), "spec"},
		{NewPath("spec", "containers").Index(0).Child("name"), "spec.containers[0].name"},
		{NewPath("metadata", "labels").Key("app"), "metadata.labels[app]"},
		{NewPath("spec").Child("ports").Index(1).Index(2), "spec.ports[1][2]"},
		{NewPath(""), ""},
		{NewPath("").Key("a"), "[a]"},
		{nil, "<nil>"},
	}
	for _, tc := range cases {
		if got := tc.path.String(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

func TestErrorMessages(t *testing.T) {
	p := NewPath("spec", "containers").Index(1).Child("name")
	cases := []struct {
		err  *Error
		want string
	}{
		{Required(p, ""), "spec.containers[1].name: Required value"},
		{Required(p, "must be set"), "spec.containers[1].name: Required value: must be set"},
		{Duplicate(p, "a"), `spec.containers[1].name: Duplicate value: "a"`},
		{Invalid(p, "A", "bad"), `spec.containers[1].name: Invalid value: "A": bad`},
		{Invalid(p, int32(-1), "must be positive"), `spec.containers[1].name: Invalid value: -1: must be positive`},
		{NotSupported(p, "x", []string{"a", "b"}), `spec.containers[1].name: Unsupported value: "x": supported values: "a", "b"`},
		{Forbidden(p, "may not be set"), "spec.containers[1].name: Forbidden: may not be set"},
		{TooLong(p, "xx", 1), "spec.containers[1].name: Too long: must have at most 1 bytes"},
		{TooMany(p, 3, 2), "spec.containers[1].name: Too many: 3: must have at most 2 items"},
		{Invalid(p, OmitValue, "bad"), "spec.containers[1].name: Invalid value: bad"},
		{InternalError(p, errors.New("boom")), "spec.containers[1].name: Internal error: boom"},
	}
	for _, tc := range cases {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("got  %s\nwant %s", got, tc.want)
		}
	}
	var l ErrorList
	if l.ToAggregate() != nil {
		t.Error("empty list aggregates to an error")
	}
	l = append(l, Required(p, ""), Required(p, ""), Forbidden(p, "no"))
	if got, want := l.ToAggregate().Error(), "[spec.containers[1].name: Required value, spec.containers[1].name: Forbidden: no]"; got != want {
		t.Errorf("aggregate %q, want %q", got, want)
	}
	var agg AggregateError
	if !errors.As(l.ToAggregate(), &agg) || len(agg.Errors()) != 3 {
		t.Error("errors.As does not find the aggregate with its parts")
	}
}
