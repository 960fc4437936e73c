// Package webhook is Kubernetes' Webhook authorizer (--authorization-mode=Webhook): it asks a
// remote service by POSTing a SubjectAccessReview (authorization.k8s.io/v1) as JSON over HTTPS,
// and allows, denies or has no opinion as the service's status.allowed and status.denied say.
// Answers are cached, allowed ones for AuthorizedTTL (5 minutes) and the others for
// UnauthorizedTTL (30 seconds), keyed by the whole review; a failed call is retried with backoff
// and then yields NoOpinion with the error, so a later authorizer may still decide.
//
//	w, err := webhook.New(webhook.Config{KubeconfigFile: "/etc/skiff/authz-webhook.kubeconfig"})
//	if err != nil {
//		return err
//	}
//	d, reason, err := w.Authorize(ctx, authz.Attributes{User: u, Verb: "get", ResourceRequest: true,
//		APIVersion: "v1", Resource: "pods", Namespace: "default", Name: "web"})
//	if err != nil {
//		log.Error(err, "Authorization webhook failed") // d is NoOpinion
//	}
//
// The kubeconfig file names the service as its cluster (server, certificate-authority) and the
// API server's credentials for it as its user (client-certificate and client-key, or a token),
// as Kubernetes' --authorization-webhook-config-file does.
package webhook
