package apiserver

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/authentication"
	"github.com/skiff-io/skiff/api/autoscaling"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/field"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/store"
)

func (s *Server) serveSubresource(q *request) {
	switch q.ri.Subresource {
	case "status":
		switch q.ri.Verb {
		case "get":
			s.handleGet(q)
		case "update":
			s.handleUpdate(q)
		case "patch":
			s.handlePatch(q)
		default:
			q.fail(apierrors.NewMethodNotSupported(q.gr(), q.ri.Verb))
		}
	case "scale":
		s.serveScale(q)
	case "binding":
		if q.ri.Verb != "create" {
			q.fail(apierrors.NewMethodNotSupported(q.gr(), q.ri.Verb))
			return
		}
		s.handleBindingSubresource(q)
	case "token":
		if q.ri.Verb != "create" || s.cfg.TokenRequests == nil {
			q.fail(apierrors.NewMethodNotSupported(apierrors.GroupResource{Resource: "serviceaccounts/token"}, q.ri.Verb))
			return
		}
		s.handleTokenRequest(q)
	case "finalize":
		if q.ri.Verb != "update" {
			q.fail(apierrors.NewMethodNotSupported(q.gr(), q.ri.Verb))
			return
		}
		s.handleFinalize(q)
	default:
		q.fail(apierrors.NewMethodNotSupported(apierrors.GroupResource{Group: q.kind.Group, Resource: q.kind.Resource + "/" + q.ri.Subresource}, q.ri.Verb))
	}
}

// --- scale ---

// scaleOf renders the Scale of a scalable object.
func scaleOf(obj meta.Object) (*autoscaling.Scale, error) {
	replicas, status, selector, ok := scaleTarget(obj)
	if !ok {
		return nil, fmt.Errorf("%T has no replicas", obj)
	}
	m := obj.GetObjectMeta()
	sc := &autoscaling.Scale{
		TypeMeta:   meta.TypeMeta{APIVersion: "autoscaling/v1", Kind: "Scale"},
		ObjectMeta: meta.ObjectMeta{Name: m.Name, Namespace: m.Namespace, UID: m.UID, ResourceVersion: m.ResourceVersion, CreationTimestamp: m.CreationTimestamp},
	}
	if replicas != nil {
		sc.Spec.Replicas = *replicas
	}
	sc.Status.Replicas = status
	if selector != nil {
		sel, err := meta.LabelSelectorAsSelector(selector)
		if err == nil {
			sc.Status.Selector = sel.String()
		}
	}
	return sc, nil
}

func (s *Server) serveScale(q *request) {
	switch q.ri.Verb {
	case "get":
		obj, err := s.store.Get(q.r.Context(), q.key(q.ri.Name))
		if err != nil {
			q.fail(storeError(q.kind, q.ri.Name, err))
			return
		}
		sc, err := scaleOf(obj)
		if err != nil {
			q.fail(apierrors.NewInternalError(err))
			return
		}
		writeJSON(q.w, q.out, http.StatusOK, sc)
	case "update", "patch":
		body, err := readBody(q.r)
		if err != nil {
			q.fail(err)
			return
		}
		dry, err := dryRun(q.r)
		if err != nil {
			q.fail(err)
			return
		}
		parent := *q
		parent.ri = &RequestInfo{}
		*parent.ri = *q.ri
		parent.ri.Subresource = ""
		out, _, err := s.update(&parent, func(cur meta.Object) (meta.Object, error) {
			sc, err := scaleOf(cur)
			if err != nil {
				return nil, apierrors.NewInternalError(err)
			}
			var want autoscaling.Scale
			if q.ri.Verb == "patch" {
				cur, _ := json.Marshal(sc)
				patched, err := s.applyPatch(q, cur, body, scaleKind)
				if err != nil {
					return nil, err
				}
				if err := api.DecodeInto(patched, &want); err != nil {
					return nil, badBody(err)
				}
			} else {
				data, err := s.bodyToJSON(q.w, q.r, body)
				if err != nil {
					return nil, err
				}
				if err := api.DecodeInto(data, &want); err != nil {
					return nil, badBody(err)
				}
				if want.Name != "" && want.Name != q.ri.Name {
					return nil, apierrors.NewBadRequest(fmt.Sprintf("the name of the object (%s) does not match the name on the URL (%s)", want.Name, q.ri.Name))
				}
				if rv := want.ResourceVersion; rv != "" && rv != cur.GetObjectMeta().ResourceVersion {
					return nil, apierrors.NewConflict(q.gr(), q.ri.Name, errors.New("the object has been modified; please apply your changes to the latest version and try again"))
				}
			}
			if want.Spec.Replicas < 0 {
				return nil, apierrors.NewInvalid(apierrors.GroupKind{Group: "autoscaling", Kind: "Scale"}, q.ri.Name,
					field.ErrorList{field.Invalid(field.NewPath("spec", "replicas"), want.Spec.Replicas, "must be greater than or equal to 0")})
			}
			next := cur.DeepCopyObject()
			setReplicas(next, want.Spec.Replicas)
			return next, nil
		}, dry, false)
		if err != nil {
			q.fail(err)
			return
		}
		sc, err := scaleOf(out)
		if err != nil {
			q.fail(apierrors.NewInternalError(err))
			return
		}
		writeJSON(q.w, q.out, http.StatusOK, sc)
	default:
		q.fail(apierrors.NewMethodNotSupported(apierrors.GroupResource{Group: q.kind.Group, Resource: q.kind.Resource + "/scale"}, q.ri.Verb))
	}
}

// scaleKind is the Scale as a kind, for patching it.
var scaleKind = &api.Kind{
	GroupVersionKind: api.GroupVersionKind{Group: "autoscaling", Version: "v1", Kind: "Scale"},
	Resource:         "scale",
	Type:             reflect.TypeFor[autoscaling.Scale](),
}

// --- binding ---

// handleBindingSubresource serves POST pods/<name>/binding.
func (s *Server) handleBindingSubresource(q *request) {
	body, err := readBody(q.r)
	if err != nil {
		q.fail(err)
		return
	}
	bk, err := s.reg.KindFor(api.GroupVersionKind{Version: "v1", Kind: "Binding"})
	if err != nil {
		q.fail(apierrors.NewInternalError(err))
		return
	}
	obj, err := s.decodeObject(q.w, q.r, bk, body)
	if err != nil {
		q.fail(err)
		return
	}
	m := obj.GetObjectMeta()
	if m.Name == "" {
		m.Name = q.ri.Name
	}
	if m.Name != q.ri.Name {
		q.fail(apierrors.NewBadRequest(fmt.Sprintf("the name of the object (%s) does not match the name on the URL (%s)", m.Name, q.ri.Name)))
		return
	}
	if m.Namespace == "" {
		m.Namespace = q.namespace
	}
	dry, err := dryRun(q.r)
	if err != nil {
		q.fail(err)
		return
	}
	s.bind(q, obj, dry)
}

// bind sets a pod's node, once: a second binding is a conflict. It answers 201 with a Success
// Status, as kube-apiserver does.
func (s *Server) bind(q *request, obj meta.Object, dry bool) {
	b, ok := obj.(*core.Binding)
	if !ok {
		q.fail(apierrors.NewBadRequest(fmt.Sprintf("expected a Binding, got %T", obj)))
		return
	}
	if b.Namespace != q.namespace {
		q.fail(apierrors.NewBadRequest("the namespace of the provided object does not match the namespace sent on the request"))
		return
	}
	if errs := core.ValidateBinding(b); len(errs) > 0 {
		q.fail(apierrors.NewInvalid(apierrors.GroupKind{Kind: "Binding"}, b.Name, errs))
		return
	}
	pk, err := s.reg.KindFor(api.GroupVersionKind{Version: "v1", Kind: "Pod"})
	if err != nil {
		q.fail(apierrors.NewInternalError(err))
		return
	}
	podGR := apierrors.GroupResource{Resource: "pods"}
	key := store.Key(pk.KeyPrefix(), b.Namespace, b.Name)
	update := func(cur meta.Object) (meta.Object, error) {
		pod := cur.(*core.Pod).DeepCopy()
		if pod.DeletionTimestamp != nil {
			return nil, apierrors.NewConflict(podGR, b.Name, errors.New("pod is being deleted, cannot be assigned to a host"))
		}
		if pod.Spec.NodeName != "" {
			return nil, apierrors.NewConflict(podGR, b.Name, fmt.Errorf("pod %s is already assigned to node %q", b.Name, pod.Spec.NodeName))
		}
		if b.UID != "" && b.UID != pod.UID {
			return nil, apierrors.NewConflict(podGR, b.Name, fmt.Errorf("Precondition failed: UID in precondition: %s, UID in object meta: %s", b.UID, pod.UID))
		}
		pod.Spec.NodeName = b.Target.Name
		for k, v := range b.Annotations {
			if pod.Annotations == nil {
				pod.Annotations = map[string]string{}
			}
			pod.Annotations[k] = v
		}
		setPodCondition(pod, core.PodCondition{Type: core.PodScheduled, Status: core.ConditionTrue, LastTransitionTime: meta.NewTime(s.clock.Now())})
		return pod, nil
	}
	if dry {
		cur, err := s.store.Get(q.r.Context(), key)
		if err == nil {
			_, err = update(cur)
		}
		if err != nil {
			q.fail(storeError(pk, b.Name, err))
			return
		}
	} else if _, err := s.store.GuaranteedUpdate(q.r.Context(), key, nil, update); err != nil {
		q.fail(storeError(pk, b.Name, err))
		return
	}
	writeJSON(q.w, output{}, http.StatusCreated, &meta.Status{TypeMeta: meta.TypeMeta{Kind: "Status", APIVersion: "v1"}, Status: meta.StatusSuccess, Code: http.StatusCreated})
}

// setPodCondition replaces the condition of the same type, or adds it.
func setPodCondition(pod *core.Pod, c core.PodCondition) {
	for i := range pod.Status.Conditions {
		if pod.Status.Conditions[i].Type == c.Type {
			if pod.Status.Conditions[i].Status == c.Status {
				c.LastTransitionTime = pod.Status.Conditions[i].LastTransitionTime
			}
			pod.Status.Conditions[i] = c
			return
		}
	}
	pod.Status.Conditions = append(pod.Status.Conditions, c)
}

// --- namespaces/finalize ---

// handleFinalize lets the namespace controller remove spec finalizers; a namespace being deleted
// that has none left is deleted.
func (s *Server) handleFinalize(q *request) {
	body, err := readBody(q.r)
	if err != nil {
		q.fail(err)
		return
	}
	obj, err := s.decodeObject(q.w, q.r, q.kind, body)
	if err != nil {
		q.fail(err)
		return
	}
	want, ok := obj.(*core.Namespace)
	if !ok {
		q.fail(apierrors.NewBadRequest("finalize takes a Namespace"))
		return
	}
	key := q.key(q.ri.Name)
	// finalize is an update: a body with a resourceVersion must name the stored one, so that two
	// writers of spec.finalizers cannot overwrite each other.
	var pre *store.Preconditions
	if rv := want.ResourceVersion; rv != "" {
		pre = &store.Preconditions{ResourceVersion: &rv}
	}
	out, err := s.store.GuaranteedUpdate(q.r.Context(), key, pre, func(cur meta.Object) (meta.Object, error) {
		ns := cur.(*core.Namespace).DeepCopy()
		ns.Spec.Finalizers = append([]core.FinalizerName(nil), want.Spec.Finalizers...)
		if errs := core.ValidateNamespaceFinalizeUpdate(ns, cur.(*core.Namespace)); len(errs) > 0 {
			return nil, apierrors.NewInvalid(apierrors.GroupKind{Kind: "Namespace"}, q.ri.Name, errs)
		}
		return ns, nil
	})
	if err != nil {
		q.fail(storeError(q.kind, q.ri.Name, err))
		return
	}
	ns := out.(*core.Namespace)
	if ns.DeletionTimestamp != nil && len(ns.Spec.Finalizers) == 0 && len(ns.Finalizers) == 0 {
		uid, rv := ns.UID, ns.ResourceVersion
		if del, err := s.store.Delete(q.r.Context(), key, &store.Preconditions{UID: &uid, ResourceVersion: &rv}); err == nil {
			out = del
		}
	}
	writeJSON(q.w, q.out, http.StatusOK, out)
}

// handleTokenRequest issues a token for a service account: POST serviceaccounts/<name>/token with
// an authentication.k8s.io/v1 TokenRequest, as kubectl create token sends.
func (s *Server) handleTokenRequest(q *request) {
	body, err := readBody(q.r)
	if err != nil {
		q.fail(err)
		return
	}
	data, err := s.bodyToJSON(q.w, q.r, body)
	if err != nil {
		q.fail(err)
		return
	}
	var tr authentication.TokenRequest
	if err := api.DecodeInto(data, &tr); err != nil {
		q.fail(badBody(err))
		return
	}
	out, err := s.cfg.TokenRequests.TokenRequest(q.r.Context(), q.namespace, q.ri.Name, &tr)
	if err != nil {
		q.fail(err)
		return
	}
	out.APIVersion, out.Kind = authentication.APIVersion, "TokenRequest"
	writeJSON(q.w, q.out, http.StatusCreated, out)
}
