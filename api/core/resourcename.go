package core

import (
	"strings"

	"github.com/skiff-io/skiff/api/validation"
)

// IsHugePageResourceName reports whether name is a huge page resource ("hugepages-2Mi").
func IsHugePageResourceName(name ResourceName) bool {
	return strings.HasPrefix(string(name), ResourceHugePagesPrefix)
}

// isQuotaHugePageResourceName reports whether name is a huge page resource or its quota name.
func isQuotaHugePageResourceName(name ResourceName) bool {
	return IsHugePageResourceName(name) || strings.HasPrefix(string(name), ResourceRequestsHugePagesPrefix)
}

// IsNativeResource reports whether Kubernetes defines name: it has no domain prefix, or the
// kubernetes.io one.
func IsNativeResource(name ResourceName) bool {
	return !strings.Contains(string(name), "/") || strings.Contains(string(name), ResourceDefaultNamespacePrefix)
}

// IsExtendedResourceName reports whether name is an extended resource ("example.com/gpu"): not
// native, not a quota name, and valid as a quota name once "requests." is put before it.
func IsExtendedResourceName(name ResourceName) bool {
	if IsNativeResource(name) || strings.HasPrefix(string(name), DefaultResourceRequestsPrefix) {
		return false
	}
	return len(validation.IsQualifiedName(DefaultResourceRequestsPrefix+string(name))) == 0
}

// IsOvercommitAllowed reports whether requests of name may be below its limits: true for native
// resources other than huge pages.
func IsOvercommitAllowed(name ResourceName) bool {
	return IsNativeResource(name) && !IsHugePageResourceName(name)
}

var standardContainerResources = map[ResourceName]bool{
	ResourceCPU: true, ResourceMemory: true, ResourceEphemeralStorage: true,
}

// IsStandardContainerResourceName reports whether a container may request name without a domain.
func IsStandardContainerResourceName(name ResourceName) bool {
	return standardContainerResources[name] || IsHugePageResourceName(name)
}

var standardResources = map[ResourceName]bool{
	ResourceCPU: true, ResourceMemory: true, ResourceEphemeralStorage: true,
	ResourceRequestsCPU: true, ResourceRequestsMemory: true, ResourceRequestsEphemeralStorage: true,
	ResourceLimitsCPU: true, ResourceLimitsMemory: true, ResourceLimitsEphemeralStorage: true,
	ResourcePods: true, ResourceQuotas: true, ResourceServices: true, ResourceReplicationControllers: true,
	ResourceSecrets: true, ResourceConfigMaps: true, ResourcePersistentVolumeClaims: true,
	ResourceStorage: true, ResourceRequestsStorage: true,
	ResourceServicesNodePorts: true, ResourceServicesLoadBalancers: true,
}

// IsStandardResourceName reports whether Kubernetes knows name as a resource without a domain.
func IsStandardResourceName(name ResourceName) bool {
	return standardResources[name] || isQuotaHugePageResourceName(name)
}

var standardQuotaResources = map[ResourceName]bool{
	ResourceCPU: true, ResourceMemory: true, ResourceEphemeralStorage: true,
	ResourceRequestsCPU: true, ResourceRequestsMemory: true, ResourceRequestsStorage: true,
	ResourceRequestsEphemeralStorage: true, ResourceLimitsCPU: true, ResourceLimitsMemory: true,
	ResourceLimitsEphemeralStorage: true, ResourcePods: true, ResourceQuotas: true, ResourceServices: true,
	ResourceReplicationControllers: true, ResourceSecrets: true, ResourcePersistentVolumeClaims: true,
	ResourceConfigMaps: true, ResourceServicesNodePorts: true, ResourceServicesLoadBalancers: true,
}

// IsStandardQuotaResourceName reports whether a ResourceQuota may track name without a domain.
func IsStandardQuotaResourceName(name ResourceName) bool {
	return standardQuotaResources[name] || isQuotaHugePageResourceName(name)
}

var integerResources = map[ResourceName]bool{
	ResourcePods: true, ResourceQuotas: true, ResourceServices: true, ResourceReplicationControllers: true,
	ResourceSecrets: true, ResourceConfigMaps: true, ResourcePersistentVolumeClaims: true,
	ResourceServicesNodePorts: true, ResourceServicesLoadBalancers: true,
}

// IsIntegerResourceName reports whether quantities of name must be whole numbers: object counts
// and extended resources.
func IsIntegerResourceName(name ResourceName) bool {
	return integerResources[name] || IsExtendedResourceName(name)
}
