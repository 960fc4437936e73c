package api_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/core"
)

func TestCheckFields(t *testing.T) {
	cases := []struct {
		name, in         string
		unknown, duplica []string
	}{
		{"clean", `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","labels":{"x":"1"}},"spec":{"containers":[{"name":"c","image":"i","resources":{"limits":{"cpu":"1"}}}]}}`, nil, nil},
		{"unknown top-level and nested", `{"metadata":{"name":"a","nmae":"b"},"spec":{"containers":[{"name":"c"},{"name":"d","imag":"i"}]},"extra":1}`,
			[]string{"metadata.nmae", "spec.containers[1].imag", "extra"}, nil},
		{"case differs: unknown, as in Kubernetes", `{"Metadata":{"name":"a"}}`, []string{"Metadata"}, nil},
		{"duplicates", `{"metadata":{"name":"a","name":"b","labels":{"k":"1","k":"2"}}}`, nil, []string{"metadata.name", "metadata.labels[k]"}},
		{"inside opaque values nothing is checked", `{"metadata":{"managedFields":[{"fieldsV1":{"f:anything":{}}}]},"spec":{"containers":[{"name":"c","resources":{"limits":{"cpu":{"weird":1}}}}]}}`, nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := api.CheckFields([]byte(tc.in), reflect.TypeFor[core.Pod]())
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.unknown, p.Unknown); diff != "" {
				t.Errorf("unknown (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.duplica, p.Duplicate); diff != "" {
				t.Errorf("duplicate (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := api.CheckFields([]byte(`{"metadata":`), reflect.TypeFor[core.Pod]()); err == nil {
		t.Error("malformed JSON accepted")
	}
}

func FuzzCheckFields(f *testing.F) {
	f.Add([]byte(`{"metadata":{"name":"a","name":"b"},"spec":{"containers":[{"x":1}]}}`))
	f.Add([]byte(`[[[[{}]]]]`))
	f.Add([]byte(`{"a":"\u0041","b":[1,2.5e3,-0,true,null],"c":{"d":"e"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := api.CheckFields(data, reflect.TypeFor[core.Pod]())
		// The scanner must agree with encoding/json on what is JSON at all.
		if valid := json.Valid(data); valid != (err == nil) {
			t.Fatalf("CheckFields error %v, json.Valid %v, for %q", err, valid, data)
		}
		if err == nil {
			_ = p.Messages()
		}
	})
}
