// Package coordination holds Lease from Kubernetes' "coordination.k8s.io" group, version v1: the
// object behind leader election and node heartbeats.
//
//	holder, seconds := "controller-1", int32(15)
//	now := meta.NowMicro()
//	lease := &coordination.Lease{
//		ObjectMeta: meta.ObjectMeta{Name: "kube-controller-manager", Namespace: "kube-system"},
//		Spec: coordination.LeaseSpec{
//			HolderIdentity: &holder, LeaseDurationSeconds: &seconds,
//			AcquireTime: &now, RenewTime: &now,
//		},
//	}
//	errs := coordination.ValidateLease(lease)
package coordination

//go:generate go run github.com/skiff-io/skiff/cmd/deepcopy-gen

// GroupName is the API group of Lease.
const GroupName = "coordination.k8s.io"

// Version is the API version of Lease.
const Version = "v1"

// APIVersion is what a Lease carries in apiVersion.
const APIVersion = GroupName + "/" + Version
