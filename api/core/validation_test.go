package core

import (
	"strings"
	"testing"
	"time"

	"github.com/skiff-io/skiff/api/field"
	"github.com/skiff-io/skiff/api/field/fieldtest"
	"github.com/skiff-io/skiff/api/intstr"
	"github.com/skiff-io/skiff/api/meta"
)

func TestValidatePod(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Pod)
		want   []string
	}{
		{"valid", func(*Pod) {}, nil},
		{"name required", func(p *Pod) { p.Name = "" }, []string{"metadata.name: Required value: name or generateName is required"}},
		{"namespace required", func(p *Pod) { p.Namespace = "" }, []string{"metadata.namespace: Required value"}},
		{"no containers", func(p *Pod) { p.Spec.Containers = nil }, []string{"spec.containers: Required value"}},
		{"duplicate container names", func(p *Pod) { p.Spec.Containers = []Container{container("a"), container("a")} },
			[]string{`spec.containers[1].name: Duplicate value: "a"`}},
		{"init container named like a container", func(p *Pod) { p.Spec.InitContainers = []Container{container("c")} },
			[]string{`spec.initContainers[0].name: Duplicate value: "c"`}},
		{"container name not a DNS label", func(p *Pod) { p.Spec.Containers[0].Name = "Web_1" },
			[]string{`spec.containers[0].name: Invalid value: "Web_1": a lowercase RFC 1123 label must consist of`}},
		{"container name missing", func(p *Pod) { p.Spec.Containers[0].Name = "" },
			[]string{"spec.containers[0].name: Required value"}},
		{"image required", func(p *Pod) { p.Spec.Containers[0].Image = "" }, []string{"spec.containers[0].image: Required value"}},
		{"image with spaces", func(p *Pod) { p.Spec.Containers[0].Image = " nginx" },
			[]string{`spec.containers[0].image: Invalid value: " nginx": must not have leading or trailing whitespace`}},
		{"containerPort required", func(p *Pod) { p.Spec.Containers[0].Ports = []ContainerPort{{Protocol: ProtocolTCP}} },
			[]string{"spec.containers[0].ports[0].containerPort: Required value"}},
		{"ports out of range", func(p *Pod) {
			p.Spec.Containers[0].Ports = []ContainerPort{{ContainerPort: 70000, HostPort: -1, Protocol: ProtocolTCP}}
		}, []string{
			"spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
			"spec.containers[0].ports[0].hostPort: Invalid value: -1: must be between 1 and 65535, inclusive",
		}},
		{"port names", func(p *Pod) {
			p.Spec.Containers[0].Ports = []ContainerPort{
				{Name: "http", ContainerPort: 80, Protocol: ProtocolTCP},
				{Name: "http", ContainerPort: 81, Protocol: ProtocolTCP},
				{Name: "web--port", ContainerPort: 82, Protocol: ProtocolTCP},
			}
		}, []string{
			`spec.containers[0].ports[1].name: Duplicate value: "http"`,
			`spec.containers[0].ports[2].name: Invalid value: "web--port": must not contain consecutive hyphens`,
		}},
		{"protocol", func(p *Pod) { p.Spec.Containers[0].Ports = []ContainerPort{{ContainerPort: 80, Protocol: "ICMP"}} },
			[]string{`spec.containers[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"`}},
		{"host port used twice", func(p *Pod) {
			p.Spec.Containers = []Container{container("a"), container("b")}
			p.Spec.Containers[0].Ports = []ContainerPort{{ContainerPort: 80, HostPort: 8080, Protocol: ProtocolTCP}}
			p.Spec.Containers[1].Ports = []ContainerPort{{ContainerPort: 81, HostPort: 8080, Protocol: ProtocolTCP}}
		}, []string{`spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//8080"`}},
		{"env names and sources", func(p *Pod) {
			p.Spec.Containers[0].Env = []EnvVar{
				{Name: "1BAD", Value: "x"},
				{Name: "A", ValueFrom: &EnvVarSource{}},
				{Name: "B", Value: "v", ValueFrom: &EnvVarSource{FieldRef: &ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.name"}}},
				{Name: "C", ValueFrom: &EnvVarSource{
					FieldRef:     &ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.name"},
					SecretKeyRef: &SecretKeySelector{LocalObjectReference: LocalObjectReference{Name: "s"}, Key: "k"}}},
				{Name: "D", ValueFrom: &EnvVarSource{FieldRef: &ObjectFieldSelector{APIVersion: "v1", FieldPath: "spec.bogus"}}},
				{Name: "E", ValueFrom: &EnvVarSource{ConfigMapKeyRef: &ConfigMapKeySelector{LocalObjectReference: LocalObjectReference{Name: "cm"}}}},
				{Name: "", Value: "x"},
			}
		}, []string{
			`spec.containers[0].env[0].name: Invalid value: "1BAD": a valid environment variable name must consist of`,
			"spec.containers[0].env[1].valueFrom: Invalid value: \"\": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
			"spec.containers[0].env[2].valueFrom: Invalid value: \"\": may not be specified when `value` is not empty",
			`spec.containers[0].env[3].valueFrom: Invalid value: "": may not have more than one field specified at a time`,
			`spec.containers[0].env[4].valueFrom.fieldRef.fieldPath: Unsupported value: "spec.bogus": supported values: "metadata.name"`,
			"spec.containers[0].env[5].valueFrom.configMapKeyRef.key: Required value",
			"spec.containers[0].env[6].name: Required value",
		}},
		{"envFrom needs exactly one source", func(p *Pod) {
			p.Spec.Containers[0].EnvFrom = []EnvFromSource{{Prefix: "P_"}}
		}, []string{"spec.containers[0].envFrom: Invalid value: \"\": must specify one of: `configMapRef` or `secretRef`"}},
		{"resource field divisor", func(p *Pod) {
			p.Spec.Containers[0].Env = []EnvVar{{Name: "CPU", ValueFrom: &EnvVarSource{ResourceFieldRef: &ResourceFieldSelector{Resource: "limits.cpu", Divisor: q("2")}}}}
		}, []string{`spec.containers[0].env[0].valueFrom.resourceFieldRef.divisor: Invalid value: "limits.cpu": only divisor's values 1m and 1 are supported with the cpu resource`}},
		{"volumes", func(p *Pod) {
			p.Spec.Volumes = []Volume{
				{Name: "a", VolumeSource: VolumeSource{EmptyDir: &EmptyDirVolumeSource{}}},
				{Name: "a", VolumeSource: VolumeSource{EmptyDir: &EmptyDirVolumeSource{}}},
				{Name: "none"},
				{Name: "two", VolumeSource: VolumeSource{EmptyDir: &EmptyDirVolumeSource{}, HostPath: &HostPathVolumeSource{Path: "/x"}}},
				{Name: "Bad_Name", VolumeSource: VolumeSource{EmptyDir: &EmptyDirVolumeSource{}}},
				{Name: "sec", VolumeSource: VolumeSource{Secret: &SecretVolumeSource{DefaultMode: ptr(int32(01000))}}},
				{Name: "cm", VolumeSource: VolumeSource{ConfigMap: &ConfigMapVolumeSource{LocalObjectReference: LocalObjectReference{Name: "c"},
					Items: []KeyToPath{{Key: "k", Path: "../etc/passwd"}}}}},
				{Name: "hp", VolumeSource: VolumeSource{HostPath: &HostPathVolumeSource{Path: "/x", Type: ptr(HostPathType("Pipe"))}}},
				{Name: "pvc", VolumeSource: VolumeSource{PersistentVolumeClaim: &PersistentVolumeClaimVolumeSource{}}},
			}
		}, []string{
			`spec.volumes[1].name: Duplicate value: "a"`,
			"spec.volumes[2]: Required value: must specify a volume type",
			"spec.volumes[3].emptyDir: Forbidden: may not specify more than 1 volume type",
			`spec.volumes[4].name: Invalid value: "Bad_Name": a lowercase RFC 1123 label must consist of`,
			"spec.volumes[5].secret.secretName: Required value",
			"spec.volumes[5].secret.defaultMode: Invalid value: 512: must be a number between 0 and 0777 (octal), both inclusive",
			`spec.volumes[6].configMap.items[0].path: Invalid value: "../etc/passwd": must not contain '..'`,
			`spec.volumes[7].hostPath.type: Unsupported value: "Pipe": supported values: "", "BlockDevice"`,
			"spec.volumes[8].persistentVolumeClaim.claimName: Required value",
		}},
		{"volume mounts", func(p *Pod) {
			p.Spec.Volumes = []Volume{{Name: "data", VolumeSource: VolumeSource{EmptyDir: &EmptyDirVolumeSource{}}}}
			p.Spec.Containers[0].VolumeMounts = []VolumeMount{
				{Name: "nope", MountPath: "/a"},
				{Name: "data"},
				{Name: "data", MountPath: "/a"},
				{Name: "data", MountPath: "/b", SubPath: "/abs"},
				{Name: "data", MountPath: "/c", MountPropagation: ptr(MountPropagationBidirectional)},
			}
		}, []string{
			`spec.containers[0].volumeMounts[0].name: Not found: "nope"`,
			"spec.containers[0].volumeMounts[1].mountPath: Required value",
			`spec.containers[0].volumeMounts[2].mountPath: Invalid value: "/a": must be unique`,
			`spec.containers[0].volumeMounts.subPath: Invalid value: "/abs": must be a relative path`,
			"spec.containers[0].volumeMounts.mountPropagation: Forbidden: Bidirectional mount propagation is available only to privileged containers",
		}},
		{"restart policy", func(p *Pod) { p.Spec.RestartPolicy = "Sometimes" },
			[]string{`spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"`}},
		{"restart policy missing", func(p *Pod) { p.Spec.RestartPolicy = "" }, []string{"spec.restartPolicy: Required value"}},
		{"dns policy", func(p *Pod) { p.Spec.DNSPolicy = "Google" },
			[]string{`spec.dnsPolicy: Unsupported value: "Google": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"`}},
		{"dns policy None needs a config", func(p *Pod) { p.Spec.DNSPolicy = DNSNone },
			[]string{"spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None"}},
		{"image pull policy", func(p *Pod) { p.Spec.Containers[0].ImagePullPolicy = "Sometimes" },
			[]string{`spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"`}},
		{"negative resources", func(p *Pod) {
			p.Spec.Containers[0].Resources.Requests = ResourceList{ResourceCPU: q("-1")}
		}, []string{`spec.containers[0].resources.requests[cpu]: Invalid value: "-1": must be greater than or equal to 0`}},
		{"requests above limits", func(p *Pod) {
			p.Spec.Containers[0].Resources = ResourceRequirements{
				Limits: ResourceList{ResourceCPU: q("1"), ResourceMemory: q("1Gi")}, Requests: ResourceList{ResourceCPU: q("2"), ResourceMemory: q("1Gi")}}
		}, []string{`spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1`}},
		{"resource names", func(p *Pod) {
			p.Spec.Containers[0].Resources.Limits = ResourceList{"pods": q("1"), "example.com/gpu": q("1")}
			p.Spec.Containers[0].Resources.Requests = ResourceList{"example.com/gpu": q("1")}
		}, []string{`spec.containers[0].resources.limits[pods]: Invalid value: "pods": must be a standard resource for containers`}},
		{"extended resources are whole and not overcommitted", func(p *Pod) {
			p.Spec.Containers[0].Resources.Limits = ResourceList{"example.com/gpu": q("2")}
			p.Spec.Containers[0].Resources.Requests = ResourceList{"example.com/gpu": q("500m")}
		}, []string{
			`spec.containers[0].resources.requests[example.com/gpu]: Invalid value: "500m": must be an integer`,
			`spec.containers[0].resources.requests: Invalid value: "500m": must be equal to example.com/gpu limit of 2`,
		}},
		{"probes", func(p *Pod) {
			p.Spec.Containers[0].LivenessProbe = &Probe{ProbeHandler: ProbeHandler{Exec: &ExecAction{Command: []string{"true"}}}, SuccessThreshold: 2, PeriodSeconds: -1}
			p.Spec.Containers[0].ReadinessProbe = &Probe{SuccessThreshold: 1}
			p.Spec.Containers[0].StartupProbe = &Probe{ProbeHandler: ProbeHandler{
				Exec:    &ExecAction{},
				HTTPGet: &HTTPGetAction{Path: "/", Port: intstr.FromInt32(80), Scheme: URISchemeHTTP}}, SuccessThreshold: 1}
		}, []string{
			"spec.containers[0].livenessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0",
			"spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1",
			"spec.containers[0].readinessProbe: Required value: must specify a handler type",
			"spec.containers[0].startupProbe.exec.command: Required value",
			"spec.containers[0].startupProbe.httpGet: Forbidden: may not specify more than 1 handler type",
		}},
		{"probe ports and schemes", func(p *Pod) {
			p.Spec.Containers[0].LivenessProbe = &Probe{ProbeHandler: ProbeHandler{HTTPGet: &HTTPGetAction{Path: "/", Port: intstr.FromInt32(0), Scheme: "FTP"}}, SuccessThreshold: 1}
			p.Spec.Containers[0].ReadinessProbe = &Probe{ProbeHandler: ProbeHandler{TCPSocket: &TCPSocketAction{Port: intstr.FromString("Not_A_Port")}}}
		}, []string{
			"spec.containers[0].livenessProbe.httpGet.port: Invalid value: 0: must be between 1 and 65535, inclusive",
			`spec.containers[0].livenessProbe.httpGet.scheme: Unsupported value: "FTP": supported values: "HTTP", "HTTPS"`,
			`spec.containers[0].readinessProbe.tcpSocket.port: Invalid value: "Not_A_Port": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)`,
		}},
		{"preStop sleep longer than the grace period", func(p *Pod) {
			p.Spec.Containers[0].Lifecycle = &Lifecycle{PreStop: &LifecycleHandler{Sleep: &SleepAction{Seconds: 60}}}
		}, []string{"spec.containers[0].lifecycle.preStop.sleep: Invalid value: 60: must be non-negative and less than terminationGracePeriodSeconds (30)"}},
		{"grace period", func(p *Pod) { p.Spec.TerminationGracePeriodSeconds = ptr(int64(-1)) },
			[]string{"spec.terminationGracePeriodSeconds: Invalid value: -1: must be greater than or equal to 0"}},
		{"grace period missing", func(p *Pod) { p.Spec.TerminationGracePeriodSeconds = nil },
			[]string{"spec.terminationGracePeriodSeconds: Required value"}},
		{"active deadline", func(p *Pod) { p.Spec.ActiveDeadlineSeconds = ptr(int64(0)) },
			[]string{"spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive"}},
		{"node selector", func(p *Pod) { p.Spec.NodeSelector = map[string]string{"a/b/c": "x", "zone": "bad value"} },
			[]string{`spec.nodeSelector: Invalid value: "a/b/c": a qualified name must consist of`,
				`spec.nodeSelector: Invalid value: "bad value": a valid label must be an empty string or consist of`}},
		{"tolerations", func(p *Pod) {
			p.Spec.Tolerations = []Toleration{
				{Key: "a", Operator: TolerationOpExists, Value: "b"},
				{Key: "a", Operator: TolerationOpEqual, Value: "b", Effect: TaintEffectNoSchedule, TolerationSeconds: ptr(int64(5))},
				{Key: "a", Effect: "NoWay"},
				{Operator: TolerationOpEqual},
				{Key: "a", Operator: "Lt"},
				{Operator: TolerationOpExists},
			}
		}, []string{
			`spec.tolerations[0].operator: Invalid value: "b": value must be empty when ` + "`operator` is 'Exists'",
			`spec.tolerations[1].effect: Invalid value: "NoSchedule": effect must be 'NoExecute' when ` + "`tolerationSeconds` is set",
			`spec.tolerations[2].effect: Unsupported value: "NoWay": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"`,
			`spec.tolerations[3].operator: Invalid value: "Equal": operator must be Exists when ` + "`key` is empty",
			`spec.tolerations[4].operator: Unsupported value: "Lt": supported values: "Equal", "Exists"`,
		}},
		{"affinity", func(p *Pod) {
			p.Spec.Affinity = &Affinity{
				NodeAffinity: &NodeAffinity{
					RequiredDuringSchedulingIgnoredDuringExecution: &NodeSelector{NodeSelectorTerms: []NodeSelectorTerm{{
						MatchExpressions: []NodeSelectorRequirement{{Key: "zone", Operator: "Near", Values: []string{"a"}}, {Key: "arch", Operator: NodeSelectorOpIn}}}}},
					PreferredDuringSchedulingIgnoredDuringExecution: []PreferredSchedulingTerm{{Weight: 101}},
				},
				PodAffinity: &PodAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []PodAffinityTerm{{
					LabelSelector: &meta.LabelSelector{MatchLabels: map[string]string{"app": "db"}}}}},
				PodAntiAffinity: &PodAntiAffinity{PreferredDuringSchedulingIgnoredDuringExecution: []WeightedPodAffinityTerm{{
					Weight: 1, PodAffinityTerm: PodAffinityTerm{TopologyKey: "zone", LabelSelector: &meta.LabelSelector{
						MatchExpressions: []meta.LabelSelectorRequirement{{Key: "app", Operator: meta.LabelSelectorOpExists, Values: []string{"x"}}}}}}}},
			}
		}, []string{
			`spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator: Invalid value: "Near": not a valid selector operator`,
			"spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[1].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
			"spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 101: must be in the range 1-100",
			"spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Required value: can not be empty",
			`spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Invalid value: "": name part must be non-empty`,
			`spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Invalid value: "": name part must consist of`,
			"spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
		}},
		{"scheduling gates", func(p *Pod) {
			p.Spec.SchedulingGates = []PodSchedulingGate{{Name: "example.com/gate"}, {Name: "example.com/gate"}, {Name: "bad gate"}}
		}, []string{
			`spec.schedulingGates[1]: Duplicate value: "example.com/gate"`,
			`spec.schedulingGates[2]: Invalid value: "bad gate": name part must consist of`,
		}},
		{"node name with scheduling gates", func(p *Pod) {
			p.Spec.NodeName = "node-1"
			p.Spec.SchedulingGates = []PodSchedulingGate{{Name: "example.com/gate"}}
		}, []string{"spec.nodeName: Forbidden: cannot be set until all schedulingGates have been cleared"}},
		{"init containers: probes only on sidecars, restartPolicy only Always", func(p *Pod) {
			initC := container("init")
			initC.LivenessProbe = &Probe{ProbeHandler: ProbeHandler{Exec: &ExecAction{Command: []string{"true"}}}, SuccessThreshold: 1}
			sidecar := container("sidecar")
			sidecar.RestartPolicy = ptr(ContainerRestartPolicyAlways)
			sidecar.ReadinessProbe = &Probe{ProbeHandler: ProbeHandler{Exec: &ExecAction{Command: []string{"true"}}}, SuccessThreshold: 1}
			odd := container("odd")
			odd.RestartPolicy = ptr(ContainerRestartPolicyOnFailure)
			p.Spec.InitContainers = []Container{initC, sidecar, odd}
			p.Spec.Containers[0].RestartPolicy = ptr(ContainerRestartPolicyAlways)
		}, []string{
			"spec.initContainers[0].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always",
			`spec.initContainers[2].restartPolicy: Unsupported value: "OnFailure": supported values: "Always"`,
			"spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers",
		}},
		{"ephemeral containers only through the subresource", func(p *Pod) {
			p.Spec.EphemeralContainers = []EphemeralContainer{{EphemeralContainerCommon: EphemeralContainerCommon(container("debug"))}}
		}, []string{"spec.ephemeralContainers: Forbidden: cannot be set on create"}},
		{"host network ports", func(p *Pod) {
			p.Spec.HostNetwork = true
			p.Spec.Containers[0].Ports = []ContainerPort{{ContainerPort: 80, HostPort: 8080, Protocol: ProtocolTCP}}
		}, []string{"spec.containers[0].ports[0].hostPort: Invalid value: 8080: must match `containerPort` when `hostNetwork` is true"}},
		{"service account token needs a service account", func(p *Pod) {
			p.Spec.Volumes = []Volume{{Name: "tok", VolumeSource: VolumeSource{Projected: &ProjectedVolumeSource{
				Sources: []VolumeProjection{{ServiceAccountToken: &ServiceAccountTokenProjection{Path: "token", ExpirationSeconds: ptr(int64(3600))}}}}}}}
		}, []string{"spec.volumes[0].projected.sources[0].serviceAccountToken: Forbidden: must not be specified when serviceAccountName is not set"}},
		{"security context", func(p *Pod) {
			p.Spec.SecurityContext.RunAsUser = ptr(int64(-1))
			p.Spec.Containers[0].SecurityContext = &SecurityContext{
				Privileged: ptr(true), AllowPrivilegeEscalation: ptr(false),
				SeccompProfile: &SeccompProfile{Type: SeccompProfileTypeLocalhost},
			}
		}, []string{
			"spec.securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive",
			"spec.containers[0].securityContext.seccompProfile.localhostProfile: Required value: must be set when seccomp type is Localhost",
			"spec.containers[0].securityContext: Invalid value:",
		}},
		{"service account and node names", func(p *Pod) {
			p.Spec.ServiceAccountName = "Bad_SA"
			p.Spec.NodeName = "node_1"
			p.Spec.Hostname = "host.name"
		}, []string{
			`spec.serviceAccountName: Invalid value: "Bad_SA"`,
			`spec.nodeName: Invalid value: "node_1"`,
			`spec.hostname: Invalid value: "host.name": must not contain dots`,
		}},
		{"dns config", func(p *Pod) {
			p.Spec.DNSConfig = &PodDNSConfig{
				Nameservers: []string{"1.1.1.1", "8.8.8.8", "9.9.9.9", "dns.example.com"},
				Searches:    []string{"svc.cluster.local.", "Bad_Domain"},
				Options:     []PodDNSConfigOption{{Value: ptr("2")}},
			}
		}, []string{
			`spec.dnsConfig.nameservers: Invalid value: []string{"1.1.1.1", "8.8.8.8", "9.9.9.9", "dns.example.com"}: must not have more than 3 nameservers`,
			`spec.dnsConfig.nameservers[3]: Invalid value: "dns.example.com": must be a valid IP address`,
			`spec.dnsConfig.searches[1]: Invalid value: "Bad_Domain": a lowercase RFC 1123 subdomain`,
			"spec.dnsConfig.options[0]: Required value: must not be empty",
		}},
		{"volume devices", func(p *Pod) {
			p.Spec.Volumes = []Volume{
				{Name: "claim", VolumeSource: VolumeSource{PersistentVolumeClaim: &PersistentVolumeClaimVolumeSource{ClaimName: "c"}}},
				{Name: "scratch", VolumeSource: VolumeSource{EmptyDir: &EmptyDirVolumeSource{}}},
			}
			p.Spec.Containers[0].VolumeMounts = []VolumeMount{{Name: "claim", MountPath: "/data"}}
			p.Spec.Containers[0].VolumeDevices = []VolumeDevice{
				{Name: "claim", DevicePath: "/dev/xvda"},
				{Name: "scratch", DevicePath: "/dev/../xvdb"},
				{Name: "gone", DevicePath: "/data"},
			}
		}, []string{
			`spec.containers[0].volumeMounts[0].name: Invalid value: "claim": must not already exist in volumeDevices`,
			`spec.containers[0].volumeDevices[0].name: Invalid value: "claim": must not already exist in volumeMounts`,
			`spec.containers[0].volumeDevices[1].name: Invalid value: "scratch": can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode`,
			`spec.containers[0].volumeDevices[1].devicePath: Invalid value: "/dev/../xvdb": can not contain backsteps ('..')`,
			`spec.containers[0].volumeDevices[2].name: Not found: "gone"`,
			`spec.containers[0].volumeMounts[0].mountPath: Invalid value: "/data": must not already exist as a path in volumeDevices`,
			`spec.containers[0].volumeDevices[2].devicePath: Invalid value: "/data": must not already exist as a path in volumeMounts`,
		}},
		{"downward API and projected volumes", func(p *Pod) {
			p.Spec.ServiceAccountName = "default"
			p.Spec.Volumes = []Volume{
				{Name: "info", VolumeSource: VolumeSource{DownwardAPI: &DownwardAPIVolumeSource{Items: []DownwardAPIVolumeFile{
					{Path: "/abs", FieldRef: &ObjectFieldSelector{APIVersion: "v1", FieldPath: "spec.nodeName"}},
					{Path: "both", FieldRef: &ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.name"},
						ResourceFieldRef: &ResourceFieldSelector{ContainerName: "c", Resource: "limits.cpu"}},
					{Path: "neither"},
					{Path: "mem", ResourceFieldRef: &ResourceFieldSelector{Resource: "limits.memory"}},
				}}}},
				{Name: "proj", VolumeSource: VolumeSource{Projected: &ProjectedVolumeSource{Sources: []VolumeProjection{
					{ServiceAccountToken: &ServiceAccountTokenProjection{Path: "token", ExpirationSeconds: ptr(int64(60))}},
					{Secret: &SecretProjection{LocalObjectReference: LocalObjectReference{Name: "s"}, Items: []KeyToPath{{Key: "k", Path: "token"}}}},
					{ConfigMap: &ConfigMapProjection{}, Secret: &SecretProjection{LocalObjectReference: LocalObjectReference{Name: "s2"}}},
				}}}},
			}
		}, []string{
			`spec.volumes[0].downwardAPI.path: Invalid value: "/abs": must be a relative path`,
			`spec.volumes[0].downwardAPI.fieldRef.fieldPath: Unsupported value: "spec.nodeName": supported values: "metadata.annotations"`,
			`spec.volumes[0].downwardAPI: Invalid value: "resource": fieldRef and resourceFieldRef can not be specified simultaneously`,
			"spec.volumes[0].downwardAPI: Required value: one of fieldRef and resourceFieldRef is required",
			"spec.volumes[0].downwardAPI.resourceFieldRef.containerName: Required value",
			"spec.volumes[1].projected.sources[0].serviceAccountToken.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes",
			`spec.volumes[1].projected: Invalid value: "s": conflicting duplicate paths`,
			"spec.volumes[1].projected.sources[2].configMap.name: Required value",
			"spec.volumes[1].projected.sources[2]: Forbidden: may not specify more than 1 volume type per source",
		}},
		{"readiness gates and host aliases", func(p *Pod) {
			p.Spec.ReadinessGates = []PodReadinessGate{{ConditionType: "not valid"}}
			p.Spec.HostAliases = []HostAlias{{IP: "999.0.0.1", Hostnames: []string{"ok.example.com", "Not OK"}}}
		}, []string{
			`spec.readinessGates[0].conditionType: Invalid value: "not valid": name part must consist of`,
			`spec.hostAliases[0].ip: Invalid value: "999.0.0.1": must be a valid IP address`,
			`spec.hostAliases[0].hostnames[1]: Invalid value: "Not OK": a lowercase RFC 1123 subdomain`,
		}},
		{"topology spread", func(p *Pod) {
			p.Spec.TopologySpreadConstraints = []TopologySpreadConstraint{
				{MaxSkew: 0, TopologyKey: "zone", WhenUnsatisfiable: DoNotSchedule},
				{MaxSkew: 1, TopologyKey: "zone", WhenUnsatisfiable: DoNotSchedule},
				{MaxSkew: 1, WhenUnsatisfiable: "Maybe"},
			}
		}, []string{
			"spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero",
			`spec.topologySpreadConstraints[0].{topologyKey, whenUnsatisfiable}: Duplicate value: "{zone, DoNotSchedule}"`,
			"spec.topologySpreadConstraints[2].topologyKey: Required value: can not be empty",
			`spec.topologySpreadConstraints[2].whenUnsatisfiable: Unsupported value: "Maybe": supported values: "DoNotSchedule", "ScheduleAnyway"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fieldtest.Expect(t, ValidatePod(podWith(tt.mutate)), tt.want...)
		})
	}
}

func TestValidatePodTemplateSpec(t *testing.T) {
	tmpl := &PodTemplateSpec{ObjectMeta: meta.ObjectMeta{Labels: map[string]string{"app": "web"}}, Spec: validPod().Spec}
	fieldtest.Expect(t, ValidatePodTemplateSpec(tmpl, field.NewPath("spec", "template")))
	tmpl.Labels["bad key!"] = "x"
	tmpl.Spec.Containers[0].Image = ""
	fieldtest.Expect(t, ValidatePodTemplateSpec(tmpl, field.NewPath("spec", "template")),
		`spec.template.labels: Invalid value: "bad key!"`,
		"spec.template.spec.containers[0].image: Required value")
}

func TestValidatePodUpdate(t *testing.T) {
	tests := []struct {
		name   string
		old    func(*Pod)
		update func(*Pod)
		want   []string
	}{
		{"image may change", nil, func(p *Pod) { p.Spec.Containers[0].Image = "nginx:1.26" }, nil},
		{"labels may change", nil, func(p *Pod) { p.Labels = map[string]string{"a": "b"} }, nil},
		{"other spec fields may not", nil, func(p *Pod) { p.Spec.RestartPolicy = RestartPolicyNever },
			[]string{"spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\nchanged: spec.restartPolicy"}},
		{"containers may not be added", nil, func(p *Pod) { p.Spec.Containers = append(p.Spec.Containers, container("d")) },
			[]string{"spec.containers: Forbidden: pod updates may not add or remove containers"}},
		{"activeDeadlineSeconds may be set", nil, func(p *Pod) { p.Spec.ActiveDeadlineSeconds = ptr(int64(60)) }, nil},
		{"activeDeadlineSeconds may be lowered", func(p *Pod) { p.Spec.ActiveDeadlineSeconds = ptr(int64(60)) },
			func(p *Pod) { p.Spec.ActiveDeadlineSeconds = ptr(int64(30)) }, nil},
		{"activeDeadlineSeconds may not be raised", func(p *Pod) { p.Spec.ActiveDeadlineSeconds = ptr(int64(60)) },
			func(p *Pod) { p.Spec.ActiveDeadlineSeconds = ptr(int64(90)) },
			[]string{"spec.activeDeadlineSeconds: Invalid value: 90: must be less than or equal to previous value"}},
		{"activeDeadlineSeconds may not be removed", func(p *Pod) { p.Spec.ActiveDeadlineSeconds = ptr(int64(60)) },
			func(p *Pod) { p.Spec.ActiveDeadlineSeconds = nil },
			[]string{"spec.activeDeadlineSeconds: Invalid value: null: must not update from a positive integer to nil value"}},
		{"tolerations may be added, and their seconds changed",
			func(p *Pod) {
				p.Spec.Tolerations = []Toleration{{Key: "a", Operator: TolerationOpExists, Effect: TaintEffectNoExecute, TolerationSeconds: ptr(int64(300))}}
			},
			func(p *Pod) {
				p.Spec.Tolerations = []Toleration{
					{Key: "a", Operator: TolerationOpExists, Effect: TaintEffectNoExecute, TolerationSeconds: ptr(int64(10))},
					{Key: "b", Operator: TolerationOpExists}}
			}, nil},
		{"tolerations may not be changed otherwise",
			func(p *Pod) { p.Spec.Tolerations = []Toleration{{Key: "a", Operator: TolerationOpExists}} },
			func(p *Pod) { p.Spec.Tolerations = []Toleration{{Key: "a", Operator: TolerationOpEqual, Value: "v"}} },
			[]string{"spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds"}},
		{"scheduling gates may be removed",
			func(p *Pod) {
				p.Spec.SchedulingGates = []PodSchedulingGate{{Name: "example.com/a"}, {Name: "example.com/b"}}
			},
			func(p *Pod) { p.Spec.SchedulingGates = []PodSchedulingGate{{Name: "example.com/b"}} }, nil},
		{"scheduling gates may not be added",
			func(p *Pod) { p.Spec.SchedulingGates = []PodSchedulingGate{{Name: "example.com/a"}} },
			func(p *Pod) {
				p.Spec.SchedulingGates = []PodSchedulingGate{{Name: "example.com/a"}, {Name: "example.com/c"}}
			},
			[]string{"spec.schedulingGates[1].name: Forbidden: only deletion is allowed, but found new scheduling gate 'example.com/c'"}},
		{"a negative grace period may become 1",
			func(p *Pod) { p.Spec.TerminationGracePeriodSeconds = ptr(int64(-1)) },
			func(p *Pod) { p.Spec.TerminationGracePeriodSeconds = ptr(int64(1)) }, nil},
		{"a grace period may not change otherwise", nil,
			func(p *Pod) { p.Spec.TerminationGracePeriodSeconds = ptr(int64(5)) },
			[]string{"spec: Forbidden: pod updates may not change fields other than"}},
		{"name is immutable", nil, func(p *Pod) { p.Name = "other" },
			[]string{`metadata.name: Invalid value: "other": field is immutable`}},
		{"resourceVersion is required", nil, func(p *Pod) { p.ResourceVersion = "" },
			[]string{`metadata.resourceVersion: Invalid value: "": must be specified for an update`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := validPod()
			if tt.old != nil {
				tt.old(old)
			}
			updated := old.DeepCopyObject().(*Pod)
			tt.update(updated)
			fieldtest.Expect(t, ValidatePodUpdate(updated, old), tt.want...)
		})
	}
}

func TestValidatePodStatusUpdate(t *testing.T) {
	terminated := ContainerStatus{Name: "c", State: ContainerState{Terminated: &ContainerStateTerminated{ExitCode: 0}}}
	running := ContainerStatus{Name: "c", State: ContainerState{Running: &ContainerStateRunning{}}}
	tests := []struct {
		name   string
		old    func(*Pod)
		update func(*Pod)
		want   []string
	}{
		{"a running pod", nil, func(p *Pod) {
			p.Status = PodStatus{Phase: PodRunning, PodIP: "10.0.0.1", PodIPs: []PodIP{{IP: "10.0.0.1"}, {IP: "fd00::1"}},
				HostIP: "192.168.0.1", HostIPs: []HostIP{{IP: "192.168.0.1"}},
				Conditions: []PodCondition{{Type: PodReady, Status: ConditionTrue}, {Type: "example.com/lb-ready", Status: ConditionFalse}}}
		}, nil},
		{"phase", nil, func(p *Pod) { p.Status.Phase = "Sleeping" },
			[]string{`status.phase: Unsupported value: "Sleeping": supported values: "Pending", "Running", "Succeeded", "Failed", "Unknown"`}},
		{"conditions", nil, func(p *Pod) {
			p.Status.Conditions = []PodCondition{{Type: "bad type", Status: ConditionTrue}, {Type: PodReady, Status: "Yes"}}
		}, []string{
			`status.conditions[0].type: Invalid value: "bad type": name part must consist of`,
			`status.conditions[1].status: Unsupported value: "Yes": supported values: "True", "False", "Unknown"`,
		}},
		{"nodeName may not change", nil, func(p *Pod) { p.Spec.NodeName = "node-2" },
			[]string{"status.nodeName: Forbidden: may not be changed directly"}},
		{"qosClass may not change", func(p *Pod) { p.Status.QOSClass = PodQOSBurstable },
			func(p *Pod) { p.Status.QOSClass = PodQOSGuaranteed },
			[]string{`status.qosClass: Invalid value: "Guaranteed": field is immutable`}},
		{"a finished container stays finished under Never",
			func(p *Pod) {
				p.Spec.RestartPolicy = RestartPolicyNever
				p.Status.ContainerStatuses = []ContainerStatus{terminated}
			},
			func(p *Pod) { p.Status.ContainerStatuses = []ContainerStatus{running} },
			[]string{"status.containerStatuses[0].state: Forbidden: may not be transitioned to non-terminated state"}},
		{"but restarts under Always",
			func(p *Pod) { p.Status.ContainerStatuses = []ContainerStatus{terminated} },
			func(p *Pod) { p.Status.ContainerStatuses = []ContainerStatus{running} }, nil},
		{"pod IPs", nil, func(p *Pod) { p.Status.PodIPs = []PodIP{{IP: "10.0.0.1"}, {IP: "10.0.0.2"}, {IP: "nope"}} },
			[]string{`status.podIPs[2]: Invalid value: "nope": must be a valid IP address`}},
		{"pod IPs of one family", nil, func(p *Pod) { p.Status.PodIPs = []PodIP{{IP: "10.0.0.1"}, {IP: "10.0.0.2"}} },
			[]string{"status.podIPs: Invalid value: []core.PodIP{core.PodIP{IP:\"10.0.0.1\"}, core.PodIP{IP:\"10.0.0.2\"}}: may specify no more than one IP for each IP family"}},
		{"hostIPs must start with hostIP", nil, func(p *Pod) { p.Status.HostIP = "1.2.3.4"; p.Status.HostIPs = []HostIP{{IP: "1.2.3.5"}} },
			[]string{"status.hostIPs[0].ip: Invalid value: \"1.2.3.5\": must be equal to `hostIP`"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := validPod()
			if tt.old != nil {
				tt.old(old)
			}
			updated := old.DeepCopyObject().(*Pod)
			tt.update(updated)
			fieldtest.Expect(t, ValidatePodStatusUpdate(updated, old), tt.want...)
		})
	}
}

func TestValidateBinding(t *testing.T) {
	fieldtest.Expect(t, ValidateBinding(&Binding{Target: ObjectReference{Kind: "Node", Name: "node-1"}}))
	fieldtest.Expect(t, ValidateBinding(&Binding{Target: ObjectReference{Kind: "Pod"}}),
		`target.kind: Unsupported value: "Pod": supported values: "Node", "<empty>"`,
		"target.name: Required value")
}

func TestValidateNode(t *testing.T) {
	valid := func() *Node {
		return &Node{ObjectMeta: meta.ObjectMeta{Name: "node-1", ResourceVersion: "1"},
			Spec:   NodeSpec{PodCIDRs: []string{"10.244.0.0/24"}, ProviderID: "skiff://node-1"},
			Status: NodeStatus{Capacity: ResourceList{ResourceCPU: q("4"), ResourcePods: q("110")}}}
	}
	fieldtest.Expect(t, ValidateNode(valid()))

	n := valid()
	n.Namespace = "default"
	n.Spec.Taints = []Taint{{Key: "a", Effect: TaintEffectNoSchedule}, {Key: "a", Effect: TaintEffectNoSchedule}, {Key: "b"}}
	n.Spec.PodCIDRs = []string{"10.0.0.0/24", "10.1.0.0/24", "bogus"}
	n.Status.Capacity[ResourcePods] = q("1500m")
	fieldtest.Expect(t, ValidateNode(n),
		"metadata.namespace: Forbidden: not allowed on this type",
		`spec.taints[1]: Duplicate value: core.Taint{Key:"a", Value:"", Effect:"NoSchedule"`,
		"spec.taints[2].effect: Required value",
		`spec.podCIDRs[2]: Invalid value: "bogus": must be a valid CIDR value`,
		`status.capacity.pods: Invalid value: "1500m": must be an integer`)

	old := valid()
	updated := valid()
	updated.Spec.PodCIDRs = []string{"10.9.0.0/24"}
	updated.Spec.ProviderID = "other://x"
	updated.Spec.Unschedulable = true
	fieldtest.Expect(t, ValidateNodeUpdate(updated, old),
		`spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid`,
		`spec.providerID: Forbidden: node updates may not change providerID except from "" to valid`)

	updated = valid()
	updated.Status.Addresses = []NodeAddress{{Type: NodeInternalIP, Address: "10.0.0.1"}, {Type: NodeInternalIP, Address: "10.0.0.1"}}
	updated.Status.Conditions = []NodeCondition{{Type: NodeReady, Status: "Maybe"}}
	fieldtest.Expect(t, ValidateNodeStatusUpdate(updated, old),
		`status.addresses[1]: Duplicate value:`,
		`status.conditions[0].status: Unsupported value: "Maybe"`)
}

func TestValidateNamespace(t *testing.T) {
	ns := &Namespace{ObjectMeta: meta.ObjectMeta{Name: "team-a", ResourceVersion: "1"}, Spec: NamespaceSpec{Finalizers: []FinalizerName{FinalizerKubernetes}}}
	fieldtest.Expect(t, ValidateNamespace(ns))
	fieldtest.Expect(t, ValidateNamespace(&Namespace{ObjectMeta: meta.ObjectMeta{Name: "team.a"}, Spec: NamespaceSpec{Finalizers: []FinalizerName{"custom"}}}),
		`metadata.name: Invalid value: "team.a": must not contain dots`,
		`spec.finalizers[0]: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified`)

	terminating := ns.DeepCopyObject().(*Namespace)
	terminating.Status.Phase = NamespaceActive
	now := meta.Now()
	terminating.DeletionTimestamp = &now
	old := ns.DeepCopyObject().(*Namespace)
	old.DeletionTimestamp = &now
	fieldtest.Expect(t, ValidateNamespaceStatusUpdate(terminating, old),
		"status.phase: Invalid value: \"Active\": may only be 'Terminating' if `deletionTimestamp` is not empty")
	active := ns.DeepCopyObject().(*Namespace)
	active.Status.Phase = NamespaceTerminating
	fieldtest.Expect(t, ValidateNamespaceStatusUpdate(active, ns),
		"status.phase: Invalid value: \"Terminating\": may only be 'Active' if `deletionTimestamp` is empty")
	renamed := ns.DeepCopyObject().(*Namespace)
	renamed.Name = "team-b"
	fieldtest.Expect(t, ValidateNamespaceUpdate(renamed, ns), `metadata.name: Invalid value: "team-b": field is immutable`)
}

func TestValidateSecret(t *testing.T) {
	valid := func() *Secret {
		return &Secret{ObjectMeta: meta.ObjectMeta{Name: "s", Namespace: "default", ResourceVersion: "1"},
			Data: map[string][]byte{"key.name": []byte("v")}, Type: SecretTypeOpaque}
	}
	fieldtest.Expect(t, ValidateSecret(valid()))

	s := valid()
	s.Data["bad/key"] = []byte("x")
	s.Data["big"] = make([]byte, MaxSecretSize)
	fieldtest.Expect(t, ValidateSecret(s),
		`data[bad/key]: Invalid value: "bad/key": a valid config key must consist of alphanumeric characters, '-', '_' or '.'`,
		"data: Too long: must have at most 1048576 bytes")

	tls := valid()
	tls.Type = SecretTypeTLS
	tls.Data = map[string][]byte{TLSCertKey: []byte("c")}
	fieldtest.Expect(t, ValidateSecret(tls), "data[tls.key]: Required value")

	sa := valid()
	sa.Type = SecretTypeServiceAccountToken
	fieldtest.Expect(t, ValidateSecret(sa), "metadata.annotations[kubernetes.io/service-account.name]: Required value")

	dockercfg := valid()
	dockercfg.Type = SecretTypeDockerConfigJSON
	dockercfg.Data = map[string][]byte{DockerConfigJSONKey: []byte("{not json")}
	fieldtest.Expect(t, ValidateSecret(dockercfg), `data[.dockerconfigjson]: Invalid value: "<secret contents redacted>"`)

	old := valid()
	old.Immutable = ptr(true)
	updated := valid()
	updated.Immutable = ptr(false)
	updated.Data["key.name"] = []byte("changed")
	updated.Type = SecretTypeBasicAuth
	updated.Data[BasicAuthUsernameKey] = []byte("u")
	fieldtest.Expect(t, ValidateSecretUpdate(updated, old),
		`type: Invalid value: "kubernetes.io/basic-auth": field is immutable`,
		"immutable: Forbidden: field is immutable when `immutable` is set",
		"data: Forbidden: field is immutable when `immutable` is set")

	metaOnly := old.DeepCopyObject().(*Secret)
	metaOnly.Labels = map[string]string{"a": "b"}
	fieldtest.Expect(t, ValidateSecretUpdate(metaOnly, old))
}

func TestValidateConfigMap(t *testing.T) {
	valid := func() *ConfigMap {
		return &ConfigMap{ObjectMeta: meta.ObjectMeta{Name: "cm", Namespace: "default", ResourceVersion: "1"},
			Data: map[string]string{"a": "1"}, BinaryData: map[string][]byte{"b": {0xff}}}
	}
	fieldtest.Expect(t, ValidateConfigMap(valid()))
	cm := valid()
	cm.BinaryData["a"] = []byte("dup")
	cm.Data[".."] = "x"
	fieldtest.Expect(t, ValidateConfigMap(cm),
		`data[a]: Invalid value: "a": duplicate of key present in binaryData`,
		`data[..]: Invalid value: "..": must not be '.' or '..' and must not start with '..'`)

	old := valid()
	old.Immutable = ptr(true)
	updated := valid()
	updated.Immutable = ptr(true)
	updated.Data["a"] = "2"
	updated.BinaryData = nil
	fieldtest.Expect(t, ValidateConfigMapUpdate(updated, old),
		"data: Forbidden: field is immutable when `immutable` is set",
		"binaryData: Forbidden: field is immutable when `immutable` is set")
}

func TestValidateServiceAccount(t *testing.T) {
	sa := &ServiceAccount{ObjectMeta: meta.ObjectMeta{Name: "builder", Namespace: "ci", ResourceVersion: "1"}}
	fieldtest.Expect(t, ValidateServiceAccount(sa))
	fieldtest.Expect(t, ValidateServiceAccount(&ServiceAccount{ObjectMeta: meta.ObjectMeta{Name: "Builder", Namespace: "ci"}}),
		`metadata.name: Invalid value: "Builder": a lowercase RFC 1123 subdomain must consist of`)
	renamed := sa.DeepCopyObject().(*ServiceAccount)
	renamed.Namespace = "other"
	fieldtest.Expect(t, ValidateServiceAccountUpdate(renamed, sa), `metadata.namespace: Invalid value: "other": field is immutable`)
}

func TestValidateResourceQuota(t *testing.T) {
	valid := func() *ResourceQuota {
		return &ResourceQuota{ObjectMeta: meta.ObjectMeta{Name: "q", Namespace: "default", ResourceVersion: "1"},
			Spec: ResourceQuotaSpec{Hard: ResourceList{ResourcePods: q("10"), ResourceRequestsCPU: q("4"), "count/deployments.apps": q("5")}}}
	}
	fieldtest.Expect(t, ValidateResourceQuota(valid()))

	rq := valid()
	rq.Spec.Hard[ResourcePods] = q("2500m")
	rq.Spec.Hard[ResourceRequestsMemory] = q("-1Gi")
	rq.Spec.Hard["widgets"] = q("1")
	rq.Spec.Scopes = []ResourceQuotaScope{ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort}
	fieldtest.Expect(t, ValidateResourceQuota(rq),
		`spec.hard[pods]: Invalid value: "2500m": must be an integer`,
		`spec.hard[requests.memory]: Invalid value: "-1Gi": must be greater than or equal to 0`,
		`spec.hard[widgets]: Invalid value: "widgets": must be a standard resource type or fully qualified`,
		`spec.hard[widgets]: Invalid value: "widgets": must be a standard resource for quota`,
		// BestEffort cannot track requests.cpu, requests.memory: one error per resource.
		"spec.scopes: Invalid value: []core.ResourceQuotaScope{\"BestEffort\", \"NotBestEffort\"}: unsupported scope applied to resource",
		"spec.scopes: Invalid value: []core.ResourceQuotaScope{\"BestEffort\", \"NotBestEffort\"}: unsupported scope applied to resource",
		"spec.scopes: Invalid value: []core.ResourceQuotaScope{\"BestEffort\", \"NotBestEffort\"}: conflicting scopes")

	rq = valid()
	rq.Spec.ScopeSelector = &ScopeSelector{MatchExpressions: []ScopedResourceSelectorRequirement{
		{ScopeName: ResourceQuotaScopeTerminating, Operator: ScopeSelectorOpIn, Values: []string{"x"}},
		{ScopeName: ResourceQuotaScopePriorityClass, Operator: ScopeSelectorOpIn},
	}}
	fieldtest.Expect(t, ValidateResourceQuota(rq),
		`spec.scopeSelector.matchExpressions.operator: Invalid value: "In": must be 'Exists' when scope is any of`,
		"spec.scopeSelector.matchExpressions.values: Required value: must be at least one value when `operator` is 'In' or 'NotIn' for scope selector")

	old := valid()
	updated := valid()
	updated.Spec.Scopes = []ResourceQuotaScope{ResourceQuotaScopeNotTerminating}
	fieldtest.Expect(t, ValidateResourceQuotaUpdate(updated, old),
		`spec.scopes: Invalid value: []core.ResourceQuotaScope{"NotTerminating"}: field is immutable`)

	status := valid()
	status.Status.Used = ResourceList{ResourcePods: q("-1")}
	fieldtest.Expect(t, ValidateResourceQuotaStatusUpdate(status, old),
		`status.used[pods]: Invalid value: "-1": must be greater than or equal to 0`)
}

func TestValidateLimitRange(t *testing.T) {
	lr := func(items ...LimitRangeItem) *LimitRange {
		return &LimitRange{ObjectMeta: meta.ObjectMeta{Name: "lr", Namespace: "default", ResourceVersion: "1"}, Spec: LimitRangeSpec{Limits: items}}
	}
	fieldtest.Expect(t, ValidateLimitRange(lr(LimitRangeItem{Type: LimitTypeContainer,
		Min: ResourceList{ResourceCPU: q("10m")}, DefaultRequest: ResourceList{ResourceCPU: q("100m")},
		Default: ResourceList{ResourceCPU: q("500m")}, Max: ResourceList{ResourceCPU: q("1")}})))

	fieldtest.Expect(t, ValidateLimitRange(lr(
		LimitRangeItem{Type: LimitTypeContainer,
			Min: ResourceList{ResourceCPU: q("2")}, Max: ResourceList{ResourceCPU: q("1")},
			Default: ResourceList{ResourceMemory: q("2Gi")}, DefaultRequest: ResourceList{ResourceMemory: q("4Gi")},
			MaxLimitRequestRatio: ResourceList{ResourceCPU: q("500m")}},
		LimitRangeItem{Type: LimitTypePod, Default: ResourceList{ResourceCPU: q("1")}},
		LimitRangeItem{Type: LimitTypePod},
		LimitRangeItem{Type: "Widget"},
		LimitRangeItem{Type: LimitTypePersistentVolumeClaim},
	)),
		`spec.limits[0].min[cpu]: Invalid value: "2": min value 2 is greater than max value 1`,
		`spec.limits[0].defaultRequest[memory]: Invalid value: "4Gi": default request value 4Gi is greater than default limit value 2Gi`,
		`spec.limits[0].maxLimitRequestRatio[cpu]: Invalid value: "500m": ratio 500m is less than 1`,
		"spec.limits[1].default: Forbidden: may not be specified when `type` is 'Pod'",
		`spec.limits[2].type: Duplicate value: "Pod"`,
		`spec.limits[3].type: Invalid value: "Widget": must be a standard limit type or fully qualified`,
		"spec.limits[4].limits: Required value: either minimum or maximum storage value is required, but neither was provided")

	fieldtest.Expect(t, ValidateLimitRange(lr(LimitRangeItem{Type: LimitTypeContainer,
		Min: ResourceList{ResourceCPU: q("100m")}, Max: ResourceList{ResourceCPU: q("1")},
		MaxLimitRequestRatio: ResourceList{ResourceCPU: q("20")}})),
		`spec.limits[0].maxLimitRequestRatio[cpu]: Invalid value: "20": ratio 20 is greater than max/min = 10.000000`)

	fieldtest.Expect(t, ValidateLimitRange(lr(LimitRangeItem{Type: LimitTypeContainer,
		Default: ResourceList{ResourceCPU: q("1")}, Max: ResourceList{ResourceCPU: q("500m")}})),
		`spec.limits[0].default[cpu]: Invalid value: "500m": default value 1 is greater than max value 500m`)
}

func TestValidateEvent(t *testing.T) {
	legacy := func() *Event {
		return &Event{ObjectMeta: meta.ObjectMeta{Name: "e", Namespace: "default"},
			InvolvedObject: ObjectReference{Kind: "Pod", Namespace: "default", Name: "p"}, Reason: "Pulled", Type: EventTypeNormal}
	}
	fieldtest.Expect(t, ValidateEvent(legacy()))
	e := legacy()
	e.InvolvedObject.Namespace = "other"
	fieldtest.Expect(t, ValidateEvent(e), `involvedObject.namespace: Invalid value: "other": does not match event.namespace`)

	clusterScoped := legacy()
	clusterScoped.InvolvedObject = ObjectReference{Kind: "Node", Name: "node-1"}
	fieldtest.Expect(t, ValidateEvent(clusterScoped))

	e = legacy()
	e.EventTime = meta.NewMicroTime(time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC))
	e.Reason = strings.Repeat("r", 129)
	fieldtest.Expect(t, ValidateEvent(e),
		"reportingController: Required value",
		`reportingController: Invalid value: "": name part must be non-empty`,
		`reportingController: Invalid value: "": name part must consist of`,
		"reportingInstance: Required value",
		"action: Required value",
		`reason: Invalid value: "": can have at most 128 characters`)
	fieldtest.Expect(t, ValidateEventUpdate(legacy(), legacy()))
}

func TestValidateEphemeralContainers(t *testing.T) {
	old := validPod()
	debug := container("debug")
	debug.Image = "busybox "
	debug.Ports = []ContainerPort{{ContainerPort: 80, Protocol: ProtocolTCP}}
	debug.VolumeMounts = []VolumeMount{{Name: "nope", MountPath: "/x", SubPath: "a"}}
	updated := old.DeepCopyObject().(*Pod)
	updated.Spec.EphemeralContainers = []EphemeralContainer{
		{EphemeralContainerCommon: EphemeralContainerCommon(debug), TargetContainerName: "missing"},
		{EphemeralContainerCommon: EphemeralContainerCommon(container("c"))},
	}
	fieldtest.Expect(t, ValidatePodUpdate(updated, old),
		`spec.ephemeralContainers[0].image: Invalid value: "busybox ": must not have leading or trailing whitespace`,
		`spec.ephemeralContainers[0].targetContainerName: Not found: "missing"`,
		"spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container",
		`spec.ephemeralContainers[0].volumeMounts[0].name: Not found: "nope"`,
		"spec.ephemeralContainers[0].volumeMounts[0].subPath: Forbidden: cannot be set for an Ephemeral Container",
		`spec.ephemeralContainers[1].name: Duplicate value: "c"`,
		// Through the main resource they cannot be added at all; that takes the subresource.
		"spec: Forbidden: pod updates may not change fields other than")
}

func TestValidatePodEphemeralContainersUpdate(t *testing.T) {
	old := validPod()
	debug := EphemeralContainer{EphemeralContainerCommon: EphemeralContainerCommon(container("debug")), TargetContainerName: "c"}
	added := old.DeepCopyObject().(*Pod)
	added.Spec.EphemeralContainers = []EphemeralContainer{debug}
	fieldtest.Expect(t, ValidatePodEphemeralContainersUpdate(added, old))

	second := added.DeepCopyObject().(*Pod)
	second.Spec.EphemeralContainers = append(second.Spec.EphemeralContainers,
		EphemeralContainer{EphemeralContainerCommon: EphemeralContainerCommon(container("debug2"))})
	fieldtest.Expect(t, ValidatePodEphemeralContainersUpdate(second, added))

	removed := added.DeepCopyObject().(*Pod)
	removed.Spec.EphemeralContainers = nil
	fieldtest.Expect(t, ValidatePodEphemeralContainersUpdate(removed, added),
		`spec.ephemeralContainers: Forbidden: existing ephemeral containers "debug" may not be removed`)

	changed := added.DeepCopyObject().(*Pod)
	changed.Spec.EphemeralContainers[0].Image = "busybox:2"
	fieldtest.Expect(t, ValidatePodEphemeralContainersUpdate(changed, added),
		`spec.ephemeralContainers: Forbidden: existing ephemeral containers "debug" may not be changed`)

	static := old.DeepCopyObject().(*Pod)
	static.Annotations = map[string]string{MirrorPodAnnotationKey: "abc"}
	staticAdded := static.DeepCopyObject().(*Pod)
	staticAdded.Spec.EphemeralContainers = []EphemeralContainer{debug}
	// The error is about the whole object, whose path is the empty path.
	errs := ValidatePodEphemeralContainersUpdate(staticAdded, static)
	if len(errs) != 1 || errs[0].Type != field.ErrorTypeForbidden || errs[0].Detail != "static pods do not support ephemeral containers" {
		t.Errorf("static pod: %v", errs.ToAggregate())
	}
}
