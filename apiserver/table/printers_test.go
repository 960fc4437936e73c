package table

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/apps"
	"github.com/skiff-io/skiff/api/coordination"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/api/rbac"
	"github.com/skiff-io/skiff/api/resource"
)

func objectMeta(name string, created time.Duration) meta.ObjectMeta {
	return meta.ObjectMeta{Name: name, Namespace: "default", ResourceVersion: "7", CreationTimestamp: ago(created)}
}

func clusterMeta(name string, created time.Duration, labels map[string]string) meta.ObjectMeta {
	return meta.ObjectMeta{Name: name, ResourceVersion: "7", CreationTimestamp: ago(created), Labels: labels}
}

func node(name string, labels map[string]string, ready core.ConditionStatus) *core.Node {
	n := &core.Node{
		ObjectMeta: clusterMeta(name, 40*day, labels),
		Status: core.NodeStatus{
			Addresses: []core.NodeAddress{
				{Type: core.NodeHostName, Address: name},
				{Type: core.NodeInternalIP, Address: "192.168.1.10"},
			},
			NodeInfo: core.NodeSystemInfo{
				KubeletVersion: "v1.30.2", OSImage: "Ubuntu 22.04.4 LTS",
				KernelVersion: "5.15.0-107-generic", ContainerRuntimeVersion: "containerd://1.7.13",
			},
		},
	}
	if ready != "" {
		n.Status.Conditions = []core.NodeCondition{
			{Type: core.NodeMemoryPressure, Status: core.ConditionFalse},
			{Type: core.NodeReady, Status: ready},
		}
	}
	return n
}

func TestNodeRow(t *testing.T) {
	gk := GroupKind{"", "Node"}
	tests := []struct {
		name string
		node *core.Node
		want []any
	}{
		{
			name: "ready control plane",
			node: node("cp-1", map[string]string{"node-role.kubernetes.io/control-plane": ""}, core.ConditionTrue),
			want: []any{"cp-1", "Ready", "control-plane", "40d", "v1.30.2", "192.168.1.10", "<none>",
				"Ubuntu 22.04.4 LTS", "5.15.0-107-generic", "containerd://1.7.13"},
		},
		{
			name: "not ready worker without roles",
			node: node("w-1", map[string]string{"kubernetes.io/hostname": "w-1"}, core.ConditionFalse),
			want: []any{"w-1", "NotReady", "<none>", "40d", "v1.30.2", "192.168.1.10", "<none>",
				"Ubuntu 22.04.4 LTS", "5.15.0-107-generic", "containerd://1.7.13"},
		},
		{
			name: "ready status unknown",
			node: node("w-2", nil, core.ConditionUnknown),
			want: []any{"w-2", "NotReady", "<none>", "40d", "v1.30.2", "192.168.1.10", "<none>",
				"Ubuntu 22.04.4 LTS", "5.15.0-107-generic", "containerd://1.7.13"},
		},
		{
			name: "cordoned, several roles sorted and deduplicated, external IP",
			node: func() *core.Node {
				n := node("w-3", map[string]string{
					"node-role.kubernetes.io/worker": "true",
					"node-role.kubernetes.io/infra":  "",
					"kubernetes.io/role":             "worker",
					"node-role.kubernetes.io/":       "ignored: no role name",
				}, core.ConditionTrue)
				n.Spec.Unschedulable = true
				n.Status.Addresses = append(n.Status.Addresses, core.NodeAddress{Type: core.NodeExternalIP, Address: "203.0.113.7"})
				return n
			}(),
			want: []any{"w-3", "Ready,SchedulingDisabled", "infra,worker", "40d", "v1.30.2", "192.168.1.10", "203.0.113.7",
				"Ubuntu 22.04.4 LTS", "5.15.0-107-generic", "containerd://1.7.13"},
		},
		{
			name: "new node: no conditions, no node info",
			node: func() *core.Node {
				n := node("w-4", nil, "")
				n.Spec.Unschedulable = true
				n.Status.Addresses = nil
				n.Status.NodeInfo = core.NodeSystemInfo{}
				n.CreationTimestamp = ago(8 * time.Second)
				return n
			}(),
			want: []any{"w-4", "Unknown,SchedulingDisabled", "<none>", "8s", "", "<none>", "<none>",
				"<unknown>", "<unknown>", "<unknown>"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkCells(t, tt.want, row(t, gk, tt.node).Cells) })
	}
}

func TestEventRow(t *testing.T) {
	gk := GroupKind{"", "Event"}
	podRef := core.ObjectReference{Kind: "Pod", Namespace: "default", Name: "web-1", FieldPath: "spec.containers{app}"}
	tests := []struct {
		name  string
		event *core.Event
		want  []any // LAST SEEN TYPE REASON OBJECT SUBOBJECT SOURCE MESSAGE FIRST SEEN COUNT NAME
	}{
		{
			name: "repeated legacy event",
			event: &core.Event{
				ObjectMeta:     objectMeta("web-1.17c2a", time.Hour),
				InvolvedObject: podRef,
				Reason:         "BackOff", Message: "Back-off restarting failed container app in pod web-1\n",
				Source:         core.EventSource{Component: "kubelet", Host: "node-1"},
				FirstTimestamp: ago(time.Hour), LastTimestamp: ago(45 * time.Second),
				Count: 17, Type: core.EventTypeWarning,
			},
			want: []any{"45s", "Warning", "BackOff", "pod/web-1", "spec.containers{app}", "kubelet, node-1",
				"Back-off restarting failed container app in pod web-1", "60m", int64(17), "web-1.17c2a"},
		},
		{
			name: "events.k8s.io event with a series",
			event: &core.Event{
				ObjectMeta:     objectMeta("web-1.17c2b", 20*time.Minute),
				InvolvedObject: core.ObjectReference{Kind: "Pod", Name: "web-1"},
				Reason:         "Unhealthy", Message: "Readiness probe failed",
				EventTime:           meta.NewMicroTime(now.Add(-20 * time.Minute)),
				Series:              &core.EventSeries{Count: 4, LastObservedTime: meta.NewMicroTime(now.Add(-3*time.Minute - 10*time.Second))},
				Type:                core.EventTypeWarning,
				ReportingController: "kubelet", ReportingInstance: "node-2",
			},
			want: []any{"3m10s", "Warning", "Unhealthy", "pod/web-1", "", "kubelet, node-2",
				"Readiness probe failed", "20m", int64(4), "web-1.17c2b"},
		},
		{
			name: "events.k8s.io singleton: count 1, last seen is first seen",
			event: &core.Event{
				ObjectMeta:     objectMeta("web.17c2c", 2*day),
				InvolvedObject: core.ObjectReference{Kind: "Deployment", Name: "web"},
				Reason:         "ScalingReplicaSet", Message: "Scaled up replica set web-7d4b9c to 3",
				EventTime:           meta.NewMicroTime(now.Add(-2*day - 3*time.Hour)),
				Type:                core.EventTypeNormal,
				ReportingController: "deployment-controller",
			},
			want: []any{"2d3h", "Normal", "ScalingReplicaSet", "deployment/web", "", "deployment-controller",
				"Scaled up replica set web-7d4b9c to 3", "2d3h", int64(1), "web.17c2c"},
		},
		{
			name: "no object name, no times",
			event: &core.Event{
				ObjectMeta:     objectMeta("node.1", time.Minute),
				InvolvedObject: core.ObjectReference{Kind: "Node"},
				Reason:         "RegisteredNode", Count: 2, Type: core.EventTypeNormal,
			},
			want: []any{"<unknown>", "Normal", "RegisteredNode", "node", "", "", "", "<unknown>", int64(2), "node.1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkCells(t, tt.want, row(t, gk, tt.event).Cells) })
	}
}

func TestDeploymentRow(t *testing.T) {
	gk := GroupKind{"apps", "Deployment"}
	d := &apps.Deployment{
		ObjectMeta: objectMeta("web", 6*day+5*time.Hour),
		Spec: apps.DeploymentSpec{
			Replicas: ptr(int32(3)),
			Selector: &meta.LabelSelector{MatchLabels: map[string]string{"app": "web", "tier": "front"}},
			Template: core.PodTemplateSpec{Spec: core.PodSpec{Containers: []core.Container{
				{Name: "nginx", Image: "nginx:1.26"}, {Name: "log", Image: "fluent-bit:3.0"}}}},
		},
		// Mid-rollout: one new pod up, two old ones ready, one of them going away.
		Status: apps.DeploymentStatus{Replicas: 4, UpdatedReplicas: 1, ReadyReplicas: 2, AvailableReplicas: 2, UnavailableReplicas: 2},
	}
	checkCells(t, []any{"web", "2/3", int64(1), int64(2), "6d5h", "nginx,log", "nginx:1.26,fluent-bit:3.0", "app=web,tier=front"},
		row(t, gk, d).Cells)

	// Unset replicas (not defaulted) count as 0; a nil selector prints empty; expressions print in
	// Kubernetes' selector syntax.
	d2 := &apps.Deployment{ObjectMeta: objectMeta("bare", 30*time.Second)}
	checkCells(t, []any{"bare", "0/0", int64(0), int64(0), "30s", "", "", ""}, row(t, gk, d2).Cells)
	d2.Spec.Selector = &meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{
		{Key: "env", Operator: meta.LabelSelectorOpIn, Values: []string{"prod", "canary"}},
		{Key: "legacy", Operator: meta.LabelSelectorOpDoesNotExist},
	}}
	if got := row(t, gk, d2).Cells[7]; got != "env in (canary,prod),!legacy" {
		t.Errorf("selector = %q, want %q", got, "env in (canary,prod),!legacy")
	}
	d2.Spec.Selector = &meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{{Key: "k", Operator: "Near"}}}
	if got := row(t, gk, d2).Cells[7]; got != "<invalid>" {
		t.Errorf("invalid selector = %q, want <invalid>", got)
	}
}

func TestReplicaSetRow(t *testing.T) {
	gk := GroupKind{"apps", "ReplicaSet"}
	rs := &apps.ReplicaSet{
		ObjectMeta: objectMeta("web-7d4b9c", 2*time.Hour),
		Spec: apps.ReplicaSetSpec{
			Replicas: ptr(int32(3)),
			Selector: &meta.LabelSelector{MatchLabels: map[string]string{"app": "web", "pod-template-hash": "7d4b9c"}},
			Template: core.PodTemplateSpec{Spec: core.PodSpec{Containers: []core.Container{{Name: "nginx", Image: "nginx:1.26"}}}},
		},
		Status: apps.ReplicaSetStatus{Replicas: 3, ReadyReplicas: 1},
	}
	checkCells(t, []any{"web-7d4b9c", int64(3), int64(3), int64(1), "120m", "nginx", "nginx:1.26", "app=web,pod-template-hash=7d4b9c"},
		row(t, gk, rs).Cells)

	rs.Spec.Selector = &meta.LabelSelector{}
	if got := row(t, gk, rs).Cells[7]; got != "<none>" {
		t.Errorf("empty selector = %q, want <none>", got)
	}
	rs.Spec.Selector = &meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{{Key: "k", Operator: "Near"}}}
	if got := row(t, gk, rs).Cells[7]; got != "<error>" {
		t.Errorf("invalid selector = %q, want <error>", got)
	}
}

func TestSmallPrinters(t *testing.T) {
	q := resource.MustParse
	tests := []struct {
		name string
		gk   GroupKind
		obj  meta.Object
		want []any
	}{
		{
			name: "namespace active",
			gk:   GroupKind{"", "Namespace"},
			obj:  &core.Namespace{ObjectMeta: clusterMeta("team-a", 400*day, nil), Status: core.NamespaceStatus{Phase: core.NamespaceActive}},
			want: []any{"team-a", "Active", "400d"},
		},
		{
			name: "namespace terminating",
			gk:   GroupKind{"", "Namespace"},
			obj:  &core.Namespace{ObjectMeta: clusterMeta("old", 3*365*day, nil), Status: core.NamespaceStatus{Phase: core.NamespaceTerminating}},
			want: []any{"old", "Terminating", "3y"},
		},
		{
			name: "secret",
			gk:   GroupKind{"", "Secret"},
			obj: &core.Secret{ObjectMeta: objectMeta("tls", 90*time.Minute), Type: core.SecretTypeTLS,
				Data: map[string][]byte{"tls.crt": []byte("c"), "tls.key": []byte("k")}},
			want: []any{"tls", "kubernetes.io/tls", int64(2), "90m"},
		},
		{
			name: "configmap counts data and binary data",
			gk:   GroupKind{"", "ConfigMap"},
			obj: &core.ConfigMap{ObjectMeta: objectMeta("cfg", 10*time.Minute),
				Data: map[string]string{"a": "1", "b": "2"}, BinaryData: map[string][]byte{"c": {0}}},
			want: []any{"cfg", int64(3), "10m"},
		},
		{
			name: "service account",
			gk:   GroupKind{"", "ServiceAccount"},
			obj:  &core.ServiceAccount{ObjectMeta: objectMeta("default", 9*day)},
			want: []any{"default", int64(0), "9d"},
		},
		{
			name: "resource quota",
			gk:   GroupKind{"", "ResourceQuota"},
			obj: &core.ResourceQuota{ObjectMeta: objectMeta("compute", 5*time.Hour),
				Status: core.ResourceQuotaStatus{
					Hard: core.ResourceList{"pods": q("10"), "requests.cpu": q("4"), "requests.memory": q("8Gi"),
						"limits.cpu": q("8"), "limits.memory": q("16Gi")},
					Used: core.ResourceList{"pods": q("3"), "requests.cpu": q("1500m"), "requests.memory": q("3Gi"),
						"limits.cpu": q("3")},
				}},
			want: []any{"compute", "pods: 3/10, requests.cpu: 1500m/4, requests.memory: 3Gi/8Gi",
				"limits.cpu: 3/8, limits.memory: 0/16Gi", "5h"},
		},
		{
			name: "resource quota without status",
			gk:   GroupKind{"", "ResourceQuota"},
			obj:  &core.ResourceQuota{ObjectMeta: objectMeta("new", time.Second)},
			want: []any{"new", "", "", "1s"},
		},
		{
			name: "role binding",
			gk:   GroupKind{"rbac.authorization.k8s.io", "RoleBinding"},
			obj: &rbac.RoleBinding{ObjectMeta: objectMeta("edit-team", 12*day),
				RoleRef: rbac.RoleRef{APIGroup: rbac.GroupName, Kind: "ClusterRole", Name: "edit"},
				Subjects: []rbac.Subject{
					{Kind: "User", Name: "alice"}, {Kind: "Group", Name: "devs"}, {Kind: "User", Name: "bob"},
					{Kind: "ServiceAccount", Namespace: "ci", Name: "deployer"},
				}},
			want: []any{"edit-team", "ClusterRole/edit", "12d", "alice, bob", "devs", "ci/deployer"},
		},
		{
			name: "cluster role binding",
			gk:   GroupKind{"rbac.authorization.k8s.io", "ClusterRoleBinding"},
			obj: &rbac.ClusterRoleBinding{ObjectMeta: clusterMeta("cluster-admin", 50*day, nil),
				RoleRef:  rbac.RoleRef{APIGroup: rbac.GroupName, Kind: "ClusterRole", Name: "cluster-admin"},
				Subjects: []rbac.Subject{{Kind: "Group", Name: "system:masters"}}},
			want: []any{"cluster-admin", "ClusterRole/cluster-admin", "50d", "", "system:masters", ""},
		},
		{
			name: "lease",
			gk:   GroupKind{"coordination.k8s.io", "Lease"},
			obj: &coordination.Lease{ObjectMeta: objectMeta("kube-scheduler", 20*day),
				Spec: coordination.LeaseSpec{HolderIdentity: ptr("cp-1_4f1d")}},
			want: []any{"kube-scheduler", "cp-1_4f1d", "20d"},
		},
		{
			name: "lease without holder",
			gk:   GroupKind{"coordination.k8s.io", "Lease"},
			obj:  &coordination.Lease{ObjectMeta: objectMeta("free", 3*time.Minute)},
			want: []any{"free", "", "3m"},
		},
		{
			name: "role: the default table",
			gk:   GroupKind{"rbac.authorization.k8s.io", "Role"},
			obj:  &rbac.Role{ObjectMeta: objectMeta("reader", time.Hour)},
			want: []any{"reader", "2024-05-01T11:00:00Z"},
		},
		{
			name: "cluster role: the default table",
			gk:   GroupKind{"rbac.authorization.k8s.io", "ClusterRole"},
			obj:  &rbac.ClusterRole{ObjectMeta: clusterMeta("view", 2*day, nil)},
			want: []any{"view", "2024-04-29T12:00:00Z"},
		},
		{
			name: "limit range: the default table, in UTC",
			gk:   GroupKind{"", "LimitRange"},
			obj: &core.LimitRange{ObjectMeta: meta.ObjectMeta{Name: "limits", Namespace: "default",
				CreationTimestamp: meta.NewTime(time.Date(2024, 4, 30, 23, 30, 0, 0, time.FixedZone("CEST", 2*3600)))}},
			want: []any{"limits", "2024-04-30T21:30:00Z"},
		},
		{
			name: "default table of an object with no creation time",
			gk:   GroupKind{"example.com", "Widget"},
			obj:  &core.LimitRange{ObjectMeta: meta.ObjectMeta{Name: "w"}},
			want: []any{"w", "0001-01-01T00:00:00Z"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkCells(t, tt.want, row(t, tt.gk, tt.obj).Cells) })
	}
}

// TestColumns checks each printer's header row (as kubectl upper-cases it) and which columns only
// -o wide shows.
func TestColumns(t *testing.T) {
	tests := []struct {
		gk         GroupKind
		want, wide string
	}{
		{GroupKind{"", "Pod"}, "NAME READY STATUS RESTARTS AGE", "IP NODE NOMINATED NODE READINESS GATES"},
		{GroupKind{"", "Node"}, "NAME STATUS ROLES AGE VERSION", "INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME"},
		{GroupKind{"", "Namespace"}, "NAME STATUS AGE", ""},
		{GroupKind{"", "Event"}, "LAST SEEN TYPE REASON OBJECT MESSAGE", "SUBOBJECT SOURCE FIRST SEEN COUNT NAME"},
		{GroupKind{"", "Secret"}, "NAME TYPE DATA AGE", ""},
		{GroupKind{"", "ConfigMap"}, "NAME DATA AGE", ""},
		{GroupKind{"", "ServiceAccount"}, "NAME SECRETS AGE", ""},
		{GroupKind{"", "ResourceQuota"}, "NAME REQUEST LIMIT AGE", ""},
		{GroupKind{"", "LimitRange"}, "NAME CREATED AT", ""},
		{GroupKind{"apps", "Deployment"}, "NAME READY UP-TO-DATE AVAILABLE AGE", "CONTAINERS IMAGES SELECTOR"},
		{GroupKind{"apps", "ReplicaSet"}, "NAME DESIRED CURRENT READY AGE", "CONTAINERS IMAGES SELECTOR"},
		{GroupKind{"rbac.authorization.k8s.io", "Role"}, "NAME CREATED AT", ""},
		{GroupKind{"rbac.authorization.k8s.io", "ClusterRole"}, "NAME CREATED AT", ""},
		{GroupKind{"rbac.authorization.k8s.io", "RoleBinding"}, "NAME ROLE AGE", "USERS GROUPS SERVICEACCOUNTS"},
		{GroupKind{"rbac.authorization.k8s.io", "ClusterRoleBinding"}, "NAME ROLE AGE", "USERS GROUPS SERVICEACCOUNTS"},
		{GroupKind{"coordination.k8s.io", "Lease"}, "NAME HOLDER AGE", ""},
		{GroupKind{"example.com", "Widget"}, "NAME CREATED AT", ""},
	}
	for _, tt := range tests {
		t.Run(tt.gk.String(), func(t *testing.T) {
			var normal, wide []string
			cols := Builtin().PrinterFor(tt.gk).Columns()
			for _, c := range cols {
				if c.Description == "" {
					t.Errorf("column %q has no description", c.Name)
				}
				if c.Priority == 0 {
					normal = append(normal, strings.ToUpper(c.Name))
				} else {
					wide = append(wide, strings.ToUpper(c.Name))
				}
			}
			if got := strings.Join(normal, " "); got != tt.want {
				t.Errorf("columns = %q, want %q", got, tt.want)
			}
			if got := strings.Join(wide, " "); got != tt.wide {
				t.Errorf("wide columns = %q, want %q", got, tt.wide)
			}
			if cols[nameColumnIndex(cols)].Format != "name" {
				t.Errorf("the Name column has format %q, want name", cols[nameColumnIndex(cols)].Format)
			}
		})
	}
}

func nameColumnIndex(cols []TableColumnDefinition) int {
	for i, c := range cols {
		if c.Name == "Name" {
			return i
		}
	}
	return -1
}

func TestBuiltinCoversRegistryKinds(t *testing.T) {
	// Every kind skiff serves prints, with its own printer or the default one, and each printer
	// accepts the kind's Go type.
	printers := Builtin()
	for _, k := range api.Builtin().Kinds() {
		obj := k.New()
		obj.GetObjectMeta().Name = "x"
		if _, err := printers.ConvertObject(k.GroupVersionKind, obj, TableOptions{}, now); err != nil {
			t.Errorf("%s: %v", k.GroupVersionKind, err)
		}
	}
}

func TestPrinterWrongType(t *testing.T) {
	_, err := Builtin().PrinterFor(GroupKind{"", "Pod"}).Row(&core.Node{}, now)
	if !errors.Is(err, ErrWrongType) {
		t.Fatalf("err = %v, want ErrWrongType", err)
	}
}

func TestRegister(t *testing.T) {
	r := NewRegistry()
	gk := GroupKind{"example.com", "Widget"}
	if got := r.PrinterFor(gk); got != DefaultPrinter() {
		t.Fatalf("an unregistered kind gets %T, want DefaultPrinter", got)
	}
	p := NewPrinter([]TableColumnDefinition{nameColumn}, func(cm *core.ConfigMap, _ time.Time) (TableRow, error) {
		return TableRow{Cells: []any{cm.Name}}, nil
	})
	if err := r.Register(gk, p); err != nil {
		t.Fatal(err)
	}
	if err := r.Register(gk, p); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("second Register: %v, want ErrDuplicate", err)
	}
	if err := r.Register(GroupKind{}, p); err == nil {
		t.Fatal("Register without a kind succeeded")
	}
	if r.PrinterFor(gk) != p {
		t.Fatal("PrinterFor does not return the registered printer")
	}
	// A printer whose rows do not match its columns is a bug Convert reports.
	bad := NewPrinter([]TableColumnDefinition{nameColumn, ageColumn}, func(cm *core.ConfigMap, _ time.Time) (TableRow, error) {
		return TableRow{Cells: []any{cm.Name}}, nil
	})
	if err := r.Register(GroupKind{"example.com", "Bad"}, bad); err != nil {
		t.Fatal(err)
	}
	_, err := r.Convert(api.GroupVersionKind{Group: "example.com", Version: "v1", Kind: "Bad"},
		[]meta.Object{&core.ConfigMap{}}, TableOptions{}, meta.ListMeta{}, now)
	if err == nil {
		t.Fatal("Convert accepted a row with fewer cells than columns")
	}
}
