package patch

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestJSONPatch(t *testing.T) {
	const deployment = `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"}},` +
		`"spec":{"replicas":2,"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.25"},{"name":"sidecar","image":"envoy"}]}}}}`
	tests := []struct {
		name, original, patch, want string
		wantErr                     error
		wantMsg                     string
	}{
		// RFC 6902, appendix A.
		{name: "A.1 add an object member", original: `{"foo":"bar"}`, patch: `[{"op":"add","path":"/baz","value":"qux"}]`, want: `{"baz":"qux","foo":"bar"}`},
		{name: "A.2 add an array element", original: `{"foo":["bar","baz"]}`, patch: `[{"op":"add","path":"/foo/1","value":"qux"}]`, want: `{"foo":["bar","qux","baz"]}`},
		{name: "A.3 remove an object member", original: `{"baz":"qux","foo":"bar"}`, patch: `[{"op":"remove","path":"/baz"}]`, want: `{"foo":"bar"}`},
		{name: "A.4 remove an array element", original: `{"foo":["bar","qux","baz"]}`, patch: `[{"op":"remove","path":"/foo/1"}]`, want: `{"foo":["bar","baz"]}`},
		{name: "A.5 replace a value", original: `{"baz":"qux","foo":"bar"}`, patch: `[{"op":"replace","path":"/baz","value":"boo"}]`, want: `{"baz":"boo","foo":"bar"}`},
		{
			name:     "A.6 move a value",
			original: `{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}`,
			patch:    `[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]`,
			want:     `{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}`,
		},
		{name: "A.7 move an array element", original: `{"foo":["all","grass","cows","eat"]}`, patch: `[{"op":"move","from":"/foo/1","path":"/foo/3"}]`, want: `{"foo":["all","cows","eat","grass"]}`},
		{name: "A.8 test success", original: `{"baz":"qux","foo":["a",2,"c"]}`, patch: `[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}]`, want: `{"baz":"qux","foo":["a",2,"c"]}`},
		{name: "A.9 test failure", original: `{"baz":"qux"}`, patch: `[{"op":"test","path":"/baz","value":"bar"}]`, wantErr: ErrInvalidPatch, wantMsg: `json patch operation 0 (test /baz): test failed: the value is "qux", not "bar"`},
		{name: "A.10 add a nested member object", original: `{"foo":"bar"}`, patch: `[{"op":"add","path":"/child","value":{"grandchild":{}}}]`, want: `{"foo":"bar","child":{"grandchild":{}}}`},
		{name: "A.11 unrecognised members are ignored", original: `{"foo":"bar"}`, patch: `[{"op":"add","path":"/baz","value":"qux","xyz":123}]`, want: `{"foo":"bar","baz":"qux"}`},
		{name: "A.12 add to a nonexistent target", original: `{"foo":"bar"}`, patch: `[{"op":"add","path":"/baz/bat","value":"qux"}]`, wantErr: ErrInvalidPatch, wantMsg: "json patch operation 0 (add /baz/bat): path not found"},
		{name: "A.14 ~ escape ordering", original: `{"/":9,"~1":10}`, patch: `[{"op":"test","path":"/~01","value":10}]`, want: `{"/":9,"~1":10}`},
		{name: "A.15 a string is not a number", original: `{"/":9,"~1":10}`, patch: `[{"op":"test","path":"/~01","value":"10"}]`, wantErr: ErrInvalidPatch, wantMsg: `test failed: the value is 10, not "10"`},
		{name: "A.16 add an array value", original: `{"foo":["bar"]}`, patch: `[{"op":"add","path":"/foo/-","value":["abc","def"]}]`, want: `{"foo":["bar",["abc","def"]]}`},

		// What people send with kubectl patch --type=json.
		{
			name:     "scale by replace",
			original: deployment,
			patch:    `[{"op":"replace","path":"/spec/replicas","value":3}]`,
			want:     strings.Replace(deployment, `"replicas":2`, `"replicas":3`, 1),
		},
		{
			name:     "add a label whose key has a slash",
			original: `{"metadata":{"labels":{"app":"web"}}}`,
			patch:    `[{"op":"add","path":"/metadata/labels/app.kubernetes.io~1name","value":"web"}]`,
			want:     `{"metadata":{"labels":{"app":"web","app.kubernetes.io/name":"web"}}}`,
		},
		{
			name:     "remove the second container by index",
			original: deployment,
			patch:    `[{"op":"test","path":"/spec/template/spec/containers/1/name","value":"sidecar"},{"op":"remove","path":"/spec/template/spec/containers/1"}]`,
			want:     strings.Replace(deployment, `,{"name":"sidecar","image":"envoy"}`, ``, 1),
		},
		{
			name:     "append a container and copy its image",
			original: `{"spec":{"containers":[{"name":"a","image":"nginx"}]}}`,
			patch:    `[{"op":"add","path":"/spec/containers/-","value":{"name":"b"}},{"op":"copy","from":"/spec/containers/0/image","path":"/spec/containers/1/image"}]`,
			want:     `{"spec":{"containers":[{"name":"a","image":"nginx"},{"name":"b","image":"nginx"}]}}`,
		},
		{name: "replace the whole document", original: `{"a":1}`, patch: `[{"op":"replace","path":"","value":{"b":2}}]`, want: `{"b":2}`},
		{name: "move to the same place", original: `{"a":1}`, patch: `[{"op":"move","from":"/a","path":"/a"}]`, want: `{"a":1}`},
		{name: "empty patch", original: `{"a":[1]}`, patch: `[]`, want: `{"a":[1]}`},
		{name: "numbers compare by value", original: `{"a":1.0}`, patch: `[{"op":"test","path":"/a","value":1}]`, want: `{"a":1.0}`},
		{name: "null value is a value", original: `{"a":1}`, patch: `[{"op":"replace","path":"/a","value":null}]`, want: `{"a":null}`},

		// Failures name the operation, its path, and what was wrong.
		{name: "replace a missing field", original: `{"spec":{}}`, patch: `[{"op":"test","path":"/spec","value":{}},{"op":"add","path":"/x","value":1},{"op":"replace","path":"/spec/replicas","value":3}]`, wantErr: ErrInvalidPatch, wantMsg: "json patch operation 2 (replace /spec/replicas): path not found"},
		{name: "remove a missing field", original: `{}`, patch: `[{"op":"remove","path":"/a"}]`, wantErr: ErrInvalidPatch, wantMsg: "json patch operation 0 (remove /a): path not found"},
		{name: "index out of bounds", original: `{"a":[1]}`, patch: `[{"op":"add","path":"/a/2","value":1}]`, wantErr: ErrInvalidPatch, wantMsg: "index 2 is out of bounds for an array of 1"},
		{name: "leading zero index", original: `{"a":[1,2]}`, patch: `[{"op":"remove","path":"/a/01"}]`, wantErr: ErrInvalidPatch, wantMsg: `"01" is not an array index`},
		{name: "negative index", original: `{"a":[1,2]}`, patch: `[{"op":"remove","path":"/a/-1"}]`, wantErr: ErrInvalidPatch, wantMsg: `"-1" is not an array index`},
		{name: "dash outside add", original: `{"a":[1]}`, patch: `[{"op":"replace","path":"/a/-","value":2}]`, wantErr: ErrInvalidPatch, wantMsg: `"-" names the end of the array`},
		{name: "pointer without slash", original: `{"a":1}`, patch: `[{"op":"remove","path":"a"}]`, wantErr: ErrInvalidPatch, wantMsg: `JSON pointer "a" must be empty or start with /`},
		{name: "bad escape", original: `{"a":1}`, patch: `[{"op":"remove","path":"/~2"}]`, wantErr: ErrInvalidPatch, wantMsg: `has a ~ that is not ~0 or ~1`},
		{name: "move into own child", original: `{"a":{"b":1}}`, patch: `[{"op":"move","from":"/a","path":"/a/b/c"}]`, wantErr: ErrInvalidPatch, wantMsg: "cannot move /a into its own child /a/b/c"},
		{name: "missing value", original: `{}`, patch: `[{"op":"add","path":"/a"}]`, wantErr: ErrInvalidPatch, wantMsg: `json patch operation 0 (add /a): add needs a "value"`},
		{name: "unknown op", original: `{}`, patch: `[{"op":"merge","path":"/a"}]`, wantErr: ErrInvalidPatch, wantMsg: `json patch operation 0: unknown operation "merge"`},
		{name: "not an array", original: `{}`, patch: `{"op":"add"}`, wantErr: ErrInvalidPatch, wantMsg: "a JSON patch is an array of operations, not an object"},
		{name: "operation not an object", original: `{}`, patch: `[1]`, wantErr: ErrInvalidPatch, wantMsg: "json patch operation 0: an operation is an object, not a number"},
		{name: "scalar is not a container", original: `{"a":1}`, patch: `[{"op":"add","path":"/a/b","value":1}]`, wantErr: ErrInvalidPatch, wantMsg: "path not found: a number is not a container"},
		{name: "remove the document", original: `{"a":1}`, patch: `[{"op":"remove","path":""}]`, wantErr: ErrInvalidPatch, wantMsg: `json patch operation 0 (remove ""): cannot remove the whole document`},
		{name: "malformed patch", original: `{}`, patch: `[{"op":"add",}]`, wantErr: ErrInvalidPatch, wantMsg: "json patch: invalid JSON at byte"},
		{name: "malformed document", original: `{`, patch: `[]`, wantErr: ErrInvalidDocument, wantMsg: "json patch: document: invalid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := JSONPatch([]byte(tt.original), []byte(tt.patch))
			if checkErr(t, err, tt.wantErr, tt.wantMsg) {
				return
			}
			if diff := cmp.Diff(canonical(t, tt.want), string(got)); diff != "" {
				t.Errorf("JSONPatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestJSONPatchErrorNamesPath(t *testing.T) {
	_, err := JSONPatch([]byte(`{"spec":{}}`), []byte(`[{"op":"replace","path":"/spec/replicas","value":3}]`))
	e, ok := err.(*Error)
	if !ok {
		t.Fatalf("error %v is %T, want *Error", err, err)
	}
	want := Error{Op: "json patch operation 0 (replace /spec/replicas)", Path: "/spec/replicas", Msg: "path not found", Err: ErrInvalidPatch}
	if diff := cmp.Diff(want, *e, cmp.Comparer(func(a, b error) bool { return a == b }), cmpopts.IgnoreUnexported(Error{})); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
	if got, want := err.Error(), "json patch operation 0 (replace /spec/replicas): path not found"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestJSONPatchLimits(t *testing.T) {
	tests := []struct {
		name, original, patch string
		wantMsg               string
	}{
		{
			name:     "too many operations",
			original: `{"a":1}`,
			patch:    "[" + strings.Repeat(`{"op":"test","path":"/a","value":1},`, MaxJSONPatchOperations) + `{"op":"test","path":"/a","value":1}]`,
			wantMsg:  "json patch: 10001 operations is more than the 10000 allowed",
		},
		{
			// Each copy doubles the array: 30 of them would make it 2^30 times larger.
			name:     "copies that double the document",
			original: `{"a":["` + strings.Repeat("x", 1000) + `"]}`,
			patch:    "[" + strings.Repeat(`{"op":"copy","from":"/a","path":"/a/0"},`, 29) + `{"op":"copy","from":"/a","path":"/a/0"}]`,
			wantMsg:  fmt.Sprintf("the document would grow beyond %d bytes", MaxDocumentBytes),
		},
		{
			// Removing the head of a long array 10,000 times would move billions of elements.
			name:     "array shifting",
			original: `{"a":[` + strings.Repeat("0,", 200000) + `0]}`,
			patch:    "[" + strings.Repeat(`{"op":"remove","path":"/a/0"},`, 9999) + `{"op":"remove","path":"/a/0"}]`,
			wantMsg:  "json patch operation 335 (remove /a/0): the patch moves more than 67108864 array elements",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := JSONPatch([]byte(tt.original), []byte(tt.patch))
			checkErr(t, err, ErrTooLarge, tt.wantMsg)
		})
	}
}
