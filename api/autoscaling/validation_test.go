package autoscaling

import (
	"testing"

	"github.com/skiff-io/skiff/api/meta"
)

func TestValidateScale(t *testing.T) {
	s := &Scale{ObjectMeta: meta.ObjectMeta{Name: "web", Namespace: "default"}, Spec: ScaleSpec{Replicas: 3}}
	if errs := ValidateScale(s); len(errs) != 0 {
		t.Errorf("valid scale: %v", errs.ToAggregate())
	}
	s.Spec.Replicas = -1
	errs := ValidateScale(s)
	if len(errs) != 1 || errs[0].Error() != "spec.replicas: Invalid value: -1: must be greater than or equal to 0" {
		t.Errorf("negative replicas: %v", errs.ToAggregate())
	}
}
