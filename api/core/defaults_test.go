package core

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/api/intstr"
	"github.com/skiff-io/skiff/api/meta"
)

func TestDefaultPod(t *testing.T) {
	tests := []struct {
		name string
		in   *Pod
		want *Pod
	}{{
		name: "a bare pod gets every pod and container default",
		in: &Pod{Spec: PodSpec{Containers: []Container{{
			Name: "c", Image: "nginx",
			Ports: []ContainerPort{{ContainerPort: 80}},
			Env:   []EnvVar{{Name: "N", ValueFrom: &EnvVarSource{FieldRef: &ObjectFieldSelector{FieldPath: "metadata.name"}}}},
		}}}},
		want: &Pod{Spec: PodSpec{
			Containers: []Container{{
				Name: "c", Image: "nginx",
				Ports:                    []ContainerPort{{ContainerPort: 80, Protocol: ProtocolTCP}},
				Env:                      []EnvVar{{Name: "N", ValueFrom: &EnvVarSource{FieldRef: &ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.name"}}}},
				ImagePullPolicy:          PullAlways,
				TerminationMessagePath:   "/dev/termination-log",
				TerminationMessagePolicy: TerminationMessageReadFile,
			}},
			RestartPolicy:                 RestartPolicyAlways,
			DNSPolicy:                     DNSClusterFirst,
			TerminationGracePeriodSeconds: ptr(int64(30)),
			SecurityContext:               &PodSecurityContext{},
			SchedulerName:                 "default-scheduler",
			EnableServiceLinks:            ptr(true),
		}},
	}, {
		name: "explicit values are never overwritten",
		in: &Pod{Spec: PodSpec{
			Containers: []Container{{
				Name: "c", Image: "nginx",
				Ports:                    []ContainerPort{{ContainerPort: 53, Protocol: ProtocolUDP}},
				ImagePullPolicy:          PullNever,
				TerminationMessagePath:   "/tmp/msg",
				TerminationMessagePolicy: TerminationMessageFallbackToLogsOnError,
			}},
			RestartPolicy:                 RestartPolicyNever,
			DNSPolicy:                     DNSDefault,
			TerminationGracePeriodSeconds: ptr(int64(0)),
			SecurityContext:               &PodSecurityContext{RunAsUser: ptr(int64(1000))},
			SchedulerName:                 "my-scheduler",
			EnableServiceLinks:            ptr(false),
		}},
		want: &Pod{Spec: PodSpec{
			Containers: []Container{{
				Name: "c", Image: "nginx",
				Ports:                    []ContainerPort{{ContainerPort: 53, Protocol: ProtocolUDP}},
				ImagePullPolicy:          PullNever,
				TerminationMessagePath:   "/tmp/msg",
				TerminationMessagePolicy: TerminationMessageFallbackToLogsOnError,
			}},
			RestartPolicy:                 RestartPolicyNever,
			DNSPolicy:                     DNSDefault,
			TerminationGracePeriodSeconds: ptr(int64(0)),
			SecurityContext:               &PodSecurityContext{RunAsUser: ptr(int64(1000))},
			SchedulerName:                 "my-scheduler",
			EnableServiceLinks:            ptr(false),
		}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			DefaultPod(tt.in)
			if diff := cmp.Diff(tt.want, tt.in); diff != "" {
				t.Errorf("DefaultPod (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDefaultImagePullPolicy(t *testing.T) {
	const digest = "sha256:9ff236ed47fe39cf1f0acf349d0e5137f8b8a6fd0b46e5117a401010e56222e1"
	tests := []struct {
		image string
		want  PullPolicy
	}{
		{"nginx", PullAlways},
		{"nginx:latest", PullAlways},
		{"library/nginx", PullAlways},
		{"docker.io/library/nginx", PullAlways},
		{"registry.example.com:5000/team/app", PullAlways},
		{"localhost/app", PullAlways},
		{"nginx:1.25.4", PullIfNotPresent},
		{"registry.example.com:5000/team/app:v2", PullIfNotPresent},
		{"nginx@" + digest, PullIfNotPresent},
		{"nginx:latest@" + digest, PullAlways},
		{"nginx:1.25@" + digest, PullIfNotPresent},
		// References that do not parse get IfNotPresent, as in Kubernetes.
		{"", PullIfNotPresent},
		{"NGINX", PullIfNotPresent},
		{"nginx@sha256:abc", PullIfNotPresent},
		{"nginx:bad tag", PullIfNotPresent},
	}
	for _, tt := range tests {
		c := Container{Name: "c", Image: tt.image}
		DefaultContainer(&c)
		if c.ImagePullPolicy != tt.want {
			t.Errorf("image %q: imagePullPolicy %q, want %q", tt.image, c.ImagePullPolicy, tt.want)
		}
	}
	c := Container{Name: "c", Image: "nginx", ImagePullPolicy: PullNever}
	DefaultContainer(&c)
	if c.ImagePullPolicy != PullNever {
		t.Errorf("explicit imagePullPolicy overwritten: %q", c.ImagePullPolicy)
	}
}

func TestDefaultRequestsFromLimits(t *testing.T) {
	limits := ResourceList{ResourceCPU: q("1"), ResourceMemory: q("1Gi")}
	tests := []struct {
		name     string
		requests ResourceList
		want     ResourceList
	}{
		{"no requests: all copied", nil, ResourceList{ResourceCPU: q("1"), ResourceMemory: q("1Gi")}},
		{"a request is kept, the missing one copied", ResourceList{ResourceCPU: q("500m")},
			ResourceList{ResourceCPU: q("500m"), ResourceMemory: q("1Gi")}},
		{"all requests kept", ResourceList{ResourceCPU: q("100m"), ResourceMemory: q("10Mi")},
			ResourceList{ResourceCPU: q("100m"), ResourceMemory: q("10Mi")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Container{Name: "c", Image: "i", Resources: ResourceRequirements{Limits: limits, Requests: tt.requests}}
			pod := &Pod{Spec: PodSpec{Containers: []Container{c}, InitContainers: []Container{c}}}
			DefaultPod(pod)
			if diff := cmp.Diff(tt.want, pod.Spec.Containers[0].Resources.Requests); diff != "" {
				t.Errorf("container requests (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, pod.Spec.InitContainers[0].Resources.Requests); diff != "" {
				t.Errorf("init container requests (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("no limits: requests stay nil", func(t *testing.T) {
		pod := &Pod{Spec: PodSpec{Containers: []Container{{Name: "c", Image: "i"}}}}
		DefaultPod(pod)
		if pod.Spec.Containers[0].Resources.Requests != nil {
			t.Errorf("requests = %v, want nil", pod.Spec.Containers[0].Resources.Requests)
		}
	})
}

func TestDefaultPodTemplateSpecOnlyGetsSpecDefaults(t *testing.T) {
	tmpl := &PodTemplateSpec{Spec: PodSpec{Containers: []Container{{
		Name: "c", Image: "nginx:1",
		Resources: ResourceRequirements{Limits: ResourceList{ResourceCPU: q("1")}},
	}}}}
	DefaultPodTemplateSpec(tmpl)
	if tmpl.Spec.EnableServiceLinks != nil {
		t.Errorf("template got enableServiceLinks %v; Kubernetes sets it on pods only", *tmpl.Spec.EnableServiceLinks)
	}
	if tmpl.Spec.Containers[0].Resources.Requests != nil {
		t.Errorf("template got requests %v; Kubernetes copies limits on pods only", tmpl.Spec.Containers[0].Resources.Requests)
	}
	if tmpl.Spec.RestartPolicy != RestartPolicyAlways || tmpl.Spec.DNSPolicy != DNSClusterFirst || tmpl.Spec.SchedulerName != DefaultSchedulerName {
		t.Errorf("template spec not defaulted: %+v", tmpl.Spec)
	}
}

func TestDefaultHostNetworkPorts(t *testing.T) {
	pod := &Pod{Spec: PodSpec{HostNetwork: true, Containers: []Container{{
		Name: "c", Image: "i", Ports: []ContainerPort{{ContainerPort: 80}, {ContainerPort: 443, HostPort: 8443}},
	}}}}
	DefaultPod(pod)
	want := []ContainerPort{{ContainerPort: 80, HostPort: 80, Protocol: ProtocolTCP}, {ContainerPort: 443, HostPort: 8443, Protocol: ProtocolTCP}}
	if diff := cmp.Diff(want, pod.Spec.Containers[0].Ports); diff != "" {
		t.Errorf("ports (-want +got):\n%s", diff)
	}
}

func TestDefaultVolume(t *testing.T) {
	tests := []struct {
		name string
		in   Volume
		want Volume
	}{
		{"no source becomes emptyDir", Volume{Name: "v"}, Volume{Name: "v", VolumeSource: VolumeSource{EmptyDir: &EmptyDirVolumeSource{}}}},
		{"hostPath type defaults to empty",
			Volume{Name: "v", VolumeSource: VolumeSource{HostPath: &HostPathVolumeSource{Path: "/x"}}},
			Volume{Name: "v", VolumeSource: VolumeSource{HostPath: &HostPathVolumeSource{Path: "/x", Type: ptr(HostPathUnset)}}}},
		{"hostPath type kept",
			Volume{Name: "v", VolumeSource: VolumeSource{HostPath: &HostPathVolumeSource{Path: "/x", Type: ptr(HostPathSocket)}}},
			Volume{Name: "v", VolumeSource: VolumeSource{HostPath: &HostPathVolumeSource{Path: "/x", Type: ptr(HostPathSocket)}}}},
		{"secret mode 0644",
			Volume{Name: "v", VolumeSource: VolumeSource{Secret: &SecretVolumeSource{SecretName: "s"}}},
			Volume{Name: "v", VolumeSource: VolumeSource{Secret: &SecretVolumeSource{SecretName: "s", DefaultMode: ptr(int32(420))}}}},
		{"secret mode kept",
			Volume{Name: "v", VolumeSource: VolumeSource{Secret: &SecretVolumeSource{SecretName: "s", DefaultMode: ptr(int32(0400))}}},
			Volume{Name: "v", VolumeSource: VolumeSource{Secret: &SecretVolumeSource{SecretName: "s", DefaultMode: ptr(int32(0400))}}}},
		{"configMap mode 0644",
			Volume{Name: "v", VolumeSource: VolumeSource{ConfigMap: &ConfigMapVolumeSource{LocalObjectReference: LocalObjectReference{Name: "c"}}}},
			Volume{Name: "v", VolumeSource: VolumeSource{ConfigMap: &ConfigMapVolumeSource{LocalObjectReference: LocalObjectReference{Name: "c"}, DefaultMode: ptr(int32(420))}}}},
		{"downwardAPI mode and field selector version",
			Volume{Name: "v", VolumeSource: VolumeSource{DownwardAPI: &DownwardAPIVolumeSource{Items: []DownwardAPIVolumeFile{
				{Path: "l", FieldRef: &ObjectFieldSelector{FieldPath: "metadata.labels"}}}}}},
			Volume{Name: "v", VolumeSource: VolumeSource{DownwardAPI: &DownwardAPIVolumeSource{DefaultMode: ptr(int32(420)), Items: []DownwardAPIVolumeFile{
				{Path: "l", FieldRef: &ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.labels"}}}}}}},
		{"projected mode, token lifetime and field selector version",
			Volume{Name: "v", VolumeSource: VolumeSource{Projected: &ProjectedVolumeSource{Sources: []VolumeProjection{
				{ServiceAccountToken: &ServiceAccountTokenProjection{Path: "token"}},
				{DownwardAPI: &DownwardAPIProjection{Items: []DownwardAPIVolumeFile{{Path: "ns", FieldRef: &ObjectFieldSelector{FieldPath: "metadata.namespace"}}}}},
			}}}},
			Volume{Name: "v", VolumeSource: VolumeSource{Projected: &ProjectedVolumeSource{DefaultMode: ptr(int32(420)), Sources: []VolumeProjection{
				{ServiceAccountToken: &ServiceAccountTokenProjection{Path: "token", ExpirationSeconds: ptr(int64(3600))}},
				{DownwardAPI: &DownwardAPIProjection{Items: []DownwardAPIVolumeFile{{Path: "ns", FieldRef: &ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.namespace"}}}}},
			}}}}},
		{"projected token lifetime kept",
			Volume{Name: "v", VolumeSource: VolumeSource{Projected: &ProjectedVolumeSource{DefaultMode: ptr(int32(0444)), Sources: []VolumeProjection{
				{ServiceAccountToken: &ServiceAccountTokenProjection{Path: "token", ExpirationSeconds: ptr(int64(7200))}}}}}},
			Volume{Name: "v", VolumeSource: VolumeSource{Projected: &ProjectedVolumeSource{DefaultMode: ptr(int32(0444)), Sources: []VolumeProjection{
				{ServiceAccountToken: &ServiceAccountTokenProjection{Path: "token", ExpirationSeconds: ptr(int64(7200))}}}}}}},
		{"image volume pull policy",
			Volume{Name: "v", VolumeSource: VolumeSource{Image: &ImageVolumeSource{Reference: "quay.io/data:v1"}}},
			Volume{Name: "v", VolumeSource: VolumeSource{Image: &ImageVolumeSource{Reference: "quay.io/data:v1", PullPolicy: PullIfNotPresent}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			DefaultVolume(&tt.in)
			if diff := cmp.Diff(tt.want, tt.in); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestDefaultProbesAndHooks(t *testing.T) {
	c := Container{
		Name: "c", Image: "i:1",
		LivenessProbe:  &Probe{ProbeHandler: ProbeHandler{HTTPGet: &HTTPGetAction{Port: intstr.FromInt32(80)}}},
		ReadinessProbe: &Probe{ProbeHandler: ProbeHandler{GRPC: &GRPCAction{Port: 9090}}, PeriodSeconds: 3, TimeoutSeconds: 2},
		StartupProbe: &Probe{ProbeHandler: ProbeHandler{HTTPGet: &HTTPGetAction{Path: "/ready", Scheme: URISchemeHTTPS, Port: intstr.FromString("https")}},
			SuccessThreshold: 1, FailureThreshold: 30},
		Lifecycle: &Lifecycle{PreStop: &LifecycleHandler{HTTPGet: &HTTPGetAction{Port: intstr.FromInt32(80)}}},
	}
	DefaultContainer(&c)
	want := Container{
		Name: "c", Image: "i:1", ImagePullPolicy: PullIfNotPresent,
		TerminationMessagePath: TerminationMessagePathDefault, TerminationMessagePolicy: TerminationMessageReadFile,
		LivenessProbe: &Probe{ProbeHandler: ProbeHandler{HTTPGet: &HTTPGetAction{Path: "/", Scheme: URISchemeHTTP, Port: intstr.FromInt32(80)}},
			TimeoutSeconds: 1, PeriodSeconds: 10, SuccessThreshold: 1, FailureThreshold: 3},
		ReadinessProbe: &Probe{ProbeHandler: ProbeHandler{GRPC: &GRPCAction{Port: 9090, Service: ptr("")}},
			TimeoutSeconds: 2, PeriodSeconds: 3, SuccessThreshold: 1, FailureThreshold: 3},
		StartupProbe: &Probe{ProbeHandler: ProbeHandler{HTTPGet: &HTTPGetAction{Path: "/ready", Scheme: URISchemeHTTPS, Port: intstr.FromString("https")}},
			TimeoutSeconds: 1, PeriodSeconds: 10, SuccessThreshold: 1, FailureThreshold: 30},
		Lifecycle: &Lifecycle{PreStop: &LifecycleHandler{HTTPGet: &HTTPGetAction{Path: "/", Scheme: URISchemeHTTP, Port: intstr.FromInt32(80)}}},
	}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestDefaultEphemeralContainer(t *testing.T) {
	pod := &Pod{Spec: PodSpec{
		Containers:          []Container{{Name: "c", Image: "i:1"}},
		EphemeralContainers: []EphemeralContainer{{EphemeralContainerCommon: EphemeralContainerCommon{Name: "debug", Image: "busybox"}}},
	}}
	DefaultPod(pod)
	ec := pod.Spec.EphemeralContainers[0]
	if ec.ImagePullPolicy != PullAlways || ec.TerminationMessagePolicy != TerminationMessageReadFile || ec.TerminationMessagePath == "" {
		t.Errorf("ephemeral container not defaulted: %+v", ec)
	}
}

func TestDefaultNode(t *testing.T) {
	capacity := ResourceList{ResourceCPU: q("4"), ResourceMemory: q("8Gi")}
	node := &Node{Status: NodeStatus{Capacity: capacity}}
	DefaultNode(node)
	if diff := cmp.Diff(capacity, node.Status.Allocatable); diff != "" {
		t.Errorf("allocatable (-want +got):\n%s", diff)
	}
	node.Status.Allocatable[ResourceCPU] = q("3")
	if node.Status.Capacity[ResourceCPU].Cmp(q("4")) != 0 {
		t.Errorf("allocatable shares its map with capacity")
	}

	explicit := ResourceList{ResourceCPU: q("3500m")}
	node = &Node{Status: NodeStatus{Capacity: capacity, Allocatable: explicit}}
	DefaultNode(node)
	if diff := cmp.Diff(ResourceList{ResourceCPU: q("3500m")}, node.Status.Allocatable); diff != "" {
		t.Errorf("explicit allocatable changed (-want +got):\n%s", diff)
	}
}

func TestDefaultNamespace(t *testing.T) {
	tests := []struct {
		name string
		in   *Namespace
		want *Namespace
	}{
		{"name label and phase",
			&Namespace{ObjectMeta: meta.ObjectMeta{Name: "team-a"}},
			&Namespace{ObjectMeta: meta.ObjectMeta{Name: "team-a", Labels: map[string]string{LabelMetadataName: "team-a"}},
				Status: NamespaceStatus{Phase: NamespaceActive}}},
		{"a wrong name label is corrected, other labels and the phase kept",
			&Namespace{ObjectMeta: meta.ObjectMeta{Name: "team-a", Labels: map[string]string{LabelMetadataName: "x", "a": "b"}},
				Status: NamespaceStatus{Phase: NamespaceTerminating}},
			&Namespace{ObjectMeta: meta.ObjectMeta{Name: "team-a", Labels: map[string]string{LabelMetadataName: "team-a", "a": "b"}},
				Status: NamespaceStatus{Phase: NamespaceTerminating}}},
		{"no name (generateName) gets no label",
			&Namespace{ObjectMeta: meta.ObjectMeta{GenerateName: "tmp-"}},
			&Namespace{ObjectMeta: meta.ObjectMeta{GenerateName: "tmp-"}, Status: NamespaceStatus{Phase: NamespaceActive}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			DefaultNamespace(tt.in)
			if diff := cmp.Diff(tt.want, tt.in); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestPrepareNamespace(t *testing.T) {
	ns := &Namespace{Spec: NamespaceSpec{Finalizers: []FinalizerName{"example.com/cleanup"}}, Status: NamespaceStatus{Phase: NamespaceTerminating}}
	PrepareNamespaceForCreate(ns)
	PrepareNamespaceForCreate(ns) // idempotent
	want := &Namespace{Spec: NamespaceSpec{Finalizers: []FinalizerName{"example.com/cleanup", FinalizerKubernetes}}, Status: NamespaceStatus{Phase: NamespaceActive}}
	if diff := cmp.Diff(want, ns); diff != "" {
		t.Errorf("create (-want +got):\n%s", diff)
	}
	updated := &Namespace{Spec: NamespaceSpec{}, Status: NamespaceStatus{Phase: NamespaceTerminating}}
	PrepareNamespaceForUpdate(updated, ns)
	if diff := cmp.Diff(want.Spec, updated.Spec); diff != "" {
		t.Errorf("update spec (-want +got):\n%s", diff)
	}
	if updated.Status.Phase != NamespaceActive {
		t.Errorf("update kept the new status %q", updated.Status.Phase)
	}
}

func TestDefaultSecretAndConfigMap(t *testing.T) {
	s := &Secret{}
	DefaultSecret(s)
	if s.Type != SecretTypeOpaque {
		t.Errorf("secret type %q, want Opaque", s.Type)
	}
	s = &Secret{Type: SecretTypeTLS}
	DefaultSecret(s)
	if s.Type != SecretTypeTLS {
		t.Errorf("explicit secret type overwritten: %q", s.Type)
	}
	cm := &ConfigMap{}
	DefaultConfigMap(cm)
	if cm.Data == nil {
		t.Errorf("configmap data not defaulted to an empty map")
	}
	cm = &ConfigMap{Data: map[string]string{"k": "v"}}
	DefaultConfigMap(cm)
	if diff := cmp.Diff(map[string]string{"k": "v"}, cm.Data); diff != "" {
		t.Errorf("explicit data changed (-want +got):\n%s", diff)
	}
}

func TestDefaultLimitRange(t *testing.T) {
	tests := []struct {
		name string
		in   LimitRangeItem
		want LimitRangeItem
	}{
		{"default from max, defaultRequest from default",
			LimitRangeItem{Type: LimitTypeContainer, Max: ResourceList{ResourceCPU: q("2")}},
			LimitRangeItem{Type: LimitTypeContainer, Max: ResourceList{ResourceCPU: q("2")},
				Default: ResourceList{ResourceCPU: q("2")}, DefaultRequest: ResourceList{ResourceCPU: q("2")}}},
		{"defaultRequest from min when there is no default",
			LimitRangeItem{Type: LimitTypeContainer, Min: ResourceList{ResourceMemory: q("64Mi")}},
			LimitRangeItem{Type: LimitTypeContainer, Min: ResourceList{ResourceMemory: q("64Mi")},
				Default: ResourceList{}, DefaultRequest: ResourceList{ResourceMemory: q("64Mi")}}},
		{"explicit values kept",
			LimitRangeItem{Type: LimitTypeContainer, Max: ResourceList{ResourceCPU: q("2")}, Min: ResourceList{ResourceCPU: q("10m")},
				Default: ResourceList{ResourceCPU: q("1")}, DefaultRequest: ResourceList{ResourceCPU: q("100m")}},
			LimitRangeItem{Type: LimitTypeContainer, Max: ResourceList{ResourceCPU: q("2")}, Min: ResourceList{ResourceCPU: q("10m")},
				Default: ResourceList{ResourceCPU: q("1")}, DefaultRequest: ResourceList{ResourceCPU: q("100m")}}},
		{"pod items are not defaulted",
			LimitRangeItem{Type: LimitTypePod, Max: ResourceList{ResourceCPU: q("2")}},
			LimitRangeItem{Type: LimitTypePod, Max: ResourceList{ResourceCPU: q("2")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lr := &LimitRange{Spec: LimitRangeSpec{Limits: []LimitRangeItem{tt.in}}}
			DefaultLimitRange(lr)
			if diff := cmp.Diff(tt.want, lr.Spec.Limits[0]); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
