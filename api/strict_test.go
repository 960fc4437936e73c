package api_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
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

// firstUse is a type no other test checks, so that TestCheckFieldsFirstUseConcurrent sees its
// type information built while it runs.
type firstUse struct {
	Name  string            `json:"name"`
	Child *firstUse         `json:"child,omitempty"`
	Tags  map[string]string `json:"tags,omitempty"`
	Items []struct {
		Value int `json:"value"`
	} `json:"items,omitempty"`
}

// Many requests may be the first to need a type's information at once (a server's first writes
// arrive together): none may see it half built, which would report known fields as unknown.
func TestCheckFieldsFirstUseConcurrent(t *testing.T) {
	data := []byte(`{"name":"a","child":{"name":"b","items":[{"value":1}]},"tags":{"x":"y"},"items":[{"value":2}]}`)
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	start := make(chan struct{})
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			p, err := api.CheckFields(data, reflect.TypeFor[*firstUse]())
			if err != nil || len(p.Unknown)+len(p.Duplicate) > 0 {
				errs <- fmt.Sprintf("%v %v", p, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("CheckFields on first use: %s", e)
	}
}
