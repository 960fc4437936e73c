package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
)

// FieldProblems are the fields of a JSON object that its Go type does not hold, and the fields it
// holds twice, as Kubernetes' strict field validation reports them ("spec.template.spec.foo",
// "metadata.labels[app]" ...). encoding/json ignores the first and keeps the last of the second.
type FieldProblems struct {
	Unknown   []string
	Duplicate []string
}

// Empty reports whether there is nothing to report.
func (p FieldProblems) Empty() bool { return len(p.Unknown) == 0 && len(p.Duplicate) == 0 }

// Messages returns one message per problem, worded as kube-apiserver words them
// (`unknown field "spec.foo"`, `duplicate field "metadata.name"`).
func (p FieldProblems) Messages() []string {
	var out []string
	for _, f := range p.Unknown {
		out = append(out, fmt.Sprintf("unknown field %q", f))
	}
	for _, f := range p.Duplicate {
		out = append(out, fmt.Sprintf("duplicate field %q", f))
	}
	return out
}

// CheckFields walks data against the Go type t (a struct, or a pointer to one) and reports unknown
// and duplicate fields. Names match exactly, as in Kubernetes: a key that differs from a field's
// JSON name only by case is unknown. Malformed JSON is an error wrapping ErrDecode.
func CheckFields(data []byte, t reflect.Type) (FieldProblems, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var p FieldProblems
	if err := checkValue(dec, t, "", &p, 0); err != nil {
		return p, &DecodeError{Msg: err.Error()}
	}
	return p, nil
}

// maxCheckDepth bounds recursion on hostile input; encoding/json's own limit is 10,000.
const maxCheckDepth = 10000

func checkValue(dec *json.Decoder, t reflect.Type, path string, p *FieldProblems, depth int) error {
	if depth > maxCheckDepth {
		return fmt.Errorf("%s: nested too deeply", path)
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	delim, isDelim := tok.(json.Delim)
	if !isDelim {
		return nil // a scalar: its type is encoding/json's business
	}
	opaque := t == nil || reflect.PointerTo(t).Implements(unmarshalerType) || t.Kind() == reflect.Interface
	switch delim {
	case '{':
		var fields map[string]reflect.Type
		var elem reflect.Type
		switch {
		case opaque:
		case t.Kind() == reflect.Struct:
			fields = jsonFields(t)
		case t.Kind() == reflect.Map:
			elem = t.Elem()
		}
		seen := map[string]bool{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return err
			}
			key, _ := kt.(string)
			var child string
			var ct reflect.Type
			if fields != nil {
				child = join(path, key)
				ft, ok := fields[key]
				if !ok && !opaque {
					p.Unknown = append(p.Unknown, child)
				}
				ct = ft
			} else {
				child = path + "[" + key + "]"
				ct = elem
			}
			if seen[key] && !opaque {
				p.Duplicate = append(p.Duplicate, child)
			}
			seen[key] = true
			if err := checkValue(dec, ct, child, p, depth+1); err != nil {
				return err
			}
		}
		_, err := dec.Token() // '}'
		return err
	case '[':
		var elem reflect.Type
		if !opaque && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for i := 0; dec.More(); i++ {
			if err := checkValue(dec, elem, path+"["+strconv.Itoa(i)+"]", p, depth+1); err != nil {
				return err
			}
		}
		_, err := dec.Token() // ']'
		return err
	}
	return nil
}
