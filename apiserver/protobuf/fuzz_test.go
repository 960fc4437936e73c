package protobuf

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

// FuzzToJSON checks that no body makes the conversion panic, and that what it accepts is valid
// JSON naming the kind the envelope names. The seed corpus in testdata/fuzz/FuzzToJSON holds the
// golden payloads and hand-made bodies; run with
//
//	go test -run='^$' -fuzz=FuzzToJSON -fuzztime=60s ./apiserver/protobuf
func FuzzToJSON(f *testing.F) {
	f.Add(body("v1", "Pod", bytesField(2, bytesField(14, varintField(4, 1), bytesField(4, []byte{2, 3})))))
	f.Add(body("v1", "ConfigMap", bytesField(2, str(1, "k"), str(2, "v")), bytesField(1, str(1, "n"))))
	f.Add(body("apps/v1", "ControllerRevision", bytesField(2, str(1, `{"a":1}`))))
	f.Add(body("v1", "Event", bytesField(6, varintField(1, 5)), bytesField(10, varintField(2, 7))))
	f.Fuzz(func(t *testing.T, data []byte) {
		gvk, out, err := ToJSON(data)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error does not wrap ErrInvalid: %v", err)
			}
			return
		}
		if !json.Valid(out) {
			t.Fatalf("invalid JSON: %s", out)
		}
		var tm struct{ APIVersion, Kind string }
		if err := json.Unmarshal(out, &tm); err != nil {
			t.Fatal(err)
		}
		if tm.Kind != gvk.Kind || tm.APIVersion != gvk.APIVersion() {
			t.Fatalf("JSON names %s %s, ToJSON says %v", tm.APIVersion, tm.Kind, gvk)
		}
		r, err := Options{DiscardUnknownFields: true}.Convert(data)
		if err != nil || !bytes.Equal(r.JSON, out) || len(r.Discarded) != 0 {
			t.Fatalf("discarding unknown fields changed an accepted body: %v %v", err, r)
		}
	})
}
