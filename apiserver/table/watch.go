package table

import (
	"time"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/meta"
)

// Watch converts the objects of one watch's events into one-row Tables, for a client that watches
// with "Accept: application/json;as=Table;v=v1;g=meta.k8s.io" (kubectl get -w). As kube-apiserver
// does, only the first Table carries the column definitions; every later one has none (null on the
// wire), and the client keeps printing under the headers it already has.
//
// A Watch belongs to one watch stream and is not safe for concurrent use. An ERROR event carries a
// Status, which the server sends as it is, not through the Watch.
type Watch struct {
	gvk         api.GroupVersionKind
	opts        TableOptions
	printer     Printer
	headersSent bool
}

// NewWatch returns the converter of one watch of kind gvk. The error wraps ErrIncludeObject for a
// bad opts, so that the server can refuse the watch before it starts.
func (r *Registry) NewWatch(gvk api.GroupVersionKind, opts TableOptions) (*Watch, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	return &Watch{gvk: gvk, opts: opts, printer: r.PrinterFor(GroupKind{gvk.Group, gvk.Kind})}, nil
}

// Convert returns the Table to send in place of obj, the object of an ADDED, MODIFIED, DELETED or
// BOOKMARK event (kube-apiserver converts bookmarks too): one row, the object's resourceVersion,
// and the column definitions if this is the watch's first call. The first call uses up the
// definitions even when it fails, as in kube-apiserver, which then sends the object unconverted.
// Like Registry.Convert, the Table shares memory with obj.
func (w *Watch) Convert(obj meta.Object, now time.Time) (*Table, error) {
	var columns []TableColumnDefinition
	if !w.headersSent {
		columns = w.printer.Columns()
		w.headersSent = true
	}
	row, err := convertRow(w.printer, w.gvk, obj, w.opts, now)
	if err != nil {
		return nil, err
	}
	t := newTable(columns, meta.ListMeta{ResourceVersion: obj.GetObjectMeta().ResourceVersion}, 1)
	t.Rows = append(t.Rows, row)
	return t, nil
}
