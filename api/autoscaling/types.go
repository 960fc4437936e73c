package autoscaling

import "github.com/skiff-io/skiff/api/meta"

// Scale is the scale subresource of a scalable object.
type Scale struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
	Spec            ScaleSpec   `json:"spec,omitempty"`
	Status          ScaleStatus `json:"status,omitempty"`
}

// ScaleSpec is the desired number of replicas.
type ScaleSpec struct {
	Replicas int32 `json:"replicas,omitempty"`
}

// ScaleStatus is the observed number of replicas and the selector of their pods.
type ScaleStatus struct {
	// Replicas is always written, 0 included.
	Replicas int32 `json:"replicas"`
	// Selector is the label selector of the pods, in its string form ("app=web,tier in (a,b)").
	Selector string `json:"selector,omitempty"`
}
