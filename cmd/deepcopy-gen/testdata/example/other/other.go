// Package other holds types from a second package, all with hand-written methods or none, that the
// example package uses as fields: deepcopy-gen must call the methods of another package, not inline it.
package other

import "strconv"

// Point is plain data without methods: a field of this type is copied by assignment.
type Point struct {
	X, Y int
}

// Owner has hand-written deep-copy methods.
type Owner struct {
	Names []string
}

// DeepCopyInto copies the receiver into out.
func (in *Owner) DeepCopyInto(out *Owner) {
	*out = *in
	if in.Names != nil {
		out.Names = make([]string, len(in.Names))
		copy(out.Names, in.Names)
	}
}

// DeepCopy returns a copy of the receiver, or nil.
func (in *Owner) DeepCopy() *Owner {
	if in == nil {
		return nil
	}
	out := new(Owner)
	in.DeepCopyInto(out)
	return out
}

// Quantity is shaped like Kubernetes' resource.Quantity: unexported fields, and a DeepCopy that returns
// a value rather than a pointer.
type Quantity struct {
	milli int64
	text  *string
}

// NewQuantity returns a quantity of milli thousandths.
func NewQuantity(milli int64) Quantity {
	s := strconv.FormatInt(milli, 10) + "m"
	return Quantity{milli: milli, text: &s}
}

// String returns the quantity as text.
func (q Quantity) String() string {
	if q.text == nil {
		return "0"
	}
	return *q.text
}

// DeepCopyInto copies the receiver into out.
func (q *Quantity) DeepCopyInto(out *Quantity) { *out = q.DeepCopy() }

// DeepCopy returns a copy of the receiver.
func (q Quantity) DeepCopy() Quantity {
	if q.text != nil {
		s := *q.text
		q.text = &s
	}
	return q
}

// Extension is an interface with its own deep-copy method, which a field of this type is copied with.
type Extension interface {
	Name() string
	DeepCopyExtension() Extension
}

// VersionedExtension's deep-copy method returns the narrower Extension, so a copy needs a type assertion.
type VersionedExtension interface {
	Extension
	Version() int
}

// Plugin implements VersionedExtension.
type Plugin struct {
	ID      string
	Args    []string
	Release int
}

// Name returns the plugin's ID.
func (p *Plugin) Name() string { return p.ID }

// Version returns the plugin's release.
func (p *Plugin) Version() int { return p.Release }

// DeepCopyExtension returns a copy of the plugin.
func (p *Plugin) DeepCopyExtension() Extension {
	if p == nil {
		return nil
	}
	out := *p
	if p.Args != nil {
		out.Args = append(make([]string, 0, len(p.Args)), p.Args...)
	}
	return &out
}

// NoCopy holds a slice and has no deep-copy methods, so deepcopy-gen cannot copy a field of this type.
type NoCopy struct {
	Items []string
}
