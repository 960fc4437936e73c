package table

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/skiff-io/skiff/api/apps"
	"github.com/skiff-io/skiff/api/coordination"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/api/rbac"
)

// Builtin returns a new registry with the printers kube-apiserver has for the kinds skiff serves:
// Pod, Node, Namespace, Event, Secret, ConfigMap, ServiceAccount and ResourceQuota (core),
// Deployment and ReplicaSet (apps), RoleBinding and ClusterRoleBinding (rbac) and Lease
// (coordination). Role, ClusterRole, LimitRange and any kind a program adds get DefaultPrinter(), as
// in Kubernetes. Each call returns a fresh registry, so a program can add its own printers.
func Builtin() *Registry {
	r := NewRegistry()
	must := func(err error) {
		if err != nil {
			panic(err) // the built-in set is fixed: a failure here is a bug every test catches
		}
	}
	must(r.Register(GroupKind{core.GroupName, "Pod"}, NewPrinter(podColumns, podRow)))
	must(r.Register(GroupKind{core.GroupName, "Node"}, NewPrinter(nodeColumns, nodeRow)))
	must(r.Register(GroupKind{core.GroupName, "Namespace"}, NewPrinter(namespaceColumns, namespaceRow)))
	must(r.Register(GroupKind{core.GroupName, "Event"}, NewPrinter(eventColumns, eventRow)))
	must(r.Register(GroupKind{core.GroupName, "Secret"}, NewPrinter(secretColumns, secretRow)))
	must(r.Register(GroupKind{core.GroupName, "ConfigMap"}, NewPrinter(configMapColumns, configMapRow)))
	must(r.Register(GroupKind{core.GroupName, "ServiceAccount"}, NewPrinter(serviceAccountColumns, serviceAccountRow)))
	must(r.Register(GroupKind{core.GroupName, "ResourceQuota"}, NewPrinter(resourceQuotaColumns, resourceQuotaRow)))
	must(r.Register(GroupKind{apps.GroupName, "Deployment"}, NewPrinter(deploymentColumns, deploymentRow)))
	must(r.Register(GroupKind{apps.GroupName, "ReplicaSet"}, NewPrinter(replicaSetColumns, replicaSetRow)))
	must(r.Register(GroupKind{rbac.GroupName, "RoleBinding"}, NewPrinter(roleBindingColumns, roleBindingRow)))
	must(r.Register(GroupKind{rbac.GroupName, "ClusterRoleBinding"}, NewPrinter(clusterRoleBindingColumns, clusterRoleBindingRow)))
	must(r.Register(GroupKind{coordination.GroupName, "Lease"}, NewPrinter(leaseColumns, leaseRow)))
	return r
}

// Column definitions shared by several printers.
var (
	nameColumn = TableColumnDefinition{Name: "Name", Type: "string", Format: "name", Description: descName}
	ageColumn  = TableColumnDefinition{Name: "Age", Type: "string", Description: descCreationTimestamp}

	containersColumn = TableColumnDefinition{Name: "Containers", Type: "string", Priority: 1, Description: "Names of each container in the template."}
	imagesColumn     = TableColumnDefinition{Name: "Images", Type: "string", Priority: 1, Description: "Images referenced by each container in the template."}
)

// --- Node

var nodeColumns = []TableColumnDefinition{
	nameColumn,
	{Name: "Status", Type: "string", Description: "The status of the node"},
	{Name: "Roles", Type: "string", Description: "The roles of the node"},
	ageColumn,
	{Name: "Version", Type: "string", Description: descKubeletVersion},
	{Name: "Internal-IP", Type: "string", Priority: 1, Description: descNodeAddresses},
	{Name: "External-IP", Type: "string", Priority: 1, Description: descNodeAddresses},
	{Name: "OS-Image", Type: "string", Priority: 1, Description: descOSImage},
	{Name: "Kernel-Version", Type: "string", Priority: 1, Description: descKernelVersion},
	{Name: "Container-Runtime", Type: "string", Priority: 1, Description: descContainerRuntimeVersion},
}

// Node role labels: node-role.kubernetes.io/<role> (any value) and kubernetes.io/role=<role>.
const (
	nodeRoleLabelPrefix = "node-role.kubernetes.io/"
	nodeRoleLabel       = "kubernetes.io/role"
)

func nodeRow(n *core.Node, now time.Time) (TableRow, error) {
	status := "Unknown"
	for _, c := range n.Status.Conditions {
		if c.Type == core.NodeReady { // the only condition the STATUS column shows
			status = "NotReady"
			if c.Status == core.ConditionTrue {
				status = "Ready"
			}
			// The last Ready condition wins, should there be several.
		}
	}
	if n.Spec.Unschedulable {
		status += ",SchedulingDisabled"
	}

	info := &n.Status.NodeInfo
	return TableRow{Cells: []any{
		n.Name,
		status,
		orNone(strings.Join(nodeRoles(n.Labels), ",")),
		age(n.CreationTimestamp.Time, now),
		info.KubeletVersion,
		orNone(nodeAddress(n, core.NodeInternalIP)),
		orNone(nodeAddress(n, core.NodeExternalIP)),
		orUnknown(info.OSImage),
		orUnknown(info.KernelVersion),
		orUnknown(info.ContainerRuntimeVersion),
	}}, nil
}

// nodeRoles returns the node's roles, sorted and without duplicates.
func nodeRoles(labels map[string]string) []string {
	var roles []string
	for k, v := range labels {
		switch {
		case strings.HasPrefix(k, nodeRoleLabelPrefix):
			if role := k[len(nodeRoleLabelPrefix):]; role != "" {
				roles = append(roles, role)
			}
		case k == nodeRoleLabel && v != "":
			roles = append(roles, v)
		}
	}
	slices.Sort(roles)
	return slices.Compact(roles)
}

// nodeAddress returns the node's first address of type t, or "".
func nodeAddress(n *core.Node, t core.NodeAddressType) string {
	for _, a := range n.Status.Addresses {
		if a.Type == t {
			return a.Address
		}
	}
	return ""
}

func orUnknown(s string) string {
	if s == "" {
		return "<unknown>"
	}
	return s
}

// --- Namespace

var namespaceColumns = []TableColumnDefinition{
	nameColumn,
	{Name: "Status", Type: "string", Description: "The status of the namespace"},
	ageColumn,
}

func namespaceRow(ns *core.Namespace, now time.Time) (TableRow, error) {
	return TableRow{Cells: []any{ns.Name, string(ns.Status.Phase), age(ns.CreationTimestamp.Time, now)}}, nil
}

// --- Event

var eventColumns = []TableColumnDefinition{
	{Name: "Last Seen", Type: "string", Description: descEventLastTimestamp},
	{Name: "Type", Type: "string", Description: descEventType},
	{Name: "Reason", Type: "string", Description: descEventReason},
	{Name: "Object", Type: "string", Description: descEventInvolvedObject},
	{Name: "Subobject", Type: "string", Priority: 1, Description: descFieldPath},
	{Name: "Source", Type: "string", Priority: 1, Description: descEventSource},
	{Name: "Message", Type: "string", Description: descEventMessage},
	{Name: "First Seen", Type: "string", Priority: 1, Description: descEventFirstTimestamp},
	{Name: "Count", Type: "string", Priority: 1, Description: descEventCount},
	{Name: "Name", Type: "string", Format: "name", Priority: 1, Description: descName},
}

// eventRow is kubectl get events' row. An event written through events.k8s.io has an eventTime and
// a series rather than first and last timestamps and a count; LAST SEEN and COUNT read either.
func eventRow(e *core.Event, now time.Time) (TableRow, error) {
	firstSeen := age(e.FirstTimestamp.Time, now)
	if e.FirstTimestamp.IsZero() {
		firstSeen = age(e.EventTime.Time, now)
	}
	lastSeen := firstSeen
	if !e.LastTimestamp.IsZero() {
		lastSeen = age(e.LastTimestamp.Time, now)
	}
	count := e.Count
	switch {
	case e.Series != nil:
		lastSeen = age(e.Series.LastObservedTime.Time, now)
		count = e.Series.Count
	case count == 0:
		count = 1 // a singleton event of the new API has no count
	}

	object := strings.ToLower(e.InvolvedObject.Kind)
	if e.InvolvedObject.Name != "" {
		object += "/" + e.InvolvedObject.Name
	}
	return TableRow{Cells: []any{
		lastSeen,
		e.Type,
		e.Reason,
		object,
		e.InvolvedObject.FieldPath,
		eventSource(e),
		strings.TrimSpace(e.Message),
		firstSeen,
		int64(count),
		e.Name,
	}}, nil
}

// eventSource is "<component>, <host>", or the component alone without a host; the reporting
// controller and instance stand in for a missing component and host.
func eventSource(e *core.Event) string {
	component, host := e.Source.Component, e.Source.Host
	if component == "" {
		component = e.ReportingController
	}
	if host == "" {
		host = e.ReportingInstance
	}
	if host == "" {
		return component
	}
	return component + ", " + host
}

// --- Secret, ConfigMap, ServiceAccount

var secretColumns = []TableColumnDefinition{
	nameColumn,
	{Name: "Type", Type: "string", Description: descSecretType},
	{Name: "Data", Type: "string", Description: descSecretData},
	ageColumn,
}

func secretRow(s *core.Secret, now time.Time) (TableRow, error) {
	return TableRow{Cells: []any{s.Name, string(s.Type), int64(len(s.Data)), age(s.CreationTimestamp.Time, now)}}, nil
}

var configMapColumns = []TableColumnDefinition{
	nameColumn,
	{Name: "Data", Type: "string", Description: descConfigMapData},
	ageColumn,
}

func configMapRow(cm *core.ConfigMap, now time.Time) (TableRow, error) {
	return TableRow{Cells: []any{cm.Name, int64(len(cm.Data) + len(cm.BinaryData)), age(cm.CreationTimestamp.Time, now)}}, nil
}

var serviceAccountColumns = []TableColumnDefinition{
	nameColumn,
	{Name: "Secrets", Type: "string", Description: descServiceAccountSecrets},
	ageColumn,
}

func serviceAccountRow(sa *core.ServiceAccount, now time.Time) (TableRow, error) {
	return TableRow{Cells: []any{sa.Name, int64(len(sa.Secrets)), age(sa.CreationTimestamp.Time, now)}}, nil
}

// --- ResourceQuota

var resourceQuotaColumns = []TableColumnDefinition{
	nameColumn,
	{Name: "Request", Type: "string", Description: "Request represents a minimum amount of cpu/memory that a container may consume."},
	{Name: "Limit", Type: "string", Description: "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node."},
	ageColumn,
}

// resourceQuotaRow lists "<resource>: <used>/<hard>" for every enforced resource, sorted by name:
// limits.* under LIMIT, everything else under REQUEST.
func resourceQuotaRow(q *core.ResourceQuota, now time.Time) (TableRow, error) {
	var request, limit strings.Builder
	for _, name := range slices.Sorted(maps.Keys(q.Status.Hard)) {
		w := &request
		if strings.HasPrefix(string(name), "limits.") {
			w = &limit
		}
		if w.Len() > 0 {
			w.WriteString(", ")
		}
		used, hard := q.Status.Used[name], q.Status.Hard[name]
		w.WriteString(string(name) + ": " + used.String() + "/" + hard.String())
	}
	return TableRow{Cells: []any{q.Name, request.String(), limit.String(), age(q.CreationTimestamp.Time, now)}}, nil
}

// --- Deployment, ReplicaSet

var deploymentColumns = []TableColumnDefinition{
	nameColumn,
	{Name: "Ready", Type: "string", Description: "Number of the pod with ready state"},
	{Name: "Up-to-date", Type: "string", Description: descDeploymentUpdatedReplicas},
	{Name: "Available", Type: "string", Description: descDeploymentAvailableReplicas},
	ageColumn,
	containersColumn,
	imagesColumn,
	{Name: "Selector", Type: "string", Priority: 1, Description: descDeploymentSelector},
}

func deploymentRow(d *apps.Deployment, now time.Time) (TableRow, error) {
	names, images := containerCells(d.Spec.Template.Spec.Containers)
	selector := "<invalid>"
	if sel, err := meta.LabelSelectorAsSelector(d.Spec.Selector); err == nil {
		selector = sel.String()
	}
	return TableRow{Cells: []any{
		d.Name,
		strconv.Itoa(int(d.Status.ReadyReplicas)) + "/" + strconv.Itoa(int(replicas(d.Spec.Replicas))),
		int64(d.Status.UpdatedReplicas),
		int64(d.Status.AvailableReplicas),
		age(d.CreationTimestamp.Time, now),
		names,
		images,
		selector,
	}}, nil
}

var replicaSetColumns = []TableColumnDefinition{
	nameColumn,
	{Name: "Desired", Type: "integer", Description: descReplicaSetSpecReplicas},
	{Name: "Current", Type: "integer", Description: descReplicaSetStatusReplicas},
	{Name: "Ready", Type: "integer", Description: descReplicaSetReadyReplicas},
	ageColumn,
	containersColumn,
	imagesColumn,
	{Name: "Selector", Type: "string", Priority: 1, Description: descReplicaSetSelector},
}

func replicaSetRow(rs *apps.ReplicaSet, now time.Time) (TableRow, error) {
	names, images := containerCells(rs.Spec.Template.Spec.Containers)
	return TableRow{Cells: []any{
		rs.Name,
		int64(replicas(rs.Spec.Replicas)),
		int64(rs.Status.Replicas),
		int64(rs.Status.ReadyReplicas),
		age(rs.CreationTimestamp.Time, now),
		names,
		images,
		formatSelector(rs.Spec.Selector),
	}}, nil
}

// replicas is a spec's desired replica count; an unset one (defaulting sets 1) counts as 0, as
// Kubernetes' conversion of a nil pointer does.
func replicas(r *int32) int32 {
	if r == nil {
		return 0
	}
	return *r
}

// containerCells joins the containers' names and images with commas.
func containerCells(containers []core.Container) (names, images string) {
	var n, i strings.Builder
	for k, c := range containers {
		if k > 0 {
			n.WriteByte(',')
			i.WriteByte(',')
		}
		n.WriteString(c.Name)
		i.WriteString(c.Image)
	}
	return n.String(), i.String()
}

// formatSelector writes a label selector as kubectl does: "app=web,tier in (a,b)", "<none>" when it
// selects everything or nothing, "<error>" when it is invalid.
func formatSelector(ls *meta.LabelSelector) string {
	sel, err := meta.LabelSelectorAsSelector(ls)
	if err != nil {
		return "<error>"
	}
	return orNone(sel.String())
}

// --- RoleBinding, ClusterRoleBinding

func bindingColumns(kind, roleRefDescription string) []TableColumnDefinition {
	return []TableColumnDefinition{
		nameColumn,
		{Name: "Role", Type: "string", Description: roleRefDescription},
		ageColumn,
		{Name: "Users", Type: "string", Priority: 1, Description: "Users in the " + kind},
		{Name: "Groups", Type: "string", Priority: 1, Description: "Groups in the " + kind},
		{Name: "ServiceAccounts", Type: "string", Priority: 1, Description: "ServiceAccounts in the " + kind},
	}
}

var (
	roleBindingColumns        = bindingColumns("roleBinding", descRoleBindingRoleRef)
	clusterRoleBindingColumns = bindingColumns("clusterRoleBinding", descClusterRoleBindingRoleRef)
)

func roleBindingRow(b *rbac.RoleBinding, now time.Time) (TableRow, error) {
	return bindingRow(&b.ObjectMeta, b.RoleRef, b.Subjects, now), nil
}

func clusterRoleBindingRow(b *rbac.ClusterRoleBinding, now time.Time) (TableRow, error) {
	return bindingRow(&b.ObjectMeta, b.RoleRef, b.Subjects, now), nil
}

// bindingRow shows the role as "<Kind>/<name>" and, wide, the subjects by kind: users, groups and
// service accounts as "<namespace>/<name>", each list joined with ", ".
func bindingRow(m *meta.ObjectMeta, ref rbac.RoleRef, subjects []rbac.Subject, now time.Time) TableRow {
	var users, groups, sas []string
	for _, s := range subjects {
		switch s.Kind {
		case rbac.UserKind:
			users = append(users, s.Name)
		case rbac.GroupKind:
			groups = append(groups, s.Name)
		case rbac.ServiceAccountKind:
			sas = append(sas, s.Namespace+"/"+s.Name)
		}
	}
	return TableRow{Cells: []any{
		m.Name,
		ref.Kind + "/" + ref.Name,
		age(m.CreationTimestamp.Time, now),
		strings.Join(users, ", "),
		strings.Join(groups, ", "),
		strings.Join(sas, ", "),
	}}
}

// --- Lease

var leaseColumns = []TableColumnDefinition{
	nameColumn,
	{Name: "Holder", Type: "string", Description: descLeaseHolderIdentity},
	ageColumn,
}

func leaseRow(l *coordination.Lease, now time.Time) (TableRow, error) {
	holder := ""
	if l.Spec.HolderIdentity != nil {
		holder = *l.Spec.HolderIdentity
	}
	return TableRow{Cells: []any{l.Name, holder, age(l.CreationTimestamp.Time, now)}}, nil
}
