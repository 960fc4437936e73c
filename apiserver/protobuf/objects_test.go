package protobuf

import (
	"time"

	"github.com/skiff-io/skiff/api/apps"
	"github.com/skiff-io/skiff/api/authorization"
	"github.com/skiff-io/skiff/api/autoscaling"
	"github.com/skiff-io/skiff/api/coordination"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/intstr"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/api/rbac"
	"github.com/skiff-io/skiff/api/resource"
)

func ptr[T any](v T) *T { return &v }

func q(s string) resource.Quantity { return resource.MustParse(s) }

// goldenObjects are the objects of testdata/*.bin, in skiff's types; testdata/README.md says how
// the payloads were made from the same objects in Kubernetes' types.
func goldenObjects() map[string]meta.Object {
	return map[string]meta.Object{
		"deployment": kubectlCreateDeployment(),
		"namespace":  kubectlCreateNamespace(),
		"pod":        richPod(),
		"secret":     binarySecret(),
		"configmap":  configMap(),
		"role":       podReaderRole(),
		"lease":      schedulerLease(),
		"event":      backOffEvent(),
	}
}

// kubectlCreateDeployment is what `kubectl create deployment nginx --image=nginx --replicas=3`
// sends.
func kubectlCreateDeployment() *apps.Deployment {
	labels := map[string]string{"app": "nginx"}
	return &apps.Deployment{
		TypeMeta:   meta.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: meta.ObjectMeta{Name: "nginx", Labels: labels},
		Spec: apps.DeploymentSpec{
			Replicas: ptr(int32(3)),
			Selector: &meta.LabelSelector{MatchLabels: labels},
			Template: core.PodTemplateSpec{
				ObjectMeta: meta.ObjectMeta{Labels: labels},
				Spec:       core.PodSpec{Containers: []core.Container{{Name: "nginx", Image: "nginx"}}},
			},
		},
	}
}

// kubectlCreateNamespace is what `kubectl create namespace team-a` sends.
func kubectlCreateNamespace() *core.Namespace {
	return &core.Namespace{
		TypeMeta:   meta.TypeMeta{APIVersion: "v1", Kind: "Namespace"},
		ObjectMeta: meta.ObjectMeta{Name: "team-a"},
	}
}

func richPod() *core.Pod {
	return &core.Pod{
		TypeMeta: meta.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: meta.ObjectMeta{
			Name: "web-0", Namespace: "default", UID: "6f1d3c1e-0000-4000-8000-000000000001",
			Labels:            map[string]string{"app": "web", "tier": "frontend"},
			Annotations:       map[string]string{"note": "h\u00e9llo \"quoted\"\n<tag>"},
			CreationTimestamp: meta.NewTime(time.Date(2024, 1, 2, 15, 4, 5, 0, time.UTC)),
			OwnerReferences: []meta.OwnerReference{{
				APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "web-5d9c", UID: "6f1d3c1e-0000-4000-8000-000000000002",
				Controller: ptr(true), BlockOwnerDeletion: ptr(true),
			}},
			Finalizers: []string{"example.com/keep"},
		},
		Spec: core.PodSpec{
			Volumes: []core.Volume{
				{Name: "data", VolumeSource: core.VolumeSource{EmptyDir: &core.EmptyDirVolumeSource{
					Medium: core.StorageMediumMemory, SizeLimit: ptr(q("64Mi")),
				}}},
				{Name: "config", VolumeSource: core.VolumeSource{ConfigMap: &core.ConfigMapVolumeSource{
					LocalObjectReference: core.LocalObjectReference{Name: "web-config"},
					Items:                []core.KeyToPath{{Key: "app.conf", Path: "conf/app.conf", Mode: ptr(int32(0o600))}},
					DefaultMode:          ptr(int32(0o644)),
					Optional:             ptr(false),
				}}},
				{Name: "tls", VolumeSource: core.VolumeSource{Secret: &core.SecretVolumeSource{SecretName: "web-tls"}}},
			},
			InitContainers: []core.Container{{Name: "init", Image: "busybox:1.36", Command: []string{"sh", "-c", "echo ready"}}},
			Containers: []core.Container{
				{
					Name: "web", Image: "nginx:1.27", Args: []string{"--port", "8080"}, WorkingDir: "/srv",
					Ports: []core.ContainerPort{
						{Name: "http", ContainerPort: 8080, Protocol: core.ProtocolTCP},
						{Name: "metrics", ContainerPort: 9090, HostPort: 19090, Protocol: core.ProtocolUDP, HostIP: "0.0.0.0"},
					},
					Env: []core.EnvVar{
						{Name: "MODE", Value: "production"},
						{Name: "POD_NAME", ValueFrom: &core.EnvVarSource{FieldRef: &core.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.name"}}},
						{Name: "CPU_LIMIT", ValueFrom: &core.EnvVarSource{ResourceFieldRef: &core.ResourceFieldSelector{
							ContainerName: "web", Resource: "limits.cpu", Divisor: q("1m"),
						}}},
						{Name: "PASSWORD", ValueFrom: &core.EnvVarSource{SecretKeyRef: &core.SecretKeySelector{
							LocalObjectReference: core.LocalObjectReference{Name: "db"}, Key: "password", Optional: ptr(true),
						}}},
					},
					Resources: core.ResourceRequirements{
						Limits:   core.ResourceList{core.ResourceCPU: q("500m"), core.ResourceMemory: q("128Mi")},
						Requests: core.ResourceList{core.ResourceCPU: q("250m"), core.ResourceMemory: q("64Mi"), "example.com/gpu": q("1")},
					},
					VolumeMounts: []core.VolumeMount{
						{Name: "data", MountPath: "/data"},
						{Name: "config", MountPath: "/etc/web", ReadOnly: true, SubPath: "conf"},
					},
					LivenessProbe: &core.Probe{
						ProbeHandler: core.ProbeHandler{HTTPGet: &core.HTTPGetAction{
							Path: "/healthz", Port: intstr.FromString("http"), Scheme: core.URISchemeHTTP,
							HTTPHeaders: []core.HTTPHeader{{Name: "X-Probe", Value: "1"}},
						}},
						InitialDelaySeconds: 5, TimeoutSeconds: 1, PeriodSeconds: 10, SuccessThreshold: 1, FailureThreshold: 3,
					},
					ReadinessProbe: &core.Probe{
						ProbeHandler: core.ProbeHandler{TCPSocket: &core.TCPSocketAction{Port: intstr.FromInt32(8080)}},
					},
					TerminationMessagePath:   "/dev/termination-log",
					TerminationMessagePolicy: core.TerminationMessageReadFile,
					ImagePullPolicy:          core.PullIfNotPresent,
					SecurityContext: &core.SecurityContext{
						Capabilities:             &core.Capabilities{Add: []core.Capability{"NET_BIND_SERVICE"}, Drop: []core.Capability{"ALL"}},
						RunAsUser:                ptr(int64(1000)),
						RunAsNonRoot:             ptr(true),
						ReadOnlyRootFilesystem:   ptr(true),
						AllowPrivilegeEscalation: ptr(false),
					},
				},
				{Name: "shell", Image: "busybox", Stdin: true, TTY: true},
			},
			RestartPolicy:                 core.RestartPolicyAlways,
			TerminationGracePeriodSeconds: ptr(int64(30)),
			DNSPolicy:                     core.DNSClusterFirst,
			NodeSelector:                  map[string]string{"disktype": "ssd"},
			ServiceAccountName:            "web",
			SecurityContext: &core.PodSecurityContext{
				RunAsUser: ptr(int64(1000)), FSGroup: ptr(int64(2000)), SupplementalGroups: []int64{3000, 4000},
			},
			ImagePullSecrets: []core.LocalObjectReference{{Name: "regcred"}},
			Affinity: &core.Affinity{
				NodeAffinity: &core.NodeAffinity{
					RequiredDuringSchedulingIgnoredDuringExecution: &core.NodeSelector{NodeSelectorTerms: []core.NodeSelectorTerm{{
						MatchExpressions: []core.NodeSelectorRequirement{{Key: "kubernetes.io/arch", Operator: core.NodeSelectorOpIn, Values: []string{"amd64", "arm64"}}},
					}}},
					PreferredDuringSchedulingIgnoredDuringExecution: []core.PreferredSchedulingTerm{{
						Weight: 10, Preference: core.NodeSelectorTerm{MatchExpressions: []core.NodeSelectorRequirement{{Key: "zone", Operator: core.NodeSelectorOpExists}}},
					}},
				},
				PodAntiAffinity: &core.PodAntiAffinity{
					PreferredDuringSchedulingIgnoredDuringExecution: []core.WeightedPodAffinityTerm{{
						Weight: 100,
						PodAffinityTerm: core.PodAffinityTerm{
							LabelSelector: &meta.LabelSelector{
								MatchLabels:      map[string]string{"app": "web"},
								MatchExpressions: []meta.LabelSelectorRequirement{{Key: "tier", Operator: meta.LabelSelectorOpNotIn, Values: []string{"db"}}},
							},
							TopologyKey: "kubernetes.io/hostname",
						},
					}},
				},
			},
			SchedulerName: "default-scheduler",
			Tolerations: []core.Toleration{
				{Key: "node.kubernetes.io/not-ready", Operator: core.TolerationOpExists, Effect: core.TaintEffectNoExecute, TolerationSeconds: ptr(int64(300))},
				{Key: "dedicated", Operator: core.TolerationOpEqual, Value: "web", Effect: core.TaintEffectNoSchedule},
			},
			HostAliases:        []core.HostAlias{{IP: "10.0.0.1", Hostnames: []string{"db.local"}}},
			Priority:           ptr(int32(0)),
			EnableServiceLinks: ptr(true),
		},
	}
}

func binarySecret() *core.Secret {
	return &core.Secret{
		TypeMeta:   meta.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: meta.ObjectMeta{Name: "db", Namespace: "default"},
		Data: map[string][]byte{
			"password": []byte("s3cr3t"),
			"key.bin":  {0x00, 0xff, 0x80, 0x7f, 'k', '8', 's', 0x00, 0xc3, 0x28},
			"empty":    {},
		},
		StringData: map[string]string{"user": "admin"},
		Type:       core.SecretTypeOpaque,
	}
}

func configMap() *core.ConfigMap {
	return &core.ConfigMap{
		TypeMeta:   meta.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: meta.ObjectMeta{Name: "web-config", Namespace: "default", Annotations: map[string]string{"a": ""}},
		Immutable:  ptr(true),
		Data:       map[string]string{"app.conf": "listen 8080;\nserver_name \u65e5\u672c;\n", "empty": ""},
		BinaryData: map[string][]byte{"logo.png": {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}},
	}
}

func podReaderRole() *rbac.Role {
	return &rbac.Role{
		TypeMeta:   meta.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "Role"},
		ObjectMeta: meta.ObjectMeta{Name: "pod-reader", Namespace: "default"},
		Rules: []rbac.PolicyRule{
			{Verbs: []string{"get", "list", "watch"}, APIGroups: []string{""}, Resources: []string{"pods", "pods/log"}},
			{Verbs: []string{"get"}, APIGroups: []string{"apps"}, Resources: []string{"deployments"}, ResourceNames: []string{"web"}},
		},
	}
}

func schedulerLease() *coordination.Lease {
	return &coordination.Lease{
		TypeMeta:   meta.TypeMeta{APIVersion: "coordination.k8s.io/v1", Kind: "Lease"},
		ObjectMeta: meta.ObjectMeta{Name: "kube-scheduler", Namespace: "kube-system"},
		Spec: coordination.LeaseSpec{
			HolderIdentity:       ptr("node-1_6f1d3c1e"),
			LeaseDurationSeconds: ptr(int32(15)),
			AcquireTime:          ptr(meta.NewMicroTime(time.Date(2024, 5, 6, 7, 8, 9, 123456000, time.UTC))),
			RenewTime:            ptr(meta.NewMicroTime(time.Date(2024, 5, 6, 7, 8, 19, 654321000, time.UTC))),
			LeaseTransitions:     ptr(int32(2)),
		},
	}
}

func backOffEvent() *core.Event {
	return &core.Event{
		TypeMeta:   meta.TypeMeta{APIVersion: "v1", Kind: "Event"},
		ObjectMeta: meta.ObjectMeta{Name: "web-0.17b", Namespace: "default"},
		InvolvedObject: core.ObjectReference{
			Kind: "Pod", Namespace: "default", Name: "web-0", UID: "6f1d3c1e-0000-4000-8000-000000000001",
			APIVersion: "v1", ResourceVersion: "42", FieldPath: "spec.containers{web}",
		},
		Reason: "BackOff", Message: "Back-off restarting failed container",
		Source:         core.EventSource{Component: "kubelet", Host: "node-1"},
		FirstTimestamp: meta.NewTime(time.Date(2024, 3, 4, 5, 6, 7, 0, time.UTC)),
		LastTimestamp:  meta.NewTime(time.Date(2024, 3, 4, 5, 16, 7, 0, time.UTC)),
		Count:          7, Type: core.EventTypeWarning,
		EventTime: meta.NewMicroTime(time.Date(2024, 3, 4, 5, 6, 7, 890123000, time.UTC)),
		Series: &core.EventSeries{
			Count: 6, LastObservedTime: meta.NewMicroTime(time.Date(2024, 3, 4, 5, 16, 7, 1000, time.UTC)),
		},
		Action: "Restarting", ReportingController: "kubelet", ReportingInstance: "node-1",
	}
}

// moreObjects cover what the golden objects do not: ephemeral containers, projected volumes,
// deployment strategies with percentages, negative numbers, bindings, nodes and quotas.
func moreObjects() map[string]meta.Object {
	deploy := kubectlCreateDeployment()
	deploy.Namespace = "prod"
	deploy.Generation = 4
	deploy.DeletionTimestamp = ptr(meta.NewTime(time.Date(2025, 6, 7, 8, 9, 10, 0, time.UTC)))
	deploy.DeletionGracePeriodSeconds = ptr(int64(0))
	deploy.ManagedFields = []meta.ManagedFieldsEntry{{
		Manager: "kubectl-create", Operation: "Update", APIVersion: "apps/v1", FieldsType: "FieldsV1",
		Time:     ptr(meta.NewTime(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))),
		FieldsV1: &meta.FieldsV1{Raw: []byte(`{"f:metadata":{"f:labels":{".":{},"f:app":{}}}}`)},
	}}
	deploy.Spec.Strategy = apps.DeploymentStrategy{
		Type: apps.RollingUpdateDeploymentStrategyType,
		RollingUpdate: &apps.RollingUpdateDeployment{
			MaxUnavailable: ptr(intstr.FromString("25%")), MaxSurge: ptr(intstr.FromInt32(-1)),
		},
	}
	deploy.Spec.RevisionHistoryLimit = ptr(int32(10))
	deploy.Spec.ProgressDeadlineSeconds = ptr(int32(600))
	deploy.Spec.MinReadySeconds = -5
	deploy.Spec.Paused = true
	deploy.Spec.Selector.MatchExpressions = []meta.LabelSelectorRequirement{{Key: "tier", Operator: meta.LabelSelectorOpExists}}
	deploy.Spec.Template.Spec = richPod().Spec
	deploy.Spec.Template.Spec.EphemeralContainers = []core.EphemeralContainer{{
		EphemeralContainerCommon: core.EphemeralContainerCommon{Name: "debug", Image: "busybox", Stdin: true},
		TargetContainerName:      "web",
	}}
	deploy.Spec.Template.Spec.Volumes = append(deploy.Spec.Template.Spec.Volumes, core.Volume{
		Name: "projected",
		VolumeSource: core.VolumeSource{Projected: &core.ProjectedVolumeSource{
			DefaultMode: ptr(int32(0o440)),
			Sources: []core.VolumeProjection{
				{DownwardAPI: &core.DownwardAPIProjection{Items: []core.DownwardAPIVolumeFile{{
					Path: "labels", FieldRef: &core.ObjectFieldSelector{FieldPath: "metadata.labels"},
				}}}},
				{ServiceAccountToken: &core.ServiceAccountTokenProjection{Path: "token", ExpirationSeconds: ptr(int64(3600))}},
			},
		}},
	})
	deploy.Status = apps.DeploymentStatus{
		ObservedGeneration: 3, Replicas: 3, UpdatedReplicas: 2, ReadyReplicas: 2, AvailableReplicas: 2,
		UnavailableReplicas: 1, TerminatingReplicas: ptr(int32(0)), CollisionCount: ptr(int32(1)),
		Conditions: []apps.DeploymentCondition{{
			Type: apps.DeploymentProgressing, Status: core.ConditionTrue, Reason: "NewReplicaSetAvailable",
			LastUpdateTime:     meta.NewTime(time.Date(2025, 2, 3, 4, 5, 6, 0, time.UTC)),
			LastTransitionTime: meta.NewTime(time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC)),
		}},
	}

	return map[string]meta.Object{
		"full-deployment": deploy,
		// Extra values are wrapped []string messages in protobuf, plain arrays in JSON.
		"subjectaccessreview": &authorization.SubjectAccessReview{
			TypeMeta: meta.TypeMeta{APIVersion: "authorization.k8s.io/v1", Kind: "SubjectAccessReview"},
			Spec: authorization.SubjectAccessReviewSpec{
				ResourceAttributes: &authorization.ResourceAttributes{Namespace: "dev", Verb: "list", Resource: "pods",
					FieldSelector: &authorization.FieldSelectorAttributes{Requirements: []authorization.FieldSelectorRequirement{
						{Key: "spec.nodeName", Operator: authorization.FieldSelectorOpIn, Values: []string{"node-1"}}}}},
				User: "jane", Groups: []string{"dev"}, UID: "u-1",
				Extra: map[string][]string{"scopes": {"a", "b"}, "empty": {}},
			},
		},
		"binding": &core.Binding{
			TypeMeta:   meta.TypeMeta{APIVersion: "v1", Kind: "Binding"},
			ObjectMeta: meta.ObjectMeta{Name: "web-0", Namespace: "default"},
			Target:     core.ObjectReference{Kind: "Node", Name: "node-1"},
		},
		"node": &core.Node{
			TypeMeta:   meta.TypeMeta{APIVersion: "v1", Kind: "Node"},
			ObjectMeta: meta.ObjectMeta{Name: "node-1", Labels: map[string]string{"kubernetes.io/os": "linux"}},
			Spec: core.NodeSpec{
				PodCIDR: "10.244.0.0/24", PodCIDRs: []string{"10.244.0.0/24", "fd00::/64"}, Unschedulable: true,
				Taints: []core.Taint{{Key: "node.kubernetes.io/unschedulable", Effect: core.TaintEffectNoSchedule,
					TimeAdded: ptr(meta.NewTime(time.Date(2025, 3, 3, 3, 3, 3, 0, time.UTC)))}},
			},
			Status: core.NodeStatus{
				Capacity:        core.ResourceList{core.ResourceCPU: q("4"), core.ResourceMemory: q("16Gi"), "pods": q("110")},
				DaemonEndpoints: core.NodeDaemonEndpoints{KubeletEndpoint: core.DaemonEndpoint{Port: 10250}},
				NodeInfo:        core.NodeSystemInfo{KubeletVersion: "v1.37.2", Architecture: "amd64", Swap: &core.NodeSwapStatus{Capacity: ptr(int64(-1))}},
				Images:          []core.ContainerImage{{Names: []string{"nginx:1.27"}, SizeBytes: 1 << 40}},
			},
		},
		"quota": &core.ResourceQuota{
			TypeMeta:   meta.TypeMeta{APIVersion: "v1", Kind: "ResourceQuota"},
			ObjectMeta: meta.ObjectMeta{Name: "compute", Namespace: "team-a"},
			Spec: core.ResourceQuotaSpec{
				Hard:   core.ResourceList{"requests.cpu": q("10"), "limits.memory": q("20Gi")},
				Scopes: []core.ResourceQuotaScope{core.ResourceQuotaScopeNotBestEffort},
			},
		},
		"clusterrolebinding": &rbac.ClusterRoleBinding{
			TypeMeta:   meta.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRoleBinding"},
			ObjectMeta: meta.ObjectMeta{Name: "admins"},
			Subjects:   []rbac.Subject{{Kind: "Group", APIGroup: "rbac.authorization.k8s.io", Name: "admins"}},
			RoleRef:    rbac.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "cluster-admin"},
		},
		"clusterrole": &rbac.ClusterRole{
			TypeMeta:        meta.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRole"},
			ObjectMeta:      meta.ObjectMeta{Name: "aggregate"},
			AggregationRule: &rbac.AggregationRule{ClusterRoleSelectors: []meta.LabelSelector{{MatchLabels: map[string]string{"x": "true"}}}},
		},
		"scale": &autoscaling.Scale{
			TypeMeta:   meta.TypeMeta{APIVersion: "autoscaling/v1", Kind: "Scale"},
			ObjectMeta: meta.ObjectMeta{Name: "web", Namespace: "default"},
			Spec:       autoscaling.ScaleSpec{Replicas: 5},
			Status:     autoscaling.ScaleStatus{Replicas: 3, Selector: "app=web"},
		},
	}
}
