// Package webhook is dynamic admission control: the MutatingAdmissionWebhook and
// ValidatingAdmissionWebhook plugins, which send requests to the HTTPS webhooks that
// MutatingWebhookConfigurations and ValidatingWebhookConfigurations
// (admissionregistration.k8s.io/v1) name, as kube-apiserver does. A webhook gets an AdmissionReview
// (admission.k8s.io/v1) for each request its rules, namespaceSelector and objectSelector match, and
// answers whether to allow it; a mutating webhook may also answer with a JSON patch of the object.
// The webhook's caBundle is the only trust for its serving certificate.
//
//	src := webhook.FromStore(st) // configurations and namespace labels, read on each request
//	deps := webhook.Deps{Registry: reg} // warnings go to warning.Add
//	chain := admission.Chain{ /* in-tree plugins */ webhook.NewMutating(src, deps), webhook.NewValidating(src, deps)}
//	if err := chain.Admit(ctx, attrs); err != nil {
//		return err // a *webhook.Error; its *meta.Status is what the client gets, such as
//		// 400 `admission webhook "policy.example.com" denied the request: pods need an owner label`
//		// 500 `Internal error occurred: failed calling webhook "policy.example.com": failed to call webhook: Post ...`
//	}
//	// attrs.Object now carries the mutating webhooks' patches.
//
// What skiff leaves out: clientConfig.service (skiff has no Services to resolve; such a webhook
// fails to be called, and its failurePolicy decides), matchConditions (CEL; validation rejects
// them), and matchPolicy Equivalent, which has nothing to do because skiff serves one version of
// each resource.
package webhook
