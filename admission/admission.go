package admission

import (
	"context"
	"strings"

	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/audit"
	"github.com/skiff-io/skiff/authn"
)

// Operation is what a request does to an object.
type Operation string

// The operations.
const (
	Create  Operation = "CREATE"
	Update  Operation = "UPDATE"
	Delete  Operation = "DELETE"
	Connect Operation = "CONNECT"
)

// Attributes describe the request being admitted. Mutating plugins change Object in place.
type Attributes struct {
	Operation   Operation
	Object      meta.Object // the new object; nil on delete
	OldObject   meta.Object // the current object on update and delete
	Group       string
	Version     string
	Kind        string
	Resource    string
	Subresource string
	Namespace   string
	Name        string
	User        authn.User
	DryRun      bool
}

// Plugin is anything in a chain; it implements Mutator, Validator or both.
type Plugin interface {
	// Name identifies the plugin in errors and audit records.
	Name() string
	// Handles reports whether the plugin cares about an operation.
	Handles(op Operation) bool
}

// Mutator changes objects. A returned error rejects the request.
type Mutator interface {
	Plugin
	Admit(ctx context.Context, a *Attributes) error
}

// Validator accepts or rejects objects without changing them.
type Validator interface {
	Plugin
	Validate(ctx context.Context, a *Attributes) error
}

// Chain is a list of plugins run in order.
type Chain []Plugin

// Admit runs every mutating plugin that handles the operation; the first error stops the chain.
// The request's audit record names the plugins that ran, and the one that rejected.
func (c Chain) Admit(ctx context.Context, a *Attributes) error {
	var ran []string
	defer func() { note(ctx, "admission.skiff.io/mutating", ran) }()
	for _, p := range c {
		if m, ok := p.(Mutator); ok && p.Handles(a.Operation) {
			ran = append(ran, p.Name())
			if err := m.Admit(ctx, a); err != nil {
				audit.Annotate(ctx, "admission.skiff.io/rejected-by", p.Name())
				return &Error{Plugin: p.Name(), Err: err}
			}
		}
	}
	return nil
}

// Validate runs every validating plugin that handles the operation; the first error stops it.
func (c Chain) Validate(ctx context.Context, a *Attributes) error {
	var ran []string
	defer func() { note(ctx, "admission.skiff.io/validating", ran) }()
	for _, p := range c {
		if v, ok := p.(Validator); ok && p.Handles(a.Operation) {
			ran = append(ran, p.Name())
			if err := v.Validate(ctx, a); err != nil {
				audit.Annotate(ctx, "admission.skiff.io/rejected-by", p.Name())
				return &Error{Plugin: p.Name(), Err: err}
			}
		}
	}
	return nil
}

func note(ctx context.Context, key string, ran []string) {
	if len(ran) > 0 {
		audit.Annotate(ctx, key, strings.Join(ran, ","))
	}
}

// Error is a plugin's rejection.
type Error struct {
	Plugin string
	Err    error
}

func (e *Error) Error() string { return e.Err.Error() }

// Unwrap returns the plugin's error, which may be a *meta.Status the server sends as is.
func (e *Error) Unwrap() error { return e.Err }
