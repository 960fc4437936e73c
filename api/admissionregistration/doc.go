//go:generate go run github.com/skiff-io/skiff/cmd/deepcopy-gen

// Package admissionregistration holds the kinds that configure admission: today the
// InitializerConfiguration (admissionregistration.k8s.io/v1alpha1) of the seed's section 4, which
// names the initializers that must act on new objects of given resources before anyone else sees
// them.
// At version V1 it holds the MutatingWebhookConfiguration and ValidatingWebhookConfiguration of admission webhooks.
//
//	cfg := &admissionregistration.InitializerConfiguration{
//		ObjectMeta: meta.ObjectMeta{Name: "sidecars"},
//		Initializers: []admissionregistration.Initializer{{
//			Name:  "sidecar.example.com",
//			Rules: []admissionregistration.Rule{{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"pods"}}},
//		}},
//	}
package admissionregistration

// GroupName is the API group of this package's kinds.
const GroupName = "admissionregistration.k8s.io"

// Version is the version of InitializerConfiguration, which Kubernetes served as v1alpha1.
const Version = "v1alpha1"
