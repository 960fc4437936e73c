package core

import (
	"testing"

	"github.com/skiff-io/skiff/api/apitest"

	"github.com/skiff-io/skiff/api/field"
)

// kinds maps each kind of this package to a constructor and to its defaulting and validation, so
// that every testdata file is also checked to be a valid, fully defaulted object.
var kinds = map[string]apitest.Kind{
	"Pod":            apitest.KindOf[*Pod](DefaultPod, validateServedPod),
	"Node":           apitest.KindOf[*Node](DefaultNode, ValidateNode),
	"Namespace":      apitest.KindOf[*Namespace](DefaultNamespace, ValidateNamespace),
	"Secret":         apitest.KindOf[*Secret](DefaultSecret, ValidateSecret),
	"ConfigMap":      apitest.KindOf[*ConfigMap](DefaultConfigMap, ValidateConfigMap),
	"ServiceAccount": apitest.KindOf[*ServiceAccount](nil, ValidateServiceAccount),
	"ResourceQuota":  apitest.KindOf[*ResourceQuota](nil, ValidateResourceQuota),
	"LimitRange":     apitest.KindOf[*LimitRange](DefaultLimitRange, ValidateLimitRange),
	"Event":          apitest.KindOf[*Event](nil, ValidateEvent),
	"Binding":        apitest.KindOf[*Binding](nil, ValidateBinding),
}

// validateServedPod validates a pod as created, or, when it has ephemeral containers, as the
// ephemeralcontainers subresource added them.
func validateServedPod(pod *Pod) field.ErrorList {
	if len(pod.Spec.EphemeralContainers) == 0 {
		return ValidatePod(pod)
	}
	before := pod.DeepCopyObject().(*Pod)
	before.Spec.EphemeralContainers = nil
	return append(ValidatePod(before), ValidatePodEphemeralContainersUpdate(pod, before)...)
}

// TestRoundTrip proves, for every object in testdata as kubectl prints it, that the types keep every
// field and that a served object is already defaulted and valid.
func TestRoundTrip(t *testing.T) {
	apitest.RoundTrip(t, "testdata", kinds)
}
