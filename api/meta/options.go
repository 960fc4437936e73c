package meta

// DeleteOptions is the body of a DELETE (meta.k8s.io/v1 DeleteOptions): how long a graceful
// deletion may take, what must still hold, and what happens to the object's dependents.
type DeleteOptions struct {
	TypeMeta `json:",inline"`
	// GracePeriodSeconds overrides the object's own grace period; 0 deletes at once.
	GracePeriodSeconds *int64 `json:"gracePeriodSeconds,omitempty"`
	// Preconditions must hold or the delete fails with a conflict.
	Preconditions *Preconditions `json:"preconditions,omitempty"`
	// OrphanDependents is the deprecated form of PropagationPolicy: Orphan.
	OrphanDependents *bool `json:"orphanDependents,omitempty"`
	// PropagationPolicy says what the garbage collector does with the dependents.
	PropagationPolicy *DeletionPropagation `json:"propagationPolicy,omitempty"`
	// DryRun, when ["All"], runs the request without persisting it.
	DryRun []string `json:"dryRun,omitempty"`
}

// Preconditions must hold for a delete (or an update through DeleteOptions) to go ahead.
type Preconditions struct {
	UID             *UID    `json:"uid,omitempty"`
	ResourceVersion *string `json:"resourceVersion,omitempty"`
}

// DeletionPropagation decides what happens to an object's dependents when it is deleted.
type DeletionPropagation string

// The propagation policies.
const (
	// DeletePropagationOrphan leaves the dependents, with the owner removed from their
	// ownerReferences.
	DeletePropagationOrphan DeletionPropagation = "Orphan"
	// DeletePropagationBackground deletes the owner at once; the garbage collector deletes the
	// dependents afterwards.
	DeletePropagationBackground DeletionPropagation = "Background"
	// DeletePropagationForeground keeps the owner, marked for deletion, until the garbage collector
	// has deleted every dependent that blocks owner deletion.
	DeletePropagationForeground DeletionPropagation = "Foreground"
)
