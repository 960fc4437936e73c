package openapi

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type inner struct {
	A string `json:"a"`
	B string `json:"b,omitempty"`
	C string
}

type deeper struct {
	inner
	D string `json:"d"`
}

type conflicts struct {
	inner          // inlined: a, b, C
	X       string `json:"a"`  // shallower than inner's a: wins
	Y       string `json:"C"`  // shallower than inner's C: wins
	Inner   inner  `json:"in"` // a named field, not inlined
	*deeper        // inlined by pointer: its d; inner's fields two levels down lose
	W       inner  `json:",inline"` // not embedded: encoding/json names it W, ",inline" or not
	skip    string
	Dash    string `json:"-"`
	Comma   string `json:"-,"` // named "-"
	Opt     int    `json:"opt,omitzero,string"`
}

func TestJSONFields(t *testing.T) {
	type field struct {
		Name     string
		Optional bool
		AsString bool
		Depth    int
	}
	var got []field
	for _, f := range jsonFields(reflect.TypeFor[conflicts]()) {
		got = append(got, field{f.name, f.optional, f.asString, f.depth})
	}
	want := []field{
		{"b", true, false, 1},
		{"a", false, false, 0},
		{"C", false, false, 0},
		{"in", false, false, 0},
		{"d", false, false, 1},
		{"W", false, false, 0},
		{"-", false, false, 0},
		{"opt", true, true, 0},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("jsonFields (-want +got):\n%s", diff)
	}

	// encoding/json writes the same fields, in the same order.
	v := conflicts{inner: inner{"a", "b", "c"}, X: "x", Y: "y", deeper: &deeper{D: "d"}, Opt: 1}
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var keys []string
	dec.Token() // {
	for dec.More() {
		key, _ := dec.Token()
		keys = append(keys, key.(string))
		var skip json.RawMessage
		dec.Decode(&skip)
	}
	var names []string
	for _, f := range got {
		names = append(names, f.Name)
	}
	if diff := cmp.Diff(keys, names); diff != "" {
		t.Errorf("jsonFields differs from what encoding/json writes %s (-json +jsonFields):\n%s", data, diff)
	}
}

func TestNames(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{reverseDomain("github.com/acme/widgets/api/v1"), "com.github.acme.widgets.api.v1"},
		{reverseDomain("k8s.io/api/core/v1"), "io.k8s.api.core.v1"},
		{reverseDomain("main"), "main"},
		{groupPrefix("", "v1"), "CoreV1"},
		{groupPrefix("apps", "v1"), "AppsV1"},
		{groupPrefix("rbac.authorization.k8s.io", "v1"), "RbacAuthorizationV1"},
		{groupPrefix("stable.example.com", "v1beta1"), "StableExampleComV1beta1"},
		{groupPrefix("my-group.example.io", "v2"), "MyGroupExampleIoV2"},
		{tag("", "v1"), "core_v1"},
		{tag("rbac.authorization.k8s.io", "v1"), "rbacAuthorization_v1"},
		{goTypeName(reflect.TypeFor[pair[inner, int]]()), "pair_inner_int"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

type pair[A, B any] struct {
	First  A
	Second B
}

// celsius marshals itself and says how, as kube-openapi's convention asks.
type celsius float64

func (c celsius) MarshalJSON() ([]byte, error) { return json.Marshal(float64(c)) }
func (celsius) OpenAPISchemaType() []string    { return []string{"number"} }
func (celsius) OpenAPISchemaFormat() string    { return "double" }
func (celsius) OpenAPIV3OneOfTypes() []string  { return []string{"number", "string"} }

// opaque marshals itself and says nothing: any JSON value.
type opaque struct{ v any }

func (o opaque) MarshalJSON() ([]byte, error) { return json.Marshal(o.v) }

// word marshals itself as text: a string.
type word struct{ s string }

func (w word) MarshalText() ([]byte, error) { return []byte(w.s), nil }

func TestSelfMarshalingTypes(t *testing.T) {
	g := newGenerator(newNamer(nil))
	for _, tc := range []struct {
		typ  reflect.Type
		want *schema
	}{
		{reflect.TypeFor[celsius](), &schema{typ: "number", format: "double", oneOf: []string{"number", "string"}}},
		{reflect.TypeFor[*opaque](), &schema{ref: "com.github.skiff-io.skiff.apiserver.openapi.opaque"}},
		{reflect.TypeFor[word](), &schema{ref: "com.github.skiff-io.skiff.apiserver.openapi.word"}},
	} {
		if diff := cmp.Diff(tc.want, g.typeSchema(tc.typ), cmp.AllowUnexported(schema{})); diff != "" {
			t.Errorf("%v (-want +got):\n%s", tc.typ, diff)
		}
	}
	if diff := cmp.Diff(&schema{anyValue: true}, g.defs["com.github.skiff-io.skiff.apiserver.openapi.opaque"].schema, cmp.AllowUnexported(schema{})); diff != "" {
		t.Errorf("opaque's definition (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(&schema{typ: "string"}, g.defs["com.github.skiff-io.skiff.apiserver.openapi.word"].schema, cmp.AllowUnexported(schema{})); diff != "" {
		t.Errorf("word's definition (-want +got):\n%s", diff)
	}
}
