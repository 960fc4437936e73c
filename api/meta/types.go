package meta

import "encoding/json"

// UID is the unique identifier the API server gives an object when it is created.
type UID string

// Object is an API object: a pointer to a struct embedding TypeMeta and ObjectMeta. Objects handed out
// by a store or a cache are shared and read-only: call DeepCopyObject before changing one.
type Object interface {
	// GetTypeMeta returns the object's apiVersion and kind, which may be empty on typed objects.
	GetTypeMeta() *TypeMeta
	// GetObjectMeta returns the object's metadata, for reading or (on a private copy) writing.
	GetObjectMeta() *ObjectMeta
	// DeepCopyObject returns a copy that shares no memory with the receiver.
	DeepCopyObject() Object
}

// TypeMeta says what an object is on the wire. Inline in every object.
type TypeMeta struct {
	// APIVersion is group/version, or just the version for the core group ("v1").
	APIVersion string `json:"apiVersion,omitempty"`
	Kind       string `json:"kind,omitempty"`
}

// GetTypeMeta returns the receiver; embedding TypeMeta gives an object this method.
func (t *TypeMeta) GetTypeMeta() *TypeMeta { return t }

// GroupVersion splits APIVersion into group and version ("apps/v1" -> "apps", "v1"; "v1" -> "", "v1").
func (t *TypeMeta) GroupVersion() (group, version string) {
	return SplitAPIVersion(t.APIVersion)
}

// SplitAPIVersion splits "group/version" into its parts; a bare version belongs to the core group "".
func SplitAPIVersion(apiVersion string) (group, version string) {
	for i := 0; i < len(apiVersion); i++ {
		if apiVersion[i] == '/' {
			return apiVersion[:i], apiVersion[i+1:]
		}
	}
	return "", apiVersion
}

// JoinAPIVersion is the inverse of SplitAPIVersion.
func JoinAPIVersion(group, version string) string {
	if group == "" {
		return version
	}
	return group + "/" + version
}

// ObjectMeta is the metadata every persisted object has.
type ObjectMeta struct {
	Name         string `json:"name,omitempty"`
	GenerateName string `json:"generateName,omitempty"`
	Namespace    string `json:"namespace,omitempty"`
	// SelfLink is deprecated and never set by skiff; kept so objects from older clients round-trip.
	SelfLink        string `json:"selfLink,omitempty"`
	UID             UID    `json:"uid,omitempty"`
	ResourceVersion string `json:"resourceVersion,omitempty"`
	Generation      int64  `json:"generation,omitempty"`
	// CreationTimestamp is a struct, so omitempty never drops it: an unset time encodes as null,
	// exactly as Kubernetes does.
	CreationTimestamp          Time              `json:"creationTimestamp,omitempty"`
	DeletionTimestamp          *Time             `json:"deletionTimestamp,omitempty"`
	DeletionGracePeriodSeconds *int64            `json:"deletionGracePeriodSeconds,omitempty"`
	Labels                     map[string]string `json:"labels,omitempty"`
	Annotations                map[string]string `json:"annotations,omitempty"`
	OwnerReferences            []OwnerReference  `json:"ownerReferences,omitempty" patchStrategy:"merge" patchMergeKey:"uid" structType:"atomic"`
	// Initializers lists the initializers that must act before the object becomes visible (the seed's
	// section 4; removed from Kubernetes in 1.14, kept by skiff).
	Initializers  *Initializers        `json:"initializers,omitempty"`
	Finalizers    []string             `json:"finalizers,omitempty" patchStrategy:"merge"`
	ManagedFields []ManagedFieldsEntry `json:"managedFields,omitempty"`
}

// GetObjectMeta returns the receiver; embedding ObjectMeta gives an object this method.
func (m *ObjectMeta) GetObjectMeta() *ObjectMeta { return m }

// IsControlledBy reports whether owner is the object's controller (an ownerReference with controller=true
// and owner's UID).
func (m *ObjectMeta) IsControlledBy(owner *ObjectMeta) bool {
	ref := m.ControllerRef()
	return ref != nil && ref.UID == owner.UID
}

// ControllerRef returns the ownerReference marked controller=true, or nil.
func (m *ObjectMeta) ControllerRef() *OwnerReference {
	for i := range m.OwnerReferences {
		if c := m.OwnerReferences[i].Controller; c != nil && *c {
			return &m.OwnerReferences[i]
		}
	}
	return nil
}

// Initializers is the list of pending initializers of an uninitialized object.
type Initializers struct {
	// Pending initializers, in the order they run; the first removes itself when it is done.
	Pending []Initializer `json:"pending" patchStrategy:"merge" patchMergeKey:"name"`
	// Result is set when an initializer fails the object; the object is then deleted.
	Result *Status `json:"result,omitempty"`
}

// Initializer names one pending initializer.
type Initializer struct {
	Name string `json:"name"`
}

// OwnerReference points at an object this one depends on, for garbage collection and adoption.
type OwnerReference struct {
	APIVersion         string `json:"apiVersion"`
	Kind               string `json:"kind"`
	Name               string `json:"name"`
	UID                UID    `json:"uid"`
	Controller         *bool  `json:"controller,omitempty"`
	BlockOwnerDeletion *bool  `json:"blockOwnerDeletion,omitempty"`
}

// ManagedFieldsEntry records which manager owns which fields, for server-side apply.
type ManagedFieldsEntry struct {
	Manager     string    `json:"manager,omitempty"`
	Operation   string    `json:"operation,omitempty"`
	APIVersion  string    `json:"apiVersion,omitempty"`
	Time        *Time     `json:"time,omitempty"`
	FieldsType  string    `json:"fieldsType,omitempty"`
	FieldsV1    *FieldsV1 `json:"fieldsV1,omitempty"`
	Subresource string    `json:"subresource,omitempty"`
}

// FieldsV1 is a set of fields in the "FieldsV1" JSON trie format, kept as raw JSON.
type FieldsV1 struct {
	Raw []byte `json:"-"`
}

// MarshalJSON writes the raw trie, or null when empty.
func (f FieldsV1) MarshalJSON() ([]byte, error) {
	if len(f.Raw) == 0 {
		return []byte("null"), nil
	}
	return f.Raw, nil
}

// UnmarshalJSON keeps a private copy of the raw trie.
func (f *FieldsV1) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		f.Raw = nil
		return nil
	}
	if !json.Valid(b) {
		return &json.SyntaxError{}
	}
	f.Raw = append(f.Raw[:0], b...)
	return nil
}

// ListMeta is the metadata of a list.
type ListMeta struct {
	SelfLink        string `json:"selfLink,omitempty"`
	ResourceVersion string `json:"resourceVersion,omitempty"`
	// Continue is the opaque token that fetches the next page of a limited list.
	Continue string `json:"continue,omitempty"`
	// RemainingItemCount is how many items the rest of a limited list holds, when the server knows.
	RemainingItemCount *int64 `json:"remainingItemCount,omitempty"`
}

// GetListMeta returns the receiver; embedding ListMeta gives a list this method.
func (l *ListMeta) GetListMeta() *ListMeta { return l }

// List is a list of objects of one kind. It encodes exactly like Kubernetes' per-kind lists
// (PodList, DeploymentList, ...): {"apiVersion","kind":"<Kind>List","metadata","items"}.
type List[T Object] struct {
	TypeMeta `json:",inline"`
	ListMeta `json:"metadata"`
	Items    []T `json:"items"`
}

// ListObject is any list: List[T] for every T.
type ListObject interface {
	GetTypeMeta() *TypeMeta
	GetListMeta() *ListMeta
	// Objects returns the items as Objects; they are the list's own, not copies.
	Objects() []Object
}

// Objects returns the list's items as Objects.
func (l *List[T]) Objects() []Object {
	out := make([]Object, len(l.Items))
	for i, it := range l.Items {
		out[i] = it
	}
	return out
}

// DeepCopy returns a list whose items are deep copies.
func (l *List[T]) DeepCopy() *List[T] {
	if l == nil {
		return nil
	}
	out := &List[T]{TypeMeta: l.TypeMeta, ListMeta: *l.ListMeta.DeepCopy()}
	if l.Items != nil {
		out.Items = make([]T, len(l.Items))
		for i, it := range l.Items {
			out.Items[i] = it.DeepCopyObject().(T)
		}
	}
	return out
}

// LabelSelector selects objects by labels: every matchLabels pair and every expression must match.
// An empty selector matches everything; a nil one matches nothing.
type LabelSelector struct {
	MatchLabels      map[string]string          `json:"matchLabels,omitempty"`
	MatchExpressions []LabelSelectorRequirement `json:"matchExpressions,omitempty"`
}

// LabelSelectorOperator is In, NotIn, Exists or DoesNotExist.
type LabelSelectorOperator string

// The operators of a LabelSelectorRequirement.
const (
	LabelSelectorOpIn           LabelSelectorOperator = "In"
	LabelSelectorOpNotIn        LabelSelectorOperator = "NotIn"
	LabelSelectorOpExists       LabelSelectorOperator = "Exists"
	LabelSelectorOpDoesNotExist LabelSelectorOperator = "DoesNotExist"
)

// LabelSelectorRequirement is one expression of a LabelSelector.
type LabelSelectorRequirement struct {
	Key      string                `json:"key"`
	Operator LabelSelectorOperator `json:"operator"`
	Values   []string              `json:"values,omitempty"`
}

// Condition is the standard condition type of newer APIs (metav1.Condition).
type Condition struct {
	Type               string          `json:"type"`
	Status             ConditionStatus `json:"status"`
	ObservedGeneration int64           `json:"observedGeneration,omitempty"`
	LastTransitionTime Time            `json:"lastTransitionTime"`
	Reason             string          `json:"reason"`
	Message            string          `json:"message"`
}

// ConditionStatus is True, False or Unknown.
type ConditionStatus string

// The values of a condition's status.
const (
	ConditionTrue    ConditionStatus = "True"
	ConditionFalse   ConditionStatus = "False"
	ConditionUnknown ConditionStatus = "Unknown"
)

// Initialized reports whether the object has no pending initializers and no failure result: only
// then do get, list and watch show it to clients that do not ask for uninitialized objects.
func (m *ObjectMeta) Initialized() bool { return isInitialized(m.Initializers) }
