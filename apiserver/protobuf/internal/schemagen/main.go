// Command schemagen writes zz_generated.schema.go for package apiserver/protobuf: the protobuf
// schema of the Kubernetes API groups skiff serves, read from the generated.proto files of
// k8s.io/api and k8s.io/apimachinery in the Go module cache. Neither module is a dependency of
// skiff: schemagen asks `go mod download -json` where they are, downloading them if need be.
//
// Run it with go generate in apiserver/protobuf:
//
//	go generate ./apiserver/protobuf
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// The Kubernetes release whose .proto files the table is made from.
const (
	apiModule       = "k8s.io/api"
	machineryModule = "k8s.io/apimachinery"
	kubeVersion     = "v0.37.2"
)

// source is one generated.proto file of the table.
type source struct {
	module, dir string
	// group and version are the API group/version the file's messages are served as; version is ""
	// for files that only hold types other files use.
	group, version string
	// ident names the Go constant holding the file's package prefix.
	ident string
}

var sources = []source{
	{apiModule, "core/v1", "", "v1", "pkgCoreV1"},
	{apiModule, "apps/v1", "apps", "v1", "pkgAppsV1"},
	{apiModule, "rbac/v1", "rbac.authorization.k8s.io", "v1", "pkgRBACV1"},
	{apiModule, "coordination/v1", "coordination.k8s.io", "v1", "pkgCoordinationV1"},
	{apiModule, "autoscaling/v1", "autoscaling", "v1", "pkgAutoscalingV1"},
	{apiModule, "admissionregistration/v1", "admissionregistration.k8s.io", "v1", "pkgAdmissionregistrationV1"},
	{apiModule, "authentication/v1", "authentication.k8s.io", "v1", "pkgAuthenticationV1"},
	{apiModule, "authorization/v1", "authorization.k8s.io", "v1", "pkgAuthorizationV1"},
	{machineryModule, "pkg/apis/meta/v1", "meta.k8s.io", "v1", "pkgMetaV1"},
	{machineryModule, "pkg/api/resource", "", "", "pkgResource"},
	{machineryModule, "pkg/util/intstr", "", "", "pkgIntstr"},
	{machineryModule, "pkg/runtime", "", "", "pkgRuntime"},
	{machineryModule, "pkg/runtime/schema", "", "", "pkgRuntimeSchema"},
}

// maxFieldNumber is the largest field number the decoder indexes (it panics on larger ones);
// Kubernetes' numbers stay below 100.
const maxFieldNumber = 1 << 12

// scalarKinds maps the proto scalar types the decoder supports to the table's kind constants.
var scalarKinds = map[string]string{
	"int32":  "kindInt32",
	"int64":  "kindInt64",
	"bool":   "kindBool",
	"string": "kindString",
	"bytes":  "kindBytes",
}

func main() {
	out := flag.String("o", "zz_generated.schema.go", "file to write")
	flag.Parse()
	dirs, err := locateModules()
	if err != nil {
		fmt.Fprintf(os.Stderr, "schemagen: %v\n", err)
		os.Exit(1)
	}
	src, err := generate(dirs)
	if err != nil {
		fmt.Fprintf(os.Stderr, "schemagen: %v\n", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		fmt.Fprintf(os.Stderr, "schemagen: %v\n", err)
		os.Exit(1)
	}
}

// errModuleCache is wrapped when the modules holding the .proto files cannot be found.
var errModuleCache = errors.New("cannot locate the Kubernetes modules in the Go module cache")

// locateModules returns the directory of each module in the module cache, downloading it if it
// is missing. It runs outside any module so that skiff's go.mod and go.sum are never touched.
func locateModules() (map[string]string, error) {
	cmd := exec.Command("go", "mod", "download", "-json", apiModule+"@"+kubeVersion, machineryModule+"@"+kubeVersion)
	cmd.Dir = os.TempDir()
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off", "GO111MODULE=on")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil && len(stdout) == 0 {
		return nil, fmt.Errorf("%w: go mod download: %v: %s", errModuleCache, err, strings.TrimSpace(stderr.String()))
	}
	dirs := map[string]string{}
	dec := json.NewDecoder(bytes.NewReader(stdout))
	for dec.More() {
		var m struct{ Path, Version, Dir, Error string }
		if err := dec.Decode(&m); err != nil {
			return nil, fmt.Errorf("%w: reading go mod download's output: %v", errModuleCache, err)
		}
		if m.Error != "" {
			return nil, fmt.Errorf("%w: %s@%s: %s", errModuleCache, m.Path, m.Version, m.Error)
		}
		dirs[m.Path] = m.Dir
	}
	for _, mod := range []string{apiModule, machineryModule} {
		if dirs[mod] == "" {
			return nil, fmt.Errorf("%w: go mod download did not report %s", errModuleCache, mod)
		}
	}
	return dirs, nil
}

// generate reads every source's generated.proto from the module directories and returns the
// formatted Go file.
func generate(dirs map[string]string) ([]byte, error) {
	var files []*protoFile
	prefixIdent := map[string]string{}        // proto package -> Go constant
	goTypes := map[string]map[int32]goField{} // message -> number -> JSON facts
	for _, s := range sources {
		dir := filepath.Join(dirs[s.module], filepath.FromSlash(s.dir))
		src, err := os.ReadFile(filepath.Join(dir, "generated.proto"))
		if err != nil {
			return nil, err
		}
		f, err := parseProto(s.module+"/"+s.dir+"/generated.proto", src)
		if err != nil {
			return nil, err
		}
		if _, dup := prefixIdent[f.pkg]; dup {
			return nil, fmt.Errorf("%s: package %s appears twice", f.path, f.pkg)
		}
		prefixIdent[f.pkg] = s.ident
		files = append(files, f)
		types, err := readGoTypes(dir, f.pkg)
		if err != nil {
			return nil, err
		}
		for name, fields := range types {
			goTypes[name] = fields
		}
	}

	byName := map[string]*protoMessage{}
	var messages []*protoMessage
	for _, f := range files {
		for _, m := range f.messages {
			if _, dup := byName[m.name]; dup {
				return nil, fmt.Errorf("%s: message %s is defined twice", f.path, m.name)
			}
			byName[m.name] = m
			messages = append(messages, m)
		}
	}
	for _, f := range files {
		for _, m := range f.messages {
			for _, fl := range m.fields {
				if err := resolveField(f, m, fl, byName); err != nil {
					return nil, err
				}
				if err := applyGoTags(f, m, fl, goTypes[m.name][fl.num]); err != nil {
					return nil, err
				}
			}
		}
	}
	sort.Slice(messages, func(i, j int) bool { return messages[i].name < messages[j].name })

	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by schemagen from the generated.proto files of %s %s and %s %s. DO NOT EDIT.\n",
		apiModule, kubeVersion, machineryModule, kubeVersion)
	b.WriteString("// Regenerate with: go generate ./apiserver/protobuf\n\npackage protobuf\n\n")
	fmt.Fprintf(&b, "// schemaSource names the Kubernetes release the table is made from.\nconst schemaSource = %q\n\n",
		apiModule+"@"+kubeVersion+", "+machineryModule+"@"+kubeVersion)
	b.WriteString("// The proto package of each file, as the prefix of its messages' names.\nconst (\n")
	for _, f := range files {
		fmt.Fprintf(&b, "\t%s = %q\n", prefixIdent[f.pkg], f.pkg+".")
	}
	b.WriteString(")\n\n")
	b.WriteString("// schemaPackages maps the API group/versions the table serves to their proto packages.\n")
	b.WriteString("var schemaPackages = []schemaPackage{\n")
	for i, s := range sources {
		if s.version != "" {
			fmt.Fprintf(&b, "\t{group: %q, version: %q, prefix: %s},\n", s.group, s.version, prefixIdent[files[i].pkg])
		}
	}
	b.WriteString("}\n\n")
	b.WriteString("// schemaMessages holds every message, sorted by name, with its fields sorted by number.\n")
	b.WriteString("var schemaMessages = []schemaMessage{\n")
	for _, m := range messages {
		fmt.Fprintf(&b, "\t{name: %s, fields: []schemaField{\n", goName(m.name, prefixIdent))
		fields := append([]*protoField(nil), m.fields...)
		sort.Slice(fields, func(i, j int) bool { return fields[i].num < fields[j].num })
		for _, f := range fields {
			fmt.Fprintf(&b, "\t\t{num: %d, name: %s", f.num, strconv.Quote(f.jsonName()))
			switch {
			case f.key != "":
				fmt.Fprintf(&b, ", kind: kindMap, key: %s, val: %s", scalarKinds[f.key], valueKind(f))
			default:
				fmt.Fprintf(&b, ", kind: %s", valueKind(f))
				if f.label == "repeated" {
					b.WriteString(", repeated: true")
				}
				if f.inline {
					b.WriteString(", inline: true")
				}
			}
			if f.resolved != "" {
				fmt.Fprintf(&b, ", typ: %s", goName(f.resolved, prefixIdent))
			}
			b.WriteString("},\n")
		}
		b.WriteString("\t}},\n")
	}
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}

// applyGoTags records what the Go struct tags say about the field's JSON form.
func applyGoTags(file *protoFile, m *protoMessage, f *protoField, g goField) error {
	switch {
	case g.inline:
		if f.resolved == "" || f.key != "" || f.label == "repeated" {
			return fmt.Errorf("%s:%d: %s.%s is inlined in JSON but is not a singular message", file.path, f.line, m.name, f.name)
		}
		f.inline = true
	case g.json != "" && g.json != f.name:
		f.json = g.json
	}
	return nil
}

func valueKind(f *protoField) string {
	if f.resolved != "" {
		return "kindMessage"
	}
	return scalarKinds[f.typ]
}

// resolveField checks the field's types and finds the message it names, following protobuf's
// scoping: a relative name is looked up in the enclosing message, then in each enclosing scope
// out to the file's package and its parents.
func resolveField(file *protoFile, m *protoMessage, f *protoField, byName map[string]*protoMessage) error {
	where := fmt.Sprintf("%s:%d: %s.%s", file.path, f.line, m.name, f.name)
	if f.num > maxFieldNumber {
		return fmt.Errorf("%s: field number %d is above %d, the largest the decoder's index takes", where, f.num, maxFieldNumber)
	}
	if f.key != "" {
		if f.key != "string" {
			return fmt.Errorf("%s: map keys of type %s are not supported (only string)", where, f.key)
		}
		if f.label != "" {
			return fmt.Errorf("%s: a map field has no label", where)
		}
	}
	if _, ok := scalarKinds[f.typ]; ok {
		return nil
	}
	if isScalar(f.typ) {
		return fmt.Errorf("%s: scalar type %s is not supported by the decoder", where, f.typ)
	}
	if strings.HasPrefix(f.typ, ".") {
		if _, ok := byName[f.typ[1:]]; !ok {
			return fmt.Errorf("%s: type %s is not in the table's files", where, f.typ)
		}
		f.resolved = f.typ[1:]
		return nil
	}
	for scope := m.scope; ; {
		if _, ok := byName[scope+"."+f.typ]; ok {
			f.resolved = scope + "." + f.typ
			return nil
		}
		i := strings.LastIndexByte(scope, '.')
		if i < 0 {
			break
		}
		scope = scope[:i]
	}
	if _, ok := byName[f.typ]; ok {
		f.resolved = f.typ
		return nil
	}
	return fmt.Errorf("%s: type %s is not in the table's files", where, f.typ)
}

func isScalar(t string) bool {
	switch t {
	case "double", "float", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64", "sfixed32", "sfixed64":
		return true
	}
	return false
}

// goName writes a message name as its package's constant plus the rest.
func goName(name string, prefixIdent map[string]string) string {
	best := ""
	for pkg := range prefixIdent {
		if strings.HasPrefix(name, pkg+".") && len(pkg) > len(best) {
			best = pkg
		}
	}
	return prefixIdent[best] + " + " + strconv.Quote(name[len(best)+1:])
}
