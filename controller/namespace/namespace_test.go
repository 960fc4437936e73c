package namespace_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/admission/namespacelifecycle"
	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/apps"
	"github.com/skiff-io/skiff/api/coordination"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/api/rbac"
	"github.com/skiff-io/skiff/apiserver"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/controller/deployment"
	"github.com/skiff-io/skiff/controller/namespace"
	"github.com/skiff-io/skiff/controller/replicaset"
	"github.com/skiff-io/skiff/informer"
	"github.com/skiff-io/skiff/testenv"
)

// requestLog records the requests the controller's client sends, as "METHOD path".
type requestLog struct {
	mu   sync.Mutex
	reqs []string
}

type recordingTransport struct {
	next http.RoundTripper
	log  *requestLog
}

func (t recordingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.log.mu.Lock()
	t.log.reqs = append(t.log.reqs, r.Method+" "+r.URL.Path)
	t.log.mu.Unlock()
	return t.next.RoundTrip(r)
}

// matching returns the recorded requests that match.
func (l *requestLog) matching(match func(method, path string) bool) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, r := range l.reqs {
		method, path, _ := strings.Cut(r, " ")
		if match(method, path) {
			out = append(out, r)
		}
	}
	return out
}

// inNamespace matches requests about namespace ns or anything in it.
func inNamespace(ns string) func(method, path string) bool {
	return func(_, path string) bool {
		return strings.HasSuffix(path, "/namespaces/"+ns) || strings.Contains(path, "/namespaces/"+ns+"/")
	}
}

// events records what the controller reports.
type events struct {
	mu   sync.Mutex
	list []string
}

func (e *events) Eventf(obj meta.Object, typ, reason, format string, args ...any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.list = append(e.list, typ+" "+reason)
}

func (e *events) all() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.list)
}

type fixture struct {
	ctx context.Context
	reg *api.Registry
	// c is the test's own client; the controller has another, whose requests reqs records.
	c          *client.Client
	namespaces *client.Resource[*core.Namespace]
	clk        *clocktesting.FakeClock
	reqs       *requestLog
	ev         *events
}

// start runs an API server with NamespaceLifecycle admission and the plugins given, serving reg's
// kinds (the built-in ones when nil), and the namespace controller on a fake clock.
func start(t *testing.T, reg *api.Registry, plugins ...admission.Plugin) *fixture {
	t.Helper()
	if reg == nil {
		reg = api.Builtin()
	}
	env := testenv.Start(t, testenv.Options{Registry: reg, Server: func(cfg *apiserver.Config) {
		cfg.Admission = append(admission.Chain{namespacelifecycle.New(cfg.Store, namespacelifecycle.Options{})}, plugins...)
	}})
	reqs := &requestLog{}
	cfg := env.Config()
	cfg.Transport = recordingTransport{next: cfg.Transport, log: reqs}
	cc, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	clk := clocktesting.NewFakeClock(time.Now())
	nsInf := informer.New(informer.FromResource(client.For[*core.Namespace](cc), nil), informer.Options[*core.Namespace]{})
	ev := &events{}
	ctl, err := namespace.New(cc, reg, nsInf, namespace.Options{Clock: clk, Recorder: ev})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(env.Context)
	var wg sync.WaitGroup
	wg.Go(func() { nsInf.Run(ctx) })
	wg.Go(func() { _ = ctl.Run(ctx) })
	t.Cleanup(func() { cancel(); wg.Wait() })
	c := env.Client()
	return &fixture{ctx: env.Context, reg: reg, c: c, namespaces: client.For[*core.Namespace](c), clk: clk, reqs: reqs, ev: ev}
}

// waitFor polls cond until it holds, failing the test after 20 s. It does not move the
// controller's clock.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// eventually polls cond until it holds, moving the controller's clock on 250 ms at each try, so
// that requeues after a delay and retries after a backoff come quickly.
func (f *fixture) eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	waitFor(t, what, func() bool {
		if cond() {
			return true
		}
		f.clk.Step(250 * time.Millisecond)
		return false
	})
}

func (f *fixture) createNamespace(t *testing.T, name string, finalizers ...core.FinalizerName) {
	t.Helper()
	ns := &core.Namespace{ObjectMeta: meta.ObjectMeta{Name: name}, Spec: core.NamespaceSpec{Finalizers: finalizers}}
	if _, err := f.namespaces.Create(f.ctx, ns, client.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) deleteNamespace(t *testing.T, name string) {
	t.Helper()
	if err := f.namespaces.Delete(f.ctx, name, client.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) getNamespace(t *testing.T, name string) *core.Namespace {
	t.Helper()
	ns, err := f.namespaces.Get(f.ctx, name, client.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return ns
}

func (f *fixture) gone(t *testing.T, name string) func() bool {
	return func() bool {
		_, err := f.namespaces.Get(f.ctx, name, client.GetOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			t.Fatal(err)
		}
		return apierrors.IsNotFound(err)
	}
}

func create[T meta.Object](t *testing.T, f *fixture, obj T) T {
	t.Helper()
	out, err := client.For[T](f.c).Create(f.ctx, obj, client.CreateOptions{})
	if err != nil {
		t.Fatalf("creating %T %s: %v", obj, obj.GetObjectMeta().Name, err)
	}
	return out
}

// contents lists, by resource, the names of the objects of every namespaced stored kind in ns.
func (f *fixture) contents(t *testing.T, ns string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, k := range f.reg.Kinds() {
		if !k.Namespaced || k.Virtual {
			continue
		}
		l, err := client.ForKind(f.c, k).Namespace(ns).List(f.ctx, client.ListOptions{})
		if err != nil {
			t.Fatalf("listing %s: %v", k.Resource, err)
		}
		for _, obj := range l.Items {
			out[k.GroupResource().String()] = append(out[k.GroupResource().String()], obj.GetObjectMeta().Name)
		}
	}
	return out
}

func condition(ns *core.Namespace, t core.NamespaceConditionType) *core.NamespaceCondition {
	for i := range ns.Status.Conditions {
		if ns.Status.Conditions[i].Type == t {
			return &ns.Status.Conditions[i]
		}
	}
	return nil
}

// okConditions are the conditions of a namespace whose content is all gone.
func okConditions() []core.NamespaceCondition {
	return []core.NamespaceCondition{
		{Type: core.NamespaceDeletionDiscoveryFailure, Status: core.ConditionFalse, Reason: "ResourcesDiscovered", Message: "All resources successfully discovered"},
		{Type: core.NamespaceDeletionGVParsingFailure, Status: core.ConditionFalse, Reason: "ParsedGroupVersions", Message: "All legacy kube types successfully parsed"},
		{Type: core.NamespaceDeletionContentFailure, Status: core.ConditionFalse, Reason: "ContentDeleted", Message: "All content successfully deleted, may be waiting on finalization"},
		{Type: core.NamespaceContentRemaining, Status: core.ConditionFalse, Reason: "ContentRemoved", Message: "All content successfully removed"},
		{Type: core.NamespaceFinalizersRemaining, Status: core.ConditionFalse, Reason: "ContentRemoved", Message: "All content successfully removed"},
	}
}

var ignoreTransitionTime = cmpopts.IgnoreFields(core.NamespaceCondition{}, "LastTransitionTime")

func podSpec() core.PodSpec {
	return core.PodSpec{Containers: []core.Container{{Name: "c", Image: "nginx"}}}
}

// populate fills ns with one object of most kinds, and a Deployment of two replicas whose
// ReplicaSet and pods the controllers make.
func populate(t *testing.T, f *fixture, ns string) {
	t.Helper()
	om := func(name string) meta.ObjectMeta { return meta.ObjectMeta{Name: name, Namespace: ns} }
	create(t, f, &core.ConfigMap{ObjectMeta: om("cm"), Data: map[string]string{"k": "v"}})
	create(t, f, &core.Secret{ObjectMeta: om("secret"), StringData: map[string]string{"password": "x"}})
	create(t, f, &core.ServiceAccount{ObjectMeta: om("sa")})
	create(t, f, &rbac.Role{ObjectMeta: om("role"), Rules: []rbac.PolicyRule{{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"configmaps"}}}})
	create(t, f, &rbac.RoleBinding{ObjectMeta: om("binding"),
		Subjects: []rbac.Subject{{Kind: "ServiceAccount", Name: "sa", Namespace: ns}},
		RoleRef:  rbac.RoleRef{APIGroup: rbac.GroupName, Kind: "Role", Name: "role"}})
	create(t, f, &core.Event{ObjectMeta: om("cm.1"), InvolvedObject: core.ObjectReference{Kind: "ConfigMap", Namespace: ns, Name: "cm"}, Reason: "Test", Type: core.EventTypeNormal})
	create(t, f, &coordination.Lease{ObjectMeta: om("lease")})
	create(t, f, &core.Pod{ObjectMeta: om("loner"), Spec: podSpec()})
	replicas := int32(2)
	labels := map[string]string{"app": "web"}
	create(t, f, &apps.Deployment{ObjectMeta: om("web"), Spec: apps.DeploymentSpec{
		Replicas: &replicas,
		Selector: &meta.LabelSelector{MatchLabels: labels},
		Template: core.PodTemplateSpec{ObjectMeta: meta.ObjectMeta{Labels: labels}, Spec: podSpec()},
	}})
}

// workloadControllers runs the deployment and replicaset controllers until the test ends.
func workloadControllers(t *testing.T, f *fixture) {
	t.Helper()
	fac := informer.NewFactory(f.c, informer.FactoryOptions{})
	dInf, rsInf, podInf := informer.For[*apps.Deployment](fac), informer.For[*apps.ReplicaSet](fac), informer.For[*core.Pod](fac)
	dc, err := deployment.New(f.c, dInf, rsInf, podInf, deployment.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rc, err := replicaset.New(f.c, rsInf, podInf, replicaset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(f.ctx)
	var wg sync.WaitGroup
	fac.Start(ctx)
	wg.Go(func() { _ = dc.Run(ctx) })
	wg.Go(func() { _ = rc.Run(ctx) })
	t.Cleanup(func() { cancel(); wg.Wait(); fac.Shutdown() })
}

func TestDeletingANamespaceDeletesEverythingInIt(t *testing.T) {
	f := start(t, nil)
	workloadControllers(t, f)
	for _, ns := range []string{"doomed", "kept"} {
		f.createNamespace(t, ns)
		populate(t, f, ns)
	}
	for _, ns := range []string{"doomed", "kept"} {
		waitFor(t, "the deployment's pods in "+ns, func() bool { return len(f.contents(t, ns)["pods"]) == 3 })
	}
	kept := f.getNamespace(t, "kept")
	keptContents := f.contents(t, "kept")
	doomedContents := f.contents(t, "doomed")
	for _, r := range []string{"configmaps", "secrets", "serviceaccounts", "events", "leases.coordination.k8s.io",
		"deployments.apps", "replicasets.apps", "roles.rbac.authorization.k8s.io", "rolebindings.rbac.authorization.k8s.io"} {
		if len(doomedContents[r]) == 0 {
			t.Fatalf("the test namespace has no %s: %v", r, doomedContents)
		}
	}

	f.deleteNamespace(t, "doomed")
	f.eventually(t, "namespace doomed to be deleted", f.gone(t, "doomed"))

	if diff := cmp.Diff(map[string][]string{}, f.contents(t, "doomed")); diff != "" {
		t.Errorf("left in the deleted namespace (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(keptContents, f.contents(t, "kept")); diff != "" {
		t.Errorf("the other namespace's content changed (-want +got):\n%s", diff)
	}
	if now := f.getNamespace(t, "kept"); now.ResourceVersion != kept.ResourceVersion || now.Status.Phase != core.NamespaceActive {
		t.Errorf("the other namespace changed: resourceVersion %s -> %s, phase %s", kept.ResourceVersion, now.ResourceVersion, now.Status.Phase)
	}
	if r := f.reqs.matching(inNamespace("kept")); len(r) > 0 {
		t.Errorf("the controller sent requests about a namespace not being deleted: %v", r)
	}
	virtual := func(_, path string) bool { return strings.Contains(path, "reviews") }
	if r := f.reqs.matching(virtual); len(r) > 0 {
		t.Errorf("the controller sent requests for virtual kinds: %v", r)
	}
	collection := func(method, path string) bool {
		return method == http.MethodDelete && strings.HasSuffix(path, "/namespaces/doomed/pods")
	}
	if r := f.reqs.matching(collection); len(r) == 0 {
		t.Errorf("no deletecollection of the pods")
	}
	if ev := f.ev.all(); len(ev) > 0 {
		t.Errorf("events: %v", ev)
	}
}

func TestObjectWithFinalizerHoldsNamespace(t *testing.T) {
	f := start(t, nil)
	f.createNamespace(t, "held")
	create(t, f, &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Name: "held", Namespace: "held", Finalizers: []string{"example.com/hold"}}})
	create(t, f, &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Name: "free", Namespace: "held"}})
	create(t, f, &core.Secret{ObjectMeta: meta.ObjectMeta{Name: "s", Namespace: "held"}})
	f.createNamespace(t, "kept")
	create(t, f, &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Name: "held", Namespace: "kept", Finalizers: []string{"example.com/hold"}}})

	f.deleteNamespace(t, "held")
	waitFor(t, "the finalizers to be reported", func() bool {
		c := condition(f.getNamespace(t, "held"), core.NamespaceFinalizersRemaining)
		return c != nil && c.Status == core.ConditionTrue
	})
	want := okConditions()
	want[3] = core.NamespaceCondition{Type: core.NamespaceContentRemaining, Status: core.ConditionTrue, Reason: "SomeResourcesRemain",
		Message: "Some resources are remaining: configmaps. has 1 resource instances"}
	want[4] = core.NamespaceCondition{Type: core.NamespaceFinalizersRemaining, Status: core.ConditionTrue, Reason: "SomeFinalizersRemain",
		Message: "Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances"}
	ns := f.getNamespace(t, "held")
	if diff := cmp.Diff(want, ns.Status.Conditions, ignoreTransitionTime); diff != "" {
		t.Errorf("conditions (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string][]string{"configmaps": {"held"}}, f.contents(t, "held")); diff != "" {
		t.Errorf("content (-want +got):\n%s", diff)
	}

	// The namespace stays, Terminating, pass after pass, while the finalizer does.
	passes := func() int {
		return len(f.reqs.matching(func(method, path string) bool {
			return method == http.MethodDelete && path == "/api/v1/namespaces/held/configmaps"
		}))
	}
	n := passes()
	f.eventually(t, "three more passes", func() bool { return passes() >= n+3 })
	if ns := f.getNamespace(t, "held"); ns.Status.Phase != core.NamespaceTerminating || !slices.Contains(ns.Spec.Finalizers, core.FinalizerKubernetes) {
		t.Fatalf("namespace: phase %s, finalizers %v", ns.Status.Phase, ns.Spec.Finalizers)
	}
	if r := f.reqs.matching(func(_, path string) bool { return strings.HasSuffix(path, "/finalize") }); len(r) > 0 {
		t.Fatalf("finalized while content remains: %v", r)
	}

	cms := client.For[*core.ConfigMap](f.c).Namespace("held")
	cm, err := cms.Get(f.ctx, "held", client.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if cm.DeletionTimestamp == nil {
		t.Fatalf("the configmap was not deleted")
	}
	cm.Finalizers = nil
	if _, err := cms.Update(f.ctx, cm, client.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	f.eventually(t, "namespace held to be deleted", f.gone(t, "held"))

	if diff := cmp.Diff(map[string][]string{"configmaps": {"held"}}, f.contents(t, "kept")); diff != "" {
		t.Errorf("the other namespace's content changed (-want +got):\n%s", diff)
	}
	if ev := f.ev.all(); len(ev) > 0 {
		t.Errorf("events: %v", ev)
	}
}

func TestPodsInGracePeriod(t *testing.T) {
	f := start(t, nil)
	f.createNamespace(t, "graceful")
	grace := int64(30)
	for _, name := range []string{"a", "b"} {
		spec := podSpec()
		spec.NodeName = "node-1"
		spec.TerminationGracePeriodSeconds = &grace
		create(t, f, &core.Pod{ObjectMeta: meta.ObjectMeta{Name: name, Namespace: "graceful"}, Spec: spec})
	}
	create(t, f, &core.Pod{ObjectMeta: meta.ObjectMeta{Name: "unbound", Namespace: "graceful"}, Spec: podSpec()})

	f.deleteNamespace(t, "graceful")
	// The first pass needs no clock: the pods' grace period is still running, the namespace waits.
	waitFor(t, "the pods to be reported", func() bool {
		c := condition(f.getNamespace(t, "graceful"), core.NamespaceContentRemaining)
		return c != nil && c.Status == core.ConditionTrue
	})
	want := okConditions()
	want[3] = core.NamespaceCondition{Type: core.NamespaceContentRemaining, Status: core.ConditionTrue, Reason: "SomeResourcesRemain",
		Message: "Some resources are remaining: pods. has 2 resource instances"}
	if diff := cmp.Diff(want, f.getNamespace(t, "graceful").Status.Conditions, ignoreTransitionTime); diff != "" {
		t.Errorf("conditions (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string][]string{"pods": {"a", "b"}}, f.contents(t, "graceful")); diff != "" {
		t.Errorf("content (-want +got):\n%s", diff)
	}

	// Writing the conditions makes the controller look once more (the namespace changed); then it
	// waits for the pods' grace period.
	passes := func() int {
		return len(f.reqs.matching(func(method, path string) bool {
			return method == http.MethodGet && path == "/api/v1/namespaces/graceful/pods"
		}))
	}
	waitFor(t, "the controller to wait", func() bool { return passes() == 2 && f.clk.HasWaiters() })

	// The kubelet stops the pods and deletes them for good; the controller looks again when half
	// the grace period is over.
	pods := client.For[*core.Pod](f.c).Namespace("graceful")
	zero := int64(0)
	for _, name := range []string{"a", "b"} {
		if err := pods.Delete(f.ctx, name, client.DeleteOptions{GracePeriodSeconds: &zero}); err != nil {
			t.Fatal(err)
		}
	}
	f.clk.Step(10 * time.Second)
	time.Sleep(20 * time.Millisecond)
	if p := passes(); p != 2 || f.gone(t, "graceful")() {
		t.Fatalf("the namespace was looked at again before half the grace period (%d passes)", p)
	}
	f.clk.Step(20 * time.Second)
	waitFor(t, "namespace graceful to be deleted", f.gone(t, "graceful"))
}

// protect is an admission plugin that refuses to delete the config maps named "protected" while
// it is on.
type protect struct{ on atomic.Bool }

func (p *protect) Name() string                        { return "Protect" }
func (p *protect) Handles(op admission.Operation) bool { return op == admission.Delete }
func (p *protect) Validate(_ context.Context, a *admission.Attributes) error {
	if p.on.Load() && a.Resource == "configmaps" && a.Name == "protected" {
		return apierrors.NewForbidden(apierrors.GroupResource{Resource: a.Resource}, a.Name, errors.New("it is protected"))
	}
	return nil
}

func TestContentThatCannotBeDeleted(t *testing.T) {
	p := &protect{}
	p.on.Store(true)
	f := start(t, nil, p)
	f.createNamespace(t, "stuck")
	create(t, f, &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Name: "protected", Namespace: "stuck"}})
	create(t, f, &core.Secret{ObjectMeta: meta.ObjectMeta{Name: "s", Namespace: "stuck"}})

	f.deleteNamespace(t, "stuck")
	waitFor(t, "the failure to be reported", func() bool {
		c := condition(f.getNamespace(t, "stuck"), core.NamespaceDeletionContentFailure)
		return c != nil && c.Status == core.ConditionTrue
	})
	c := condition(f.getNamespace(t, "stuck"), core.NamespaceDeletionContentFailure)
	want := `Failed to delete all resource types, 1 remaining: deleting configmaps: configmaps "protected" is forbidden: it is protected`
	if c.Reason != "ContentDeletionFailed" || c.Message != want {
		t.Errorf("condition: reason %q, message %q; want message %q", c.Reason, c.Message, want)
	}
	if diff := cmp.Diff(map[string][]string{"configmaps": {"protected"}}, f.contents(t, "stuck")); diff != "" {
		t.Errorf("content (-want +got):\n%s", diff)
	}
	waitFor(t, "a warning event", func() bool { return slices.Contains(f.ev.all(), "Warning ContentDeletionFailed") })

	// Retried with backoff until the deletion goes through.
	p.on.Store(false)
	f.eventually(t, "namespace stuck to be deleted", f.gone(t, "stuck"))
}

func TestOtherNamespaceFinalizersStay(t *testing.T) {
	f := start(t, nil)
	f.createNamespace(t, "shared", "example.com/other")
	create(t, f, &core.Secret{ObjectMeta: meta.ObjectMeta{Name: "s", Namespace: "shared"}})

	f.deleteNamespace(t, "shared")
	f.eventually(t, "the kubernetes finalizer to be removed", func() bool {
		return !slices.Contains(f.getNamespace(t, "shared").Spec.Finalizers, core.FinalizerKubernetes)
	})
	ns := f.getNamespace(t, "shared")
	if diff := cmp.Diff([]core.FinalizerName{"example.com/other"}, ns.Spec.Finalizers); diff != "" {
		t.Errorf("finalizers (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(okConditions(), ns.Status.Conditions, ignoreTransitionTime); diff != "" {
		t.Errorf("conditions (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string][]string{}, f.contents(t, "shared")); diff != "" {
		t.Errorf("content (-want +got):\n%s", diff)
	}

	// Whoever owns the other finalizer removes it; the namespace goes.
	ns.Spec.Finalizers = nil
	if err := f.namespaces.UpdateSubresource(f.ctx, "shared", "finalize", ns, nil, client.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "namespace shared to be deleted", f.gone(t, "shared"))
}

// Gadget and Widget are custom kinds: Gadgets cannot be deleted as a collection, Widgets cannot
// be deleted at all.
type Gadget struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
}

func (g *Gadget) DeepCopyObject() meta.Object {
	c := *g
	g.ObjectMeta.DeepCopyInto(&c.ObjectMeta)
	return &c
}

type Widget struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
}

func (w *Widget) DeepCopyObject() meta.Object {
	c := *w
	w.ObjectMeta.DeepCopyInto(&c.ObjectMeta)
	return &c
}

func TestKindsVerbs(t *testing.T) {
	reg := api.Builtin()
	if err := api.Register(reg, api.KindSpec[*Gadget]{Group: "example.com", Version: "v1", Kind: "Gadget", Namespaced: true,
		Verbs: []string{"create", "delete", "get", "list", "patch", "update", "watch"}}); err != nil {
		t.Fatal(err)
	}
	if err := api.Register(reg, api.KindSpec[*Widget]{Group: "example.com", Version: "v1", Kind: "Widget", Namespaced: true,
		Verbs: []string{"create", "get", "list"}}); err != nil {
		t.Fatal(err)
	}
	f := start(t, reg)
	f.createNamespace(t, "custom")
	for _, name := range []string{"g1", "g2"} {
		create(t, f, &Gadget{ObjectMeta: meta.ObjectMeta{Name: name, Namespace: "custom"}})
	}
	create(t, f, &Widget{ObjectMeta: meta.ObjectMeta{Name: "w", Namespace: "custom"}})

	f.deleteNamespace(t, "custom")
	f.eventually(t, "namespace custom to be deleted", f.gone(t, "custom"))

	gadgets := func(method, path string) bool {
		return method == http.MethodDelete && strings.HasPrefix(path, "/apis/example.com/v1/namespaces/custom/gadgets")
	}
	want := []string{"DELETE /apis/example.com/v1/namespaces/custom/gadgets/g1", "DELETE /apis/example.com/v1/namespaces/custom/gadgets/g2"}
	if diff := cmp.Diff(want, f.reqs.matching(gadgets)); diff != "" {
		t.Errorf("gadget deletions (-want +got):\n%s", diff)
	}
	widgets := func(method, path string) bool {
		return method == http.MethodDelete && strings.Contains(path, "/widgets")
	}
	if r := f.reqs.matching(widgets); len(r) > 0 {
		t.Errorf("widgets cannot be deleted, yet: %v", r)
	}
	// As in Kubernetes, what cannot be deleted is left behind.
	if diff := cmp.Diff(map[string][]string{"widgets.example.com": {"w"}}, f.contents(t, "custom")); diff != "" {
		t.Errorf("content (-want +got):\n%s", diff)
	}
}
