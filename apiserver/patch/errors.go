package patch

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Sentinels every error of this package wraps; test for them with errors.Is. The API server maps
// ErrInvalidPatch to 400 Bad Request (422 for a JSON patch that does not apply, as Kubernetes
// does), ErrInvalidDocument to 500, ErrConflict to 409 and ErrTooLarge to 413.
var (
	// ErrInvalidPatch: the patch or applied configuration is malformed, or does not apply to the
	// document (a JSON patch path that does not exist, a merge key missing from a list item, a field
	// the schema does not declare in an applied configuration, ...).
	ErrInvalidPatch = errors.New("patch: invalid patch")
	// ErrInvalidDocument: the document being patched is not valid JSON, or its managedFields cannot
	// be decoded. It comes from the server's own storage, so it is never the client's fault.
	ErrInvalidDocument = errors.New("patch: invalid document")
	// ErrConflict: a server-side apply would change fields another manager owns. The error is a
	// *ConflictError listing them.
	ErrConflict = errors.New("patch: apply conflict")
	// ErrTooLarge: a JSON patch has too many operations, or would grow the document past
	// MaxDocumentBytes.
	ErrTooLarge = errors.New("patch: too large")
	// ErrInvalidSchema: a Go type's patchStrategy, patchMergeKey, listType or listMapKeys tags
	// contradict each other or the type.
	ErrInvalidSchema = errors.New("patch: invalid schema")
)

// Error is a failure at one place in a document. Path names the place: a field path such as
// "spec.template.spec.containers[1].image" for merge patches and apply, or a JSON pointer for a
// JSON patch.
type Error struct {
	// Op says what was being done: "strategic merge patch", "json patch operation 2 (replace
	// /spec/replicas)", "apply", ...
	Op string
	// Path is where in the document it went wrong; empty for the document as a whole.
	Path string
	// Msg says what was wrong.
	Msg string
	// Err is the package sentinel the error wraps.
	Err error

	// rev holds path segments innermost first while the error travels up a recursive walk.
	rev []string
	// pathInOp is set when Op already names the path, so Error does not repeat it.
	pathInOp bool
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	if e.Path != "" && !e.pathInOp {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns the sentinel.
func (e *Error) Unwrap() error { return e.Err }

// invalidf returns an ErrInvalidPatch error whose path is filled in as it propagates up.
func invalidf(format string, args ...any) *Error {
	return &Error{Err: ErrInvalidPatch, Msg: fmt.Sprintf(format, args...)}
}

// at records that err happened inside the field or map key named key. Walks call it as the error
// returns through them, so the path costs nothing unless something fails.
func at(err error, key string) error {
	var e *Error
	if errors.As(err, &e) {
		e.rev = append(e.rev, "."+key)
	}
	return err
}

// atIndex records that err happened inside list item i.
func atIndex(err error, i int) error {
	var e *Error
	if errors.As(err, &e) {
		e.rev = append(e.rev, "["+strconv.Itoa(i)+"]")
	}
	return err
}

// finish fills in Op and Path of an error leaving the package.
func finish(err error, op string) error {
	if err == nil {
		return nil
	}
	var conflict *ConflictError
	if errors.As(err, &conflict) {
		return conflict
	}
	var e *Error
	if !errors.As(err, &e) {
		return &Error{Op: op, Msg: err.Error(), Err: ErrInvalidPatch}
	}
	if e.Op == "" {
		e.Op = op
	}
	if len(e.rev) > 0 {
		segs := slices.Clone(e.rev)
		slices.Reverse(segs)
		e.Path = strings.TrimPrefix(strings.Join(segs, ""), ".")
		e.rev = nil
	}
	return e
}

// documentError reports a document (not a patch) that cannot be read.
func documentError(op string, err error) error {
	return &Error{Op: op, Msg: "document: " + err.Error(), Err: ErrInvalidDocument}
}

// Conflict is one field a server-side apply would take from another manager.
type Conflict struct {
	// Manager is the name of the manager that owns the field.
	Manager string
	// Operation is how that manager came to own it: "Apply" or "Update".
	Operation string
	// APIVersion is the version the manager last wrote the object in.
	APIVersion string
	// Path is the field, in structured-merge-diff's notation: .spec.replicas,
	// .spec.template.spec.containers[name="nginx"].image.
	Path string
}

// ConflictError is returned by Apply, without changing anything, when the applied configuration
// would change fields other managers own and force is false. Applying again with force moves the
// fields to the applier; leaving the fields out of the configuration leaves them to their owners.
type ConflictError struct {
	Conflicts []Conflict
}

// Error words the conflicts as kube-apiserver does, so that kubectl users recognise them:
//
//	Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas
func (e *ConflictError) Error() string {
	if len(e.Conflicts) == 1 {
		c := e.Conflicts[0]
		return fmt.Sprintf("Apply failed with 1 conflict: conflict with %s: %s", c.owner(), c.Path)
	}
	byOwner := map[string][]string{}
	var owners []string
	for _, c := range e.Conflicts {
		o := c.owner()
		if _, ok := byOwner[o]; !ok {
			owners = append(owners, o)
		}
		byOwner[o] = append(byOwner[o], c.Path)
	}
	slices.Sort(owners)
	var lines []string
	for _, o := range owners {
		lines = append(lines, "conflicts with "+o+":")
		for _, p := range byOwner[o] {
			lines = append(lines, "- "+p)
		}
	}
	return fmt.Sprintf("Apply failed with %d conflicts: %s", len(e.Conflicts), strings.Join(lines, "\n"))
}

// Unwrap returns ErrConflict.
func (e *ConflictError) Unwrap() error { return ErrConflict }

// owner is how Kubernetes prints a manager: appliers by name, updaters with the version they used.
func (c Conflict) owner() string {
	if c.Operation == OperationUpdate {
		return fmt.Sprintf("%q using %s", c.Manager, c.APIVersion)
	}
	return strconv.Quote(c.Manager)
}
