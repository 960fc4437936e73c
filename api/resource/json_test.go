package resource

import (
	"encoding"
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var (
	_ json.Marshaler           = Quantity{}
	_ json.Unmarshaler         = (*Quantity)(nil)
	_ encoding.TextMarshaler   = Quantity{}
	_ encoding.TextUnmarshaler = (*Quantity)(nil)
	_ encoding.TextAppender    = Quantity{}
)

type holder struct {
	Q Quantity `json:"q"`
}

func TestJSONStruct(t *testing.T) {
	tests := []struct {
		in       string
		want     string // the amount, as a canonical string
		wantJSON string // what it marshals back to
	}{
		{`{"q":"100m"}`, "100m", `{"q":"100m"}`},
		{`{"q":"0.1"}`, "100m", `{"q":"100m"}`},
		{`{"q":"1.5Gi"}`, "1536Mi", `{"q":"1536Mi"}`},
		{`{"q":1}`, "1", `{"q":"1"}`},
		{`{"q":0.5}`, "500m", `{"q":"500m"}`},
		{`{"q":-2}`, "-2", `{"q":"-2"}`},
		{`{"q":1e3}`, "1e3", `{"q":"1e3"}`},
		{`{"q":12E6}`, "12e6", `{"q":"12e6"}`},
		{`{"q": " 1Gi "}`, "1Gi", `{"q":"1Gi"}`},
		{`{"q":"\u0031Ki"}`, "1Ki", `{"q":"1Ki"}`},
		{`{"q":null}`, "0", `{"q":"0"}`},
		{`{}`, "0", `{"q":"0"}`},
		{`{"q":"123456789012345678901234567890"}`, "123456789012345678901234567890", `{"q":"123456789012345678901234567890"}`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var h holder
			if err := json.Unmarshal([]byte(tt.in), &h); err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}
			if got := h.Q.String(); got != tt.want {
				t.Errorf("decoded %q, want %q", got, tt.want)
			}
			out, err := json.Marshal(h)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			if diff := cmp.Diff(tt.wantJSON, string(out)); diff != "" {
				t.Errorf("Marshal (-want +got):\n%s", diff)
			}
		})
	}
}

func TestJSONMap(t *testing.T) {
	in := map[string]Quantity{
		"cpu":               MustParse("250m"),
		"memory":            MustParse("1.5Gi"),
		"ephemeral-storage": MustParse("2e9"),
		"nvidia.com/gpu":    NewQuantity(1, DecimalSI),
		"pods":              NewQuantity(110, DecimalSI),
	}
	out, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	const wantJSON = `{"cpu":"250m","ephemeral-storage":"2e9","memory":"1536Mi","nvidia.com/gpu":"1","pods":"110"}`
	if diff := cmp.Diff(wantJSON, string(out)); diff != "" {
		t.Errorf("Marshal (-want +got):\n%s", diff)
	}
	var back map[string]Quantity
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(in, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestUnmarshalJSONErrors(t *testing.T) {
	tests := []struct {
		in      string
		want    error
		message string
	}{
		{`true`, ErrFormatWrong, `resource: quantity "true" is a JSON boolean; want a string such as "100m" or a number`},
		{`false`, ErrFormatWrong, `resource: quantity "false" is a JSON boolean; want a string such as "100m" or a number`},
		{`{"a":1}`, ErrFormatWrong, `resource: quantity "{\"a\":1}" is a JSON object; want a string such as "100m" or a number`},
		{`[1]`, ErrFormatWrong, `resource: quantity "[1]" is a JSON array; want a string such as "100m" or a number`},
		{`""`, ErrFormatWrong, `resource: quantity "" is empty; want a number with an optional suffix, such as 100m, 1.5Gi or 2e3`},
		{`"1.5.5"`, ErrFormatWrong, `resource: quantity "1.5.5" is not a number with an optional suffix, such as 100m, 1.5Gi or 2e3`},
		{`"1ki"`, ErrSuffix, ""},
		{`"\x"`, ErrFormatWrong, `resource: quantity "\"\\x\"" is not a valid JSON string`},
		{`"100m`, ErrFormatWrong, ""},
		{``, ErrFormatWrong, ""},
		{`nul`, ErrFormatWrong, ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			q := MustParse("7")
			err := q.UnmarshalJSON([]byte(tt.in))
			if !errors.Is(err, tt.want) {
				t.Fatalf("UnmarshalJSON(%s) = %v, want an error wrapping %v", tt.in, err, tt.want)
			}
			if tt.message != "" {
				if diff := cmp.Diff(tt.message, err.Error()); diff != "" {
					t.Errorf("message (-want +got):\n%s", diff)
				}
			}
			if q.String() != "7" {
				t.Errorf("a failed UnmarshalJSON changed the quantity to %s", q)
			}
		})
	}
	// Through encoding/json, a struct field reports the same error.
	var h holder
	err := json.Unmarshal([]byte(`{"q":true}`), &h)
	if !errors.Is(err, ErrFormatWrong) {
		t.Errorf(`Unmarshal({"q":true}) = %v, want an error wrapping ErrFormatWrong`, err)
	}
}

// TestUnmarshalJSONNull checks null zeroes the amount and the cached text but keeps the Format,
// as Kubernetes does.
func TestUnmarshalJSONNull(t *testing.T) {
	for _, in := range []string{"1", "1Ki", "1.5Gi", "1e6", "0"} {
		q := MustParse(in)
		format := q.Format
		if err := q.UnmarshalJSON([]byte("null")); err != nil {
			t.Fatal(err)
		}
		if !q.IsZero() || q.Format != format || q.String() != "0" {
			t.Errorf("%q after null: %q in %s, want 0 in %s", in, q.String(), q.Format, format)
		}
		out, _ := json.Marshal(q)
		if string(out) != `"0"` {
			t.Errorf("%q after null marshals to %s", in, out)
		}
	}
}

func TestJSONWhitespace(t *testing.T) {
	for in, want := range map[string]string{
		`" 1"`:    "1",
		`"1 "`:    "1",
		`1`:       "1",
		` 1`:      "1",
		`1 `:      "1",
		`10`:      "10",
		`-1`:      "-1",
		` -1`:     "-1",
		"\t\"2\"": "2",
	} {
		var q Quantity
		if err := q.UnmarshalJSON([]byte(in)); err != nil {
			t.Errorf("UnmarshalJSON(%q): %v", in, err)
			continue
		}
		if got := q.String(); got != want {
			t.Errorf("UnmarshalJSON(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestText(t *testing.T) {
	q := MustParse("0.5Gi")
	text, err := q.MarshalText()
	if err != nil || string(text) != "512Mi" {
		t.Fatalf("MarshalText() = %q, %v", text, err)
	}
	appended, _ := q.AppendText([]byte("memory="))
	if string(appended) != "memory=512Mi" {
		t.Errorf("AppendText = %q", appended)
	}
	var back Quantity
	if err := back.UnmarshalText(text); err != nil || back.Cmp(q) != 0 || back.Format != BinarySI {
		t.Errorf("UnmarshalText(%q) = %s (%s), %v", text, back, back.Format, err)
	}
	if err := back.UnmarshalText([]byte(" 1")); !errors.Is(err, ErrFormatWrong) {
		t.Errorf("UnmarshalText(\" 1\") = %v, want ErrFormatWrong (text is strict)", err)
	}
}

// TestMarshalJSONConstructed covers quantities whose text is not cached.
func TestMarshalJSONConstructed(t *testing.T) {
	tests := []struct {
		in   Quantity
		want string
	}{
		{Quantity{}, `"0"`},
		{NewMilliQuantity(1441, DecimalSI), `"1441m"`},
		{NewQuantity(1<<30, BinarySI), `"1Gi"`},
		{NewScaledQuantity(1, 21), `"1e21"`},
		{bigDec("-10200547328107374183", -9, BinarySI), `"-10200547328107374183n"`},
	}
	for _, tt := range tests {
		out, err := json.Marshal(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != tt.want {
			t.Errorf("Marshal(%v) = %s, want %s", tt.in, out, tt.want)
		}
	}
}
