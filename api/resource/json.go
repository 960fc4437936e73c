package resource

import (
	"bytes"
	"encoding/json"
	"strings"
)

// MarshalJSON writes the canonical form of q as a JSON string, as Kubernetes does.
func (q Quantity) MarshalJSON() ([]byte, error) {
	if s, ok := q.cached(); ok {
		b := make([]byte, 0, len(s)+2)
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"'), nil
	}
	b := make([]byte, 0, 24)
	b = append(b, '"')
	b = q.appendCanonical(b)
	return append(b, '"'), nil
}

// UnmarshalJSON reads a quantity from a JSON string ("100m") or a JSON number (0.1), both of which
// Kubernetes accepts. Space around the text inside the string is ignored, as Kubernetes ignores it.
// null sets the amount to zero and keeps the Format, as in Kubernetes. Any other JSON value is an
// error wrapping ErrFormatWrong. On error q is left unchanged.
func (q *Quantity) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return newParseError("", ErrFormatWrong, "is empty, not a JSON string or number")
	}
	var text string
	switch c := data[0]; {
	case c == '"':
		if bytes.IndexByte(data, '\\') < 0 && len(data) >= 2 && data[len(data)-1] == '"' {
			text = string(data[1 : len(data)-1])
		} else {
			// Escapes are legal JSON, if never needed in a quantity; let encoding/json judge them.
			var unquoted string
			if err := json.Unmarshal(data, &unquoted); err != nil {
				return newParseError(string(data), ErrFormatWrong, "is not a valid JSON string")
			}
			text = unquoted
		}
		text = strings.TrimSpace(text)
	case c == '-' || ('0' <= c && c <= '9'):
		// A JSON number is a quantity in DecimalSI or DecimalExponent form already.
		text = string(data)
	case string(data) == "null":
		format := q.Format
		*q = Quantity{Format: format}
		return nil
	default:
		return newParseError(string(data), ErrFormatWrong, "is a JSON "+jsonKind(c)+"; want a string such as \"100m\" or a number")
	}
	parsed, err := ParseQuantity(text)
	if err != nil {
		return err
	}
	*q = parsed
	return nil
}

// jsonKind names the JSON value that starts with c, for error messages.
func jsonKind(c byte) string {
	switch c {
	case 't', 'f':
		return "boolean"
	case '{':
		return "object"
	case '[':
		return "array"
	}
	return "value that is not a string or number"
}
