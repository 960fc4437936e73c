package discovery

import "github.com/skiff-io/skiff/api/discovery"

// The discovery documents are api/discovery's, with Kubernetes' JSON field names, so that cache
// files are interchangeable with kubectl's. Client.ServerGroups also lists the core group, first,
// with the empty name, as client-go does.
type (
	APIVersions               = discovery.APIVersions
	ServerAddressByClientCIDR = discovery.ServerAddressByClientCIDR
	APIGroupList              = discovery.APIGroupList
	APIGroup                  = discovery.APIGroup
	GroupVersionForDiscovery  = discovery.GroupVersionForDiscovery
	APIResourceList           = discovery.APIResourceList
	APIResource               = discovery.APIResource
	VersionInfo               = discovery.VersionInfo
)
