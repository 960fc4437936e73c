package protobuf

import (
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/intstr"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/api/resource"
)

// encodeObject is the inverse of Convert, for tests: it writes a skiff object as Kubernetes'
// protobuf serializer writes the equivalent Kubernetes object, driven by the same table. It
// follows gogo-protobuf's generated code, so that its output can be compared byte for byte with
// Kubernetes': fields in number order, non-pointer fields always (even when zero), pointer fields
// when set, maps sorted by key, repeated scalars unpacked, and the runtime.Unknown envelope with
// empty contentEncoding and contentType.
func encodeObject(t testing.TB, reg *api.Registry, obj meta.Object) []byte {
	t.Helper()
	k, err := reg.KindOf(obj)
	if err != nil {
		t.Fatal(err)
	}
	m := messageOfKind(k.APIVersion(), k.Kind)
	if m == nil {
		t.Fatalf("no message for %s", k.GroupVersionKind)
	}
	e := &encoder{t: t}
	raw := e.message(m, reflect.ValueOf(obj).Elem())

	var typeMeta []byte
	typeMeta = appendBytesField(typeMeta, 1, []byte(k.APIVersion()))
	typeMeta = appendBytesField(typeMeta, 2, []byte(k.Kind))
	out := []byte(Prefix)
	out = appendBytesField(out, 1, typeMeta)
	out = appendBytesField(out, 2, raw)
	out = appendBytesField(out, 3, nil)
	return appendBytesField(out, 4, nil)
}

type encoder struct{ t testing.TB }

type encodedField struct {
	num int32
	b   []byte
}

// message encodes v, a struct, as message m.
func (e *encoder) message(m *message, v reflect.Value) []byte {
	var fields []encodedField
	e.structFields(m, v, &fields)
	sort.SliceStable(fields, func(i, j int) bool { return fields[i].num < fields[j].num })
	var out []byte
	for _, f := range fields {
		out = append(out, f.b...)
	}
	return out
}

func (e *encoder) structFields(m *message, v reflect.Value, out *[]encodedField) {
	typ := v.Type()
	for i := range typ.NumField() {
		sf := typ.Field(i)
		if !sf.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		fv := v.Field(i)
		if sf.Anonymous && name == "" {
			if sf.Type == reflect.TypeFor[meta.TypeMeta]() {
				continue // apiVersion and kind travel in the envelope
			}
			// An inlined struct is a field of its own in protobuf, named after its type.
			if f := inlineField(m, sf.Type.Name()); f != nil {
				*out = append(*out, encodedField{f.num, appendBytesField(nil, f.num, e.message(f.msg, fv))})
			} else {
				e.structFields(m, fv, out)
			}
			continue
		}
		if name == "" {
			name = sf.Name
		}
		f := jsonField(m, name)
		if f == nil {
			if !fv.IsZero() {
				e.t.Fatalf("%s.%s (%q) has no field in protobuf message %s", typ, sf.Name, name, m.name)
			}
			continue
		}
		if b := e.field(f, fv); b != nil {
			*out = append(*out, encodedField{f.num, b})
		}
	}
}

func inlineField(m *message, typeName string) *field {
	for i := range m.fields {
		if f := &m.fields[i]; f.inline && f.msg.shortName() == typeName {
			return f
		}
	}
	return nil
}

func jsonField(m *message, name string) *field {
	for i := range m.fields {
		if f := &m.fields[i]; !f.inline && f.name == name {
			return f
		}
	}
	return nil
}

// field encodes fv as field f, tags included; nil when nothing is written.
func (e *encoder) field(f *field, fv reflect.Value) []byte {
	if fv.Kind() == reflect.Pointer {
		if fv.IsNil() {
			return nil
		}
		fv = fv.Elem()
	}
	var out []byte
	switch {
	case f.kind == kindMap:
		keys := fv.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
		for _, k := range keys {
			entry := appendBytesField(nil, 1, []byte(k.String()))
			entry = append(entry, e.value(2, f.val, f.msg, fv.MapIndex(k))...)
			out = appendBytesField(out, f.num, entry)
		}
	case f.repeated:
		if f.kind == kindBytes {
			e.t.Fatalf("repeated bytes field %s is not supported by the test encoder", f.name)
		}
		for i := range fv.Len() {
			out = append(out, e.value(f.num, f.kind, f.msg, fv.Index(i))...)
		}
	default:
		out = e.value(f.num, f.kind, f.msg, fv)
	}
	return out
}

// value encodes one value as field num: scalars always, bytes when not nil, messages always.
func (e *encoder) value(num int32, k kind, m *message, v reflect.Value) []byte {
	n := protowire.Number(num)
	switch k {
	case kindInt32, kindInt64:
		var x int64
		switch v.Kind() {
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			x = int64(v.Uint())
		default:
			x = v.Int()
		}
		return protowire.AppendVarint(protowire.AppendTag(nil, n, protowire.VarintType), uint64(x))
	case kindBool:
		return protowire.AppendVarint(protowire.AppendTag(nil, n, protowire.VarintType), protowire.EncodeBool(v.Bool()))
	case kindString:
		return appendBytesField(nil, num, []byte(v.String()))
	case kindBytes:
		if v.IsNil() {
			return nil
		}
		return appendBytesField(nil, num, v.Bytes())
	case kindMessage:
		return appendBytesField(nil, num, e.wellKnown(m, v))
	}
	e.t.Fatalf("kind %s cannot be a value", k)
	return nil
}

// wellKnown encodes v as message m, in the special forms of apimachinery's types.
func (e *encoder) wellKnown(m *message, v reflect.Value) []byte {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	switch m.format {
	case formatTime:
		t := v.Interface().(meta.Time)
		if t.IsZero() {
			return nil
		}
		return appendTimestamp(t.Unix(), 0)
	case formatMicroTime:
		t := v.Interface().(meta.MicroTime)
		if t.IsZero() {
			return nil
		}
		return appendTimestamp(t.Unix(), int32(time.Duration(t.Nanosecond()).Truncate(time.Microsecond)))
	case formatQuantity:
		q := v.Interface().(resource.Quantity)
		return appendBytesField(nil, 1, []byte(q.String()))
	case formatIntOrString:
		x := v.Interface().(intstr.IntOrString)
		b := protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), uint64(x.Type))
		b = protowire.AppendVarint(protowire.AppendTag(b, 2, protowire.VarintType), uint64(int64(x.IntVal)))
		return appendBytesField(b, 3, []byte(x.StrVal))
	case formatRawJSON:
		raw := v.Interface().(meta.FieldsV1).Raw
		if len(raw) == 0 {
			return nil
		}
		return appendBytesField(nil, 1, raw)
	case formatVerbs:
		var b []byte
		for i := 0; i < v.Len(); i++ {
			b = appendBytesField(b, 1, []byte(v.Index(i).String()))
		}
		return b
	case formatObject:
		return e.message(m, v)
	}
	e.t.Fatalf("the test encoder cannot write %s", m.name)
	return nil
}

func appendTimestamp(sec int64, nanos int32) []byte {
	b := protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), uint64(sec))
	return protowire.AppendVarint(protowire.AppendTag(b, 2, protowire.VarintType), uint64(int64(nanos)))
}

func appendBytesField(b []byte, num int32, v []byte) []byte {
	return protowire.AppendBytes(protowire.AppendTag(b, protowire.Number(num), protowire.BytesType), v)
}
