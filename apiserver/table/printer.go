package table

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"time"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/meta"
)

// Printer turns objects of one kind into table rows.
type Printer interface {
	// Columns returns the column definitions, in cell order. The slice is shared: do not change it.
	Columns() []TableColumnDefinition
	// Row returns obj's row as of now: one cell per column, and the row's conditions if any. The
	// row's Object is left empty; Convert fills it as the request's TableOptions ask. Row must not
	// change obj, which is shared.
	Row(obj meta.Object, now time.Time) (TableRow, error)
}

// ErrWrongType is wrapped by the error a printer returns for an object of a Go type it does not print.
var ErrWrongType = errors.New("table: object of the wrong type for its printer")

// NewPrinter returns a Printer for objects of type T (a pointer to an API struct) from its column
// definitions and a function that returns a row's cells and conditions. Columns are shared, as
// Printer.Columns says.
func NewPrinter[T meta.Object](columns []TableColumnDefinition, row func(obj T, now time.Time) (TableRow, error)) Printer {
	return &typedPrinter[T]{columns: columns, row: row}
}

type typedPrinter[T meta.Object] struct {
	columns []TableColumnDefinition
	row     func(T, time.Time) (TableRow, error)
}

func (p *typedPrinter[T]) Columns() []TableColumnDefinition { return p.columns }

func (p *typedPrinter[T]) Row(obj meta.Object, now time.Time) (TableRow, error) {
	t, ok := obj.(T)
	if !ok {
		return TableRow{}, fmt.Errorf("%w: %T, want %s", ErrWrongType, obj, reflect.TypeFor[T]())
	}
	return p.row(t, now)
}

// DefaultPrinter returns the printer of kinds with none of their own (Role, ClusterRole, LimitRange
// and every custom kind), which prints any object as kube-apiserver's default table convertor does:
// the name, and the creation time in RFC 3339 UTC under "Created At" (kubectl prints it as is).
func DefaultPrinter() Printer { return defaultPrinter{} }

type defaultPrinter struct{}

var defaultColumns = []TableColumnDefinition{
	{Name: "Name", Type: "string", Format: "name", Description: descName},
	{Name: "Created At", Type: "date", Description: descCreationTimestamp},
}

func (defaultPrinter) Columns() []TableColumnDefinition { return defaultColumns }

func (defaultPrinter) Row(obj meta.Object, _ time.Time) (TableRow, error) {
	m := obj.GetObjectMeta()
	// An unset time prints as the zero time, "0001-01-01T00:00:00Z", as in Kubernetes.
	return TableRow{Cells: []any{m.Name, m.CreationTimestamp.UTC().Format(time.RFC3339)}}, nil
}

// GroupKind names a kind independent of its version: printers are registered per group and kind.
type GroupKind struct {
	Group, Kind string
}

func (gk GroupKind) String() string {
	if gk.Group == "" {
		return gk.Kind
	}
	return gk.Kind + "." + gk.Group
}

// Registry holds the printer of each kind. It is safe for concurrent use; printers are usually
// registered once, at start.
type Registry struct {
	mu       sync.RWMutex
	printers map[GroupKind]Printer
}

// NewRegistry returns a registry with no printers: every kind gets DefaultPrinter(). Builtin returns
// one with Kubernetes' printers.
func NewRegistry() *Registry {
	return &Registry{printers: make(map[GroupKind]Printer)}
}

// ErrDuplicate is wrapped by the error about registering a second printer for a kind.
var ErrDuplicate = errors.New("table: a printer is already registered for this kind")

// Register adds the printer of a kind.
func (r *Registry) Register(gk GroupKind, p Printer) error {
	if gk.Kind == "" || p == nil {
		return fmt.Errorf("table: register %s: a printer needs a kind and a non-nil Printer", gk)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.printers[gk]; ok {
		return fmt.Errorf("%w: %s", ErrDuplicate, gk)
	}
	r.printers[gk] = p
	return nil
}

// PrinterFor returns the printer of a kind, or DefaultPrinter() when none is registered.
func (r *Registry) PrinterFor(gk GroupKind) Printer {
	r.mu.RLock()
	p, ok := r.printers[gk]
	r.mu.RUnlock()
	if !ok {
		return defaultPrinter{}
	}
	return p
}

// Convert returns objs, all of kind gvk, as a Table with list's metadata, their ages computed as of
// now, and each row's object as opts asks: the PartialObjectMetadata by default, the whole object
// (with its apiVersion and kind set from gvk) or nothing. Every column is returned, -o wide ones
// included, as kube-apiserver does; kubectl hides those of priority above 0.
//
// The Table shares memory with objs, which it never changes: it is read-only, like them. The error
// wraps ErrIncludeObject for a bad opts, or is a printer's.
func (r *Registry) Convert(gvk api.GroupVersionKind, objs []meta.Object, opts TableOptions, list meta.ListMeta, now time.Time) (*Table, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	p := r.PrinterFor(GroupKind{gvk.Group, gvk.Kind})
	t := newTable(p.Columns(), list, len(objs))
	for _, obj := range objs {
		row, err := convertRow(p, gvk, obj, opts, now)
		if err != nil {
			return nil, err
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

// ConvertObject returns one object, of kind gvk, as a one-row Table whose resourceVersion is the
// object's: what kube-apiserver returns for a GET of a single object. See Convert.
func (r *Registry) ConvertObject(gvk api.GroupVersionKind, obj meta.Object, opts TableOptions, now time.Time) (*Table, error) {
	return r.Convert(gvk, []meta.Object{obj}, opts,
		meta.ListMeta{ResourceVersion: obj.GetObjectMeta().ResourceVersion}, now)
}

func newTable(columns []TableColumnDefinition, list meta.ListMeta, rows int) *Table {
	return &Table{
		TypeMeta:          meta.TypeMeta{APIVersion: APIVersion, Kind: "Table"},
		ListMeta:          list,
		ColumnDefinitions: columns,
		Rows:              make([]TableRow, 0, rows), // [] rather than null when empty
	}
}

// convertRow prints one object and attaches its object as opts asks; opts is valid.
func convertRow(p Printer, gvk api.GroupVersionKind, obj meta.Object, opts TableOptions, now time.Time) (TableRow, error) {
	row, err := p.Row(obj, now)
	if err != nil {
		return TableRow{}, err
	}
	if n, want := len(row.Cells), len(p.Columns()); n != want {
		m := obj.GetObjectMeta()
		return TableRow{}, fmt.Errorf("table: the %s printer returned %d cells for %s/%s, want %d (one per column)",
			GroupKind{gvk.Group, gvk.Kind}, n, m.Namespace, m.Name, want)
	}
	switch opts.IncludeObject {
	case "", IncludeMetadata:
		row.Object = RawObject{Object: AsPartialObjectMetadata(obj)}
	case IncludeObject:
		row.Object = RawObject{Object: withKind{obj, gvk.APIVersion(), gvk.Kind}}
	case IncludeNone:
		row.Object = RawObject{}
	}
	return row, nil
}
