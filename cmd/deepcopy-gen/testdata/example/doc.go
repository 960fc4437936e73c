// Package example has a type for each case deepcopy-gen handles. Its zz_generated.deepcopy.go is the
// generator's golden output: the tests check that it is fresh, that it compiles and passes vet, and, with
// deepcopytest, that every copy it makes is deep.
package example

//go:generate go run github.com/skiff-io/skiff/cmd/deepcopy-gen
