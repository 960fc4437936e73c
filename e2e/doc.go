// Package e2e tests skiff against Kubernetes' own client library, client-go, in a module of its own
// so that the library's go.mod never depends on client-go.
package e2e
