package fields

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// ParseSelector reads a field selector: "field=value", "field==value" or "field!=value"
// terms separated by commas, all of which must hold. Empty terms are skipped, so "" is
// Everything(). The field is everything before the first operator, taken as written
// (spaces included); the value is everything after it, and must escape ',', '=' and '\'
// with a backslash (see UnescapeValue).
//
// A term without an operator gives the error Kubernetes gives ("invalid selector: ...;
// can't understand ..."); a badly escaped value gives an error wrapping
// InvalidEscapeSequence or UnescapedRune that names the term.
func ParseSelector(selector string) (Selector, error) {
	return ParseAndTransformSelector(selector, nil)
}

// ParseSelectorOrDie is ParseSelector for selectors known to be valid, such as constants;
// it panics on an error.
func ParseSelectorOrDie(s string) Selector {
	sel, err := ParseSelector(s)
	if err != nil {
		panic(err)
	}
	return sel
}

// ParseAndTransformSelector is ParseSelector followed by Transform(fn). A nil fn is taken
// as no transformation.
func ParseAndTransformSelector(selector string, fn TransformFunc) (Selector, error) {
	var out terms
	for _, term := range splitTerms(selector) {
		if term == "" {
			continue
		}
		field, op, rawValue, ok := splitTerm(term)
		if !ok {
			return nil, fmt.Errorf("invalid selector: '%s'; can't understand '%s'", selector, term)
		}
		value, err := UnescapeValue(rawValue)
		if err != nil {
			return nil, fmt.Errorf("%w (in term '%s')", err, term)
		}
		out = append(out, Requirement{Field: field, Operator: op, Value: value})
	}
	// Sorting the parsed terms, not the text as Kubernetes does, makes String canonical:
	// "a==x" prints as "a=x", which would sort differently from the text it came from.
	slices.SortFunc(out, compareRequirements)
	if fn == nil {
		return out, nil
	}
	return out.Transform(fn)
}

// splitTerms cuts a selector at the commas that are not escaped. The terms keep their
// escapes; a backslash escapes whatever byte follows it here, and UnescapeValue later
// rejects those it does not allow.
func splitTerms(selector string) []string {
	if selector == "" {
		return nil
	}
	var out []string
	start := 0
	escaped := false
	for i := 0; i < len(selector); i++ {
		switch {
		case escaped:
			escaped = false
		case selector[i] == '\\':
			escaped = true
		case selector[i] == ',':
			out = append(out, selector[start:i])
			start = i + 1
		}
	}
	return append(out, selector[start:])
}

// splitTerm cuts a term at its first operator. Field names cannot be escaped, so the first
// "!=", "==" or "=" is always the operator; "==" is tried before "=" so that its second
// "=" does not end up in the value.
func splitTerm(term string) (field string, op Operator, value string, ok bool) {
	for i := 0; i < len(term); i++ {
		switch {
		case strings.HasPrefix(term[i:], "!="):
			return term[:i], NotEquals, term[i+2:], true
		case strings.HasPrefix(term[i:], "=="):
			return term[:i], Equals, term[i+2:], true
		case term[i] == '=':
			return term[:i], Equals, term[i+1:], true
		}
	}
	return "", "", "", false
}

// EscapeValue escapes a literal value for use in a field selector: '\' becomes `\\`, ','
// becomes `\,` and '=' becomes `\=`.
func EscapeValue(s string) string {
	if !strings.ContainsAny(s, `\,=`) {
		return s
	}
	return valueEscaper.Replace(s)
}

var valueEscaper = strings.NewReplacer(`\`, `\\`, `,`, `\,`, `=`, `\=`)

// InvalidEscapeSequence is the error for a backslash in a field selector value that is not
// followed by '\', ',' or '=', including one at the very end.
type InvalidEscapeSequence struct {
	// Sequence is the backslash and the character after it, or a lone backslash.
	Sequence string
}

// Error says which sequence was wrong, in the words Kubernetes uses.
func (e InvalidEscapeSequence) Error() string {
	return fmt.Sprintf("invalid field selector: invalid escape sequence: %s", e.Sequence)
}

// UnescapedRune is the error for a ',' or '=' in a field selector value that should have
// been escaped with a backslash.
type UnescapedRune struct {
	// Rune is the character that needed escaping.
	Rune rune
}

// Error names the character, in the words Kubernetes uses.
func (e UnescapedRune) Error() string {
	return fmt.Sprintf("invalid field selector: unescaped character in value: %q", e.Rune)
}

// UnescapeValue undoes EscapeValue. It returns InvalidEscapeSequence for a backslash not
// followed by '\', ',' or '=', and UnescapedRune for a bare ',' or '='.
func UnescapeValue(s string) (string, error) {
	if !strings.ContainsAny(s, `\,=`) {
		return s, nil
	}
	var b strings.Builder
	b.Grow(len(s))
	// Work on bytes: every special character is ASCII, and this keeps any invalid UTF-8
	// in the value as it was.
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 == len(s) {
				return "", InvalidEscapeSequence{Sequence: `\`}
			}
			switch next := s[i+1]; next {
			case '\\', ',', '=':
				b.WriteByte(next)
				i++
			default:
				r, size := utf8.DecodeRuneInString(s[i+1:])
				seq := s[i : i+1+size]
				if r == utf8.RuneError && size <= 1 {
					seq = `\` + string(utf8.RuneError)
				}
				return "", InvalidEscapeSequence{Sequence: seq}
			}
		case ',', '=':
			return "", UnescapedRune{Rune: rune(c)}
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}
