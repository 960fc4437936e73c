package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// The loader runs `go list` and type-checks with go/types against the compiler's export data, which is
// what golang.org/x/tools/go/packages does in this mode. go/packages itself is not used because it needs
// golang.org/x/sync and golang.org/x/mod, which this module does not require.

// listedPackage holds the fields of `go list -json` output that the loader reads.
type listedPackage struct {
	Dir        string
	ImportPath string
	Name       string
	GoFiles    []string
	CgoFiles   []string
	Export     string
	DepOnly    bool
	Error      *struct{ Err string }
}

// goList runs `go list -json` in dir and decodes its stream of packages.
func goList(dir string, args ...string) ([]listedPackage, error) {
	cmd := exec.Command("go", append([]string{"list", "-json=Dir,ImportPath,Name,GoFiles,CgoFiles,Export,DepOnly,Error"}, args...)...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("go list %s: %s", strings.Join(args, " "), msg)
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(&stdout)
	for {
		var p listedPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("reading go list output: %w", err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs, nil
}

// listRoots resolves package patterns, run from dir, to the packages they name, dependencies first so that
// a package is generated after the packages it imports.
func listRoots(dir string, patterns []string) ([]listedPackage, error) {
	// -deps lists in dependency order; -e keeps going past broken packages so that the errors of the
	// packages asked for can be reported one by one.
	all, err := goList(dir, append([]string{"-e", "-deps"}, patterns...)...)
	if err != nil {
		return nil, err
	}
	var roots []listedPackage
	var errs []error
	for _, p := range all {
		if p.DepOnly {
			continue
		}
		if p.Error != nil {
			errs = append(errs, fmt.Errorf("%s: %s", p.ImportPath, strings.TrimSpace(p.Error.Err)))
			continue
		}
		roots = append(roots, p)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(roots) == 0 {
		return nil, fmt.Errorf("no packages match %s", strings.Join(patterns, " "))
	}
	return roots, nil
}

// loadedPackage is a parsed and type-checked package.
type loadedPackage struct {
	fset  *token.FileSet
	types *types.Package
	files []*ast.File
}

// load parses and type-checks the package lp, leaving out the file skip (the generator's own output).
//
// The output is left out so that the methods it holds are not mistaken for hand-written ones, and so that a
// stale or broken output file cannot stop generation. Type errors that come from its absence (other files
// calling DeepCopy, or using a type as a meta.Object) are tolerated; any other error is reported.
func load(lp listedPackage, skip string) (*loadedPackage, error) {
	if len(lp.CgoFiles) > 0 {
		return nil, fmt.Errorf("%s uses cgo, which deepcopy-gen does not support; keep API types in a package without cgo", lp.ImportPath)
	}
	fset := token.NewFileSet()
	var files []*ast.File
	imports := map[string]bool{}
	for _, name := range lp.GoFiles {
		path := filepath.Join(lp.Dir, name)
		if path == skip {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(fset, path, src, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
		for _, spec := range f.Imports {
			if p, err := strconv.Unquote(spec.Path.Value); err == nil && p != "unsafe" && p != "C" {
				imports[p] = true
			}
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s has no Go files besides %s", lp.ImportPath, filepath.Base(skip))
	}

	exports := map[string]string{}
	if len(imports) > 0 {
		paths := make([]string, 0, len(imports))
		for p := range imports {
			paths = append(paths, p)
		}
		deps, err := goList(lp.Dir, append([]string{"-export", "-deps"}, paths...)...)
		if err != nil {
			return nil, fmt.Errorf("compiling the imports of %s: %w", lp.ImportPath, err)
		}
		for _, d := range deps {
			exports[d.ImportPath] = d.Export
		}
	}
	lookup := func(path string) (io.ReadCloser, error) {
		file, ok := exports[path]
		if !ok || file == "" {
			return nil, fmt.Errorf("no export data for %q", path)
		}
		return os.Open(file)
	}

	var typeErrs []error
	conf := types.Config{
		Importer: importer.ForCompiler(fset, "gc", lookup),
		Error: func(err error) {
			if !strings.Contains(err.Error(), "DeepCopy") {
				typeErrs = append(typeErrs, err)
			}
		},
	}
	pkg, _ := conf.Check(lp.ImportPath, fset, files, nil)
	if len(typeErrs) > 0 {
		return nil, fmt.Errorf("%s does not type-check; fix these first:\n%w", lp.ImportPath, errors.Join(typeErrs...))
	}
	return &loadedPackage{fset: fset, types: pkg, files: files}, nil
}
