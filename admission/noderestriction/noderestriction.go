package noderestriction

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/authentication"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/equality"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/authn"
	"github.com/skiff-io/skiff/store"
)

// PluginName is the plugin's name, as --enable-admission-plugins spells it.
const PluginName = "NodeRestriction"

// Kubelets' identity, as authz/node defines it: user system:node:<nodeName> in group system:nodes.
const (
	nodeUserPrefix = "system:node:"
	nodesGroup     = "system:nodes"
)

// nodeIdentity is authz/node.NodeIdentity, repeated so that an admission chain does not depend on
// an authorizer.
func nodeIdentity(u authn.User) (nodeName string, isNode bool) {
	name, ok := strings.CutPrefix(u.Name, nodeUserPrefix)
	if !ok || !slices.Contains(u.Groups, nodesGroup) {
		return "", false
	}
	return name, true
}

// Plugin is the NodeRestriction admission plugin.
type Plugin struct {
	st store.Reader
}

var _ admission.Validator = (*Plugin)(nil)

// New returns the plugin. It reads pods and nodes from st when a request does not carry them:
// the pod of an eviction or a token, the node a mirror pod claims as owner.
func New(st store.Reader) *Plugin { return &Plugin{st: st} }

// Name returns PluginName.
func (p *Plugin) Name() string { return PluginName }

// Handles creates, updates and deletes; connects (exec, attach, proxy) are the authorizer's.
func (p *Plugin) Handles(op admission.Operation) bool {
	return op == admission.Create || op == admission.Update || op == admission.Delete
}

// Validate rejects what a node may not do; requests by anyone else pass.
func (p *Plugin) Validate(ctx context.Context, a *admission.Attributes) error {
	nodeName, isNode := nodeIdentity(a.User)
	if !isNode {
		return nil
	}
	if nodeName == "" {
		return forbidden(a, fmt.Errorf("could not determine node from user %q", a.User.Name))
	}
	switch a.Group + "/" + a.Resource {
	case "/pods":
		switch a.Subresource {
		case "":
			return p.admitPod(ctx, nodeName, a)
		case "status":
			return admitPodStatus(nodeName, a)
		case "eviction":
			return p.admitPodEviction(ctx, nodeName, a)
		default:
			return forbidden(a, fmt.Errorf("unexpected pod subresource %q, only 'status' and 'eviction' are allowed", a.Subresource))
		}
	case "/nodes":
		return admitNode(nodeName, a)
	case "/persistentvolumeclaims":
		if a.Subresource != "status" {
			return forbidden(a, errors.New("may only update PVC status"))
		}
		return admitPVCStatus(nodeName, a)
	case "/serviceaccounts":
		return p.admitServiceAccount(ctx, nodeName, a)
	case "coordination.k8s.io/leases":
		return admitOwnObject(nodeName, a, "can only access node lease with the same name as the requesting node",
			fmt.Sprintf("can only access leases in the %q system namespace", core.NamespaceNodeLease), core.NamespaceNodeLease)
	case "storage.k8s.io/csinodes":
		return admitOwnObject(nodeName, a, "can only access CSINode with the same name as the requesting node", "", "")
	}
	return nil
}

// forbidden is Kubernetes' admission.NewForbidden: `<resource> "<name>" is forbidden: <err>`, the
// name taken from the request, or else from the object, or else "Unknown".
func forbidden(a *admission.Attributes, err error) error {
	return apierrors.NewForbidden(apierrors.GroupResource{Group: a.Group, Resource: a.Resource}, requestName(a), err)
}

func requestName(a *admission.Attributes) string {
	if a.Name != "" {
		return a.Name
	}
	if a.Object != nil {
		m := a.Object.GetObjectMeta()
		if m.Name != "" {
			return m.Name
		}
		if m.GenerateName != "" {
			return m.GenerateName
		}
	}
	return "Unknown"
}

// getPod reads a pod the request names. A missing pod is NotFound, as Kubernetes returns it; any
// other failure rejects the request.
func (p *Plugin) getPod(ctx context.Context, a *admission.Attributes, namespace, name string) (*core.Pod, error) {
	pod, err := store.GetAs[*core.Pod](ctx, p.st, store.Key("pods", namespace, name))
	if store.IsNotFound(err) {
		return nil, apierrors.NewNotFound(apierrors.GroupResource{Resource: "pods"}, name)
	}
	if err != nil {
		return nil, forbidden(a, err)
	}
	return pod, nil
}

func (p *Plugin) admitPod(ctx context.Context, nodeName string, a *admission.Attributes) error {
	switch a.Operation {
	case admission.Create:
		return p.admitPodCreate(ctx, nodeName, a)
	case admission.Delete:
		existing, ok := a.OldObject.(*core.Pod)
		if !ok {
			var err error
			if existing, err = p.getPod(ctx, a, a.Namespace, a.Name); err != nil {
				return err
			}
		}
		if existing.Spec.NodeName != nodeName {
			return forbidden(a, fmt.Errorf("node %q can only delete pods with spec.nodeName set to itself", nodeName))
		}
		return nil
	default:
		return forbidden(a, fmt.Errorf("unexpected operation %q, node %q can only create and delete mirror pods", a.Operation, nodeName))
	}
}

// admitPodCreate lets a node create only mirror pods (the API copies of its static pods) bound to
// itself, owned by its Node, and referencing nothing the node could not read otherwise: the Node
// authorizer relates to a node whatever its pods reference, so such a pod would be a way for a
// node to grant itself any secret.
func (p *Plugin) admitPodCreate(ctx context.Context, nodeName string, a *admission.Attributes) error {
	pod, ok := a.Object.(*core.Pod)
	if !ok {
		return forbidden(a, fmt.Errorf("unexpected type %T", a.Object))
	}
	if _, mirror := pod.Annotations[core.MirrorPodAnnotationKey]; !mirror {
		return forbidden(a, fmt.Errorf("pod does not have %q annotation, node %q can only create mirror pods", core.MirrorPodAnnotationKey, nodeName))
	}
	if pod.Spec.NodeName != nodeName {
		return forbidden(a, fmt.Errorf("node %q can only create pods with spec.nodeName set to itself", nodeName))
	}
	switch len(pod.OwnerReferences) {
	case 0:
		return forbidden(a, fmt.Errorf("node %q can only create pods with an owner reference set to itself", nodeName))
	case 1:
	default:
		return forbidden(a, fmt.Errorf("node %q can only create pods with a single owner reference set to itself", nodeName))
	}
	owner := pod.OwnerReferences[0]
	if owner.APIVersion != "v1" || owner.Kind != "Node" || owner.Name != nodeName {
		return forbidden(a, fmt.Errorf("node %q can only create pods with an owner reference set to itself", nodeName))
	}
	if owner.Controller == nil || !*owner.Controller {
		return forbidden(a, fmt.Errorf("node %q can only create pods with a controller owner reference set to itself", nodeName))
	}
	if owner.BlockOwnerDeletion != nil && *owner.BlockOwnerDeletion {
		return forbidden(a, fmt.Errorf("node %q must not set blockOwnerDeletion on an owner reference", nodeName))
	}
	node, err := store.GetAs[*core.Node](ctx, p.st, store.Key("nodes", "", nodeName))
	if store.IsNotFound(err) {
		return apierrors.NewNotFound(apierrors.GroupResource{Resource: "nodes"}, nodeName)
	}
	if err != nil {
		return forbidden(a, fmt.Errorf("error looking up node %s to verify uid: %w", nodeName, err))
	}
	if owner.UID != node.UID {
		return forbidden(a, fmt.Errorf("node %s UID mismatch: expected %s got %s", nodeName, owner.UID, node.UID))
	}

	if pod.Spec.ServiceAccountName != "" || pod.Spec.DeprecatedServiceAccount != "" {
		return forbidden(a, fmt.Errorf("node %q can not create pods that reference a service account", nodeName))
	}
	if references(pod, secretNames) {
		return forbidden(a, fmt.Errorf("node %q can not create pods that reference secrets", nodeName))
	}
	if references(pod, configMapNames) {
		return forbidden(a, fmt.Errorf("node %q can not create pods that reference configmaps", nodeName))
	}
	for _, v := range pod.Spec.Volumes {
		if v.PersistentVolumeClaim != nil {
			return forbidden(a, fmt.Errorf("node %q can not create pods that reference persistentvolumeclaims", nodeName))
		}
	}
	return nil
}

// admitPodStatus lets a node update the status of pods bound to itself, and nothing else through it.
func admitPodStatus(nodeName string, a *admission.Attributes) error {
	if a.Operation != admission.Update {
		return forbidden(a, fmt.Errorf("unexpected operation %q", a.Operation))
	}
	oldPod, ok := a.OldObject.(*core.Pod)
	if !ok {
		return forbidden(a, fmt.Errorf("unexpected type %T", a.OldObject))
	}
	if oldPod.Spec.NodeName != nodeName {
		return forbidden(a, fmt.Errorf("node %q can only update pod status for pods with spec.nodeName set to itself", nodeName))
	}
	newPod, ok := a.Object.(*core.Pod)
	if !ok {
		return forbidden(a, fmt.Errorf("unexpected type %T", a.Object))
	}
	if !labelsEqual(oldPod.Labels, newPod.Labels) {
		return forbidden(a, fmt.Errorf("node %q cannot update labels through pod status", nodeName))
	}
	// The Node authorizer gives a node the claims named here; a node that could rewrite them could
	// grant itself any claim.
	if !equality.DeepEqual(oldPod.Status.ResourceClaimStatuses, newPod.Status.ResourceClaimStatuses) {
		return forbidden(a, fmt.Errorf("node %q cannot update resource claim statues", nodeName))
	}
	return nil
}

func labelsEqual(x, y map[string]string) bool {
	if len(x) != len(y) {
		return false
	}
	for k, v := range x {
		if w, ok := y[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// admitPodEviction lets a node evict only pods bound to itself. The pod is the one the request
// names, or else the one the Eviction names.
func (p *Plugin) admitPodEviction(ctx context.Context, nodeName string, a *admission.Attributes) error {
	if a.Operation != admission.Create {
		return forbidden(a, fmt.Errorf("unexpected operation %s", a.Operation))
	}
	podName := a.Name
	if podName == "" && a.Object != nil {
		podName = a.Object.GetObjectMeta().Name
	}
	if podName == "" {
		return forbidden(a, errors.New("could not determine pod from request data"))
	}
	existing, err := p.getPod(ctx, a, a.Namespace, podName)
	if err != nil {
		return err
	}
	if existing.Spec.NodeName != nodeName {
		return forbidden(a, fmt.Errorf("node %s can only evict pods with spec.nodeName set to itself", nodeName))
	}
	return nil
}

// pvcStatusFields are the parts of a PVC a kubelet writes after expanding a volume.
var pvcStatusFields = []string{"capacity", "conditions", "allocatedResources", "allocatedResourceStatuses"}

// admitPVCStatus lets a node change only the status fields a kubelet writes after expanding a
// volume. skiff serves no PersistentVolumeClaim kind yet, so the objects are compared as their
// JSON, which works for whatever type serves the kind.
func admitPVCStatus(nodeName string, a *admission.Attributes) error {
	if a.Operation != admission.Update {
		return forbidden(a, fmt.Errorf("unexpected operation %q", a.Operation))
	}
	oldPVC, err := pvcWithoutNodeFields(a.OldObject)
	if err != nil {
		return forbidden(a, err)
	}
	newPVC, err := pvcWithoutNodeFields(a.Object)
	if err != nil {
		return forbidden(a, err)
	}
	if !reflect.DeepEqual(oldPVC, newPVC) {
		return forbidden(a, fmt.Errorf("node %q is not allowed to update fields other than status.capacity and status.conditions: %v", nodeName, cmp.Diff(oldPVC, newPVC)))
	}
	return nil
}

// pvcWithoutNodeFields returns a PVC as JSON without what a node may change, nor what every update
// changes (resourceVersion, managedFields).
func pvcWithoutNodeFields(o meta.Object) (map[string]any, error) {
	if o == nil {
		return nil, errors.New("unexpected type <nil>")
	}
	data, err := json.Marshal(o)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	if md, ok := m["metadata"].(map[string]any); ok {
		delete(md, "resourceVersion")
		delete(md, "managedFields")
	}
	if st, ok := m["status"].(map[string]any); ok {
		for _, f := range pvcStatusFields {
			delete(st, f)
		}
	}
	return m, nil
}

// admitNode lets a node create and update only its own Node object; it may not give itself a
// configSource, change its taints, or set labels outside the kubelet's namespaces, any of which
// would let it draw workloads, and so secrets, meant for other nodes.
func admitNode(nodeName string, a *admission.Attributes) error {
	requested := a.Name
	if requested == "" && a.Operation == admission.Create && a.Object != nil {
		requested = a.Object.GetObjectMeta().Name
	}
	if requested != nodeName {
		return forbidden(a, fmt.Errorf("node %q is not allowed to modify node %q", nodeName, requested))
	}
	switch a.Operation {
	case admission.Create:
		node, ok := a.Object.(*core.Node)
		if !ok {
			return forbidden(a, fmt.Errorf("unexpected type %T", a.Object))
		}
		if node.Spec.ConfigSource != nil {
			// Kubernetes says "pods" here too.
			return forbidden(a, fmt.Errorf("node %q is not allowed to create pods with a non-nil configSource", nodeName))
		}
		if bad := forbiddenLabels(modifiedLabels(node.Labels, nil)); len(bad) > 0 {
			return forbidden(a, fmt.Errorf("node %q is not allowed to set the following labels: %s", nodeName, strings.Join(bad, ", ")))
		}
	case admission.Update:
		node, ok := a.Object.(*core.Node)
		if !ok {
			return forbidden(a, fmt.Errorf("unexpected type %T", a.Object))
		}
		oldNode, ok := a.OldObject.(*core.Node)
		if !ok {
			return forbidden(a, fmt.Errorf("unexpected type %T", a.OldObject))
		}
		// Old kubelets drop configSource on status updates, so only a new non-nil one is refused.
		if node.Spec.ConfigSource != nil && !equality.DeepEqual(node.Spec.ConfigSource, oldNode.Spec.ConfigSource) {
			return forbidden(a, fmt.Errorf("node %q is not allowed to update configSource to a new non-nil configSource", nodeName))
		}
		if !equality.DeepEqual(node.Spec.Taints, oldNode.Spec.Taints) {
			return forbidden(a, fmt.Errorf("node %q is not allowed to modify taints", nodeName))
		}
		if bad := forbiddenLabels(modifiedLabels(node.Labels, oldNode.Labels)); len(bad) > 0 {
			return forbidden(a, fmt.Errorf("is not allowed to modify labels: %s", strings.Join(bad, ", ")))
		}
	}
	return nil
}

// modifiedLabels returns the keys added, removed or changed between two label sets.
func modifiedLabels(now, before map[string]string) []string {
	var out []string
	for k, v := range now {
		if w, ok := before[k]; !ok || v != w {
			out = append(out, k)
		}
	}
	for k := range before {
		if _, ok := now[k]; !ok {
			out = append(out, k)
		}
	}
	return out
}

// Label namespaces and labels a kubelet may set on its own Node (k8s.io/kubelet/pkg/apis).
const labelNamespaceNodeRestriction = "node-restriction.kubernetes.io"

var (
	kubeletLabelNamespaces = []string{"kubelet.kubernetes.io", "node.kubernetes.io"}
	kubeletLabels          = []string{
		"kubernetes.io/hostname",
		"topology.kubernetes.io/zone",
		"topology.kubernetes.io/region",
		"failure-domain.beta.kubernetes.io/zone",
		"failure-domain.beta.kubernetes.io/region",
		"beta.kubernetes.io/instance-type",
		"node.kubernetes.io/instance-type",
		"kubernetes.io/os",
		"kubernetes.io/arch",
		"beta.kubernetes.io/os",
		"beta.kubernetes.io/arch",
	}
)

// forbiddenLabels returns, sorted, the keys a node may not set: those in node-restriction.kubernetes.io
// (which exist so that admins can label nodes in ways nodes cannot forge), and kubernetes.io and
// k8s.io labels other than the kubelet's own.
func forbiddenLabels(keys []string) []string {
	var out []string
	for _, k := range keys {
		ns := labelNamespace(k)
		switch {
		case inNamespace(ns, labelNamespaceNodeRestriction):
			out = append(out, k)
		case (inNamespace(ns, "kubernetes.io") || inNamespace(ns, "k8s.io")) && !isKubeletLabel(k):
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func isKubeletLabel(key string) bool {
	if slices.Contains(kubeletLabels, key) {
		return true
	}
	ns := labelNamespace(key)
	return slices.ContainsFunc(kubeletLabelNamespaces, func(allowed string) bool { return inNamespace(ns, allowed) })
}

// inNamespace reports whether a label namespace is domain or one of its subdomains.
func inNamespace(ns, domain string) bool {
	return ns == domain || strings.HasSuffix(ns, "."+domain)
}

func labelNamespace(key string) string {
	if ns, _, ok := strings.Cut(key, "/"); ok {
		return ns
	}
	return ""
}

// admitServiceAccount lets a node request only tokens bound to a pod scheduled on it, by that pod's
// UID, so that a token cannot outlive the pod or be spent elsewhere.
func (p *Plugin) admitServiceAccount(ctx context.Context, nodeName string, a *admission.Attributes) error {
	if a.Operation != admission.Create || a.Subresource != "token" {
		return nil
	}
	tr, ok := a.Object.(*authentication.TokenRequest)
	if !ok {
		return forbidden(a, fmt.Errorf("unexpected type %T", a.Object))
	}
	ref := tr.Spec.BoundObjectRef
	if ref == nil || ref.APIVersion != "v1" || ref.Kind != "Pod" || ref.Name == "" {
		return forbidden(a, errors.New("node requested token not bound to a pod"))
	}
	if ref.UID == "" {
		return forbidden(a, errors.New("node requested token with a pod binding without a uid"))
	}
	pod, err := p.getPod(ctx, a, a.Namespace, ref.Name)
	if err != nil {
		return err
	}
	if ref.UID != pod.UID {
		return forbidden(a, fmt.Errorf("the UID in the bound object reference (%s) does not match the UID in record. The object might have been deleted and then recreated", ref.UID))
	}
	if pod.Spec.NodeName != nodeName {
		return forbidden(a, errors.New("node requested token bound to a pod scheduled on a different node"))
	}
	return nil
}

// admitOwnObject lets a node write only the object named after it (its Lease, its CSINode),
// in namespace when one is given. On create the name is the new object's.
func admitOwnObject(nodeName string, a *admission.Attributes, wrongName, wrongNamespace, namespace string) error {
	if namespace != "" && a.Namespace != namespace {
		return forbidden(a, errors.New(wrongNamespace))
	}
	name := a.Name
	if a.Operation == admission.Create {
		if a.Object == nil {
			return forbidden(a, errors.New("unable to access the object name"))
		}
		name = a.Object.GetObjectMeta().Name
	}
	if name != nodeName {
		return forbidden(a, errors.New(wrongName))
	}
	return nil
}

// secretNames and configMapNames list what a pod references of each kind, as the Node authorizer
// reads them.
func secretNames(pod *core.Pod) []string {
	var out []string
	for _, s := range pod.Spec.ImagePullSecrets {
		out = append(out, s.Name)
	}
	eachContainer(&pod.Spec, func(c *core.Container) {
		for _, from := range c.EnvFrom {
			if from.SecretRef != nil {
				out = append(out, from.SecretRef.Name)
			}
		}
		for _, env := range c.Env {
			if env.ValueFrom != nil && env.ValueFrom.SecretKeyRef != nil {
				out = append(out, env.ValueFrom.SecretKeyRef.Name)
			}
		}
	})
	for _, v := range pod.Spec.Volumes {
		switch {
		case v.Secret != nil:
			out = append(out, v.Secret.SecretName)
		case v.Projected != nil:
			for _, src := range v.Projected.Sources {
				if src.Secret != nil {
					out = append(out, src.Secret.Name)
				}
			}
		case v.CSI != nil && v.CSI.NodePublishSecretRef != nil:
			out = append(out, v.CSI.NodePublishSecretRef.Name)
		}
	}
	return out
}

func configMapNames(pod *core.Pod) []string {
	var out []string
	eachContainer(&pod.Spec, func(c *core.Container) {
		for _, from := range c.EnvFrom {
			if from.ConfigMapRef != nil {
				out = append(out, from.ConfigMapRef.Name)
			}
		}
		for _, env := range c.Env {
			if env.ValueFrom != nil && env.ValueFrom.ConfigMapKeyRef != nil {
				out = append(out, env.ValueFrom.ConfigMapKeyRef.Name)
			}
		}
	})
	for _, v := range pod.Spec.Volumes {
		switch {
		case v.ConfigMap != nil:
			out = append(out, v.ConfigMap.Name)
		case v.Projected != nil:
			for _, src := range v.Projected.Sources {
				if src.ConfigMap != nil {
					out = append(out, src.ConfigMap.Name)
				}
			}
		}
	}
	return out
}

// references reports whether names finds any reference in the pod, even one with an empty name,
// as Kubernetes counts them.
func references(pod *core.Pod, names func(*core.Pod) []string) bool { return len(names(pod)) > 0 }

func eachContainer(spec *core.PodSpec, visit func(c *core.Container)) {
	for i := range spec.InitContainers {
		visit(&spec.InitContainers[i])
	}
	for i := range spec.Containers {
		visit(&spec.Containers[i])
	}
	for i := range spec.EphemeralContainers {
		visit((*core.Container)(&spec.EphemeralContainers[i].EphemeralContainerCommon))
	}
}
