package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
)

// goField is what a Go struct field's tags say about the JSON form of a proto field. The .proto
// files name fields by their JSON names, with one exception the files cannot show: an embedded
// struct tagged `json:",inline"` (a Volume's VolumeSource, a Probe's ProbeHandler, the
// LocalObjectReference of the key selectors, ...) is a field of its own in protobuf but has its
// fields spliced into the parent's object in JSON.
type goField struct {
	json   string // the name in the json tag; "" for an inlined struct
	inline bool
}

// readGoTypes reads the struct tags of the Go types in dir, whose messages live in the proto
// package pkg, and returns them by message name and field number. Only fields with both a
// protobuf tag and a json tag are kept; "-" (a field with its own JSON form, such as
// RawExtension's raw bytes) is left out too.
func readGoTypes(dir, pkg string) (map[string]map[int32]goField, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	out := map[string]map[int32]goField{}
	fset := token.NewFileSet()
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") ||
			strings.HasPrefix(name, "zz_generated") || strings.HasSuffix(name, ".pb.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, spec := range gd.Specs {
				ts := spec.(*ast.TypeSpec)
				st, ok := ts.Type.(*ast.StructType)
				if !ok {
					continue
				}
				fields, err := structTags(st)
				if err != nil {
					return nil, fmt.Errorf("%s: type %s: %w", fset.Position(ts.Pos()), ts.Name.Name, err)
				}
				if len(fields) > 0 {
					out[pkg+"."+ts.Name.Name] = fields
				}
			}
		}
	}
	return out, nil
}

func structTags(st *ast.StructType) (map[int32]goField, error) {
	fields := map[int32]goField{}
	for _, fl := range st.Fields.List {
		if fl.Tag == nil {
			continue
		}
		raw, err := strconv.Unquote(fl.Tag.Value)
		if err != nil {
			return nil, err
		}
		tag := reflect.StructTag(raw)
		pb := tag.Get("protobuf")
		jsonTag, hasJSON := tag.Lookup("json")
		if pb == "" || pb == "-" || !hasJSON {
			continue
		}
		parts := strings.Split(pb, ",")
		if len(parts) < 2 {
			return nil, fmt.Errorf("bad protobuf tag %q", pb)
		}
		num, err := strconv.ParseInt(parts[1], 10, 32)
		if err != nil {
			return nil, fmt.Errorf("bad field number in protobuf tag %q", pb)
		}
		jsonName, _, _ := strings.Cut(jsonTag, ",")
		switch {
		case jsonName == "-":
			continue
		case jsonName == "" && len(fl.Names) == 0:
			fields[int32(num)] = goField{inline: true}
		case jsonName == "":
			// encoding/json would use the Go name; Kubernetes never does this.
			return nil, fmt.Errorf("field %s has an empty JSON name without being embedded", fl.Names[0].Name)
		default:
			fields[int32(num)] = goField{json: jsonName}
		}
	}
	return fields, nil
}
