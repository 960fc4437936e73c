package field

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// ErrorType is the machine-readable kind of a validation error; it becomes a StatusCause's reason.
type ErrorType string

// The error types, spelled as Kubernetes spells them on the wire.
const (
	ErrorTypeNotFound     ErrorType = "FieldValueNotFound"
	ErrorTypeRequired     ErrorType = "FieldValueRequired"
	ErrorTypeDuplicate    ErrorType = "FieldValueDuplicate"
	ErrorTypeInvalid      ErrorType = "FieldValueInvalid"
	ErrorTypeNotSupported ErrorType = "FieldValueNotSupported"
	ErrorTypeForbidden    ErrorType = "FieldValueForbidden"
	ErrorTypeTooLong      ErrorType = "FieldValueTooLong"
	ErrorTypeTooMany      ErrorType = "FieldValueTooMany"
	ErrorTypeInternal     ErrorType = "InternalError"
	ErrorTypeTypeInvalid  ErrorType = "FieldValueTypeInvalid"
)

// String returns the human phrase Kubernetes prints for the type.
func (t ErrorType) String() string {
	switch t {
	case ErrorTypeNotFound:
		return "Not found"
	case ErrorTypeRequired:
		return "Required value"
	case ErrorTypeDuplicate:
		return "Duplicate value"
	case ErrorTypeInvalid:
		return "Invalid value"
	case ErrorTypeNotSupported:
		return "Unsupported value"
	case ErrorTypeForbidden:
		return "Forbidden"
	case ErrorTypeTooLong:
		return "Too long"
	case ErrorTypeTooMany:
		return "Too many"
	case ErrorTypeInternal:
		return "Internal error"
	case ErrorTypeTypeInvalid:
		return "Invalid value"
	}
	return string(t)
}

// Error is one thing wrong with one field.
type Error struct {
	Type     ErrorType
	Field    string
	BadValue any
	Detail   string
}

// omitValue marks errors whose bad value is not worth printing.
type omitValue struct{}

// OmitValue, as a BadValue, leaves the value out of the message.
var OmitValue = omitValue{}

// Error renders "field: Type: value: detail" as Kubernetes does.
func (e *Error) Error() string {
	return fmt.Sprintf("%s: %s", e.Field, e.ErrorBody())
}

// ErrorBody is the message without the field.
func (e *Error) ErrorBody() string {
	var s string
	switch e.Type {
	case ErrorTypeRequired, ErrorTypeForbidden, ErrorTypeTooLong, ErrorTypeInternal:
		s = e.Type.String()
	default:
		if e.BadValue == OmitValue {
			s = e.Type.String()
		} else {
			s = fmt.Sprintf("%s: %s", e.Type, printValue(e.BadValue))
		}
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

func printValue(v any) string {
	if v == nil {
		return "null"
	}
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return "null"
		}
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.String:
		return strconv.Quote(rv.String())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(rv.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(rv.Uint(), 10)
	case reflect.Bool:
		return strconv.FormatBool(rv.Bool())
	}
	if s, ok := v.(fmt.Stringer); ok {
		return strconv.Quote(s.String())
	}
	return fmt.Sprintf("%#v", rv.Interface())
}

// NotFound says a referenced value does not exist.
func NotFound(p *Path, value any) *Error {
	return &Error{Type: ErrorTypeNotFound, Field: p.String(), BadValue: value}
}

// Required says a field must be set.
func Required(p *Path, detail string) *Error {
	return &Error{Type: ErrorTypeRequired, Field: p.String(), BadValue: "", Detail: detail}
}

// Duplicate says a value that must be unique appears twice.
func Duplicate(p *Path, value any) *Error {
	return &Error{Type: ErrorTypeDuplicate, Field: p.String(), BadValue: value}
}

// Invalid says a value is malformed; detail says what a good value looks like.
func Invalid(p *Path, value any, detail string) *Error {
	return &Error{Type: ErrorTypeInvalid, Field: p.String(), BadValue: value, Detail: detail}
}

// NotSupported says a value is not one of the allowed ones, and lists them.
func NotSupported[T ~string](p *Path, value any, valid []T) *Error {
	var detail string
	if len(valid) > 0 {
		q := make([]string, len(valid))
		for i, v := range valid {
			q[i] = strconv.Quote(string(v))
		}
		detail = "supported values: " + strings.Join(q, ", ")
	}
	return &Error{Type: ErrorTypeNotSupported, Field: p.String(), BadValue: value, Detail: detail}
}

// Forbidden says a field may not be set or changed here.
func Forbidden(p *Path, detail string) *Error {
	return &Error{Type: ErrorTypeForbidden, Field: p.String(), BadValue: "", Detail: detail}
}

// TooLong says a value is longer than maxLength.
func TooLong(p *Path, value any, maxLength int) *Error {
	return &Error{Type: ErrorTypeTooLong, Field: p.String(), BadValue: value,
		Detail: fmt.Sprintf("must have at most %d bytes", maxLength)}
}

// TooMany says a list has more than maxItems items.
func TooMany(p *Path, actual, maxItems int) *Error {
	return &Error{Type: ErrorTypeTooMany, Field: p.String(), BadValue: actual,
		Detail: fmt.Sprintf("must have at most %d items", maxItems)}
}

// TypeInvalid says a value has the wrong JSON type.
func TypeInvalid(p *Path, value any, detail string) *Error {
	return &Error{Type: ErrorTypeTypeInvalid, Field: p.String(), BadValue: value, Detail: detail}
}

// InternalError reports a failure of the validator itself.
func InternalError(p *Path, err error) *Error {
	return &Error{Type: ErrorTypeInternal, Field: p.String(), Detail: err.Error()}
}

// ErrorList is every problem found in one object.
type ErrorList []*Error

// ToAggregate returns nil for an empty list, else one error listing every problem (as Kubernetes:
// one problem alone, or "[a, b]").
func (l ErrorList) ToAggregate() error {
	if len(l) == 0 {
		return nil
	}
	return AggregateError(l)
}

// AggregateError is an ErrorList as an error; errors.As finds it, and Errors() lists the parts.
type AggregateError ErrorList

// Error joins the messages, deduplicated, as Kubernetes does.
func (a AggregateError) Error() string {
	seen := make(map[string]bool, len(a))
	var msgs []string
	for _, e := range a {
		m := e.Error()
		if !seen[m] {
			seen[m] = true
			msgs = append(msgs, m)
		}
	}
	if len(msgs) == 1 {
		return msgs[0]
	}
	return "[" + strings.Join(msgs, ", ") + "]"
}

// Errors returns the parts.
func (a AggregateError) Errors() ErrorList { return ErrorList(a) }

// Filter returns the errors for which keep is true.
func (l ErrorList) Filter(keep func(*Error) bool) ErrorList {
	var out ErrorList
	for _, e := range l {
		if keep(e) {
			out = append(out, e)
		}
	}
	return out
}
