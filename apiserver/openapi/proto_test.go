package openapi

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
	_ "google.golang.org/protobuf/types/known/anypb" // OpenAPIv2.proto imports google/protobuf/any.proto
)

// gnosticDocument returns the descriptor of gnostic's openapi_v2.Document, read from the
// descriptor compiled into github.com/google/gnostic-models/openapiv2 in the module cache. The
// package itself is not imported: it needs a YAML module this one does not depend on.
// gnosticModule is a release of the module holding OpenAPIv2.proto, the schema client-go decodes.
const gnosticModule = "github.com/google/gnostic-models@v0.7.0"

func gnosticDocument(t *testing.T) protoreflect.MessageDescriptor {
	t.Helper()
	// gnostic-models is not a dependency of skiff (the document is encoded by hand), so it is
	// fetched at a pinned version, from the module cache or the module proxy, just for this check.
	out, err := exec.Command("go", "mod", "download", "-json", gnosticModule).Output()
	if err != nil {
		t.Fatalf("go mod download %s: %v", gnosticModule, err)
	}
	var mod struct{ Dir, Error string }
	if err := json.Unmarshal(out, &mod); err != nil || mod.Dir == "" {
		t.Fatalf("go mod download %s: no module directory (%v %s)", gnosticModule, err, mod.Error)
	}
	dir := mod.Dir
	path := filepath.Join(dir, "openapiv2", "OpenAPIv2.pb.go")
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	var raw []byte
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Names) != 1 || vs.Names[0].Name != "file_openapiv2_OpenAPIv2_proto_rawDesc" || len(vs.Values) != 1 {
			return true
		}
		raw = literalBytes(t, vs.Values[0])
		return false
	})
	if raw == nil {
		t.Fatalf("%s has no file_openapiv2_OpenAPIv2_proto_rawDesc", path)
	}
	fdp := &descriptorpb.FileDescriptorProto{}
	if err := proto.Unmarshal(raw, fdp); err != nil {
		t.Fatalf("gnostic's descriptor: %v", err)
	}
	fd, err := protodesc.NewFile(fdp, protoregistry.GlobalFiles)
	if err != nil {
		t.Fatalf("gnostic's descriptor: %v", err)
	}
	md := fd.Messages().ByName("Document")
	if md == nil {
		t.Fatal("gnostic's descriptor has no Document message")
	}
	return md
}

// literalBytes evaluates a []byte{0x0a, ...} literal or a string constant expression.
func literalBytes(t *testing.T, e ast.Expr) []byte {
	switch e := e.(type) {
	case *ast.CompositeLit:
		b := make([]byte, 0, len(e.Elts))
		for _, elt := range e.Elts {
			v, err := strconv.ParseUint(elt.(*ast.BasicLit).Value, 0, 8)
			if err != nil {
				t.Fatal(err)
			}
			b = append(b, byte(v))
		}
		return b
	case *ast.BasicLit:
		s, err := strconv.Unquote(e.Value)
		if err != nil {
			t.Fatal(err)
		}
		return []byte(s)
	case *ast.BinaryExpr:
		return append(literalBytes(t, e.X), literalBytes(t, e.Y)...)
	case *ast.ParenExpr:
		return literalBytes(t, e.X)
	}
	t.Fatalf("unexpected descriptor literal %T", e)
	return nil
}

// TestV2ProtoIsTheGnosticDocument decodes V2Proto with gnostic's own descriptor, checks that every
// byte is a known field and that the encoding is canonical, and that the decoded document says
// exactly what the JSON document says.
func TestV2ProtoIsTheGnosticDocument(t *testing.T) {
	md := gnosticDocument(t)
	b := New(testRegistry(t), Info{Title: "skiff", Version: "v1.32.0"})
	data, err := b.V2Proto()
	if err != nil {
		t.Fatal(err)
	}
	msg := dynamicpb.NewMessage(md)
	if err := proto.Unmarshal(data, msg); err != nil {
		t.Fatalf("V2Proto is not an openapi_v2.Document: %v", err)
	}
	checkNoUnknownFields(t, msg, "Document")
	again, err := proto.MarshalOptions{Deterministic: true}.Marshal(msg)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, data) {
		t.Errorf("re-encoding the decoded document gives %d different bytes (of %d): the encoding is not canonical", len(again), len(data))
	}

	jsonDoc, err := b.V2()
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]any
	if err := json.Unmarshal(jsonDoc, &want); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, documentJSON(t, msg)); diff != "" {
		t.Errorf("protobuf and JSON documents differ (-json +proto):\n%s", diff)
	}
}

func checkNoUnknownFields(t *testing.T, m protoreflect.Message, path string) {
	if len(m.GetUnknown()) > 0 {
		t.Errorf("%s has %d bytes of unknown fields", path, len(m.GetUnknown()))
	}
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		if fd.Message() == nil {
			return true
		}
		switch {
		case fd.IsList():
			for i := 0; i < v.List().Len(); i++ {
				checkNoUnknownFields(t, v.List().Get(i).Message(), path+"."+string(fd.Name()))
			}
		case fd.IsMap():
		default:
			checkNoUnknownFields(t, v.Message(), path+"."+string(fd.Name()))
		}
		return true
	})
}

// The functions below turn a decoded openapi_v2.Document back into its JSON form, for the parts
// skiff writes, as gnostic's ToRawInfo would.

func field(m protoreflect.Message, name string) protoreflect.Value {
	fd := m.Descriptor().Fields().ByName(protoreflect.Name(name))
	if fd == nil {
		panic("no field " + name + " in " + string(m.Descriptor().FullName()))
	}
	return m.Get(fd)
}

func has(m protoreflect.Message, name string) bool {
	return m.Has(m.Descriptor().Fields().ByName(protoreflect.Name(name)))
}

func msgField(m protoreflect.Message, name string) protoreflect.Message {
	return field(m, name).Message()
}

func strs(m protoreflect.Message, name string) []any {
	l := field(m, name).List()
	if l.Len() == 0 {
		return nil
	}
	out := make([]any, l.Len())
	for i := range out {
		out[i] = l.Get(i).String()
	}
	return out
}

func setString(out map[string]any, key string, m protoreflect.Message, name string) {
	if s := field(m, name).String(); s != "" {
		out[key] = s
	}
}

func setStrings(out map[string]any, key string, m protoreflect.Message, name string) {
	if l := strs(m, name); l != nil {
		out[key] = l
	}
}

// named calls f with the name and value message of each Named* message of a repeated field.
func named(m protoreflect.Message, name string, f func(string, protoreflect.Message)) {
	l := field(m, name).List()
	for i := 0; i < l.Len(); i++ {
		n := l.Get(i).Message()
		f(field(n, "name").String(), msgField(n, "value"))
	}
}

func extensions(t *testing.T, out map[string]any, m protoreflect.Message) {
	named(m, "vendor_extension", func(name string, v protoreflect.Message) {
		var value any
		if err := json.Unmarshal([]byte(field(v, "yaml").String()), &value); err != nil {
			t.Errorf("extension %s: %v", name, err)
		}
		out[name] = value
	})
}

func documentJSON(t *testing.T, doc protoreflect.Message) map[string]any {
	info := msgField(doc, "info")
	out := map[string]any{
		"swagger": field(doc, "swagger").String(),
		"info":    map[string]any{"title": field(info, "title").String(), "version": field(info, "version").String()},
	}
	paths := map[string]any{}
	named(msgField(doc, "paths"), "path", func(name string, item protoreflect.Message) {
		p := map[string]any{}
		for _, method := range methodOrder {
			if has(item, method) {
				p[method] = operationJSON(t, msgField(item, method))
			}
		}
		if params := parametersJSON(t, item, "parameters"); params != nil {
			p["parameters"] = params
		}
		paths[name] = p
	})
	out["paths"] = paths
	defs := map[string]any{}
	named(msgField(doc, "definitions"), "additional_properties", func(name string, s protoreflect.Message) {
		defs[name] = schemaJSON(t, s)
	})
	out["definitions"] = defs
	var security []any
	l := field(doc, "security").List()
	for i := 0; i < l.Len(); i++ {
		req := map[string]any{}
		named(l.Get(i).Message(), "additional_properties", func(name string, v protoreflect.Message) {
			req[name] = append([]any{}, strs(v, "value")...)
		})
		security = append(security, req)
	}
	out["security"] = security
	secDefs := map[string]any{}
	named(msgField(doc, "security_definitions"), "additional_properties", func(name string, v protoreflect.Message) {
		key := msgField(v, "api_key_security")
		sd := map[string]any{}
		for _, f := range []string{"type", "name", "in", "description"} {
			setString(sd, f, key, f)
		}
		secDefs[name] = sd
	})
	out["securityDefinitions"] = secDefs
	return out
}

func operationJSON(t *testing.T, op protoreflect.Message) map[string]any {
	out := map[string]any{}
	setStrings(out, "tags", op, "tags")
	setString(out, "description", op, "description")
	setString(out, "operationId", op, "operation_id")
	setStrings(out, "produces", op, "produces")
	setStrings(out, "consumes", op, "consumes")
	setStrings(out, "schemes", op, "schemes")
	if params := parametersJSON(t, op, "parameters"); params != nil {
		out["parameters"] = params
	}
	responses := map[string]any{}
	named(msgField(op, "responses"), "response_code", func(code string, v protoreflect.Message) {
		r := msgField(v, "response")
		rj := map[string]any{"description": field(r, "description").String()}
		if has(r, "schema") {
			rj["schema"] = schemaJSON(t, msgField(msgField(r, "schema"), "schema"))
		}
		responses[code] = rj
	})
	out["responses"] = responses
	extensions(t, out, op)
	return out
}

func parametersJSON(t *testing.T, m protoreflect.Message, name string) []any {
	l := field(m, name).List()
	if l.Len() == 0 {
		return nil
	}
	var out []any
	for i := 0; i < l.Len(); i++ {
		p := msgField(l.Get(i).Message(), "parameter")
		pj := map[string]any{}
		if has(p, "body_parameter") {
			body := msgField(p, "body_parameter")
			setString(pj, "name", body, "name")
			setString(pj, "in", body, "in")
			if field(body, "required").Bool() {
				pj["required"] = true
			}
			pj["schema"] = schemaJSON(t, msgField(body, "schema"))
		} else {
			nb := msgField(p, "non_body_parameter")
			sub := msgField(nb, "query_parameter_sub_schema")
			if has(nb, "path_parameter_sub_schema") {
				sub = msgField(nb, "path_parameter_sub_schema")
			}
			for _, f := range []string{"name", "in", "description", "type"} {
				setString(pj, f, sub, f)
			}
			if field(sub, "required").Bool() {
				pj["required"] = true
			}
			if field(sub, "unique_items").Bool() {
				pj["uniqueItems"] = true
			}
		}
		out = append(out, pj)
	}
	return out
}

func schemaJSON(t *testing.T, s protoreflect.Message) map[string]any {
	out := map[string]any{}
	setString(out, "$ref", s, "_ref")
	setString(out, "format", s, "format")
	setString(out, "description", s, "description")
	if has(s, "default") {
		var value any
		if err := json.Unmarshal([]byte(field(msgField(s, "default"), "yaml").String()), &value); err != nil {
			t.Errorf("default: %v", err)
		}
		out["default"] = value
	}
	setStrings(out, "required", s, "required")
	if has(s, "additional_properties") {
		out["additionalProperties"] = schemaJSON(t, msgField(msgField(s, "additional_properties"), "schema"))
	}
	if types := strs(msgField(s, "type"), "value"); len(types) == 1 {
		out["type"] = types[0]
	}
	if has(s, "items") {
		l := field(msgField(s, "items"), "schema").List()
		if l.Len() != 1 {
			t.Errorf("items with %d schemas", l.Len())
		} else {
			out["items"] = schemaJSON(t, l.Get(0).Message())
		}
	}
	if has(s, "properties") {
		props := map[string]any{}
		named(msgField(s, "properties"), "additional_properties", func(name string, p protoreflect.Message) {
			props[name] = schemaJSON(t, p)
		})
		out["properties"] = props
	}
	extensions(t, out, s)
	return out
}
