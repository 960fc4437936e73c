package equality

import (
	"reflect"
	"time"

	"github.com/skiff-io/skiff/api/resource"
)

var (
	quantityType = reflect.TypeFor[resource.Quantity]()
	timeType     = reflect.TypeFor[time.Time]()
)

// wrapsTime reports whether t is time.Time or a struct that only wraps one (meta.Time, meta.MicroTime),
// without importing meta, which builds on this package.
func wrapsTime(t reflect.Type) bool {
	return t == timeType || (t.Kind() == reflect.Struct && t.NumField() == 1 && t.Field(0).Anonymous && t.Field(0).Type == timeType)
}

func asTime(v reflect.Value) time.Time {
	if v.Type() != timeType {
		v = v.Field(0)
	}
	return v.Interface().(time.Time)
}

// DeepEqual is reflect.DeepEqual with the API's notion of sameness, as Kubernetes'
// apiequality.Semantic: quantities are equal when their amounts are ("1" and "1000m"), times when
// they are the same instant, and a nil slice or map equals an empty one.
func DeepEqual(a, b any) bool {
	if a == nil || b == nil {
		return a == b
	}
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	if va.Type() != vb.Type() {
		return false
	}
	return semanticEqual(va, vb)
}

func semanticEqual(a, b reflect.Value) bool {
	switch a.Type() {
	case quantityType:
		if a.CanInterface() && b.CanInterface() {
			return a.Interface().(resource.Quantity).Cmp(b.Interface().(resource.Quantity)) == 0
		}
	}
	if wrapsTime(a.Type()) && a.CanInterface() && b.CanInterface() {
		return asTime(a).Equal(asTime(b))
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		if a.Kind() == reflect.Interface && a.Elem().Type() != b.Elem().Type() {
			return false
		}
		return semanticEqual(a.Elem(), b.Elem())
	case reflect.Struct:
		for i := range a.NumField() {
			if !semanticEqual(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Slice:
		if a.Len() != b.Len() {
			return false
		}
		if a.Len() == 0 {
			return true
		}
		fallthrough
	case reflect.Array:
		for i := range a.Len() {
			if !semanticEqual(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Map:
		if a.Len() != b.Len() {
			return false
		}
		for _, k := range a.MapKeys() {
			vb := b.MapIndex(k)
			if !vb.IsValid() || !semanticEqual(a.MapIndex(k), vb) {
				return false
			}
		}
		return true
	case reflect.String:
		return a.String() == b.String()
	case reflect.Bool:
		return a.Bool() == b.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return a.Int() == b.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return a.Uint() == b.Uint()
	case reflect.Float32, reflect.Float64:
		return a.Float() == b.Float()
	case reflect.Func, reflect.Chan, reflect.UnsafePointer:
		return a.Pointer() == b.Pointer()
	}
	return false
}
