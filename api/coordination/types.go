package coordination

import "github.com/skiff-io/skiff/api/meta"

// Lease is a time-bound claim held by one identity.
type Lease struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
	Spec            LeaseSpec `json:"spec,omitempty"`
}

// LeaseSpec is who holds the lease, since when, and for how long.
type LeaseSpec struct {
	HolderIdentity *string `json:"holderIdentity,omitempty"`
	// LeaseDurationSeconds is how long others wait after RenewTime before taking the lease over.
	LeaseDurationSeconds *int32          `json:"leaseDurationSeconds,omitempty"`
	AcquireTime          *meta.MicroTime `json:"acquireTime,omitempty"`
	RenewTime            *meta.MicroTime `json:"renewTime,omitempty"`
	LeaseTransitions     *int32          `json:"leaseTransitions,omitempty"`
	// Strategy selects coordinated leader election; PreferredHolder may only be set with it.
	Strategy        *CoordinatedLeaseStrategy `json:"strategy,omitempty"`
	PreferredHolder *string                   `json:"preferredHolder,omitempty"`
}

// CoordinatedLeaseStrategy names how coordinated leader election picks a holder.
type CoordinatedLeaseStrategy string

// OldestEmulationVersion picks the candidate with the oldest emulation version.
const OldestEmulationVersion CoordinatedLeaseStrategy = "OldestEmulationVersion"
