package table

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/apps"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
)

// TestKubectl runs the real kubectl against a minimal API server that answers discovery and lists
// with this package's Tables, and checks what kubectl prints, line by line. The server computes
// every AGE against the fixed test time, so the output is exact.
func TestKubectl(t *testing.T) {
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("no kubectl binary on PATH: install kubectl (CI machines have it) to run the end-to-end printing test")
	}
	srv := newFakeServer(t)

	tests := []struct {
		name string
		args []string
		want string
	}{
		{
			name: "get pods",
			args: []string{"get", "pods"},
			want: `
NAME               READY   STATUS             RESTARTS     AGE
migrate-db         0/1     Init:0/2           0            45s
report-28571       0/1     Completed          0            125m
web-7d4b9c-q8z2m   0/1     CrashLoopBackOff   4 (2m ago)   5d1h
web-7d4b9c-x2k4j   1/1     Running            0            5d
`,
		},
		{
			name: "get pods -o wide",
			args: []string{"get", "pods", "-o", "wide"},
			want: `
NAME               READY   STATUS             RESTARTS     AGE    IP           NODE     NOMINATED NODE   READINESS GATES
migrate-db         0/1     Init:0/2           0            45s    <none>       node-2   <none>           <none>
report-28571       0/1     Completed          0            125m   10.244.1.9   node-1   <none>           <none>
web-7d4b9c-q8z2m   0/1     CrashLoopBackOff   4 (2m ago)   5d1h   10.244.2.7   node-2   <none>           <none>
web-7d4b9c-x2k4j   1/1     Running            0            5d     10.244.1.5   node-1   <none>           1/1
`,
		},
		{
			name: "get pods -A",
			args: []string{"get", "pods", "-A"},
			want: `
NAMESPACE     NAME                       READY   STATUS             RESTARTS     AGE
default       migrate-db                 0/1     Init:0/2           0            45s
default       report-28571               0/1     Completed          0            125m
default       web-7d4b9c-q8z2m           0/1     CrashLoopBackOff   4 (2m ago)   5d1h
default       web-7d4b9c-x2k4j           1/1     Running            0            5d
kube-system   coredns-5d78c9869d-h2l7p   1/1     Running            0            40d
`,
		},
		{
			name: "get pods --show-labels",
			args: []string{"get", "pods", "--show-labels"},
			want: `
NAME               READY   STATUS             RESTARTS     AGE    LABELS
migrate-db         0/1     Init:0/2           0            45s    <none>
report-28571       0/1     Completed          0            125m   batch.kubernetes.io/job-name=report-28571
web-7d4b9c-q8z2m   0/1     CrashLoopBackOff   4 (2m ago)   5d1h   app=web,pod-template-hash=7d4b9c
web-7d4b9c-x2k4j   1/1     Running            0            5d     app=web,pod-template-hash=7d4b9c
`,
		},
		{
			name: "get one pod in another namespace",
			args: []string{"get", "pod", "coredns-5d78c9869d-h2l7p", "-n", "kube-system"},
			want: `
NAME                       READY   STATUS    RESTARTS   AGE
coredns-5d78c9869d-h2l7p   1/1     Running   0          40d
`,
		},
		{
			name: "get deploy",
			args: []string{"get", "deploy"},
			want: `
NAME   READY   UP-TO-DATE   AVAILABLE   AGE
api    2/2     2            2           9d
web    1/3     2            1           5d
`,
		},
		{
			name: "get deploy -o wide",
			args: []string{"get", "deployments.apps", "-o", "wide"},
			want: `
NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES                     SELECTOR
api    2/2     2            2           9d    api          registry.example/api:2.1   app=api
web    1/3     2            1           5d    nginx,log    nginx:1.26,fluent-bit:3    app=web
`,
		},
		{
			name: "get nodes -o wide",
			args: []string{"get", "nodes", "-o", "wide"},
			want: `
NAME   STATUS                     ROLES           AGE     VERSION   INTERNAL-IP    EXTERNAL-IP   OS-IMAGE             KERNEL-VERSION       CONTAINER-RUNTIME
cp-1   Ready                      control-plane   40d     v1.30.2   192.168.1.10   <none>        Ubuntu 22.04.4 LTS   5.15.0-107-generic   containerd://1.7.13
w-1    Ready,SchedulingDisabled   worker          40d     v1.30.2   192.168.1.11   203.0.113.7   Ubuntu 22.04.4 LTS   5.15.0-107-generic   containerd://1.7.13
w-2    NotReady                   <none>          3h20m   v1.30.2   192.168.1.12   <none>        Ubuntu 22.04.4 LTS   5.15.0-107-generic   containerd://1.7.13
`,
		},
		{
			name: "get events",
			args: []string{"get", "events"},
			want: `
LAST SEEN   TYPE      REASON              OBJECT                 MESSAGE
2m          Warning   BackOff             pod/web-7d4b9c-q8z2m   Back-off restarting failed container app in pod web-7d4b9c-q8z2m
5m30s       Normal    ScalingReplicaSet   deployment/web         Scaled up replica set web-7d4b9c to 3 from 1
`,
		},
		{
			name: "get events -o wide",
			args: []string{"get", "events", "-o", "wide"},
			want: `
LAST SEEN   TYPE      REASON              OBJECT                 SUBOBJECT              SOURCE                  MESSAGE                                                            FIRST SEEN   COUNT   NAME
2m          Warning   BackOff             pod/web-7d4b9c-q8z2m   spec.containers{app}   kubelet, node-2         Back-off restarting failed container app in pod web-7d4b9c-q8z2m   60m          17      web-7d4b9c-q8z2m.17c2a1
5m30s       Normal    ScalingReplicaSet   deployment/web                                deployment-controller   Scaled up replica set web-7d4b9c to 3 from 1                       10m          2       web.17c2b0
`,
		},
		{
			name: "get pods --sort-by asks for whole objects",
			args: []string{"get", "pods", "--sort-by", ".metadata.creationTimestamp"},
			want: `
NAME               READY   STATUS             RESTARTS     AGE
web-7d4b9c-q8z2m   0/1     CrashLoopBackOff   4 (2m ago)   5d1h
web-7d4b9c-x2k4j   1/1     Running            0            5d
report-28571       0/1     Completed          0            125m
migrate-db         0/1     Init:0/2           0            45s
`,
		},
		{
			name: "get pods -w: headers once, then one row per event",
			args: []string{"get", "pods", "-w"},
			want: `
NAME               READY   STATUS             RESTARTS     AGE
migrate-db         0/1     Init:0/2           0            45s
report-28571       0/1     Completed          0            125m
web-7d4b9c-q8z2m   0/1     CrashLoopBackOff   4 (2m ago)   5d1h
web-7d4b9c-x2k4j   1/1     Running            0            5d
migrate-db         0/1     Init:1/2           0            45s
migrate-db         1/1     Running            0            45s
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := srv.kubectl(t, kubectl, tt.args...)
			want := strings.TrimPrefix(tt.want, "\n")
			if diff := cmp.Diff(strings.Split(want, "\n"), strings.Split(got, "\n")); diff != "" {
				t.Errorf("kubectl %s printed (-want +got):\n%s\nfull output:\n%s", strings.Join(tt.args, " "), diff, got)
			}
		})
	}

	t.Run("kubectl asks for tables", func(t *testing.T) {
		var sortBy, watch bool
		for _, r := range srv.requests() {
			if strings.HasSuffix(r.path, "/pods") || strings.HasSuffix(r.path, "/deployments") {
				if !strings.Contains(r.accept, "as=Table;v=v1;g=meta.k8s.io") {
					t.Errorf("%s %s: Accept %q does not ask for a v1 Table", r.path, r.query, r.accept)
				}
			}
			sortBy = sortBy || strings.Contains(r.query, "includeObject=Object")
			watch = watch || strings.Contains(r.query, "watch=true")
		}
		if !sortBy || !watch {
			t.Errorf("kubectl never asked for includeObject=Object (%v) or a watch (%v)", sortBy, watch)
		}
	})
}

// fakeServer is the smallest API server kubectl get works against: legacy discovery of the core
// and apps groups (built from api.Builtin, as kube-apiserver serves it), and list, get and watch of
// pods and deployments, answered with Tables when kubectl asks for them.
type fakeServer struct {
	*httptest.Server
	registry *api.Registry
	printers *Registry
	dir      string

	mu   sync.Mutex
	objs map[string][]meta.Object // by resource, sorted by namespace and name as a store lists them
	reqs []request
}

type request struct{ path, query, accept string }

// serverMinor is the Kubernetes minor version the test server claims.
const serverMinor = "32"

func newFakeServer(t *testing.T) *fakeServer {
	s := &fakeServer{registry: api.Builtin(), printers: Builtin(), dir: t.TempDir()}
	s.objs = map[string][]meta.Object{"pods": e2ePods(), "deployments": e2eDeployments(), "nodes": e2eNodes(), "events": e2eEvents()}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)

	kubeconfig := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: skiff
  cluster:
    server: %s
contexts:
- name: skiff
  context:
    cluster: skiff
    user: skiff
    namespace: default
current-context: skiff
users:
- name: skiff
  user: {}
`, s.URL)
	if err := os.WriteFile(filepath.Join(s.dir, "kubeconfig"), []byte(kubeconfig), 0o600); err != nil {
		t.Fatal(err)
	}
	return s
}

// kubectl runs kubectl with the server's kubeconfig and a fresh discovery cache, and returns what it
// printed on stdout; it fails the test if kubectl fails.
func (s *fakeServer) kubectl(t *testing.T, bin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	home := t.TempDir()
	args = append([]string{"--kubeconfig", filepath.Join(s.dir, "kubeconfig"), "--cache-dir", filepath.Join(home, "cache")}, args...)
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "HOME="+home, "KUBECONFIG=")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("kubectl %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

func (s *fakeServer) requests() []request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.reqs)
}

func (s *fakeServer) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.reqs = append(s.reqs, request{r.URL.Path, r.URL.RawQuery, r.Header.Get("Accept")})
	s.mu.Unlock()
	if r.Method != http.MethodGet {
		http.Error(w, "only GET is served", http.StatusMethodNotAllowed)
		return
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case r.URL.Path == "/version":
		// gcloud's kubectl dispatcher picks the kubectl matching the server's minor version.
		writeJSON(w, map[string]any{"major": "1", "minor": serverMinor, "gitVersion": "v1." + serverMinor + ".0", "platform": "linux/amd64"})
	case r.URL.Path == "/api":
		writeJSON(w, map[string]any{"kind": "APIVersions", "versions": []string{"v1"},
			"serverAddressByClientCIDRs": []any{map[string]any{"clientCIDR": "0.0.0.0/0", "serverAddress": r.Host}}})
	case r.URL.Path == "/apis":
		gv := map[string]any{"groupVersion": "apps/v1", "version": "v1"}
		writeJSON(w, map[string]any{"kind": "APIGroupList", "apiVersion": "v1",
			"groups": []any{map[string]any{"name": "apps", "versions": []any{gv}, "preferredVersion": gv}}})
	case r.URL.Path == "/api/v1":
		writeJSON(w, s.resourceList("", "v1"))
	case r.URL.Path == "/apis/apps/v1":
		writeJSON(w, s.resourceList("apps", "v1"))
	case parts[0] == "api" && len(parts) > 2:
		s.serveResource(w, r, "", parts[2:])
	case parts[0] == "apis" && len(parts) > 3 && parts[1] == "apps":
		s.serveResource(w, r, "apps", parts[3:])
	default:
		writeStatus(w, http.StatusNotFound, "NotFound", "the server could not find the requested resource")
	}
}

// resourceList is the group version's APIResourceList, as kube-apiserver serves it.
func (s *fakeServer) resourceList(group, version string) map[string]any {
	var resources []any
	for _, k := range s.registry.Kinds() {
		if k.Group != group || k.Version != version {
			continue
		}
		res := map[string]any{"name": k.Resource, "singularName": k.Singular, "namespaced": k.Namespaced,
			"kind": k.Kind, "verbs": []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}}
		if len(k.ShortNames) > 0 {
			res["shortNames"] = k.ShortNames
		}
		if len(k.Categories) > 0 {
			res["categories"] = k.Categories
		}
		resources = append(resources, res)
	}
	return map[string]any{"kind": "APIResourceList", "apiVersion": "v1",
		"groupVersion": meta.JoinAPIVersion(group, version), "resources": resources}
}

// serveResource answers [namespaces/<ns>/]<resource>[/<name>]: a list, a get or a watch.
func (s *fakeServer) serveResource(w http.ResponseWriter, r *http.Request, group string, parts []string) {
	namespace := ""
	if len(parts) > 2 && parts[0] == "namespaces" {
		namespace, parts = parts[1], parts[2:]
	}
	if len(parts) == 0 || len(parts) > 2 {
		writeStatus(w, http.StatusNotFound, "NotFound", "the server could not find the requested resource")
		return
	}
	kind, err := s.registry.ResourceFor(group, parts[0])
	if err != nil {
		writeStatus(w, http.StatusNotFound, "NotFound", err.Error())
		return
	}
	var objs []meta.Object
	s.mu.Lock()
	for _, o := range s.objs[kind.Resource] {
		m := o.GetObjectMeta()
		if (namespace == "" || m.Namespace == namespace) && (len(parts) == 1 || m.Name == parts[1]) {
			objs = append(objs, o)
		}
	}
	s.mu.Unlock()

	asTable := strings.Contains(r.Header.Get("Accept"), "as=Table")
	opts, err := ParseTableOptions(r.URL.Query())
	switch {
	case asTable && err != nil:
		writeStatus(w, http.StatusBadRequest, "BadRequest", err.Error())
	case r.URL.Query().Get("watch") == "true":
		s.serveWatch(w, kind, namespace, opts, asTable)
	case len(parts) == 2 && len(objs) == 0:
		writeStatus(w, http.StatusNotFound, "NotFound", fmt.Sprintf("%s %q not found", kind.Resource, parts[1]))
	case len(parts) == 2 && asTable:
		tbl, err := s.printers.ConvertObject(kind.GroupVersionKind, objs[0], opts, now)
		writeResult(w, tbl, err)
	case len(parts) == 2:
		data, err := s.registry.Encode(objs[0].DeepCopyObject())
		writeResult(w, json.RawMessage(data), err)
	case asTable:
		tbl, err := s.printers.Convert(kind.GroupVersionKind, objs, opts, meta.ListMeta{ResourceVersion: "200"}, now)
		writeResult(w, tbl, err)
	default:
		items := make([]json.RawMessage, len(objs))
		for i, o := range objs {
			items[i], _ = s.registry.Encode(o.DeepCopyObject())
		}
		writeJSON(w, map[string]any{"kind": kind.Kind + "List", "apiVersion": kind.APIVersion(),
			"metadata": map[string]any{"resourceVersion": "200"}, "items": items})
	}
}

// serveWatch sends two changes to the pod migrate-db (its second init container starts, then it
// runs) and ends the watch, which ends kubectl get -w.
func (s *fakeServer) serveWatch(w http.ResponseWriter, kind *api.Kind, namespace string, opts TableOptions, asTable bool) {
	if kind.Resource != "pods" || !asTable {
		writeStatus(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "this test server watches pods as tables only")
		return
	}
	watch, err := s.printers.NewWatch(kind.GroupVersionKind, opts)
	if err != nil {
		writeStatus(w, http.StatusBadRequest, "BadRequest", err.Error())
		return
	}
	second := MakePod("migrate-db").Created(45*time.Second).InitContainers("wait-db", "migrate").
		Phase(core.PodPending).Node("node-2").
		InitStatus(terminated("wait-db", "Completed", 0, 0), runningNotReady("migrate")).
		Status(waiting("app", "PodInitializing")).Obj()
	second.ResourceVersion = "201"
	done := MakePod("migrate-db").Created(45*time.Second).InitContainers("wait-db", "migrate").Running().
		InitStatus(terminated("wait-db", "Completed", 0, 0), terminated("migrate", "Completed", 0, 0)).Obj()
	done.ResourceVersion = "202"

	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	enc := json.NewEncoder(w)
	for _, obj := range []meta.Object{second, done} {
		if namespace != "" && obj.GetObjectMeta().Namespace != namespace {
			continue
		}
		tbl, err := watch.Convert(obj, now)
		if err != nil {
			return
		}
		if err := enc.Encode(map[string]any{"type": "MODIFIED", "object": tbl}); err != nil {
			return
		}
		w.(http.Flusher).Flush()
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func writeResult(w http.ResponseWriter, v any, err error) {
	if err != nil {
		writeStatus(w, http.StatusBadRequest, "BadRequest", err.Error())
		return
	}
	writeJSON(w, v)
}

func writeStatus(w http.ResponseWriter, code int, reason, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(meta.NewStatus(int32(code), meta.StatusReason(reason), message))
}

// e2ePods are the pods the end-to-end test lists, in store order (namespace, then name).
func e2ePods() []meta.Object {
	migrate := MakePod("migrate-db").Created(45*time.Second).InitContainers("wait-db", "migrate").
		Phase(core.PodPending).Node("node-2").
		InitStatus(runningNotReady("wait-db"), waiting("migrate", "PodInitializing")).
		Status(waiting("app", "PodInitializing")).Obj()
	migrate.Status.PodIPs = nil

	report := MakePod("report-28571").Created(2*time.Hour+5*time.Minute).
		Labels("batch.kubernetes.io/job-name", "report-28571").
		Phase(core.PodSucceeded).Node("node-1").IP("10.244.1.9").
		Status(terminated("app", "Completed", 0, 0)).Obj()

	crashing := MakePod("web-7d4b9c-q8z2m").Labels("app", "web", "pod-template-hash", "7d4b9c").
		Phase(core.PodRunning).Node("node-2").IP("10.244.2.7").
		Condition(core.PodReady, core.ConditionFalse, "ContainersNotReady").
		Status(restarted(waiting("app", "CrashLoopBackOff"), 4, 2*time.Minute)).Obj()
	crashing.CreationTimestamp = ago(5*day + time.Hour) // older: first when sorted by creation

	web := MakePod("web-7d4b9c-x2k4j").Labels("app", "web", "pod-template-hash", "7d4b9c").Running().Obj()
	web.Spec.ReadinessGates = []core.PodReadinessGate{{ConditionType: "example.com/lb-ready"}}
	web.Status.Conditions = append(web.Status.Conditions, core.PodCondition{Type: "example.com/lb-ready", Status: core.ConditionTrue})

	dns := MakePod("coredns-5d78c9869d-h2l7p").Namespace("kube-system").Created(40*day).
		Labels("k8s-app", "kube-dns", "pod-template-hash", "5d78c9869d").Running().Obj()

	return []meta.Object{migrate, report, crashing, web, dns}
}

func e2eDeployments() []meta.Object {
	deployment := func(name string, created time.Duration, replicas int32, containers ...core.Container) *apps.Deployment {
		return &apps.Deployment{
			ObjectMeta: meta.ObjectMeta{Name: name, Namespace: "default", ResourceVersion: "150", CreationTimestamp: ago(created)},
			Spec: apps.DeploymentSpec{
				Replicas: &replicas,
				Selector: &meta.LabelSelector{MatchLabels: map[string]string{"app": name}},
				Template: core.PodTemplateSpec{Spec: core.PodSpec{Containers: containers}},
			},
		}
	}
	apiDeploy := deployment("api", 9*day, 2, core.Container{Name: "api", Image: "registry.example/api:2.1"})
	apiDeploy.Status = apps.DeploymentStatus{Replicas: 2, UpdatedReplicas: 2, ReadyReplicas: 2, AvailableReplicas: 2}
	// web is mid-rollout: two pods of the new template, one ready pod overall.
	web := deployment("web", 5*day, 3, core.Container{Name: "nginx", Image: "nginx:1.26"}, core.Container{Name: "log", Image: "fluent-bit:3"})
	web.Status = apps.DeploymentStatus{Replicas: 4, UpdatedReplicas: 2, ReadyReplicas: 1, AvailableReplicas: 1, UnavailableReplicas: 3}
	return []meta.Object{apiDeploy, web}
}

func e2eNodes() []meta.Object {
	cp := node("cp-1", map[string]string{"node-role.kubernetes.io/control-plane": ""}, core.ConditionTrue)
	w1 := node("w-1", map[string]string{"node-role.kubernetes.io/worker": ""}, core.ConditionTrue)
	w1.Spec.Unschedulable = true
	w1.Status.Addresses = []core.NodeAddress{{Type: core.NodeInternalIP, Address: "192.168.1.11"}, {Type: core.NodeExternalIP, Address: "203.0.113.7"}}
	w2 := node("w-2", nil, core.ConditionUnknown)
	w2.Status.Addresses = []core.NodeAddress{{Type: core.NodeInternalIP, Address: "192.168.1.12"}}
	w2.CreationTimestamp = ago(3*time.Hour + 20*time.Minute)
	return []meta.Object{cp, w1, w2}
}

func e2eEvents() []meta.Object {
	backoff := &core.Event{
		ObjectMeta:     objectMeta("web-7d4b9c-q8z2m.17c2a1", time.Hour),
		InvolvedObject: core.ObjectReference{Kind: "Pod", Namespace: "default", Name: "web-7d4b9c-q8z2m", FieldPath: "spec.containers{app}"},
		Reason:         "BackOff", Message: "Back-off restarting failed container app in pod web-7d4b9c-q8z2m",
		Source:         core.EventSource{Component: "kubelet", Host: "node-2"},
		FirstTimestamp: ago(time.Hour), LastTimestamp: ago(2 * time.Minute), Count: 17, Type: core.EventTypeWarning,
	}
	scaled := &core.Event{
		ObjectMeta:     objectMeta("web.17c2b0", 10*time.Minute),
		InvolvedObject: core.ObjectReference{Kind: "Deployment", Namespace: "default", Name: "web"},
		Reason:         "ScalingReplicaSet", Message: "Scaled up replica set web-7d4b9c to 3 from 1",
		EventTime:           meta.NewMicroTime(now.Add(-10 * time.Minute)),
		Series:              &core.EventSeries{Count: 2, LastObservedTime: meta.NewMicroTime(now.Add(-5*time.Minute - 30*time.Second))},
		ReportingController: "deployment-controller", Type: core.EventTypeNormal,
	}
	return []meta.Object{backoff, scaled}
}
