package example

import (
	"encoding/json"
	"time"

	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/cmd/deepcopy-gen/testdata/example/other"
)

// Widget is an API object: it embeds TypeMeta and ObjectMeta, so it also gets DeepCopyObject.
type Widget struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
	Spec            WidgetSpec   `json:"spec,omitempty"`
	Status          WidgetStatus `json:"status,omitempty"`
}

// Gadget is a second API object, which a Widget can refer to through a meta.Object field.
type Gadget struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
	Size            int `json:"size"`
}

// WidgetList is a list in the Kubernetes style. It has no ObjectMeta, so it is not a meta.Object.
type WidgetList struct {
	meta.TypeMeta `json:",inline"`
	meta.ListMeta `json:"metadata,omitempty"`
	Items         []Widget `json:"items"`
}

// Phase is a named string: copied by assignment, and given no methods.
type Phase string

// ResourceName names a resource.
type ResourceName string

// Scalars holds only plain data, so its DeepCopyInto is a single assignment.
type Scalars struct {
	Name    string
	Count   int32
	Ratio   float64
	Enabled bool
	Phase   Phase
	Mask    uint8
	Digest  [4]byte
	Created time.Time
	Wave    complex64
}

// Port is plain data used in slices and maps.
type Port struct {
	Name   string
	Number int32
}

// Extra is embedded by pointer in WidgetSpec.
type Extra struct {
	Notes []string
}

// Common is embedded by value in WidgetSpec.
type Common struct {
	Finalizers []string
	Conditions []meta.Condition
}

// Template is a struct of this package with generated methods, used through pointers, slices and maps.
type Template struct {
	Name   string
	Labels map[string]string
	Ports  []Port
}

// Node is recursive.
type Node struct {
	Name     string
	Children []*Node
	Next     *Node
	ByName   map[string]*Node
}

// Tags is a named slice: its methods have value receivers, as in Kubernetes.
type Tags []string

// ResourceList is a named map like Kubernetes' ResourceList; its values have a DeepCopy returning a value.
type ResourceList map[ResourceName]other.Quantity

// Registry is a named map of pointers.
type Registry map[string]*Template

// Matrix is a named slice of slices.
type Matrix [][]float64

// Forest is a named slice of a named slice.
type Forest []Tags

// WidgetSpec has a field for each kind of type deepcopy-gen copies.
type WidgetSpec struct {
	Scalars
	*Extra
	Common

	// Pointers.
	Replicas *int32
	Label    *string
	PhasePtr *Phase
	Template *Template
	Point    *other.Point
	Owner    *other.Owner
	Deadline *meta.Time
	TagsPtr  *Tags
	Double   **int64
	Strings  *[]string

	// Structs.
	Inline Template
	Origin other.Point
	Boss   other.Owner
	Stamp  meta.Time
	Size   other.Quantity
	Window struct {
		Start, End *int64
		Days       []string
	}

	// Slices and arrays.
	Tags         []string
	Data         []byte
	Raw          json.RawMessage
	Ports        []Port
	Templates    []Template
	TemplatePtrs []*Template
	Points       []*other.Point
	Owners       []other.Owner
	Grid         [][]int
	Sizes        []other.Quantity
	Slots        [2]*int
	Rows         [2][]string
	Named        Tags
	Forest       Forest
	Matrix       Matrix

	// Maps.
	Labels    map[string]string
	Groups    map[string][]string
	ByName    map[string]Template
	PtrByName map[string]*Template
	Nested    map[string]map[string]int
	TagSets   map[string]Tags
	Places    map[Phase]other.Point
	Bosses    map[string]other.Owner
	Limits    ResourceList
	Registry  Registry
	Bytes     map[string][]byte

	// Interfaces with a deep-copy method.
	Extension other.Extension
	Versioned other.VersionedExtension
	Related   meta.Object

	// Types deepcopy-gen skips, with methods written by hand.
	Handle Handle
	Secret Secret

	Tree *Node
}

// WidgetStatus uses types of the meta package.
type WidgetStatus struct {
	ObservedGeneration int64
	Conditions         []meta.Condition
	Selector           *meta.LabelSelector
	Refs               []meta.OwnerReference
	Ready              map[string]*int32
}

// Pair is generic, so deepcopy-gen skips it.
type Pair[K comparable, V any] struct {
	Key K
	Val *V
}

// hidden is unexported, so deepcopy-gen skips it.
type hidden struct {
	p *int
}

// Alias is an alias; its methods are Template's.
type Alias = Template

// +skiff:deepcopy=false

// Stream is never copied; the marker sits in its own comment block above the doc comment.
type Stream struct {
	C chan int
}
