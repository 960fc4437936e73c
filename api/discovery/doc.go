// Package discovery holds the documents of Kubernetes' discovery API, with Kubernetes' JSON: what
// /api, /apis, /api/v1, /apis/<group>/<version> and /version answer (meta.k8s.io/v1 and
// version.Info), and aggregated discovery (apidiscovery.k8s.io/v2 and v2beta1), in which /api and
// /apis answer with every group, version and resource at once. The API server writes them and
// client/discovery reads them; both use these types.
package discovery
