package discovery

import (
	"strings"

	"github.com/skiff-io/skiff/api/meta"
)

// APIVersions answers /api: the versions of the core group.
type APIVersions struct {
	meta.TypeMeta              `json:",inline"`
	Versions                   []string                    `json:"versions"`
	ServerAddressByClientCIDRs []ServerAddressByClientCIDR `json:"serverAddressByClientCIDRs"`
}

// ServerAddressByClientCIDR tells clients in a network which address reaches the server.
type ServerAddressByClientCIDR struct {
	ClientCIDR    string `json:"clientCIDR"`
	ServerAddress string `json:"serverAddress"`
}

// APIGroupList answers /apis.
type APIGroupList struct {
	meta.TypeMeta `json:",inline"`
	Groups        []APIGroup `json:"groups"`
}

// APIGroup is one group and the versions the server serves it in.
type APIGroup struct {
	meta.TypeMeta `json:",inline"`
	// Name is "" for the core group, "apps", "rbac.authorization.k8s.io", ...
	Name     string                     `json:"name"`
	Versions []GroupVersionForDiscovery `json:"versions"`
	// PreferredVersion is the version clients should use when they have no reason to pick another.
	PreferredVersion           GroupVersionForDiscovery    `json:"preferredVersion,omitempty"`
	ServerAddressByClientCIDRs []ServerAddressByClientCIDR `json:"serverAddressByClientCIDRs,omitempty"`
}

// GroupVersionForDiscovery names one version of a group.
type GroupVersionForDiscovery struct {
	// GroupVersion is "group/version", or the version alone for the core group ("v1").
	GroupVersion string `json:"groupVersion"`
	Version      string `json:"version"`
}

// APIResourceList answers /api/v1 and /apis/<group>/<version>.
type APIResourceList struct {
	meta.TypeMeta `json:",inline"`
	GroupVersion  string        `json:"groupVersion"`
	APIResources  []APIResource `json:"resources"`
}

// APIResource is a resource ("pods") or a subresource ("pods/status") of a group version.
type APIResource struct {
	// Name is the plural ("pods"), or "<plural>/<subresource>" for a subresource.
	Name string `json:"name"`
	// SingularName is "pod"; empty for subresources, and on servers older than 1.27 for some kinds.
	SingularName string `json:"singularName"`
	Namespaced   bool   `json:"namespaced"`
	// Group and Version are set only when the resource answers with a kind of another group
	// version (deployments/scale answers autoscaling/v1 Scale).
	Group              string   `json:"group,omitempty"`
	Version            string   `json:"version,omitempty"`
	Kind               string   `json:"kind"`
	Verbs              []string `json:"verbs"`
	ShortNames         []string `json:"shortNames,omitempty"`
	Categories         []string `json:"categories,omitempty"`
	StorageVersionHash string   `json:"storageVersionHash,omitempty"`
}

// IsSubresource reports whether r is a subresource ("pods/status") rather than a resource.
func (r *APIResource) IsSubresource() bool { return strings.Contains(r.Name, "/") }

// VersionInfo answers /version (k8s.io/apimachinery's version.Info).
type VersionInfo struct {
	Major string `json:"major"`
	Minor string `json:"minor"`
	// EmulationMajor and the three fields after it are sent by servers from Kubernetes 1.33 on.
	EmulationMajor        string `json:"emulationMajor,omitempty"`
	EmulationMinor        string `json:"emulationMinor,omitempty"`
	MinCompatibilityMajor string `json:"minCompatibilityMajor,omitempty"`
	MinCompatibilityMinor string `json:"minCompatibilityMinor,omitempty"`
	GitVersion            string `json:"gitVersion"`
	GitCommit             string `json:"gitCommit"`
	GitTreeState          string `json:"gitTreeState"`
	BuildDate             string `json:"buildDate"`
	GoVersion             string `json:"goVersion"`
	Compiler              string `json:"compiler"`
	Platform              string `json:"platform"`
}

// String returns the git version, as kubectl version prints it.
func (v *VersionInfo) String() string { return v.GitVersion }

// APIGroupDiscoveryList is aggregated discovery's answer to /api and /apis.
type APIGroupDiscoveryList struct {
	meta.TypeMeta `json:",inline"`
	meta.ListMeta `json:"metadata"`
	Items         []APIGroupDiscovery `json:"items"`
}

// IsAggregated reports whether a document's type is an aggregated discovery list (v2 or v2beta1,
// which have the same fields).
func IsAggregated(tm meta.TypeMeta) bool {
	return tm.Kind == "APIGroupDiscoveryList" &&
		(tm.APIVersion == "apidiscovery.k8s.io/v2" || tm.APIVersion == "apidiscovery.k8s.io/v2beta1")
}

// APIGroupDiscovery is a group with everything in it; its name is metadata.name.
type APIGroupDiscovery struct {
	meta.ObjectMeta `json:"metadata"`
	// Versions are in the server's order of preference.
	Versions []APIVersionDiscovery `json:"versions"`
}

// APIVersionDiscovery is one version of a group.
type APIVersionDiscovery struct {
	Version   string                 `json:"version"`
	Resources []APIResourceDiscovery `json:"resources"`
	// Freshness is "Stale" when an aggregated API server did not answer the main server in time.
	Freshness string `json:"freshness,omitempty"`
}

// APIResourceDiscovery is one resource with its subresources.
type APIResourceDiscovery struct {
	Resource         string                    `json:"resource"`
	ResponseKind     *GroupVersionKind         `json:"responseKind"`
	Scope            string                    `json:"scope"`
	SingularResource string                    `json:"singularResource"`
	Verbs            []string                  `json:"verbs"`
	ShortNames       []string                  `json:"shortNames,omitempty"`
	Categories       []string                  `json:"categories,omitempty"`
	Subresources     []APISubresourceDiscovery `json:"subresources,omitempty"`
}

// APISubresourceDiscovery is one subresource.
type APISubresourceDiscovery struct {
	Subresource  string            `json:"subresource"`
	ResponseKind *GroupVersionKind `json:"responseKind"`
	Verbs        []string          `json:"verbs"`
}

// GroupVersionKind as discovery writes it.
type GroupVersionKind struct {
	Group   string `json:"group"`
	Version string `json:"version"`
	Kind    string `json:"kind"`
}
