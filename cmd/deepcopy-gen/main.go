package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

const defaultOutput = "zz_generated.deepcopy.go"

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

// run is the whole command; it returns the exit code: 0 on success, 1 when generation failed or -verify
// found a stale file, 2 on bad usage.
func run(args []string, stderr io.Writer) int {
	flags := flag.NewFlagSet("deepcopy-gen", flag.ContinueOnError)
	flags.SetOutput(stderr)
	output := flags.String("o", defaultOutput, "`file` name of the generated code, written in each package's directory")
	verify := flags.Bool("verify", false, "write nothing; fail if a generated file is missing or differs from what would be generated")
	verbose := flags.Bool("v", false, "report each package as it is done")
	flags.Usage = func() {
		fmt.Fprintf(stderr, "usage: deepcopy-gen [-o file] [-verify] [-v] [packages]\n\n")
		fmt.Fprintf(stderr, "Writes DeepCopyInto, DeepCopy and DeepCopyObject methods for the types of each package\n")
		fmt.Fprintf(stderr, "(default: the package in the current directory).\n\n")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *output != filepath.Base(*output) || !strings.HasSuffix(*output, ".go") {
		fmt.Fprintf(stderr, "deepcopy-gen: -o %q: want a file name ending in .go, such as %s; it is written in each package's directory\n", *output, defaultOutput)
		return 2
	}
	patterns := flags.Args()
	if len(patterns) == 0 {
		patterns = []string{"."}
	}

	roots, err := listRoots(".", patterns)
	if err != nil {
		fmt.Fprintf(stderr, "deepcopy-gen: %v\n", err)
		return 1
	}
	code := 0
	for _, lp := range roots {
		if err := doPackage(lp, filepath.Join(lp.Dir, *output), *verify, *verbose, stderr); err != nil {
			fmt.Fprintf(stderr, "deepcopy-gen: %s:\n%v\n", lp.ImportPath, err)
			code = 1
		}
	}
	return code
}

// doPackage generates the file of one package, and writes it or, with verify, compares it with the file
// on disk.
func doPackage(lp listedPackage, outPath string, verify, verbose bool, stderr io.Writer) error {
	lpkg, err := load(lp, outPath)
	if err != nil {
		return err
	}
	want, err := generate(lpkg)
	if err != nil {
		return err
	}
	have, err := os.ReadFile(outPath)
	exists := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	name := relPath(outPath)

	if verify {
		switch {
		case want == nil && exists:
			return fmt.Errorf("%s should not exist: no type in the package needs deep-copy methods; delete it or run %s", name, regenerateCommand(lp.Dir))
		case want == nil || bytes.Equal(want, have):
			if verbose {
				fmt.Fprintf(stderr, "deepcopy-gen: %s is up to date\n", name)
			}
			return nil
		case !exists:
			return fmt.Errorf("%s is missing; run %s", name, regenerateCommand(lp.Dir))
		}
		return fmt.Errorf("%s is out of date; run %s\n%s", name, regenerateCommand(lp.Dir), lineDiff(have, want, name+" (on disk)", name+" (generated)"))
	}

	switch {
	case want == nil && exists:
		if err := os.Remove(outPath); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "deepcopy-gen: removed %s: no type in the package needs deep-copy methods\n", name)
	case want == nil:
		if verbose {
			fmt.Fprintf(stderr, "deepcopy-gen: %s: no type needs deep-copy methods\n", lp.ImportPath)
		}
	case bytes.Equal(want, have):
		// Leave the file alone so that its modification time says when it last changed.
		if verbose {
			fmt.Fprintf(stderr, "deepcopy-gen: %s is up to date\n", name)
		}
	default:
		if err := os.WriteFile(outPath, want, 0o644); err != nil {
			return err
		}
		if verbose {
			fmt.Fprintf(stderr, "deepcopy-gen: wrote %s\n", name)
		}
	}
	return nil
}

// regenerateCommand is the command that brings the file in dir up to date, for error messages.
func regenerateCommand(dir string) string {
	rel := relPath(dir)
	if !filepath.IsAbs(rel) && rel != "." {
		rel = "." + string(filepath.Separator) + rel
	}
	return "go run github.com/skiff-io/skiff/cmd/deepcopy-gen " + rel
}
