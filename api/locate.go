package api

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// locateError finds where in data decoding into a value of type t fails, so that an error can name
// the field ("spec.containers[0].resources.limits[cpu]") even when the failure comes from a type's own
// UnmarshalJSON, which encoding/json reports without a path. It decodes sub-trees one at a time, so
// it is slow, and only runs once decoding has already failed. It returns "" when it cannot narrow
// the failure down.
func locateError(data []byte, t reflect.Type) (path string, err error) {
	return locate(data, t, "", 0)
}

const maxLocateDepth = 100

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

func locate(data []byte, t reflect.Type, path string, depth int) (string, error) {
	err := json.Unmarshal(data, reflect.New(t).Interface())
	if err == nil {
		return "", nil
	}
	if depth > maxLocateDepth {
		return path, err
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) || reflect.PointerTo(t).Implements(unmarshalerType) {
		return path, err
	}
	switch t.Kind() {
	case reflect.Struct:
		var obj map[string]json.RawMessage
		if json.Unmarshal(data, &obj) != nil {
			return path, err
		}
		fields := jsonFields(t)
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			ft, ok := fields[k]
			if !ok {
				// encoding/json also matches names case-insensitively.
				for name, typ := range fields {
					if strings.EqualFold(name, k) {
						ft, ok = typ, true
						break
					}
				}
			}
			if !ok {
				continue
			}
			if p, e := locate(obj[k], ft, join(path, k), depth+1); e != nil {
				return p, e
			}
		}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return path, err // []byte is base64 text
		}
		var items []json.RawMessage
		if json.Unmarshal(data, &items) != nil {
			return path, err
		}
		for i, it := range items {
			if p, e := locate(it, t.Elem(), path+"["+strconv.Itoa(i)+"]", depth+1); e != nil {
				return p, e
			}
		}
	case reflect.Map:
		var obj map[string]json.RawMessage
		if json.Unmarshal(data, &obj) != nil {
			return path, err
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if p, e := locate(obj[k], t.Elem(), path+"["+k+"]", depth+1); e != nil {
				return p, e
			}
		}
	}
	return path, err
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// jsonFields maps the JSON names of a struct's fields, embedded ones inlined, to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			ft := f.Type
			if f.Anonymous && name == "" {
				for ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					walk(ft)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			out[name] = f.Type
		}
	}
	walk(t)
	return out
}
