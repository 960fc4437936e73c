package openapi

import (
	"reflect"
	"strings"
)

//go:generate go run gendocs.go

// thisPackage is the import path of this package, whose synthesized types syntheticDocs describes.
var thisPackage = reflect.TypeFor[deleteOptions]().PkgPath()

// typeDoc returns the description of a Go type: its doc comment, for the types of skiff's API
// packages (apiDocs, generated from their sources) and this package's synthesized types.
func typeDoc(t reflect.Type) string { return doc(t, "") }

// fieldDoc returns the description of a struct field, from its doc comment.
func fieldDoc(owner reflect.Type, field string) string { return doc(owner, field) }

func doc(t reflect.Type, field string) string {
	if t.Name() == "" {
		return ""
	}
	key := t.Name()
	if field != "" {
		key += "." + field
	}
	switch pkg := t.PkgPath(); {
	case pkg == thisPackage:
		return syntheticDocs[key]
	case strings.HasPrefix(pkg, skiffAPI):
		return apiDocs[strings.TrimPrefix(pkg, skiffAPI)+"."+key]
	}
	return ""
}

// kubernetesOptional are fields of skiff's API types that Kubernetes documents as optional (they carry
// +optional in k8s.io/api) although their JSON tags have no omitempty, so that the wire form matches.
// Without this table they would be required, and kubectl's client-side validation would reject
// manifests Kubernetes accepts. An entry can go once its field's comment carries "+optional"
// (see apiOptional).
var kubernetesOptional = map[string]bool{
	"apps.DeploymentCondition.Status":    true,
	"apps.DeploymentCondition.Type":      true,
	"apps.ReplicaSetCondition.Status":    true,
	"apps.ReplicaSetCondition.Type":      true,
	"core.ContainerImage.Names":          true,
	"core.Event.ReportingController":     true,
	"core.Event.ReportingInstance":       true,
	"core.GRPCAction.Service":            true,
	"core.NodeRuntimeHandler.Name":       true,
	"core.ProjectedVolumeSource.Sources": true,
	"meta.Status.ListMeta":               true,
	"rbac.ClusterRole.Rules":             true,
	"rbac.Role.Rules":                    true,
	"rbac.RoleRef.APIGroup":              true,
}

// markedOptional reports whether a field without omitempty is optional all the same.
func markedOptional(owner reflect.Type, field string) bool {
	pkg := owner.PkgPath()
	if !strings.HasPrefix(pkg, skiffAPI) || owner.Name() == "" {
		return false
	}
	key := strings.TrimPrefix(pkg, skiffAPI) + "." + owner.Name() + "." + field
	return apiOptional[key] || kubernetesOptional[key]
}
