package podsecurity_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/admission/plugins/pluginstest"
	"github.com/skiff-io/skiff/admission/podsecurity"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/intstr"
)

func ptr[T any](v T) *T { return &v }

// restrictedContainer is a container that passes the restricted level.
func restrictedContainer(name string) core.Container {
	return core.Container{Name: name, Image: "app:1", SecurityContext: &core.SecurityContext{
		AllowPrivilegeEscalation: ptr(false),
		Capabilities:             &core.Capabilities{Drop: []core.Capability{"ALL"}},
	}}
}

// restricted returns a pod that passes the restricted level, changed by f.
func restricted(f func(*core.Pod)) *core.Pod {
	p := pluginstest.MakePod("ns", "web").Obj()
	p.Spec.Containers = []core.Container{restrictedContainer("c")}
	p.Spec.SecurityContext = &core.PodSecurityContext{
		RunAsNonRoot:   ptr(true),
		SeccompProfile: &core.SeccompProfile{Type: core.SeccompProfileTypeRuntimeDefault},
	}
	if f != nil {
		f(p)
	}
	return p
}

// plainRestricted is the message every plain pod gets at the restricted level.
const plainRestricted = `allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), ` +
	`unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), ` +
	`runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), ` +
	`seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")`

func TestEvaluate(t *testing.T) {
	plain := pluginstest.MakePod("ns", "web").Container("c").Obj()
	tests := []struct {
		name       string
		pod        *core.Pod
		baseline   string
		restricted string
	}{
		{name: "plain pod", pod: plain, restricted: plainRestricted},
		{name: "restricted pod", pod: restricted(nil)},
		{
			name:     "host namespaces",
			pod:      restricted(func(p *core.Pod) { p.Spec.HostNetwork, p.Spec.HostPID = true, true }),
			baseline: `host namespaces (hostNetwork=true, hostPID=true)`, restricted: `host namespaces (hostNetwork=true, hostPID=true)`,
		},
		{
			name: "privileged containers, init first",
			pod: restricted(func(p *core.Pod) {
				c := restrictedContainer("setup")
				c.SecurityContext.Privileged = ptr(true)
				p.Spec.InitContainers = []core.Container{c}
				p.Spec.Containers[0].SecurityContext.Privileged = ptr(true)
			}),
			baseline:   `privileged (containers "setup", "c" must not set securityContext.privileged=true)`,
			restricted: `privileged (containers "setup", "c" must not set securityContext.privileged=true)`,
		},
		{
			name: "added capabilities",
			pod: restricted(func(p *core.Pod) {
				p.Spec.Containers[0].SecurityContext.Capabilities.Add = []core.Capability{"SYS_TIME", "NET_ADMIN", "CHOWN"}
			}),
			baseline:   `non-default capabilities (container "c" must not include "NET_ADMIN", "SYS_TIME" in securityContext.capabilities.add)`,
			restricted: `unrestricted capabilities (container "c" must not include "CHOWN", "NET_ADMIN", "SYS_TIME" in securityContext.capabilities.add)`,
		},
		{
			name: "NET_BIND_SERVICE is the one capability restricted allows",
			pod: restricted(func(p *core.Pod) {
				p.Spec.Containers[0].SecurityContext.Capabilities.Add = []core.Capability{"NET_BIND_SERVICE"}
			}),
		},
		{
			name: "hostPath volume",
			pod: restricted(func(p *core.Pod) {
				p.Spec.Volumes = []core.Volume{{Name: "data", VolumeSource: core.VolumeSource{HostPath: &core.HostPathVolumeSource{Path: "/var"}}}}
			}),
			baseline:   `hostPath volumes (volume "data")`,
			restricted: `restricted volume types (volume "data" uses restricted volume type "hostPath")`,
		},
		{
			name: "restricted volume types",
			pod: restricted(func(p *core.Pod) {
				p.Spec.Volumes = []core.Volume{
					{Name: "nfs", VolumeSource: core.VolumeSource{NFS: &core.NFSVolumeSource{Server: "s", Path: "/"}}},
					{Name: "ok", VolumeSource: core.VolumeSource{Projected: &core.ProjectedVolumeSource{}}},
					{Name: "img", VolumeSource: core.VolumeSource{Image: &core.ImageVolumeSource{Reference: "x"}}},
					{Name: "host", VolumeSource: core.VolumeSource{HostPath: &core.HostPathVolumeSource{Path: "/"}}},
				}
			}),
			baseline:   `hostPath volumes (volume "host")`,
			restricted: `restricted volume types (volumes "nfs", "host" use restricted volume types "hostPath", "nfs")`,
		},
		{
			name: "host ports",
			pod: restricted(func(p *core.Pod) {
				p.Spec.Containers[0].Ports = []core.ContainerPort{{ContainerPort: 80, HostPort: 80}, {ContainerPort: 8080, HostPort: 8080}}
				c := restrictedContainer("tls")
				c.Ports = []core.ContainerPort{{ContainerPort: 443, HostPort: 443}}
				p.Spec.Containers = append(p.Spec.Containers, c)
			}),
			baseline:   `hostPort (containers "c", "tls" use hostPorts 443, 80, 8080)`,
			restricted: `hostPort (containers "c", "tls" use hostPorts 443, 80, 8080)`,
		},
		{
			name: "probe host",
			pod: restricted(func(p *core.Pod) {
				p.Spec.Containers[0].LivenessProbe = &core.Probe{ProbeHandler: core.ProbeHandler{HTTPGet: &core.HTTPGetAction{Host: "10.0.0.1", Port: intstr.FromInt32(80)}}}
			}),
			baseline:   `probe or lifecycle host (container "c" uses probe or lifecycle host "10.0.0.1")`,
			restricted: `probe or lifecycle host (container "c" uses probe or lifecycle host "10.0.0.1")`,
		},
		{
			name: "AppArmor field and annotation",
			pod: restricted(func(p *core.Pod) {
				p.Spec.SecurityContext.AppArmorProfile = &core.AppArmorProfile{Type: core.AppArmorProfileTypeUnconfined}
				p.Annotations = map[string]string{"container.apparmor.security.beta.kubernetes.io/c": "unconfined"}
			}),
			baseline:   `forbidden AppArmor profiles (pod and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/c="unconfined"")`,
			restricted: `forbidden AppArmor profiles (pod and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/c="unconfined"")`,
		},
		{
			name: "AppArmor runtime default",
			pod: restricted(func(p *core.Pod) {
				p.Spec.Containers[0].SecurityContext.AppArmorProfile = &core.AppArmorProfile{Type: core.AppArmorProfileTypeRuntimeDefault}
				p.Annotations = map[string]string{"container.apparmor.security.beta.kubernetes.io/c": "localhost/mine"}
			}),
		},
		{
			name: "SELinux",
			pod: restricted(func(p *core.Pod) {
				p.Spec.SecurityContext.SELinuxOptions = &core.SELinuxOptions{User: "root"}
				p.Spec.Containers[0].SecurityContext.SELinuxOptions = &core.SELinuxOptions{Type: "spc_t"}
			}),
			baseline:   `seLinuxOptions (pod and container "c" set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set)`,
			restricted: `seLinuxOptions (pod and container "c" set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set)`,
		},
		{
			name: "SELinux container_engine_t",
			pod: restricted(func(p *core.Pod) {
				p.Spec.SecurityContext.SELinuxOptions = &core.SELinuxOptions{Type: "container_engine_t", Level: "s0:c1"}
			}),
		},
		{
			name: "unmasked /proc",
			pod: restricted(func(p *core.Pod) {
				p.Spec.Containers[0].SecurityContext.ProcMount = ptr(core.UnmaskedProcMount)
			}),
			baseline:   `procMount (container "c" must not set securityContext.procMount to "Unmasked")`,
			restricted: `procMount (container "c" must not set securityContext.procMount to "Unmasked")`,
		},
		{
			name: "unmasked /proc in a user namespace",
			pod: restricted(func(p *core.Pod) {
				p.Spec.HostUsers = ptr(false)
				p.Spec.Containers[0].SecurityContext.ProcMount = ptr(core.UnmaskedProcMount)
			}),
			restricted: `procMount (container "c" must not set securityContext.procMount to "Unmasked")`,
		},
		{
			name: "seccomp Unconfined",
			pod: restricted(func(p *core.Pod) {
				p.Spec.SecurityContext.SeccompProfile.Type = core.SeccompProfileTypeUnconfined
			}),
			baseline:   `seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")`,
			restricted: `seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")`,
		},
		{
			name: "container seccomp instead of the pod's",
			pod: restricted(func(p *core.Pod) {
				p.Spec.SecurityContext.SeccompProfile = nil
				p.Spec.Containers[0].SecurityContext.SeccompProfile = &core.SeccompProfile{Type: core.SeccompProfileTypeLocalhost, LocalhostProfile: ptr("p.json")}
			}),
		},
		{
			name: "sysctls",
			pod: restricted(func(p *core.Pod) {
				p.Spec.SecurityContext.Sysctls = []core.Sysctl{{Name: "net.core.somaxconn", Value: "1"}, {Name: "net.ipv4.tcp_keepalive_time", Value: "60"}, {Name: "kernel.msgmax", Value: "1"}}
			}),
			baseline:   `forbidden sysctls (net.core.somaxconn, kernel.msgmax)`,
			restricted: `forbidden sysctls (net.core.somaxconn, kernel.msgmax)`,
		},
		{
			name: "Windows host process",
			pod: restricted(func(p *core.Pod) {
				p.Spec.SecurityContext.WindowsOptions = &core.WindowsSecurityContextOptions{HostProcess: ptr(true)}
			}),
			baseline:   `hostProcess (pod must not set securityContext.windowsOptions.hostProcess=true)`,
			restricted: `hostProcess (pod must not set securityContext.windowsOptions.hostProcess=true)`,
		},
		{
			name: "root",
			pod: restricted(func(p *core.Pod) {
				p.Spec.SecurityContext.RunAsUser = ptr(int64(0))
				p.Spec.Containers[0].SecurityContext.RunAsNonRoot = ptr(false)
			}),
			restricted: `runAsNonRoot != true (container "c" must not set securityContext.runAsNonRoot=false), runAsUser=0 (pod must not set runAsUser=0)`,
		},
		{
			name: "root inside a user namespace",
			pod: restricted(func(p *core.Pod) {
				p.Spec.HostUsers = ptr(false)
				p.Spec.SecurityContext.RunAsNonRoot = nil
				p.Spec.SecurityContext.RunAsUser = ptr(int64(0))
			}),
		},
		{
			name: "Windows pods need not set the Linux-only fields",
			pod: pluginstest.MakePod("ns", "web").Container("c").Spec(func(s *core.PodSpec) {
				s.OS = &core.PodOS{Name: core.Windows}
			}).Obj(),
			restricted: `runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true)`,
		},
		{
			name: "ephemeral containers are checked",
			pod: restricted(func(p *core.Pod) {
				p.Spec.EphemeralContainers = []core.EphemeralContainer{{EphemeralContainerCommon: core.EphemeralContainerCommon{Name: "debug", Image: "busybox"}}}
			}),
			restricted: `allowPrivilegeEscalation != false (container "debug" must set securityContext.allowPrivilegeEscalation=false), ` +
				`unrestricted capabilities (container "debug" must set securityContext.capabilities.drop=["ALL"])`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := map[podsecurity.Level]string{
				podsecurity.LevelPrivileged: podsecurity.Detail(podsecurity.Evaluate(podsecurity.LevelPrivileged, &tc.pod.ObjectMeta, &tc.pod.Spec)),
				podsecurity.LevelBaseline:   podsecurity.Detail(podsecurity.Evaluate(podsecurity.LevelBaseline, &tc.pod.ObjectMeta, &tc.pod.Spec)),
				podsecurity.LevelRestricted: podsecurity.Detail(podsecurity.Evaluate(podsecurity.LevelRestricted, &tc.pod.ObjectMeta, &tc.pod.Spec)),
			}
			want := map[podsecurity.Level]string{podsecurity.LevelPrivileged: "", podsecurity.LevelBaseline: tc.baseline, podsecurity.LevelRestricted: tc.restricted}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("violations (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPolicyFromLabels(t *testing.T) {
	tests := []struct {
		name   string
		labels map[string]string
		want   podsecurity.Policy
		errs   []string
	}{
		{name: "none", want: podsecurity.PrivilegedPolicy},
		{
			name:   "levels and a pinned version",
			labels: map[string]string{"pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/enforce-version": "v1.30", "pod-security.kubernetes.io/warn": "restricted"},
			want: podsecurity.Policy{
				Enforce: podsecurity.LevelVersion{Level: "baseline", Version: "v1.30"},
				Audit:   podsecurity.LevelVersion{Level: "privileged", Version: "latest"},
				Warn:    podsecurity.LevelVersion{Level: "restricted", Version: "latest"},
			},
		},
		{
			name:   "bad labels fail closed for enforce and open for the rest",
			labels: map[string]string{"pod-security.kubernetes.io/enforce": "strict", "pod-security.kubernetes.io/warn": "loud", "pod-security.kubernetes.io/audit-version": "1.30"},
			want: podsecurity.Policy{
				Enforce: podsecurity.LevelVersion{Level: "restricted", Version: "latest"},
				Audit:   podsecurity.LevelVersion{Level: "privileged", Version: "latest"},
				Warn:    podsecurity.LevelVersion{Level: "privileged", Version: "latest"},
			},
			errs: []string{
				`metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted`,
				`metadata.labels[pod-security.kubernetes.io/audit-version]: Invalid value: "1.30": must be "latest" or "v1.x"`,
				`metadata.labels[pod-security.kubernetes.io/warn]: Invalid value: "loud": must be one of privileged, baseline, restricted`,
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, errs := podsecurity.PolicyFromLabels(tc.labels, podsecurity.PrivilegedPolicy)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("policy (-want +got):\n%s", diff)
			}
			var gotErrs []string
			for _, e := range errs {
				gotErrs = append(gotErrs, e.Error())
			}
			if diff := cmp.Diff(tc.errs, gotErrs); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}
