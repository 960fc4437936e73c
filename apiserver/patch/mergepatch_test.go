package patch

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMergePatch(t *testing.T) {
	tests := []struct {
		name, original, patch, want string
		wantErr                     error
		wantMsg                     string
	}{
		// RFC 7386, appendix A, row by row.
		{name: "rfc A.1 replace a member", original: `{"a":"b"}`, patch: `{"a":"c"}`, want: `{"a":"c"}`},
		{name: "rfc A.2 add a member", original: `{"a":"b"}`, patch: `{"b":"c"}`, want: `{"a":"b","b":"c"}`},
		{name: "rfc A.3 null deletes", original: `{"a":"b"}`, patch: `{"a":null}`, want: `{}`},
		{name: "rfc A.4 null deletes one of two", original: `{"a":"b","b":"c"}`, patch: `{"a":null}`, want: `{"b":"c"}`},
		{name: "rfc A.5 scalar replaces array", original: `{"a":["b"]}`, patch: `{"a":"c"}`, want: `{"a":"c"}`},
		{name: "rfc A.6 array replaces scalar", original: `{"a":"c"}`, patch: `{"a":["b"]}`, want: `{"a":["b"]}`},
		{name: "rfc A.7 objects merge recursively", original: `{"a":{"b":"c"}}`, patch: `{"a":{"b":"d","c":null}}`, want: `{"a":{"b":"d"}}`},
		{name: "rfc A.8 arrays are replaced", original: `{"a":[{"b":"c"}]}`, patch: `{"a":[1]}`, want: `{"a":[1]}`},
		{name: "rfc A.9 array document", original: `["a","b"]`, patch: `["c","d"]`, want: `["c","d"]`},
		{name: "rfc A.10 array patch replaces object", original: `{"a":"b"}`, patch: `["c"]`, want: `["c"]`},
		{name: "rfc A.11 null patch", original: `{"a":"foo"}`, patch: `null`, want: `null`},
		{name: "rfc A.12 string patch", original: `{"a":"foo"}`, patch: `"bar"`, want: `"bar"`},
		{name: "rfc A.13 nulls in the document stay", original: `{"e":null}`, patch: `{"a":1}`, want: `{"a":1,"e":null}`},
		{name: "rfc A.14 object patch on array document", original: `[1,2]`, patch: `{"a":"b","c":null}`, want: `{"a":"b"}`},
		{name: "rfc A.15 nested nulls vanish", original: `{}`, patch: `{"a":{"bb":{"ccc":null}}}`, want: `{"a":{"bb":{}}}`},

		// What kubectl sends.
		{
			name:     "kubectl label pods web env=prod",
			original: `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","labels":{"app":"web"}},"spec":{"containers":[{"name":"nginx","image":"nginx"}]}}`,
			patch:    `{"metadata":{"labels":{"env":"prod"}}}`,
			want:     `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","labels":{"app":"web","env":"prod"}},"spec":{"containers":[{"name":"nginx","image":"nginx"}]}}`,
		},
		{
			name:     "kubectl label pods web app-",
			original: `{"metadata":{"name":"web","labels":{"app":"web","env":"prod"}}}`,
			patch:    `{"metadata":{"labels":{"app":null}}}`,
			want:     `{"metadata":{"name":"web","labels":{"env":"prod"}}}`,
		},
		{
			name:     "kubectl scale --replicas=5 (on the scale subresource)",
			original: `{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"web","namespace":"default"},"spec":{"replicas":2},"status":{"replicas":2,"selector":"app=web"}}`,
			patch:    `{"spec":{"replicas":5}}`,
			want:     `{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"web","namespace":"default"},"spec":{"replicas":5},"status":{"replicas":2,"selector":"app=web"}}`,
		},
		{
			name:     "kubectl annotate with a URL keeps it readable",
			original: `{"metadata":{"name":"web"}}`,
			patch:    `{"metadata":{"annotations":{"docs":"https://example.com/?a=1&b=<2>"}}}`,
			want:     `{"metadata":{"name":"web","annotations":{"docs":"https://example.com/?a=1&b=<2>"}}}`,
		},
		{
			name:     "merge patch replaces the containers list, as the kubectl patch docs show",
			original: `{"spec":{"template":{"spec":{"containers":[{"name":"patch-demo-ctr","image":"nginx"},{"name":"patch-demo-ctr-2","image":"redis"}]}}}}`,
			patch:    `{"spec":{"template":{"spec":{"containers":[{"name":"patch-demo-ctr-3","image":"gcr.io/google-samples/hello-app:2.0"}]}}}}`,
			want:     `{"spec":{"template":{"spec":{"containers":[{"name":"patch-demo-ctr-3","image":"gcr.io/google-samples/hello-app:2.0"}]}}}}`,
		},
		{
			name:     "large integers survive digit for digit",
			original: `{"metadata":{"generation":9007199254740993}}`,
			patch:    `{"spec":{"big":123456789012345678901234567890}}`,
			want:     `{"metadata":{"generation":9007199254740993},"spec":{"big":123456789012345678901234567890}}`,
		},
		{name: "empty original is an empty object", original: ``, patch: `{"a":1}`, want: `{"a":1}`},

		{name: "malformed patch", original: `{}`, patch: `{"a":`, wantErr: ErrInvalidPatch, wantMsg: "merge patch: invalid JSON at byte 5: unexpected end of input"},
		{name: "trailing garbage in the patch", original: `{}`, patch: `{} x`, wantErr: ErrInvalidPatch, wantMsg: "unexpected character 'x' after the top-level value"},
		{name: "malformed document", original: `{"a" 1}`, patch: `{}`, wantErr: ErrInvalidDocument, wantMsg: "merge patch: document: invalid JSON at byte 5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := MergePatch([]byte(tt.original), []byte(tt.patch))
			if checkErr(t, err, tt.wantErr, tt.wantMsg) {
				return
			}
			if diff := cmp.Diff(canonical(t, tt.want), string(got)); diff != "" {
				t.Errorf("MergePatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMergePatchEmptyPatchIsIdentity(t *testing.T) {
	for _, doc := range []string{`{}`, `{"a":{"b":[1,{"c":null}]},"d":"\u00e9\n"}`, `{"n":1.50e+3}`} {
		got, err := MergePatch([]byte(doc), []byte(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(canonical(t, doc), string(got)); diff != "" {
			t.Errorf("MergePatch(%s, {}) (-want +got):\n%s", doc, diff)
		}
	}
}
