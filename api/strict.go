package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
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
//
// It runs on every write the API server takes, so it scans the bytes itself rather than through
// encoding/json's token stream, and allocates only to report problems.
func CheckFields(data []byte, t reflect.Type) (FieldProblems, error) {
	c := &checker{data: data}
	c.skipSpace()
	if err := c.value(typeInfoOf(t)); err != nil {
		return c.problems, &DecodeError{Msg: err.Error()}
	}
	c.skipSpace()
	if c.pos != len(c.data) {
		return c.problems, &DecodeError{Msg: fmt.Sprintf("invalid JSON: unexpected data at offset %d", c.pos)}
	}
	return c.problems, nil
}

// typeInfo is what the checker needs of a Go type, computed once per type.
type typeInfo struct {
	kind   reflect.Kind // Struct, Map, Slice, or Invalid for anything not checked inside
	fields map[string]*typeInfo
	elem   *typeInfo
}

var (
	typeInfos sync.Map // reflect.Type -> *typeInfo, each complete before it is stored
	// typeInfoMu serialises building, so that a type is built once and no checker ever sees a
	// typeInfo whose fields are still being filled in (it would report every field unknown).
	typeInfoMu sync.Mutex
	opaque     = &typeInfo{kind: reflect.Invalid}
)

func typeInfoOf(t reflect.Type) *typeInfo {
	if ti, ok := typeInfos.Load(checkedType(t)); ok {
		return ti.(*typeInfo)
	}
	typeInfoMu.Lock()
	defer typeInfoMu.Unlock()
	building := map[reflect.Type]*typeInfo{}
	ti := buildTypeInfo(t, building)
	// Publish only now that every type reached is complete; recursive types point at each other
	// through building.
	for bt, bti := range building {
		typeInfos.Store(bt, bti)
	}
	return ti
}

// checkedType strips pointers: *T is checked as T.
func checkedType(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

func buildTypeInfo(t reflect.Type, building map[reflect.Type]*typeInfo) *typeInfo {
	t = checkedType(t)
	if t == nil || t.Kind() == reflect.Interface || reflect.PointerTo(t).Implements(unmarshalerType) {
		return opaque
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map, reflect.Slice, reflect.Array:
	default:
		return opaque
	}
	if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
		return opaque // []byte is a base64 string
	}
	if ti, ok := typeInfos.Load(t); ok {
		return ti.(*typeInfo)
	}
	if ti, ok := building[t]; ok {
		return ti // a recursive type, under construction further up
	}
	ti := &typeInfo{kind: t.Kind()}
	building[t] = ti
	switch t.Kind() {
	case reflect.Struct:
		fields := map[string]*typeInfo{}
		for name, ft := range jsonFields(t) {
			fields[name] = buildTypeInfo(ft, building)
		}
		ti.fields = fields
	case reflect.Map, reflect.Slice, reflect.Array:
		if ti.kind == reflect.Array {
			ti.kind = reflect.Slice
		}
		ti.elem = buildTypeInfo(t.Elem(), building)
	}
	return ti
}

// maxCheckDepth bounds nesting on hostile input; encoding/json's own limit is 10,000.
const maxCheckDepth = 10000

type checker struct {
	data     []byte
	pos      int
	depth    int
	problems FieldProblems
	// path is the stack of keys and indexes leading to the current value, rendered only for a report.
	path []pathElem
}

type pathElem struct {
	key   []byte // a field or map key; nil for an index
	index int
	field bool // a struct field (rendered ".key") rather than a map key ("[key]")
}

var errSyntax = errors.New("invalid JSON")

func (c *checker) syntax(what string) error {
	return fmt.Errorf("%w at offset %d: %s", errSyntax, c.pos, what)
}

func (c *checker) skipSpace() {
	for c.pos < len(c.data) {
		switch c.data[c.pos] {
		case ' ', '\t', '\n', '\r':
			c.pos++
		default:
			return
		}
	}
}

func (c *checker) render(last pathElem) string {
	var b strings.Builder
	for _, e := range append(c.path, last) {
		switch {
		case e.key == nil:
			b.WriteString("[" + strconv.Itoa(e.index) + "]")
		case e.field:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.Write(e.key)
		default:
			b.WriteString("[")
			b.Write(e.key)
			b.WriteString("]")
		}
	}
	return b.String()
}

func (c *checker) value(ti *typeInfo) error {
	if c.pos >= len(c.data) {
		return c.syntax("unexpected end of input")
	}
	switch c.data[c.pos] {
	case '{':
		return c.object(ti)
	case '[':
		return c.array(ti)
	case '"':
		_, err := c.str()
		return err
	default:
		return c.literal()
	}
}

func (c *checker) object(ti *typeInfo) error {
	c.depth++
	defer func() { c.depth-- }()
	if c.depth > maxCheckDepth {
		return c.syntax("nested too deeply")
	}
	c.pos++ // '{'
	var seen [][]byte
	var seenSet map[string]bool
	c.skipSpace()
	if c.pos < len(c.data) && c.data[c.pos] == '}' {
		c.pos++
		return nil
	}
	for {
		c.skipSpace()
		if c.pos >= len(c.data) || c.data[c.pos] != '"' {
			return c.syntax("expected a string key")
		}
		key, err := c.str()
		if err != nil {
			return err
		}
		c.skipSpace()
		if c.pos >= len(c.data) || c.data[c.pos] != ':' {
			return c.syntax("expected ':' after a key")
		}
		c.pos++
		c.skipSpace()
		elem := pathElem{key: key, field: ti.kind == reflect.Struct}
		child := opaque
		if ti != opaque {
			// Duplicates: a short list while objects are small, a set beyond.
			dup := false
			if seenSet != nil {
				dup = seenSet[string(key)]
				seenSet[string(key)] = true
			} else {
				for _, s := range seen {
					if bytes.Equal(s, key) {
						dup = true
						break
					}
				}
				seen = append(seen, key)
				if len(seen) > 32 {
					seenSet = make(map[string]bool, 64)
					for _, s := range seen {
						seenSet[string(s)] = true
					}
				}
			}
			if dup {
				c.problems.Duplicate = append(c.problems.Duplicate, c.render(elem))
			}
			switch ti.kind {
			case reflect.Struct:
				ft, ok := ti.fields[string(key)]
				if !ok {
					c.problems.Unknown = append(c.problems.Unknown, c.render(elem))
				} else {
					child = ft
				}
			case reflect.Map:
				child = ti.elem
			}
		}
		c.path = append(c.path, elem)
		err = c.value(child)
		c.path = c.path[:len(c.path)-1]
		if err != nil {
			return err
		}
		c.skipSpace()
		if c.pos >= len(c.data) {
			return c.syntax("unexpected end of input in an object")
		}
		switch c.data[c.pos] {
		case ',':
			c.pos++
		case '}':
			c.pos++
			return nil
		default:
			return c.syntax("expected ',' or '}' in an object")
		}
	}
}

func (c *checker) array(ti *typeInfo) error {
	c.depth++
	defer func() { c.depth-- }()
	if c.depth > maxCheckDepth {
		return c.syntax("nested too deeply")
	}
	c.pos++ // '['
	elem := opaque
	if ti.kind == reflect.Slice {
		elem = ti.elem
	}
	c.skipSpace()
	if c.pos < len(c.data) && c.data[c.pos] == ']' {
		c.pos++
		return nil
	}
	for i := 0; ; i++ {
		c.skipSpace()
		c.path = append(c.path, pathElem{index: i})
		err := c.value(elem)
		c.path = c.path[:len(c.path)-1]
		if err != nil {
			return err
		}
		c.skipSpace()
		if c.pos >= len(c.data) {
			return c.syntax("unexpected end of input in an array")
		}
		switch c.data[c.pos] {
		case ',':
			c.pos++
		case ']':
			c.pos++
			return nil
		default:
			return c.syntax("expected ',' or ']' in an array")
		}
	}
}

// str reads a string and returns its raw contents; a string with escapes is decoded (rare in keys).
func (c *checker) str() ([]byte, error) {
	start := c.pos
	c.pos++ // opening quote
	escaped := false
	for c.pos < len(c.data) {
		switch ch := c.data[c.pos]; {
		case ch == '\\':
			escaped = true
			c.pos += 2
		case ch == '"':
			c.pos++
			raw := c.data[start+1 : c.pos-1]
			if !escaped {
				return raw, nil
			}
			var s string
			if err := json.Unmarshal(c.data[start:c.pos], &s); err != nil {
				return nil, c.syntax("invalid string escape")
			}
			return []byte(s), nil
		case ch < 0x20:
			return nil, c.syntax("control character in a string")
		default:
			c.pos++
		}
	}
	return nil, c.syntax("unterminated string")
}

// literal reads a number, true, false or null.
func (c *checker) literal() error {
	start := c.pos
	for c.pos < len(c.data) {
		switch ch := c.data[c.pos]; {
		case ch == ',' || ch == '}' || ch == ']' || ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r':
			return c.checkLiteral(c.data[start:c.pos])
		default:
			c.pos++
		}
	}
	return c.checkLiteral(c.data[start:c.pos])
}

func (c *checker) checkLiteral(lit []byte) error {
	switch string(lit) {
	case "true", "false", "null":
		return nil
	}
	if len(lit) > 0 && json.Valid(lit) {
		return nil // a number
	}
	return c.syntax(fmt.Sprintf("invalid literal %q", lit))
}
