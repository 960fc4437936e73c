package coordination

import (
	"testing"
	"time"

	"github.com/skiff-io/skiff/api/field/fieldtest"
	"github.com/skiff-io/skiff/api/meta"
)

func ptr[T any](v T) *T { return &v }

func TestValidateLease(t *testing.T) {
	now := meta.NewMicroTime(time.Date(2024, 5, 14, 9, 30, 0, 123456000, time.UTC))
	valid := func() *Lease {
		return &Lease{ObjectMeta: meta.ObjectMeta{Name: "node-1", Namespace: "kube-node-lease", ResourceVersion: "1"},
			Spec: LeaseSpec{HolderIdentity: ptr("node-1"), LeaseDurationSeconds: ptr(int32(40)), RenewTime: &now}}
	}
	fieldtest.Expect(t, ValidateLease(valid()))

	tests := []struct {
		name   string
		mutate func(*Lease)
		want   []string
	}{
		{"duration must be positive", func(l *Lease) { l.Spec.LeaseDurationSeconds = ptr(int32(0)) },
			[]string{"spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0"}},
		{"transitions not negative", func(l *Lease) { l.Spec.LeaseTransitions = ptr(int32(-1)) },
			[]string{"spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0"}},
		{"known strategy", func(l *Lease) { l.Spec.Strategy = ptr(CoordinatedLeaseStrategy("Newest")) },
			[]string{`spec.strategy: Unsupported value: "Newest": supported values: "OldestEmulationVersion"`}},
		{"qualified custom strategy", func(l *Lease) { l.Spec.Strategy = ptr(CoordinatedLeaseStrategy("example.com/Custom")) }, nil},
		{"preferred holder needs a strategy", func(l *Lease) { l.Spec.PreferredHolder = ptr("node-2") },
			[]string{"spec.preferredHolder: Forbidden: may only be specified if `strategy` is defined"}},
		{"namespaced", func(l *Lease) { l.Namespace = "" }, []string{"metadata.namespace: Required value"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := valid()
			tt.mutate(l)
			fieldtest.Expect(t, ValidateLease(l), tt.want...)
		})
	}

	old := valid()
	renewed := valid()
	later := meta.NewMicroTime(now.Add(10 * time.Second))
	renewed.Spec.RenewTime = &later
	renewed.Spec.HolderIdentity = ptr("node-2")
	fieldtest.Expect(t, ValidateLeaseUpdate(renewed, old))
	renewed.Spec.LeaseDurationSeconds = ptr(int32(-5))
	fieldtest.Expect(t, ValidateLeaseUpdate(renewed, old), "spec.leaseDurationSeconds: Invalid value: -5: must be greater than 0")
}
