package apiserver

import (
	"crypto/rand"
	"reflect"
	"strings"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/apps"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/equality"
	"github.com/skiff-io/skiff/api/meta"
)

// This file is the part of kube-apiserver's per-resource "strategies" that skiff needs: what the
// server sets on create, what it keeps from the old object on update, and when generation moves.
// Kinds are handled generically by their Spec and Status fields, with a few kinds special-cased as
// Kubernetes special-cases them.

// fieldOf returns the named top-level field of an object struct, or an invalid Value.
func fieldOf(obj meta.Object, name string) reflect.Value {
	v := reflect.ValueOf(obj)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return reflect.Value{}
	}
	v = v.Elem()
	if v.Kind() != reflect.Struct {
		return reflect.Value{}
	}
	return v.FieldByName(name)
}

// tracksGeneration: kinds with a spec count its changes in metadata.generation.
func tracksGeneration(k *api.Kind) bool {
	f, ok := k.Type.FieldByName("Spec")
	return ok && !f.Anonymous
}

// hasStatusSubresource: the status of these kinds is written only through /status.
func hasStatusSubresource(k *api.Kind) bool { return k.HasSubresource("status") }

// generateNameSuffix is the alphabet and length Kubernetes uses: no vowels, no confusable digits.
const nameAlphabet = "bcdfghjklmnpqrstvwxz2456789"

func generateName(base string) string {
	const n = 5
	var b [n]byte
	rand.Read(b[:])
	out := make([]byte, n)
	for i := range b {
		out[i] = nameAlphabet[int(b[i])%len(nameAlphabet)]
	}
	if max := 63 - n; len(base) > max {
		base = base[:max]
	}
	return base + string(out)
}

func newUID() meta.UID {
	var b [16]byte
	rand.Read(b[:])
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	const hexdig = "0123456789abcdef"
	var out strings.Builder
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out.WriteByte('-')
		}
		out.WriteByte(hexdig[c>>4])
		out.WriteByte(hexdig[c&0xf])
	}
	return meta.UID(out.String())
}

// prepareForCreate sets what the server owns on a new object: uid, creation time, generation,
// and a status that only the /status subresource may fill (for kinds that have one).
func (s *Server) prepareForCreate(k *api.Kind, obj meta.Object) {
	m := obj.GetObjectMeta()
	m.UID = newUID()
	m.CreationTimestamp = meta.NewTime(s.clock.Now())
	m.ResourceVersion = ""
	m.DeletionTimestamp = nil
	m.DeletionGracePeriodSeconds = nil
	m.SelfLink = ""
	m.Generation = 0
	if tracksGeneration(k) {
		m.Generation = 1
	}
	switch o := obj.(type) {
	case *core.Pod:
		// A new pod starts Pending, with its QoS class; the kubelet reports the rest.
		o.Status = core.PodStatus{Phase: core.PodPending, QOSClass: core.QOSClassOf(o)}
	case *core.Namespace:
		core.PrepareNamespaceForCreate(o)
	case *core.Node:
		// The kubelet registers its node with status: Kubernetes keeps it.
	default:
		if hasStatusSubresource(k) {
			if st := fieldOf(obj, "Status"); st.IsValid() && st.CanSet() {
				st.Set(reflect.Zero(st.Type()))
			}
		}
	}
}

// prepareForUpdate carries over from the stored object what a client may not change through this
// path: identity and creation, and the status (main resource) or everything but the status (the
// /status subresource); it moves generation when the spec changed.
func (s *Server) prepareForUpdate(k *api.Kind, obj, old meta.Object, subresource string) {
	m, om := obj.GetObjectMeta(), old.GetObjectMeta()
	m.UID = om.UID
	m.CreationTimestamp = om.CreationTimestamp
	m.DeletionTimestamp = om.DeletionTimestamp
	m.DeletionGracePeriodSeconds = om.DeletionGracePeriodSeconds
	m.Generation = om.Generation
	m.SelfLink = ""
	if subresource == "status" {
		// Only the status moves; the spec and metadata stay as stored (labels and annotations
		// too, as Kubernetes' status strategies keep them).
		st := fieldOf(obj, "Status")
		statusCopy := reflect.New(st.Type()).Elem()
		statusCopy.Set(st)
		fresh := old.DeepCopyObject()
		fm := fresh.GetObjectMeta()
		fm.ResourceVersion = m.ResourceVersion
		reflect.ValueOf(obj).Elem().Set(reflect.ValueOf(fresh).Elem())
		fieldOf(obj, "Status").Set(statusCopy)
		return
	}
	if hasStatusSubresource(k) {
		if st := fieldOf(obj, "Status"); st.IsValid() && st.CanSet() {
			// old is shared and read-only: give obj its own copy of the status.
			st.Set(reflect.ValueOf(old.DeepCopyObject()).Elem().FieldByName("Status"))
		}
	}
	if tracksGeneration(k) {
		if sp, osp := fieldOf(obj, "Spec"), fieldOf(old, "Spec"); sp.IsValid() && !equality.DeepEqual(sp.Interface(), osp.Interface()) {
			m.Generation = om.Generation + 1
		}
		// A deletion in progress also moves generation, as Kubernetes does, so controllers notice.
		if m.DeletionTimestamp != nil && om.DeletionTimestamp == nil {
			m.Generation = om.Generation + 1
		}
	}
}

// allowCreateOnUpdate: a PUT of a missing object creates it only for these kinds, as Kubernetes.
func allowCreateOnUpdate(k *api.Kind) bool {
	return k.Group == "coordination.k8s.io" && k.Kind == "Lease"
}

// scaleTarget describes the replicas of a kind that serves /scale.
func scaleTarget(obj meta.Object) (replicas *int32, status int32, selector *meta.LabelSelector, ok bool) {
	switch o := obj.(type) {
	case *apps.Deployment:
		return o.Spec.Replicas, o.Status.Replicas, o.Spec.Selector, true
	case *apps.ReplicaSet:
		return o.Spec.Replicas, o.Status.Replicas, o.Spec.Selector, true
	}
	return nil, 0, nil, false
}

func setReplicas(obj meta.Object, n int32) bool {
	switch o := obj.(type) {
	case *apps.Deployment:
		o.Spec.Replicas = &n
	case *apps.ReplicaSet:
		o.Spec.Replicas = &n
	default:
		return false
	}
	return true
}
