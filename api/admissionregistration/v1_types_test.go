package admissionregistration

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/api/apitest"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/cmd/deepcopy-gen/deepcopytest"
)

// Configurations as kubectl get -o json prints them from a Kubernetes 1.30 cluster (cert-manager's
// and ingress-nginx's, plus a URL webhook with a namespace selector).
var v1Served = map[string]string{
	"mutating.json": `{
  "apiVersion": "admissionregistration.k8s.io/v1",
  "kind": "MutatingWebhookConfiguration",
  "metadata": {
    "annotations": {"cert-manager.io/inject-ca-from-secret": "cert-manager/cert-manager-webhook-ca"},
    "creationTimestamp": "2024-05-02T09:14:11Z",
    "generation": 2,
    "labels": {"app": "webhook", "app.kubernetes.io/name": "webhook"},
    "name": "cert-manager-webhook",
    "resourceVersion": "1187",
    "uid": "0d0f3a52-3c4e-4d8e-9a3f-6b2b8a1e9c11"
  },
  "webhooks": [{
    "admissionReviewVersions": ["v1"],
    "clientConfig": {
      "caBundle": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==",
      "service": {"name": "cert-manager-webhook", "namespace": "cert-manager", "path": "/mutate", "port": 443}
    },
    "failurePolicy": "Fail",
    "matchPolicy": "Equivalent",
    "name": "webhook.cert-manager.io",
    "namespaceSelector": {},
    "objectSelector": {},
    "reinvocationPolicy": "Never",
    "rules": [{
      "apiGroups": ["cert-manager.io", "acme.cert-manager.io"],
      "apiVersions": ["v1"],
      "operations": ["CREATE"],
      "resources": ["*/*"],
      "scope": "*"
    }],
    "sideEffects": "None",
    "timeoutSeconds": 30
  }]
}`,
	"validating.json": `{
  "apiVersion": "admissionregistration.k8s.io/v1",
  "kind": "ValidatingWebhookConfiguration",
  "metadata": {
    "creationTimestamp": "2024-05-02T09:20:41Z",
    "generation": 1,
    "name": "ingress-nginx-admission",
    "resourceVersion": "2231",
    "uid": "5b1bbf57-2f73-4b8e-8d3c-0c3c7c2a51e2"
  },
  "webhooks": [{
    "admissionReviewVersions": ["v1"],
    "clientConfig": {
      "service": {"name": "ingress-nginx-controller-admission", "namespace": "ingress-nginx", "path": "/networking/v1/ingresses", "port": 443}
    },
    "failurePolicy": "Fail",
    "matchPolicy": "Equivalent",
    "name": "validate.nginx.ingress.kubernetes.io",
    "namespaceSelector": {},
    "objectSelector": {},
    "rules": [{
      "apiGroups": ["networking.k8s.io"],
      "apiVersions": ["v1"],
      "operations": ["CREATE", "UPDATE"],
      "resources": ["ingresses"],
      "scope": "*"
    }],
    "sideEffects": "None",
    "timeoutSeconds": 10
  }, {
    "admissionReviewVersions": ["v1", "v1beta1"],
    "clientConfig": {"url": "https://policy.example.com:8443/validate"},
    "failurePolicy": "Ignore",
    "matchPolicy": "Exact",
    "name": "pods.policy.example.com",
    "namespaceSelector": {"matchExpressions": [{"key": "kubernetes.io/metadata.name", "operator": "NotIn", "values": ["kube-system"]}]},
    "objectSelector": {"matchLabels": {"policy.example.com/enforce": "true"}},
    "rules": [{
      "apiGroups": [""],
      "apiVersions": ["v1"],
      "operations": ["*"],
      "resources": ["pods", "pods/status"],
      "scope": "Namespaced"
    }],
    "sideEffects": "NoneOnDryRun",
    "timeoutSeconds": 5
  }]
}`,
}

// TestV1RoundTrip proves, for configurations as kubectl prints them, that the types keep every field
// and that a served configuration is already defaulted and valid.
func TestV1RoundTrip(t *testing.T) {
	dir := t.TempDir()
	for name, body := range v1Served {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	apitest.RoundTrip(t, dir, map[string]apitest.Kind{
		"MutatingWebhookConfiguration":   apitest.KindOf[*MutatingWebhookConfiguration](DefaultMutatingWebhookConfiguration, ValidateMutatingWebhookConfiguration),
		"ValidatingWebhookConfiguration": apitest.KindOf[*ValidatingWebhookConfiguration](DefaultValidatingWebhookConfiguration, ValidateValidatingWebhookConfiguration),
	})
}

func TestV1DeepCopy(t *testing.T) {
	for _, newObj := range []func() any{
		deepcopytest.New[MutatingWebhookConfiguration](),
		deepcopytest.New[ValidatingWebhookConfiguration](),
		deepcopytest.New[MutatingWebhook](),
		deepcopytest.New[ValidatingWebhook](),
		deepcopytest.New[WebhookClientConfig](),
		deepcopytest.New[RuleWithOperations](),
	} {
		deepcopytest.Check(t, newObj)
	}
}

func ptr[T any](v T) *T { return &v }

func TestV1Defaults(t *testing.T) {
	url := "https://hook.example.com/mutate"
	in := &MutatingWebhookConfiguration{
		ObjectMeta: meta.ObjectMeta{Name: "hooks"},
		Webhooks: []MutatingWebhook{
			{
				Name:         "a.example.com",
				ClientConfig: WebhookClientConfig{URL: &url},
				Rules:        []RuleWithOperations{{Operations: []OperationType{OperationCreate}, APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"pods"}}},
			},
			{
				Name:               "b.example.com",
				ClientConfig:       WebhookClientConfig{Service: &ServiceReference{Namespace: "ns", Name: "svc"}},
				FailurePolicy:      ptr(Ignore),
				MatchPolicy:        ptr(Exact),
				NamespaceSelector:  &meta.LabelSelector{MatchLabels: map[string]string{"a": "b"}},
				TimeoutSeconds:     ptr(int32(3)),
				ReinvocationPolicy: ptr(IfNeededReinvocationPolicy),
				Rules:              []RuleWithOperations{{Scope: ptr(NamespacedScope)}},
			},
		},
	}
	want := in.DeepCopy()
	want.Webhooks[0].FailurePolicy = ptr(Fail)
	want.Webhooks[0].MatchPolicy = ptr(Equivalent)
	want.Webhooks[0].NamespaceSelector = &meta.LabelSelector{}
	want.Webhooks[0].ObjectSelector = &meta.LabelSelector{}
	want.Webhooks[0].TimeoutSeconds = ptr(int32(10))
	want.Webhooks[0].ReinvocationPolicy = ptr(NeverReinvocationPolicy)
	want.Webhooks[0].Rules[0].Scope = ptr(AllScopes)
	want.Webhooks[1].ObjectSelector = &meta.LabelSelector{}
	want.Webhooks[1].ClientConfig.Service.Port = ptr(int32(443))

	DefaultMutatingWebhookConfiguration(in)
	if diff := cmp.Diff(want, in); diff != "" {
		t.Errorf("mutating defaults (-want +got):\n%s", diff)
	}

	vin := &ValidatingWebhookConfiguration{Webhooks: []ValidatingWebhook{{Name: "a.example.com", ClientConfig: WebhookClientConfig{URL: &url}}}}
	DefaultValidatingWebhookConfiguration(vin)
	vwant := ValidatingWebhook{
		Name: "a.example.com", ClientConfig: WebhookClientConfig{URL: &url},
		FailurePolicy: ptr(Fail), MatchPolicy: ptr(Equivalent), TimeoutSeconds: ptr(int32(10)),
		NamespaceSelector: &meta.LabelSelector{}, ObjectSelector: &meta.LabelSelector{},
	}
	if diff := cmp.Diff(vwant, vin.Webhooks[0]); diff != "" {
		t.Errorf("validating defaults (-want +got):\n%s", diff)
	}
	if vin.Webhooks[0].SideEffects != nil || vin.Webhooks[0].AdmissionReviewVersions != nil {
		t.Errorf("v1 has no default for sideEffects or admissionReviewVersions: %+v", vin.Webhooks[0])
	}
}
