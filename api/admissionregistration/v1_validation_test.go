package admissionregistration

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/api/field"
	"github.com/skiff-io/skiff/api/meta"
)

// validHook is a webhook every case starts from; each case breaks one thing.
func validHook() MutatingWebhook {
	url := "https://hook.example.com:8443/mutate"
	return MutatingWebhook{
		Name:         "sidecar.example.com",
		ClientConfig: WebhookClientConfig{URL: &url},
		Rules: []RuleWithOperations{{
			Operations: []OperationType{OperationCreate, OperationUpdate},
			APIGroups:  []string{""}, APIVersions: []string{"v1"}, Resources: []string{"pods", "pods/status"},
		}},
		SideEffects:             ptr(SideEffectClassNone),
		AdmissionReviewVersions: []string{"v1"},
	}
}

// errorSummary lists errors as "<type> <field>", with the detail for the cases that check wording.
func errorSummary(errs field.ErrorList, withDetail bool) []string {
	var out []string
	for _, e := range errs {
		s := string(e.Type) + " " + e.Field
		if withDetail {
			s += ": " + e.Detail
		}
		out = append(out, s)
	}
	return out
}

func TestValidateMutatingWebhookConfiguration(t *testing.T) {
	tests := []struct {
		name   string
		change func(c *MutatingWebhookConfiguration)
		want   []string
		detail bool // compare details too
	}{
		{name: "valid", change: func(*MutatingWebhookConfiguration) {}},
		{name: "valid with defaults", change: DefaultMutatingWebhookConfiguration},
		{name: "configuration name", change: func(c *MutatingWebhookConfiguration) { c.Name = "Bad_Name" },
			want: []string{"FieldValueInvalid metadata.name"}},
		{name: "webhook name not qualified", change: func(c *MutatingWebhookConfiguration) { c.Webhooks[0].Name = "sidecar" },
			want: []string{"FieldValueInvalid webhooks[0].name: should be a domain with at least three segments separated by dots"}, detail: true},
		{name: "webhook name missing", change: func(c *MutatingWebhookConfiguration) { c.Webhooks[0].Name = "" },
			want: []string{"FieldValueRequired webhooks[0].name"}},
		{name: "duplicate webhook names", change: func(c *MutatingWebhookConfiguration) { c.Webhooks = append(c.Webhooks, c.Webhooks[0]) },
			want: []string{"FieldValueDuplicate webhooks[1].name"}},
		{name: "sideEffects required", change: func(c *MutatingWebhookConfiguration) { c.Webhooks[0].SideEffects = nil },
			want: []string{"FieldValueRequired webhooks[0].sideEffects: must specify one of None, NoneOnDryRun"}, detail: true},
		{name: "sideEffects Some is not v1", change: func(c *MutatingWebhookConfiguration) { c.Webhooks[0].SideEffects = ptr(SideEffectClassSome) },
			want: []string{"FieldValueNotSupported webhooks[0].sideEffects"}},
		{name: "review versions required", change: func(c *MutatingWebhookConfiguration) { c.Webhooks[0].AdmissionReviewVersions = nil },
			want: []string{"FieldValueRequired webhooks[0].admissionReviewVersions: must specify one of v1, v1beta1"}, detail: true},
		{name: "review versions unknown and duplicate", change: func(c *MutatingWebhookConfiguration) {
			c.Webhooks[0].AdmissionReviewVersions = []string{"v2", "v2", "V3"}
		}, want: []string{
			"FieldValueInvalid webhooks[0].admissionReviewVersions[1]",
			"FieldValueInvalid webhooks[0].admissionReviewVersions[2]",
			"FieldValueInvalid webhooks[0].admissionReviewVersions",
		}},
		{name: "timeout too long", change: func(c *MutatingWebhookConfiguration) { c.Webhooks[0].TimeoutSeconds = ptr(int32(31)) },
			want: []string{"FieldValueInvalid webhooks[0].timeoutSeconds: the timeout value must be between 1 and 30 seconds"}, detail: true},
		{name: "timeout zero", change: func(c *MutatingWebhookConfiguration) { c.Webhooks[0].TimeoutSeconds = ptr(int32(0)) },
			want: []string{"FieldValueInvalid webhooks[0].timeoutSeconds"}},
		{name: "both url and service", change: func(c *MutatingWebhookConfiguration) {
			c.Webhooks[0].ClientConfig.Service = &ServiceReference{Namespace: "ns", Name: "svc"}
		}, want: []string{"FieldValueRequired webhooks[0].clientConfig: exactly one of url or service is required"}, detail: true},
		{name: "neither url nor service", change: func(c *MutatingWebhookConfiguration) { c.Webhooks[0].ClientConfig.URL = nil },
			want: []string{"FieldValueRequired webhooks[0].clientConfig"}},
		{name: "http url", change: func(c *MutatingWebhookConfiguration) {
			u := "http://hook.example.com/x"
			c.Webhooks[0].ClientConfig.URL = &u
		},
			want: []string{"FieldValueInvalid webhooks[0].clientConfig.url: 'https' is the only allowed URL scheme; desired format: https://host[/path]"}, detail: true},
		{name: "url with user, query and fragment", change: func(c *MutatingWebhookConfiguration) {
			u := "https://me@hook.example.com/x?a=b#frag"
			c.Webhooks[0].ClientConfig.URL = &u
		}, want: []string{
			"FieldValueInvalid webhooks[0].clientConfig.url",
			"FieldValueInvalid webhooks[0].clientConfig.url",
			"FieldValueInvalid webhooks[0].clientConfig.url",
		}},
		{name: "url without host", change: func(c *MutatingWebhookConfiguration) { u := "https:///x"; c.Webhooks[0].ClientConfig.URL = &u },
			want: []string{"FieldValueInvalid webhooks[0].clientConfig.url"}},
		{name: "service without name, bad port and path", change: func(c *MutatingWebhookConfiguration) {
			c.Webhooks[0].ClientConfig = WebhookClientConfig{Service: &ServiceReference{Namespace: "ns", Port: ptr(int32(70000)), Path: ptr("/a//B")}}
		}, want: []string{
			"FieldValueRequired webhooks[0].clientConfig.service.name",
			"FieldValueInvalid webhooks[0].clientConfig.service.port",
			"FieldValueInvalid webhooks[0].clientConfig.service.path",
			"FieldValueInvalid webhooks[0].clientConfig.service.path",
		}},
		{name: "rule missing parts", change: func(c *MutatingWebhookConfiguration) { c.Webhooks[0].Rules = []RuleWithOperations{{}} },
			want: []string{
				"FieldValueRequired webhooks[0].rules[0].operations",
				"FieldValueRequired webhooks[0].rules[0].apiGroups",
				"FieldValueRequired webhooks[0].rules[0].apiVersions",
				"FieldValueRequired webhooks[0].rules[0].resources",
			}},
		{name: "rule wildcards with others", change: func(c *MutatingWebhookConfiguration) {
			c.Webhooks[0].Rules = []RuleWithOperations{{
				Operations: []OperationType{OperationAll, OperationCreate}, APIGroups: []string{"*", "apps"},
				APIVersions: []string{"*", "v1"}, Resources: []string{"*/*", "pods"}, Scope: ptr(ScopeType("Global")),
			}}
		}, want: []string{
			"FieldValueInvalid webhooks[0].rules[0].operations: if '*' is present, must not specify other operations",
			"FieldValueInvalid webhooks[0].rules[0].apiGroups: if '*' is present, must not specify other API groups",
			"FieldValueInvalid webhooks[0].rules[0].apiVersions: if '*' is present, must not specify other API versions",
			"FieldValueInvalid webhooks[0].rules[0].resources: if '*/*' is present, must not specify other resources",
			`FieldValueNotSupported webhooks[0].rules[0].scope: supported values: "*", "Cluster", "Namespaced"`,
		}, detail: true},
		{name: "redundant subresources", change: func(c *MutatingWebhookConfiguration) {
			c.Webhooks[0].Rules[0].Resources = []string{"pods/*", "pods/status", "*/scale", "deployments/scale", "*", "configmaps"}
		}, want: []string{
			"FieldValueInvalid webhooks[0].rules[0].resources[1]: if 'pods/*' is present, must not specify pods/status",
			"FieldValueInvalid webhooks[0].rules[0].resources[3]: if '*/scale' is present, must not specify deployments/scale",
			"FieldValueInvalid webhooks[0].rules[0].resources: if '*' is present, must not specify other resources without subresources",
		}, detail: true},
		{name: "unknown operation", change: func(c *MutatingWebhookConfiguration) { c.Webhooks[0].Rules[0].Operations = []OperationType{"PATCH"} },
			want: []string{"FieldValueNotSupported webhooks[0].rules[0].operations[0]"}},
		{name: "policies", change: func(c *MutatingWebhookConfiguration) {
			c.Webhooks[0].FailurePolicy = ptr(FailurePolicyType("Retry"))
			c.Webhooks[0].MatchPolicy = ptr(MatchPolicyType("Fuzzy"))
			c.Webhooks[0].ReinvocationPolicy = ptr(ReinvocationPolicyType("Always"))
		}, want: []string{
			"FieldValueNotSupported webhooks[0].failurePolicy",
			"FieldValueNotSupported webhooks[0].matchPolicy",
			"FieldValueNotSupported webhooks[0].reinvocationPolicy",
		}},
		{name: "selectors", change: func(c *MutatingWebhookConfiguration) {
			c.Webhooks[0].NamespaceSelector = &meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{{Key: "a", Operator: "Near"}}}
			c.Webhooks[0].ObjectSelector = &meta.LabelSelector{MatchLabels: map[string]string{"a": "not valid!"}}
		}, want: []string{
			"FieldValueInvalid webhooks[0].namespaceSelector.matchExpressions[0].operator",
			"FieldValueInvalid webhooks[0].objectSelector.matchLabels",
		}},
		{name: "match conditions", change: func(c *MutatingWebhookConfiguration) {
			c.Webhooks[0].MatchConditions = []MatchCondition{{Name: "not-kube-system", Expression: "request.namespace != 'kube-system'"}}
		}, want: []string{"FieldValueForbidden webhooks[0].matchConditions"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &MutatingWebhookConfiguration{ObjectMeta: meta.ObjectMeta{Name: "sidecars"}, Webhooks: []MutatingWebhook{validHook()}}
			tt.change(c)
			got := errorSummary(ValidateMutatingWebhookConfiguration(c), tt.detail)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

// toValidating turns the mutating cases' webhook into a validating one, to check that the two
// kinds share their rules.
func toValidating(w MutatingWebhook) ValidatingWebhook {
	return ValidatingWebhook{Name: w.Name, ClientConfig: w.ClientConfig, Rules: w.Rules, FailurePolicy: w.FailurePolicy,
		MatchPolicy: w.MatchPolicy, NamespaceSelector: w.NamespaceSelector, ObjectSelector: w.ObjectSelector,
		SideEffects: w.SideEffects, TimeoutSeconds: w.TimeoutSeconds, AdmissionReviewVersions: w.AdmissionReviewVersions}
}

func TestValidateValidatingWebhookConfiguration(t *testing.T) {
	ok := toValidating(validHook())
	bad := toValidating(validHook())
	bad.SideEffects = ptr(SideEffectClassUnknown)
	bad.TimeoutSeconds = ptr(int32(60))
	tests := []struct {
		name     string
		webhooks []ValidatingWebhook
		want     []string
	}{
		{name: "valid", webhooks: []ValidatingWebhook{ok}},
		{name: "broken", webhooks: []ValidatingWebhook{bad}, want: []string{
			"FieldValueNotSupported webhooks[0].sideEffects", "FieldValueInvalid webhooks[0].timeoutSeconds"}},
		{name: "duplicate", webhooks: []ValidatingWebhook{ok, ok}, want: []string{"FieldValueDuplicate webhooks[1].name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &ValidatingWebhookConfiguration{ObjectMeta: meta.ObjectMeta{Name: "policy"}, Webhooks: tt.webhooks}
			if diff := cmp.Diff(tt.want, errorSummary(ValidateValidatingWebhookConfiguration(c), false)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

// TestValidateUpdateRelaxations: an update need not fix what the stored object already broke, but
// may not break what it kept.
func TestValidateUpdateRelaxations(t *testing.T) {
	legacy := validHook()
	legacy.SideEffects = ptr(SideEffectClassUnknown)
	legacy.AdmissionReviewVersions = []string{"v1alpha9"}
	legacy.ObjectSelector = &meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{{Key: "a", Operator: meta.LabelSelectorOpIn, Values: []string{"not valid!"}}}}
	twin := legacy
	twin.ObjectSelector = nil
	twin.SideEffects = ptr(SideEffectClassNone)
	twin.AdmissionReviewVersions = []string{"v1"}

	tests := []struct {
		name     string
		old, new []MutatingWebhook
		want     []string
	}{
		{name: "old already broke the rules", old: []MutatingWebhook{legacy, legacy}, new: []MutatingWebhook{legacy, legacy}},
		{name: "valid old: the rules hold", old: []MutatingWebhook{validHook()}, new: []MutatingWebhook{legacy}, want: []string{
			"FieldValueNotSupported webhooks[0].sideEffects",
			"FieldValueInvalid webhooks[0].objectSelector.matchExpressions[0].values[0]",
			"FieldValueInvalid webhooks[0].admissionReviewVersions",
		}},
		{name: "duplicate names stay allowed", old: []MutatingWebhook{twin, twin}, new: []MutatingWebhook{twin, twin}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := &MutatingWebhookConfiguration{ObjectMeta: meta.ObjectMeta{Name: "c", ResourceVersion: "1"}, Webhooks: tt.old}
			c := &MutatingWebhookConfiguration{ObjectMeta: meta.ObjectMeta{Name: "c", ResourceVersion: "1"}, Webhooks: tt.new}
			if diff := cmp.Diff(tt.want, errorSummary(ValidateMutatingWebhookConfigurationUpdate(c, old), false)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			vold := &ValidatingWebhookConfiguration{ObjectMeta: old.ObjectMeta}
			vc := &ValidatingWebhookConfiguration{ObjectMeta: c.ObjectMeta}
			for _, w := range tt.old {
				vold.Webhooks = append(vold.Webhooks, toValidating(w))
			}
			for _, w := range tt.new {
				vc.Webhooks = append(vc.Webhooks, toValidating(w))
			}
			if diff := cmp.Diff(tt.want, errorSummary(ValidateValidatingWebhookConfigurationUpdate(vc, vold), false)); diff != "" {
				t.Errorf("validating errors (-want +got):\n%s", diff)
			}
		})
	}
	// The name of a configuration cannot change.
	old := &MutatingWebhookConfiguration{ObjectMeta: meta.ObjectMeta{Name: "a", ResourceVersion: "1"}}
	c := &MutatingWebhookConfiguration{ObjectMeta: meta.ObjectMeta{Name: "b", ResourceVersion: "1"}}
	if errs := ValidateMutatingWebhookConfigurationUpdate(c, old); !strings.Contains(errs.ToAggregate().Error(), "metadata.name") {
		t.Errorf("renaming: %v", errs)
	}
}
