// Package patch is the patch engine of skiff's API server: it applies the four kinds of PATCH
// Kubernetes serves to an object's JSON, and keeps the managedFields that server-side apply
// needs, with Kubernetes' semantics and error wording.
//
//   - MergePatch: RFC 7386 JSON merge patch (application/merge-patch+json).
//   - JSONPatch: RFC 6902 JSON patch (application/json-patch+json), bounded to
//     MaxJSONPatchOperations operations and MaxDocumentBytes of growth.
//   - StrategicMergePatch: Kubernetes' strategic merge patch
//     (application/strategic-merge-patch+json), driven by a Schema built from the kind's Go type
//     and its patchStrategy / patchMergeKey tags, with every directive ($patch,
//     $deleteFromPrimitiveList, $setElementOrder, $retainKeys).
//   - Apply: server-side apply (application/apply-patch+yaml), with field ownership recorded in
//     metadata.managedFields in Kubernetes' FieldsV1 format, conflicts (*ConflictError) and force.
//   - UpdateManagedFields: the ownership bookkeeping of every other write, so that apply after
//     kubectl edit (or after a controller's update) conflicts exactly when Kubernetes would.
//
// Documents go in and come out as JSON; results have object keys sorted. Every error wraps one of
// ErrInvalidPatch, ErrInvalidDocument, ErrConflict, ErrTooLarge (ErrInvalidSchema for bad tags)
// and names the place in the document where it went wrong. Nothing panics on any input.
//
//	schema, err := patch.SchemaFor(reflect.TypeFor[apps.Deployment]())
//	if err != nil {
//		return err
//	}
//	// kubectl set image deployment/web nginx=nginx:1.27
//	setImage := []byte(`{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.27"}]}}}}`)
//	patched, err := patch.StrategicMergePatch(stored, setImage, schema)
//	// kubectl apply --server-side --field-manager=ci
//	applied, err := patch.Apply(stored, manifestYAML, schema, "ci", false)
//	var conflict *patch.ConflictError // errors.As(err, &conflict): who owns what
//
// # Where this package differs from Kubernetes
//
// The merge itself follows k8s.io/apimachinery's strategicpatch (server side) rule for rule,
// including how lists are ordered. Where Kubernetes leaves something to its typed decoder or to
// chance, this package decides, and says so:
//
//   - Directives and nulls inside values the patch adds (a new container, a replaced map) are
//     resolved here; Kubernetes copies them into the result and lets the typed decode drop them.
//   - Keys of a patch map are merged in sorted order, $deleteFromPrimitiveList after the rest;
//     Kubernetes iterates a Go map.
//   - Fields the schema does not know merge as maps even where both sides are objects (Kubernetes
//     fails there); $deleteFromPrimitiveList on a list whose field does not merge is an error
//     (Kubernetes replaces the list with the values to delete).
//   - JSON patch array indexes may not be negative (RFC 6901), and a patch may shift at most
//     2^26 array elements in total, so that 10,000 operations on a long array cannot take minutes.
//
// # What server-side apply here does not do
//
// Apply follows sigs.k8s.io/structured-merge-diff for merging, ownership, pruning and conflicts,
// and kube-apiserver for the managedFields entries (manager identity, ordering, stripped metadata
// fields, "before-first-apply"). It leaves out:
//
//   - Version conversion. Managers' field sets are kept in the apiVersion they were written in and
//     compared as they are; applying in a different apiVersion than the stored object is rejected.
//   - Defaulting and validation of the merged object: the caller defaults, validates and decodes
//     the result as it does for any write. Key fields of map lists default only through the
//     `default` tag (ports' protocol: TCP).
//   - Resetting fields per resource: FieldManager.Ignored keeps status (on the main resource) or
//     spec (on /status) out of ownership and conflicts, but resetting their values, as a
//     strategy's PrepareForUpdate does, is the caller's.
//   - The migration from client-side apply: the kubectl.kubernetes.io/last-applied-configuration
//     annotation is an ordinary field here, and "kubectl-client-side-apply" an ordinary manager.
//   - Capping the number of Update managers (Kubernetes folds the oldest into "ancient-changes").
//   - Unions (discriminated one-of fields) are not normalized.
//   - Subresource managers: entries carry a subresource if stored with one, but Apply and Update
//     record none.
package patch
