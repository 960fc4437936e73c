// Command deepcopy-gen writes the deep-copy methods of skiff's API types, as Kubernetes' deepcopy-gen
// does for Kubernetes', into zz_generated.deepcopy.go in each package. Objects handed out by a store or a
// cache are shared and read-only, so code copies them before changing them; these methods make that copy.
//
// A package asks for its methods with one line, and `go generate ./...` keeps them current:
//
//	//go:generate go run github.com/skiff-io/skiff/cmd/deepcopy-gen
//
// The command can also be run directly, and CI checks that the committed files are fresh with -verify,
// which writes nothing and fails with a diff when a file is stale:
//
//	go run github.com/skiff-io/skiff/cmd/deepcopy-gen ./api/...          # write
//	go run github.com/skiff-io/skiff/cmd/deepcopy-gen -verify ./api/...  # check
//
// Flags: -o names the output file (default zz_generated.deepcopy.go, always in the package's directory);
// -verify checks instead of writing; -v reports each package. Packages default to ".". Several packages
// are done in dependency order, so that each sees the fresh methods of those it imports.
//
// # What is generated
//
// Every exported, non-generic named struct type gets
//
//	func (in *T) DeepCopyInto(out *T) // copies in into out, sharing no memory; in must be non-nil
//	func (in *T) DeepCopy() *T        // nil for a nil receiver
//
// and an API object, a struct embedding both meta.TypeMeta and meta.ObjectMeta, also gets
//
//	func (in *T) DeepCopyObject() meta.Object // a nil interface, not a typed nil, for a nil receiver
//
// Exported named maps and slices (type ResourceList map[ResourceName]resource.Quantity) get the
// value-receiver forms Kubernetes uses, func (in L) DeepCopyInto(out *L) and func (in L) DeepCopy() L.
// A method written by hand in the package is never generated, so a type can take over any of them;
// a type marked
//
//	// +skiff:deepcopy=false
//
// in its doc comment, or in a comment block one blank line above it, gets none. The same line above a
// package clause skips the whole package, for packages without API types in a tree generated with a
// pattern such as ./api/... (the file is then removed, and -verify requires it to be absent).
//
// # How fields are copied
//
// The generator works from go/types, not from names. Plain data (basic types, time.Time, and arrays and
// structs of plain data) is copied by assignment. Pointers get a new value; slices and maps are remade
// and their elements copied the same way, recursively. A struct, named map or named slice is copied with
// its DeepCopyInto method, whether it is generated in this run, written by hand, or comes from another
// package, such as meta.Time or resource.Quantity; a struct with only a DeepCopy method is copied with
// that. An interface field is copied with the interface's own DeepCopy... method that returns it, as
// meta.Object's DeepCopyObject.
//
// Anything else cannot be copied safely, and is reported with its position, type and field, and what
// to do, rather than copied shallowly: channels, functions, interfaces without such a method, map keys
// holding pointers, and structs holding pointers, slices, maps or interfaces without a DeepCopyInto
// method (from another package, or unexported or marked in this one).
//
// The tests of an API package prove the copies deep with the deepcopytest package in this directory.
package main
