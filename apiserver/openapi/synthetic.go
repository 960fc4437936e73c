package openapi

import (
	"reflect"

	"github.com/skiff-io/skiff/api/meta"
)

// The types below are the bodies of requests and responses that skiff's API packages have no Go type
// for. They exist only to be reflected on, under the names Kubernetes gives them.

// deleteOptions is the body of a DELETE.
type deleteOptions struct {
	meta.TypeMeta      `json:",inline"`
	GracePeriodSeconds *int64         `json:"gracePeriodSeconds,omitempty"`
	Preconditions      *preconditions `json:"preconditions,omitempty"`
	OrphanDependents   *bool          `json:"orphanDependents,omitempty"`
	PropagationPolicy  *string        `json:"propagationPolicy,omitempty"`
	DryRun             []string       `json:"dryRun,omitempty"`

	IgnoreStoreReadErrorWithClusterBreakingPotential *bool `json:"ignoreStoreReadErrorWithClusterBreakingPotential,omitempty"`
}

// preconditions must be met before a delete goes ahead.
type preconditions struct {
	UID             *meta.UID `json:"uid,omitempty"`
	ResourceVersion *string   `json:"resourceVersion,omitempty"`
}

// watchEvent is one event of a watch stream.
type watchEvent struct {
	Type   string       `json:"type"`
	Object rawExtension `json:"object"`
}

// rawExtension is an embedded object of any kind.
type rawExtension struct{}

// patchBody is the body of a PATCH, whose form the Content-Type names.
type patchBody struct{}

var (
	deleteOptionsType = reflect.TypeFor[deleteOptions]()
	watchEventType    = reflect.TypeFor[watchEvent]()
	rawExtensionType  = reflect.TypeFor[rawExtension]()
	patchBodyType     = reflect.TypeFor[patchBody]()
	statusType        = reflect.TypeFor[meta.Status]()
	listMetaType      = reflect.TypeFor[meta.ListMeta]()
)

// syntheticNames are the definition names of the types above.
var syntheticNames = map[reflect.Type]string{
	deleteOptionsType:                metaV1 + "DeleteOptions",
	reflect.TypeFor[preconditions](): metaV1 + "Preconditions",
	watchEventType:                   metaV1 + "WatchEvent",
	rawExtensionType:                 "io.k8s.apimachinery.pkg.runtime.RawExtension",
	patchBodyType:                    metaV1 + "Patch",
}

// syntheticDocs describe the types above and their fields, keyed as docs are (see typeDoc).
var syntheticDocs = map[string]string{
	"deleteOptions":                                                  "DeleteOptions may be sent as the body of a DELETE to say how the object is deleted.",
	"deleteOptions.GracePeriodSeconds":                               "GracePeriodSeconds is how long, in seconds, the object may take to terminate before it is deleted; 0 deletes it at once. Unset, the kind's default applies.",
	"deleteOptions.Preconditions":                                    "Preconditions must hold for the delete to go ahead; otherwise it fails with 409 Conflict.",
	"deleteOptions.OrphanDependents":                                 "OrphanDependents is the deprecated form of PropagationPolicy: true orphans the dependents, false deletes them. At most one of the two may be set.",
	"deleteOptions.PropagationPolicy":                                "PropagationPolicy says what becomes of the object's dependents: Orphan leaves them, Background lets the garbage collector delete them after the object, Foreground deletes them before the object. At most one of this and OrphanDependents may be set.",
	"deleteOptions.DryRun":                                           "DryRun, when set to [\"All\"], runs every stage of the request without persisting the result.",
	"deleteOptions.IgnoreStoreReadErrorWithClusterBreakingPotential": "IgnoreStoreReadErrorWithClusterBreakingPotential deletes an object that cannot be read from storage (it cannot be decoded or decrypted), skipping finalizers and preconditions. It may break whatever relied on the object; it is false by default.",
	"preconditions":                                                  "Preconditions must hold before an update or delete goes ahead.",
	"preconditions.UID":                                              "UID is the UID the object must have.",
	"preconditions.ResourceVersion":                                  "ResourceVersion is the resource version the object must have.",
	"watchEvent":                                                     "WatchEvent is one event of a watch stream.",
	"watchEvent.Type":                                                "Type is ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.",
	"watchEvent.Object":                                              "Object is the object as it is after an ADDED or MODIFIED event, as it was before a DELETED one, the object holding the resource version of a BOOKMARK, or a Status for an ERROR.",
	"patchBody":                                                      "Patch is the body of a PATCH, in the form its Content-Type names: JSON patch, JSON merge patch, strategic merge patch or server-side apply configuration.",
}
