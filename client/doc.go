// Package client talks to a Kubernetes API server (skiff's or any other): a generic typed client
// for every registered kind, with rate limiting and retries as client-go does them.
//
//	c, err := client.New(client.Config{Host: "https://127.0.0.1:6443", TLS: tlsCfg})
//	pods := client.For[*core.Pod](c).Namespace("default")
//	pod, err := pods.Get(ctx, "nginx", client.GetOptions{})
//	if apierrors.IsNotFound(err) { ... }
//
// Errors from the server are *meta.Status values, so the predicates of api/apierrors (IsNotFound,
// IsConflict, IsAlreadyExists, IsGone, IsTooManyRequests, ...) work on them, also through wrapping.
// A request answered 429, or 5xx with Retry-After, is retried after the time the server asks for,
// up to Config.MaxRetries times. Every request first takes a token from a QPS/burst token bucket.
//
// Objects returned by the client are the caller's own: nothing else holds them.
//
// Loading a kubeconfig as kubectl does (--kubeconfig, KUBECONFIG, ~/.kube/config) is
// FromKubeconfig; discovery and the REST mapper are in client/discovery.
package client
