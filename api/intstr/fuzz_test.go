package intstr

import (
	"encoding/json"
	"errors"
	"testing"
)

// FuzzUnmarshalJSON checks that UnmarshalJSON never panics, fails only with ErrJSON, agrees with
// encoding/json about strings and int32s, and that whatever it accepts marshals to JSON that
// decodes to the same value and marshals to the same bytes again.
func FuzzUnmarshalJSON(f *testing.F) {
	for _, seed := range []string{
		`8080`, `"http"`, `"25%"`, `-2147483648`, `2147483648`, `1.5`, `null`, `true`, `{}`, `[]`,
		`""`, `"\u00e9\ud800"`, `"<&>"`, ` 7 `, `01`, `-0`, `"abc`, ``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v IntOrString
		err := v.UnmarshalJSON(data)
		if err != nil {
			if !errors.Is(err, ErrJSON) {
				t.Fatalf("UnmarshalJSON(%q) error %v does not wrap ErrJSON", data, err)
			}
			if v != (IntOrString{}) {
				t.Fatalf("UnmarshalJSON(%q) failed but changed the value to %#v", data, v)
			}
		}
		// encoding/json is the judge of what a JSON string or int32 is.
		var s string
		var i int32
		switch {
		case json.Unmarshal(data, &s) == nil && len(data) > 0 && data[firstNonSpace(data)] == '"':
			if err != nil || v != FromString(s) {
				t.Fatalf("UnmarshalJSON(%q) = %#v, %v; want the string %q", data, v, err, s)
			}
		case json.Unmarshal(data, &i) == nil && string(trim(data)) != "null":
			if err != nil || v != FromInt32(i) {
				t.Fatalf("UnmarshalJSON(%q) = %#v, %v; want the int %d", data, v, err, i)
			}
		}
		if err != nil {
			return
		}
		out, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("Marshal(%#v): %v", v, err)
		}
		var back IntOrString
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("%#v marshals to %s, which does not unmarshal: %v", v, out, err)
		}
		if back != v {
			t.Fatalf("%#v marshals to %s, which unmarshals to %#v", v, out, back)
		}
		if again, _ := json.Marshal(back); string(again) != string(out) {
			t.Fatalf("%#v marshals to %s, then to %s", v, out, again)
		}
	})
}

func firstNonSpace(b []byte) int {
	for i, c := range b {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return i
		}
	}
	return 0
}

func trim(b []byte) []byte {
	start := firstNonSpace(b)
	end := len(b)
	for end > start && (b[end-1] == ' ' || b[end-1] == '\t' || b[end-1] == '\n' || b[end-1] == '\r') {
		end--
	}
	return b[start:end]
}
