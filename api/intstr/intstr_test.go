package intstr

import (
	"encoding/json"
	"errors"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var (
	_ json.Marshaler   = IntOrString{}
	_ json.Unmarshaler = (*IntOrString)(nil)
)

func TestConstructors(t *testing.T) {
	tests := []struct {
		name string
		got  IntOrString
		want IntOrString
	}{
		{"FromInt32", FromInt32(93), IntOrString{Type: Int, IntVal: 93}},
		{"FromInt32 negative", FromInt32(math.MinInt32), IntOrString{Type: Int, IntVal: math.MinInt32}},
		{"FromInt", FromInt(93), IntOrString{Type: Int, IntVal: 93}},
		{"FromInt wraps like Kubernetes", FromInt(math.MaxInt32 + 1), IntOrString{Type: Int, IntVal: math.MinInt32}},
		{"FromString", FromString("76"), IntOrString{Type: String, StrVal: "76"}},
		{"Parse number", Parse("76"), IntOrString{Type: Int, IntVal: 76}},
		{"Parse signed", Parse("-5"), IntOrString{Type: Int, IntVal: -5}},
		{"Parse plus", Parse("+5"), IntOrString{Type: Int, IntVal: 5}},
		{"Parse name", Parse("http"), IntOrString{Type: String, StrVal: "http"}},
		{"Parse percent", Parse("25%"), IntOrString{Type: String, StrVal: "25%"}},
		{"Parse past int32", Parse("2147483648"), IntOrString{Type: String, StrVal: "2147483648"}},
		{"Parse max int32", Parse("2147483647"), IntOrString{Type: Int, IntVal: math.MaxInt32}},
		{"Parse space", Parse(" 5"), IntOrString{Type: String, StrVal: " 5"}},
		{"Parse empty", Parse(""), IntOrString{Type: String}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestStringAndIntValue(t *testing.T) {
	tests := []struct {
		in       IntOrString
		str      string
		intValue int
	}{
		{FromInt32(8080), "8080", 8080},
		{FromInt32(-1), "-1", -1},
		{IntOrString{}, "0", 0},
		{FromString("http"), "http", 0},
		{FromString("42"), "42", 42},
		{FromString("25%"), "25%", 0},
		{FromString(""), "", 0},
		{IntOrString{Type: 7, IntVal: 3, StrVal: "x"}, "3", 3},
	}
	for _, tt := range tests {
		got := []any{tt.in.String(), tt.in.IntValue()}
		if diff := cmp.Diff([]any{tt.str, tt.intValue}, got); diff != "" {
			t.Errorf("%#v: [String, IntValue] (-want +got):\n%s", tt.in, diff)
		}
	}
}

type holder struct {
	V IntOrString `json:"val"`
}

func TestJSON(t *testing.T) {
	tests := []struct {
		in      string
		want    IntOrString
		wantOut string
	}{
		{`{"val": 123}`, FromInt32(123), `{"val":123}`},
		{`{"val": "123"}`, FromString("123"), `{"val":"123"}`},
		{`{"val": -2147483648}`, FromInt32(math.MinInt32), `{"val":-2147483648}`},
		{`{"val": "25%"}`, FromString("25%"), `{"val":"25%"}`},
		{`{"val": ""}`, FromString(""), `{"val":""}`},
		{`{"val": "a\"b<c>"}`, FromString(`a"b<c>`), `{"val":"a\"b\u003cc\u003e"}`},
		{`{"val": "\u00e9"}`, FromString("é"), `{"val":"é"}`},
		{`{"val": null}`, IntOrString{}, `{"val":0}`},
		{`{}`, IntOrString{}, `{"val":0}`},
		{`{"val": -0}`, FromInt32(0), `{"val":0}`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var h holder
			if err := json.Unmarshal([]byte(tt.in), &h); err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}
			if diff := cmp.Diff(tt.want, h.V); diff != "" {
				t.Errorf("Unmarshal (-want +got):\n%s", diff)
			}
			out, err := json.Marshal(h)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			if diff := cmp.Diff(tt.wantOut, string(out)); diff != "" {
				t.Errorf("Marshal (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUnmarshalJSONErrors(t *testing.T) {
	tests := []struct {
		in      string
		message string
	}{
		{`true`, "intstr: IntOrString must be a JSON int32 or string, not true"},
		{`{}`, "intstr: IntOrString must be a JSON int32 or string, not {}"},
		{`[1]`, "intstr: IntOrString must be a JSON int32 or string, not [1]"},
		{`1.5`, "intstr: IntOrString must be a JSON int32 or string, not 1.5"},
		{`1e3`, "intstr: IntOrString must be a JSON int32 or string, not 1e3"},
		{`2147483648`, "intstr: IntOrString must be a JSON int32 or string, not 2147483648"},
		{`-2147483649`, "intstr: IntOrString must be a JSON int32 or string, not -2147483649"},
		{`01`, "intstr: IntOrString must be a JSON int32 or string, not 01"},
		{`"abc`, ""},
		{``, "intstr: IntOrString must be a JSON int32 or string, not empty input"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			v := FromString("unchanged")
			err := v.UnmarshalJSON([]byte(tt.in))
			if !errors.Is(err, ErrJSON) {
				t.Fatalf("UnmarshalJSON(%s) = %v, want an error wrapping ErrJSON", tt.in, err)
			}
			if tt.message != "" && err.Error() != tt.message {
				t.Errorf("UnmarshalJSON(%s) error = %q, want %q", tt.in, err, tt.message)
			}
			if v != FromString("unchanged") {
				t.Errorf("a failed UnmarshalJSON changed the value to %#v", v)
			}
		})
	}
	var h holder
	if err := json.Unmarshal([]byte(`{"val": false}`), &h); !errors.Is(err, ErrJSON) {
		t.Errorf("Unmarshal of a struct field = %v, want an error wrapping ErrJSON", err)
	}
}

// TestUnmarshalJSONReplaces checks that decoding replaces the whole value: Kubernetes keeps the
// other field's stale contents, which then shows up if Type is changed by hand.
func TestUnmarshalJSONReplaces(t *testing.T) {
	v := FromInt32(5)
	if err := json.Unmarshal([]byte(`"http"`), &v); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(FromString("http"), v); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if err := json.Unmarshal([]byte(`7`), &v); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(FromInt32(7), v); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestMarshalJSONBadType(t *testing.T) {
	_, err := json.Marshal(IntOrString{Type: 2})
	if !errors.Is(err, ErrType) {
		t.Errorf("Marshal of Type 2 = %v, want an error wrapping ErrType", err)
	}
}

func TestDeepCopy(t *testing.T) {
	orig := FromString("25%")
	cp := orig.DeepCopy()
	cp.StrVal = "50%"
	if orig.StrVal != "25%" {
		t.Errorf("changing the copy changed the original to %q", orig.StrVal)
	}
	var into IntOrString
	orig.DeepCopyInto(&into)
	if diff := cmp.Diff(orig, into); diff != "" {
		t.Errorf("DeepCopyInto (-want +got):\n%s", diff)
	}
	var nilValue *IntOrString
	if nilValue.DeepCopy() != nil {
		t.Error("DeepCopy of nil is not nil")
	}
}

func TestValueOrDefault(t *testing.T) {
	def := FromInt32(1)
	if got := ValueOrDefault(nil, def); *got != def {
		t.Errorf("ValueOrDefault(nil) = %v", got)
	}
	v := FromString("25%")
	if got := ValueOrDefault(&v, def); got != &v {
		t.Errorf("ValueOrDefault(&v) = %v, want &v", got)
	}
}

func TestGetScaledValueFromIntOrPercent(t *testing.T) {
	tests := []struct {
		name    string
		in      IntOrString
		total   int
		roundUp bool
		want    int
		wantErr error
	}{
		// The Deployment controller's rolling-update defaults on 10 replicas.
		{"maxSurge 25% of 10 rounds up", FromString("25%"), 10, true, 3, nil},
		{"maxUnavailable 25% of 10 rounds down", FromString("25%"), 10, false, 2, nil},
		{"int is taken as it is", FromInt32(123), 0, false, 123, nil},
		{"negative int", FromInt32(-3), 10, true, -3, nil},
		{"90% of 100", FromString("90%"), 100, true, 90, nil},
		{"90% of 95 up", FromString("90%"), 95, true, 86, nil},
		{"90% of 95 down", FromString("90%"), 95, false, 85, nil},
		{"0%", FromString("0%"), 10, true, 0, nil},
		{"100% of 7", FromString("100%"), 7, false, 7, nil},
		{"150%", FromString("150%"), 10, false, 15, nil},
		{"1% of 1 up", FromString("1%"), 1, true, 1, nil},
		{"1% of 1 down", FromString("1%"), 1, false, 0, nil},
		{"negative percent down", FromString("-10%"), 7, false, -1, nil},
		{"negative percent up", FromString("-10%"), 7, true, 0, nil},
		{"plus sign", FromString("+5%"), 100, false, 5, nil},
		{"number without %", FromString("25"), 10, true, 0, ErrNotPercent},
		{"90 without %", FromString("90"), 10, true, 0, ErrNotPercent},
		{"not a number", FromString("abc%"), 10, true, 0, ErrNotPercent},
		{"only %", FromString("%"), 10, true, 0, ErrNotPercent},
		{"double %", FromString("40%%"), 10, true, 0, ErrNotPercent},
		{"% inside", FromString("30%0"), 10, true, 0, ErrNotPercent},
		{"hash", FromString("90#"), 10, true, 0, ErrNotPercent},
		{"hash then %", FromString("#%"), 10, true, 0, ErrNotPercent},
		{"fraction", FromString("2.5%"), 10, true, 0, ErrNotPercent},
		{"space", FromString(" 5%"), 10, true, 0, ErrNotPercent},
		{"empty", FromString(""), 10, true, 0, ErrNotPercent},
		{"bad type", IntOrString{Type: 2, IntVal: 5}, 10, true, 0, ErrType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := GetScaledValueFromIntOrPercent(&tt.in, tt.total, tt.roundUp)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("GetScaledValueFromIntOrPercent(%v, %d, %t) error = %v, want %v", tt.in, tt.total, tt.roundUp, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("GetScaledValueFromIntOrPercent(%v, %d, %t) = %d, want %d", tt.in, tt.total, tt.roundUp, got, tt.want)
			}
		})
	}
	if _, err := GetScaledValueFromIntOrPercent(nil, 0, false); !errors.Is(err, ErrNil) {
		t.Errorf("GetScaledValueFromIntOrPercent(nil) error = %v, want ErrNil", err)
	}
}

func TestGetScaledValueErrorMessages(t *testing.T) {
	tests := []struct {
		in   IntOrString
		want string
	}{
		{FromString("25"), `intstr: not an integer percentage: "25" has no trailing %; want an integer or a percentage such as "25%"`},
		{FromString("abc%"), `intstr: not an integer percentage: "abc%" is not a whole number followed by %, such as "25%"`},
		{IntOrString{Type: 9}, `intstr: Type is neither Int nor String: Type 9`},
	}
	for _, tt := range tests {
		_, err := GetScaledValueFromIntOrPercent(&tt.in, 10, true)
		if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
			t.Errorf("%#v (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestGetValueFromIntOrPercent(t *testing.T) {
	tests := []struct {
		in      IntOrString
		total   int
		roundUp bool
		want    int
		wantErr error
	}{
		{FromInt32(123), 0, false, 123, nil},
		{FromString("90%"), 100, true, 90, nil},
		{FromString("90%"), 95, true, 86, nil},
		{FromString("90%"), 95, false, 85, nil},
		{FromString("90"), 95, false, 85, nil}, // the legacy reading: a bare number is a percentage
		{FromString("4%0%"), 10, true, 4, nil}, // every % is dropped
		{FromString("%"), 0, false, 0, ErrNotPercent},
		{FromString("90#"), 0, false, 0, ErrNotPercent},
		{FromString("#%"), 0, false, 0, ErrNotPercent},
	}
	for _, tt := range tests {
		got, err := GetValueFromIntOrPercent(&tt.in, tt.total, tt.roundUp)
		if !errors.Is(err, tt.wantErr) || got != tt.want {
			t.Errorf("GetValueFromIntOrPercent(%v, %d, %t) = %d, %v; want %d, %v", tt.in, tt.total, tt.roundUp, got, err, tt.want, tt.wantErr)
		}
	}
	if _, err := GetValueFromIntOrPercent(nil, 0, false); !errors.Is(err, ErrNil) {
		t.Errorf("GetValueFromIntOrPercent(nil) error = %v, want ErrNil", err)
	}
}
