package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTableIsCurrent regenerates the table from the module cache and compares it with the
// committed one.
func TestTableIsCurrent(t *testing.T) {
	dirs, err := locateModules()
	if errors.Is(err, errModuleCache) {
		t.Skipf("cannot check that zz_generated.schema.go is current, the Kubernetes modules are out of reach: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	got, err := generate(dirs)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join("..", "..", "zz_generated.schema.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		line := 0
		for line < len(gl) && line < len(wl) && gl[line] == wl[line] {
			line++
		}
		at := func(l []string) string {
			if line < len(l) {
				return l[line]
			}
			return "<end of file>"
		}
		t.Errorf("zz_generated.schema.go is stale; run `go generate ./apiserver/protobuf`. First difference, line %d:\ncommitted   %s\ngenerated   %s",
			line+1, at(wl), at(gl))
	}
}

func TestParse(t *testing.T) {
	src := `
/* licence
   text */
syntax = "proto2";
package a.b.v1;
import "x/y.proto";
option go_package = "a/b/v1"; // trailing comment
option (gogoproto.marshaler_all) = true;

// Outer has every construct the generator accepts.
message Outer {
  option (x).y = "z";
  optional string name = 1;
  repeated int64 ids = 2 [packed = true, deprecated = false];
  map<string, bytes> data = 3;
  optional Inner inner = 4;
  optional .a.b.v1.Other other = 5;
  repeated Outer.Inner inners = 6;
  ;
  message Inner {
    optional bool on = 1;
    optional Deeper deeper = 2;
    message Deeper {}
  }
}
message Other {}
`
	f, err := parseProto("t.proto", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*protoMessage{}
	var names []string
	for _, m := range f.messages {
		byName[m.name] = m
		names = append(names, m.name)
	}
	if got, want := strings.Join(names, " "), "a.b.v1.Outer a.b.v1.Outer.Inner a.b.v1.Outer.Inner.Deeper a.b.v1.Other"; got != want {
		t.Errorf("messages %q, want %q", got, want)
	}
	want := map[string]string{
		"a.b.v1.Outer.inner":        "a.b.v1.Outer.Inner",
		"a.b.v1.Outer.other":        "a.b.v1.Other",
		"a.b.v1.Outer.inners":       "a.b.v1.Outer.Inner",
		"a.b.v1.Outer.Inner.deeper": "a.b.v1.Outer.Inner.Deeper",
	}
	for _, m := range f.messages {
		for _, fl := range m.fields {
			if err := resolveField(f, m, fl, byName); err != nil {
				t.Fatal(err)
			}
			if w := want[m.name+"."+fl.name]; fl.resolved != w {
				t.Errorf("%s.%s resolves to %q, want %q", m.name, fl.name, fl.resolved, w)
			}
		}
	}
	data := byName["a.b.v1.Outer"].fields[2]
	if data.key != "string" || data.typ != "bytes" || data.num != 3 || data.label != "" {
		t.Errorf("map field = %+v", data)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{`syntax = "proto3"; package p;`, `only proto2 is supported`},
		{`message M {}`, `message before the package statement`},
		{`package p; enum E { A = 0; }`, `unsupported statement "enum"`},
		{`package p; message M { oneof o { string a = 1; } }`, `unsupported declaration "oneof"`},
		{`package p; message M { optional string a = 1 [json_name = "b"]; }`, `unsupported field option "json_name"`},
		{`package p; message M { optional string a = 1; optional string b = 1; }`, `share number 1`},
		{`package p; message M { optional string a = 1; optional int32 a = 2; }`, `two fields named a`},
		{`package p; message M { optional string a = 0; }`, `bad field number "0"`},
		{`package p; message M { optional string a = 19001; }`, `bad field number "19001"`},
		{`package p; message M { optional string a = 1 }`, `want ";"`},
		{`package p; message M { optional string a = 1;`, `unterminated message p.M`},
		{`package p; /* open`, `unterminated comment`},
		{`package p; option x = "open`, `unterminated string`},
		{`package p; message M { optional string a@ = 1; }`, `unexpected character '@'`},
		{`syntax = "proto2";`, `no package statement`},
	} {
		_, err := parseProto("t.proto", []byte(tc.src))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseProto(%q) = %v, want an error containing %q", tc.src, err, tc.want)
		}
	}
}

func TestResolveErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{`package p; message M { optional Missing a = 1; }`, `type Missing is not in the table's files`},
		{`package p; message M { optional .q.M a = 1; }`, `type .q.M is not in the table's files`},
		{`package p; message M { optional double a = 1; }`, `scalar type double is not supported`},
		{`package p; message M { map<int32, string> a = 1; }`, `map keys of type int32 are not supported`},
	} {
		f, err := parseProto("t.proto", []byte(tc.src))
		if err != nil {
			t.Fatal(err)
		}
		byName := map[string]*protoMessage{}
		for _, m := range f.messages {
			byName[m.name] = m
		}
		m := f.messages[0]
		err = resolveField(f, m, m.fields[0], byName)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("resolveField(%q) = %v, want an error containing %q", tc.src, err, tc.want)
		}
	}
}

func TestStructTags(t *testing.T) {
	dir := t.TempDir()
	src := `package v1

type Volume struct {
	Name string ` + "`json:\"name\" protobuf:\"bytes,1,opt,name=name\"`" + `
	VolumeSource ` + "`json:\",inline\" protobuf:\"bytes,2,opt,name=volumeSource\"`" + `
	Renamed string ` + "`json:\"other\" protobuf:\"bytes,3,opt,name=renamed\"`" + `
	Raw []byte ` + "`json:\"-\" protobuf:\"bytes,4,opt,name=raw\"`" + `
	NoJSON string ` + "`protobuf:\"bytes,5,opt,name=noJSON\"`" + `
	NoProto string ` + "`json:\"noProto\"`" + `
}
`
	if err := os.WriteFile(filepath.Join(dir, "types.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := readGoTypes(dir, "p")
	if err != nil {
		t.Fatal(err)
	}
	fields := got["p.Volume"]
	if len(fields) != 3 || fields[1].json != "name" || !fields[2].inline || fields[3].json != "other" {
		t.Errorf("readGoTypes = %+v", got)
	}
}
