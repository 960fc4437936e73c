package main

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/example/zz_generated.deepcopy.go")

// tempRoot makes a directory under testdata for packages a test writes, removed when the test ends.
// It must be inside the module so the packages can import skiff's own; the go command ignores testdata
// directories, so a concurrent `go build ./...` never sees them.
func tempRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("testdata", "tmp-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// writeFiles writes files (name to content) into dir, creating it.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// generateDir runs the generator on the package in dir, relative to the test's directory.
func generateDir(t *testing.T, dir string) ([]byte, error) {
	t.Helper()
	roots, err := listRoots(".", []string{"./" + filepath.ToSlash(dir)})
	if err != nil {
		return nil, err
	}
	lp, err := load(roots[0], filepath.Join(roots[0].Dir, defaultOutput))
	if err != nil {
		return nil, err
	}
	return generate(lp)
}

// goCmd runs the go command in the test's directory and fails the test with its output if it fails.
func goCmd(t *testing.T, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// TestExampleGolden checks that testdata/example/zz_generated.deepcopy.go is what the generator writes
// today, and that it passes vet. Run with -update to rewrite it after changing the generator.
func TestExampleGolden(t *testing.T) {
	const dir = "testdata/example"
	got, err := generateDir(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, defaultOutput)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("generated code differs from %s; run go test ./cmd/deepcopy-gen -run TestExampleGolden -update if the change is intended (-want +got):\n%s", path, diff)
	}
	// Building is proven by example_test.go importing the package; vet catches what building does not.
	goCmd(t, "vet", "./"+dir+"/...")
}

// TestErrors checks that each field deepcopy-gen cannot copy is reported with its position, its type and
// field, and what to do.
func TestErrors(t *testing.T) {
	t.Parallel()
	const imports = `import (
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/cmd/deepcopy-gen/testdata/example/other"
)

var _ meta.Object
var _ other.Point
`
	tests := []struct {
		name string
		src  string
		want []string
	}{{
		name: "channel",
		src:  "type T struct {\n\tC chan int\n}\n",
		want: []string{"types.go:12:2: T.C: channels cannot be deep-copied", "mark T with // +skiff:deepcopy=false"},
	}, {
		name: "function",
		src:  "type T struct {\n\tF func()\n}\n",
		want: []string{"types.go:12:2: T.F: functions cannot be deep-copied"},
	}, {
		name: "empty interface",
		src:  "type T struct {\n\tV any\n}\n",
		want: []string{"T.V: interface type any has no DeepCopy method that returns it"},
	}, {
		name: "interface without a deep-copy method",
		src:  "type I interface{ DeepCopyInt() int }\n\ntype T struct {\n\tV I\n}\n",
		want: []string{"T.V: interface type I has no DeepCopy method that returns it"},
	}, {
		name: "struct of another package without methods",
		src:  "type T struct {\n\tN other.NoCopy\n}\n",
		want: []string{"T.N: other.NoCopy holds pointers, slices, maps or interfaces and has no DeepCopyInto method", "testdata/example/other"},
	}, {
		name: "pointer to a struct of another package without methods",
		src:  "type T struct {\n\tN *other.NoCopy\n}\n",
		want: []string{"T.N: other.NoCopy holds pointers"},
	}, {
		name: "map of structs of another package without methods",
		src:  "type T struct {\n\tN map[string]other.NoCopy\n}\n",
		want: []string{"T.N: other.NoCopy holds pointers"},
	}, {
		name: "unexported struct",
		src:  "type inner struct{ S []string }\n\ntype T struct {\n\tIn inner\n}\n",
		want: []string{"T.In: inner holds pointers, slices, maps or interfaces but gets no generated DeepCopyInto (it is unexported"},
	}, {
		name: "opted-out struct",
		src:  "// +skiff:deepcopy=false\ntype Skipped struct{ S []string }\n\ntype T struct {\n\tS []Skipped\n}\n",
		want: []string{"T.S: Skipped holds pointers"},
	}, {
		name: "pointer map key",
		src:  "type T struct {\n\tM map[*int]string\n}\n",
		want: []string{"T.M: map key type *int holds pointers or interfaces"},
	}, {
		name: "named map with a pointer key",
		src:  "type M map[*int]string\n",
		want: []string{"types.go:11:6: M: map key type *int"},
	}, {
		name: "recursive type without methods",
		src:  "// +skiff:deepcopy=false\ntype Loop []Loop\n\ntype T struct {\n\tL Loop\n}\n",
		want: []string{"T.L: type Loop refers to itself and has no DeepCopyInto method"},
	}, {
		name: "hand-written DeepCopyInto with the wrong signature",
		src:  "type T struct{ S []string }\n\nfunc (in *T) DeepCopyInto(out any) {}\n",
		want: []string{"T has a hand-written DeepCopyInto that is not func (*T) DeepCopyInto(*T)"},
	}, {
		name: "API object with a hand-written DeepCopy returning a value",
		src:  "type T struct {\n\tmeta.TypeMeta\n\tmeta.ObjectMeta\n}\n\nfunc (in *T) DeepCopy() T { return *in }\n",
		want: []string{"T is an API object, but its hand-written DeepCopy does not return *T"},
	}, {
		name: "unknown marker value",
		src:  "// +skiff:deepcopy=no\ntype T struct{}\n",
		want: []string{`T: unknown value "no" in +skiff:deepcopy`},
	}, {
		name: "type named like a local variable",
		src:  "type val struct{}\n",
		want: []string{"type val has a name the generated code uses as a local variable"},
	}, {
		name: "all errors at once",
		src:  "type T struct {\n\tC chan int\n\tF func()\n}\n\ntype U struct{ V any }\n",
		want: []string{"T.C: channels", "T.F: functions", "U.V: interface type any"},
	}, {
		name: "type error",
		src:  "type T struct{ S []Missing }\n",
		want: []string{"does not type-check", "undefined: Missing"},
	}}
	root := tempRoot(t)
	for i, tt := range tests {
		dir := filepath.Join(root, "p"+string(rune('a'+i)))
		writeFiles(t, dir, map[string]string{"types.go": "package bad\n\n" + imports + "\n" + tt.src})
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, err := generateDir(t, dir)
			if err == nil {
				t.Fatalf("want an error, got none; generated:\n%s", out)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not contain %q:\n%v", w, err)
				}
			}
		})
	}
}

// TestGenerate checks cases that must succeed: what is generated, and that the result passes vet.
func TestGenerate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		files   map[string]string
		want    []string // snippets the output must contain
		notWant []string // snippets it must not contain
		none    bool     // no file is generated
	}{{
		name: "a stale, broken output file is ignored",
		files: map[string]string{
			"types.go":    "package p\n\ntype T struct{ S []string }\n\nfunc use(t *T) *T { return t.DeepCopy() }\n",
			defaultOutput: "package p\n\nfunc (in *Gone) DeepCopyInto(out *Gone) { undefined() }\n",
		},
		want:    []string{"func (in *T) DeepCopyInto(out *T) {", "func (in *T) DeepCopy() *T {"},
		notWant: []string{"Gone"},
	}, {
		name: "markers",
		files: map[string]string{"types.go": `package p

type (
	// +skiff:deepcopy=false
	A struct{ S []string }
	B struct{ S []string }
)

type C struct{ S []string } // +skiff:deepcopy=false

type D struct{ S []string }

// +skiff:deepcopy=false

// E is skipped by the block above its doc comment.
type E struct{ S []string }

// +skiff:deepcopy=true
type F struct{ S []string }
`},
		want:    []string{"func (in *B) DeepCopy", "func (in *C) DeepCopy", "func (in *D) DeepCopy", "func (in *F) DeepCopy"},
		notWant: []string{"func (in *A)", "func (in *E)"},
	}, {
		name: "import name taken by a type of the package",
		files: map[string]string{"types.go": `package p

import metav1 "github.com/skiff-io/skiff/api/meta"

type meta int

var _ meta

type Obj struct {
	metav1.TypeMeta
	metav1.ObjectMeta
}
`},
		want: []string{`meta2 "github.com/skiff-io/skiff/api/meta"`, "func (in *Obj) DeepCopyObject() meta2.Object {"},
	}, {
		name: "hand-written methods are kept",
		files: map[string]string{"types.go": `package p

import "github.com/skiff-io/skiff/api/meta"

type Obj struct {
	meta.TypeMeta
	meta.ObjectMeta
}

func (in *Obj) DeepCopyObject() meta.Object { return in.DeepCopy() }

// Q has a DeepCopy returning a value, as Kubernetes' Quantity does.
type Q struct{ p *int }

func (q *Q) DeepCopyInto(out *Q) { *out = q.DeepCopy() }

func (q Q) DeepCopy() Q {
	if q.p != nil {
		v := *q.p
		q.p = &v
	}
	return q
}

type Uses struct {
	M map[string]Q
}
`},
		want:    []string{"func (in *Obj) DeepCopyInto", "func (in *Obj) DeepCopy() *Obj", "(*out)[key] = val.DeepCopy()"},
		notWant: []string{"func (in *Obj) DeepCopyObject", "func (in *Q)", "func (in Q)"},
	}, {
		name: "a generic list holding API objects",
		files: map[string]string{"types.go": `package p

import "github.com/skiff-io/skiff/api/meta"

type Obj struct {
	meta.TypeMeta
	meta.ObjectMeta
}

type Holder struct {
	List  *meta.List[*Obj]
	Lists []meta.List[*Obj]
}
`},
		want: []string{"*out = (*in).DeepCopy()", "(*out)[i] = *(*in)[i].DeepCopy()"},
	}, {
		name: "package marked",
		files: map[string]string{
			"doc.go":      "// Package p has no API types.\n//\n// +skiff:deepcopy=false\npackage p\n",
			"types.go":    "package p\n\ntype Error struct{ Value any }\n",
			defaultOutput: header + "\npackage p\n",
		},
		none: true,
	}, {
		name: "no type needs methods",
		files: map[string]string{
			"types.go":    "package p\n\ntype Phase string\n\ntype hidden struct{ p *int }\n\nvar _ = hidden{}.p\n",
			defaultOutput: header + "\npackage p\n",
		},
		none: true,
	}}
	root := tempRoot(t)
	for i, tt := range tests {
		dir := filepath.Join(root, "p"+string(rune('a'+i)))
		writeFiles(t, dir, tt.files)
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			if code := run([]string{"./" + dir}, &stderr); code != 0 {
				t.Fatalf("exit code %d: %s", code, stderr.String())
			}
			got, err := os.ReadFile(filepath.Join(dir, defaultOutput))
			if tt.none {
				if err == nil {
					t.Errorf("want %s removed, it is still there:\n%s", defaultOutput, got)
				}
				if !strings.Contains(stderr.String(), "removed") {
					t.Errorf("want a note that the file was removed, got %q", stderr.String())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(got, []byte(header)) {
				t.Errorf("output does not start with %q", header)
			}
			for _, w := range tt.want {
				if !bytes.Contains(got, []byte(w)) {
					t.Errorf("output does not contain %q:\n%s", w, got)
				}
			}
			for _, w := range tt.notWant {
				if bytes.Contains(got, []byte(w)) {
					t.Errorf("output contains %q:\n%s", w, got)
				}
			}
		})
	}
	goCmd(t, "vet", "./"+filepath.ToSlash(root)+"/...")
}

// TestVerify checks -verify against a fresh, a changed, a missing and a superfluous file.
func TestVerify(t *testing.T) {
	t.Parallel()
	root := tempRoot(t)
	dir := filepath.Join(root, "p")
	pkg := "./" + filepath.ToSlash(dir)
	writeFiles(t, dir, map[string]string{"types.go": "package p\n\ntype T struct {\n\tS []string\n\tM map[string]int\n}\n"})
	out := filepath.Join(dir, defaultOutput)

	runCmd := func(args ...string) (int, string) {
		var stderr bytes.Buffer
		code := run(args, &stderr)
		return code, stderr.String()
	}
	if code, stderr := runCmd(pkg); code != 0 {
		t.Fatalf("generating: exit code %d: %s", code, stderr)
	}
	if code, stderr := runCmd("-verify", pkg); code != 0 {
		t.Errorf("verify of a fresh file: exit code %d, want 0: %s", code, stderr)
	}

	fresh, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	stale := bytes.Replace(fresh, []byte("copy(*out, *in)"), []byte("*out = *in"), 1)
	if err := os.WriteFile(out, stale, 0o644); err != nil {
		t.Fatal(err)
	}
	code, stderr := runCmd("-verify", pkg)
	if code != 1 {
		t.Errorf("verify of a changed file: exit code %d, want 1", code)
	}
	for _, w := range []string{"is out of date", "go run github.com/skiff-io/skiff/cmd/deepcopy-gen " + pkg, "-\t\t*out = *in", "+\t\tcopy(*out, *in)"} {
		if !strings.Contains(stderr, w) {
			t.Errorf("verify of a changed file: message does not contain %q:\n%s", w, stderr)
		}
	}
	if got, _ := os.ReadFile(out); !bytes.Equal(got, stale) {
		t.Error("verify changed the file")
	}

	os.Remove(out)
	if code, stderr := runCmd("-verify", pkg); code != 1 || !strings.Contains(stderr, "is missing") {
		t.Errorf("verify of a missing file: exit code %d, message %q; want 1 and \"is missing\"", code, stderr)
	}

	writeFiles(t, dir, map[string]string{"types.go": "package p\n\ntype Phase string\n", defaultOutput: string(fresh)})
	if code, stderr := runCmd("-verify", pkg); code != 1 || !strings.Contains(stderr, "should not exist") {
		t.Errorf("verify of a superfluous file: exit code %d, message %q; want 1 and \"should not exist\"", code, stderr)
	}
}

func TestUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-o", "sub/x.go", "."}, 2, "want a file name ending in .go"},
		{[]string{"-o", "x.txt", "."}, 2, "want a file name ending in .go"},
		{[]string{"-nope"}, 2, "flag provided but not defined"},
		{[]string{"-h"}, 0, "usage: deepcopy-gen"},
		{[]string{"./testdata/does-not-exist"}, 1, "does-not-exist"},
		// The default package is the current directory, this command, whose types are all unexported.
		{[]string{"-verify"}, 0, ""},
	}
	for _, tt := range tests {
		var stderr bytes.Buffer
		code := run(tt.args, &stderr)
		if code != tt.code || !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("run(%q) = %d, %q; want %d and a message containing %q", tt.args, code, stderr.String(), tt.code, tt.want)
		}
	}
}

// TestMetaMatchesHandWritten generates the api/meta package's methods into a copy of it and checks them,
// with deepcopytest and against the hand-written zz_generated.deepcopy.go, by running
// testdata/metacompare_test.go.tmpl in a temporary package.
func TestMetaMatchesHandWritten(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test in a subprocess")
	}
	t.Parallel()
	const src = "../../api/meta"
	root := tempRoot(t)
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		writeFiles(t, filepath.Join(root, "hand"), map[string]string{name: string(b)})
		if name != defaultOutput {
			writeFiles(t, filepath.Join(root, "gen"), map[string]string{name: string(b)})
		}
	}
	var stderr bytes.Buffer
	if code := run([]string{"./" + filepath.ToSlash(filepath.Join(root, "gen"))}, &stderr); code != 0 {
		t.Fatalf("generating: exit code %d: %s", code, stderr.String())
	}
	tmpl, err := os.ReadFile("testdata/metacompare_test.go.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	test := strings.ReplaceAll(string(tmpl), "ROOT", "github.com/skiff-io/skiff/cmd/deepcopy-gen/"+filepath.ToSlash(root))
	writeFiles(t, root, map[string]string{"compare_test.go": test})
	goCmd(t, "test", "-count=1", "./"+filepath.ToSlash(root))
}

func TestLineDiff(t *testing.T) {
	a := "a\nb\nc\nd\ne\nf\ng\nh\n"
	b := "a\nb\nc\nd\nE\nf\ng\nh\ni\n"
	want := `--- old
+++ new
@@ line 2 @@
 b
 c
 d
-e
+E
 f
 g
 h
+i`
	if diff := cmp.Diff(want, lineDiff([]byte(a), []byte(b), "old", "new")); diff != "" {
		t.Errorf("lineDiff (-want +got):\n%s", diff)
	}
}
