package jsonstr_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/skiff-io/skiff/apiserver/internal/jsonstr"
)

// FuzzAppend: the string and byte forms agree, the result is valid JSON that decodes back to the
// input (with invalid UTF-8 replaced), and equals encoding/json's but for its HTML escaping.
func FuzzAppend(f *testing.F) {
	for _, s := range []string{"", "plain", "quote \" and \\ slash", "tab\tnl\n\x01", "<a&b>", "é\u2028\u2029", "bad \xff utf8"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, b := jsonstr.Append(nil, s), jsonstr.Append(nil, []byte(s))
		if string(a) != string(b) {
			t.Fatalf("string %s, bytes %s", a, b)
		}
		want, _ := json.Marshal(s)
		html := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(want))
		if string(a) != html {
			t.Fatalf("%q: %s, want %s", s, a, html)
		}
	})
}
