package podsecurity

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
)

// Violation is one check a pod fails: a short reason ("allowPrivilegeEscalation != false") and
// the detail of what to change, both worded as Kubernetes words them.
type Violation struct {
	Reason string
	Detail string
}

// Evaluate checks a pod (or a pod template) against a level of the latest standards and returns
// what it violates, in Kubernetes' order: the baseline checks, then the restricted ones, each group
// by check ID. A pod that passes gets none.
func Evaluate(level Level, m *meta.ObjectMeta, spec *core.PodSpec) []Violation {
	var checks []check
	switch level {
	case LevelBaseline:
		checks = baselineChecks
	case LevelRestricted:
		checks = restrictedChecks
	default:
		return nil
	}
	var out []Violation
	for _, c := range checks {
		if v := c.fn(m, spec); v != nil {
			out = append(out, *v)
		}
	}
	return out
}

// Detail renders violations as Kubernetes' error and warning messages do:
// `reason (detail), reason (detail)`.
func Detail(vs []Violation) string {
	var b strings.Builder
	for i, v := range vs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(v.Reason)
		if v.Detail != "" {
			b.WriteString(" (")
			b.WriteString(v.Detail)
			b.WriteString(")")
		}
	}
	return b.String()
}

// reasons lists the reasons alone, as warnings about existing pods do.
func reasons(vs []Violation) string {
	r := make([]string, len(vs))
	for i, v := range vs {
		r[i] = v.Reason
	}
	return strings.Join(r, ", ")
}

type check struct {
	id    string
	level Level
	// overrides lists the baseline checks this restricted check replaces at the restricted level.
	overrides []string
	fn        func(m *meta.ObjectMeta, spec *core.PodSpec) *Violation
}

var allChecks = []check{
	{id: "appArmorProfile", level: LevelBaseline, fn: appArmorProfile},
	{id: "capabilities_baseline", level: LevelBaseline, fn: capabilitiesBaseline},
	{id: "hostNamespaces", level: LevelBaseline, fn: hostNamespaces},
	{id: "hostPathVolumes", level: LevelBaseline, fn: hostPathVolumes},
	{id: "hostPorts", level: LevelBaseline, fn: hostPorts},
	{id: "hostProbesAndHostLifecycle", level: LevelBaseline, fn: hostProbesAndLifecycle},
	{id: "privileged", level: LevelBaseline, fn: privileged},
	{id: "procMount", level: LevelBaseline, fn: procMountBaseline},
	{id: "seLinuxOptions", level: LevelBaseline, fn: seLinuxOptions},
	{id: "seccompProfile_baseline", level: LevelBaseline, fn: seccompBaseline},
	{id: "sysctls", level: LevelBaseline, fn: sysctls},
	{id: "windowsHostProcess", level: LevelBaseline, fn: windowsHostProcess},

	{id: "allowPrivilegeEscalation", level: LevelRestricted, fn: allowPrivilegeEscalation},
	{id: "capabilities_restricted", level: LevelRestricted, overrides: []string{"capabilities_baseline"}, fn: capabilitiesRestricted},
	{id: "procMount_restricted", level: LevelRestricted, overrides: []string{"procMount"}, fn: procMount},
	{id: "restrictedVolumes", level: LevelRestricted, overrides: []string{"hostPathVolumes"}, fn: restrictedVolumes},
	{id: "runAsNonRoot", level: LevelRestricted, fn: runAsNonRoot},
	{id: "runAsUser", level: LevelRestricted, fn: runAsUser},
	{id: "seccompProfile_restricted", level: LevelRestricted, overrides: []string{"seccompProfile_baseline"}, fn: seccompRestricted},
}

var baselineChecks, restrictedChecks = orderChecks(allChecks)

// orderChecks sorts each level's checks by ID, as Kubernetes does to keep messages stable, and
// builds the restricted list: the baseline checks no restricted check overrides, then the
// restricted checks.
func orderChecks(all []check) (baseline, restricted []check) {
	overridden := map[string]bool{}
	var strict []check
	for _, c := range all {
		if c.level == LevelBaseline {
			baseline = append(baseline, c)
			continue
		}
		strict = append(strict, c)
		for _, id := range c.overrides {
			overridden[id] = true
		}
	}
	byID := func(a, b check) int { return strings.Compare(a.id, b.id) }
	slices.SortFunc(baseline, byID)
	slices.SortFunc(strict, byID)
	for _, c := range baseline {
		if !overridden[c.id] {
			restricted = append(restricted, c)
		}
	}
	return baseline, append(restricted, strict...)
}

// --- helpers ---

func joinQuote(items []string) string {
	if len(items) == 0 {
		return ""
	}
	return `"` + strings.Join(items, `", "`) + `"`
}

func pluralize(singular, plural string, n int) string {
	if n == 1 {
		return singular
	}
	return plural
}

// containers lists "container" or "containers" and the quoted names.
func containers(names []string) string {
	return pluralize("container", "containers", len(names)) + " " + joinQuote(names)
}

// set is a sorted set of strings, as Kubernetes' sets.String lists them.
type set map[string]bool

func (s set) list() []string {
	out := make([]string, 0, len(s))
	for k := range s {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// visitContainers calls f with every init, regular and ephemeral container, in that order.
func visitContainers(spec *core.PodSpec, f func(*core.Container)) {
	for i := range spec.InitContainers {
		f(&spec.InitContainers[i])
	}
	for i := range spec.Containers {
		f(&spec.Containers[i])
	}
	for i := range spec.EphemeralContainers {
		f((*core.Container)(&spec.EphemeralContainers[i].EphemeralContainerCommon))
	}
}

// userNamespaced: a pod in its own user namespace (hostUsers: false) is root only inside it, so the
// standards relax the checks about running as root for it.
func userNamespaced(spec *core.PodSpec) bool {
	return spec.HostUsers != nil && !*spec.HostUsers
}

// windows: Windows pods cannot set the Linux-only fields some restricted checks require.
func windows(spec *core.PodSpec) bool {
	return spec.OS != nil && spec.OS.Name == core.Windows
}

// --- baseline ---

func appArmorProfile(m *meta.ObjectMeta, spec *core.PodSpec) *Violation {
	allowedType := func(t core.AppArmorProfileType) bool {
		return t == core.AppArmorProfileTypeRuntimeDefault || t == core.AppArmorProfileTypeLocalhost
	}
	var setters []string
	badValues := set{}
	if sc := spec.SecurityContext; sc != nil && sc.AppArmorProfile != nil && !allowedType(sc.AppArmorProfile.Type) {
		setters = append(setters, "pod")
		badValues[string(sc.AppArmorProfile.Type)] = true
	}
	var bad []string
	visitContainers(spec, func(c *core.Container) {
		if sc := c.SecurityContext; sc != nil && sc.AppArmorProfile != nil && !allowedType(sc.AppArmorProfile.Type) {
			bad = append(bad, c.Name)
			badValues[string(sc.AppArmorProfile.Type)] = true
		}
	})
	if len(bad) > 0 {
		setters = append(setters, containers(bad))
	}
	const prefix = "container.apparmor.security.beta.kubernetes.io/"
	var annotations []string
	for k, v := range m.Annotations {
		if strings.HasPrefix(k, prefix) && v != "" && v != "runtime/default" && !strings.HasPrefix(v, "localhost/") {
			annotations = append(annotations, fmt.Sprintf("%s=%q", k, v))
		}
	}
	values := badValues.list()
	if len(annotations) > 0 {
		slices.Sort(annotations)
		values = append(values, annotations...)
		setters = append(setters, pluralize("annotation", "annotations", len(annotations)))
	}
	if len(setters) == 0 {
		return nil
	}
	return &Violation{
		Reason: pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", len(values)),
		Detail: fmt.Sprintf("%s must not set AppArmor profile type to %s", strings.Join(setters, " and "), joinQuote(values)),
	}
}

var baselineCapabilities = set{
	"AUDIT_WRITE": true, "CHOWN": true, "DAC_OVERRIDE": true, "FOWNER": true, "FSETID": true, "KILL": true,
	"MKNOD": true, "NET_BIND_SERVICE": true, "SETFCAP": true, "SETGID": true, "SETPCAP": true, "SETUID": true,
	"SYS_CHROOT": true,
}

func capabilitiesBaseline(_ *meta.ObjectMeta, spec *core.PodSpec) *Violation {
	var bad []string
	caps := set{}
	visitContainers(spec, func(c *core.Container) {
		if c.SecurityContext == nil || c.SecurityContext.Capabilities == nil {
			return
		}
		valid := true
		for _, added := range c.SecurityContext.Capabilities.Add {
			if !baselineCapabilities[string(added)] {
				valid = false
				caps[string(added)] = true
			}
		}
		if !valid {
			bad = append(bad, c.Name)
		}
	})
	if len(bad) == 0 {
		return nil
	}
	return &Violation{
		Reason: "non-default capabilities",
		Detail: fmt.Sprintf("%s must not include %s in securityContext.capabilities.add", containers(bad), joinQuote(caps.list())),
	}
}

func hostNamespaces(_ *meta.ObjectMeta, spec *core.PodSpec) *Violation {
	var used []string
	if spec.HostNetwork {
		used = append(used, "hostNetwork=true")
	}
	if spec.HostPID {
		used = append(used, "hostPID=true")
	}
	if spec.HostIPC {
		used = append(used, "hostIPC=true")
	}
	if len(used) == 0 {
		return nil
	}
	return &Violation{Reason: "host namespaces", Detail: strings.Join(used, ", ")}
}

func hostPathVolumes(_ *meta.ObjectMeta, spec *core.PodSpec) *Violation {
	var bad []string
	for _, v := range spec.Volumes {
		if v.HostPath != nil {
			bad = append(bad, v.Name)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return &Violation{Reason: "hostPath volumes", Detail: pluralize("volume", "volumes", len(bad)) + " " + joinQuote(bad)}
}

func hostPorts(_ *meta.ObjectMeta, spec *core.PodSpec) *Violation {
	var bad []string
	ports := set{}
	visitContainers(spec, func(c *core.Container) {
		valid := true
		for _, p := range c.Ports {
			if p.HostPort != 0 {
				valid = false
				ports[strconv.Itoa(int(p.HostPort))] = true
			}
		}
		if !valid {
			bad = append(bad, c.Name)
		}
	})
	if len(bad) == 0 {
		return nil
	}
	return &Violation{Reason: "hostPort", Detail: fmt.Sprintf("%s %s %s %s", containers(bad),
		pluralize("uses", "use", len(bad)), pluralize("hostPort", "hostPorts", len(ports)), strings.Join(ports.list(), ", "))}
}

func hostProbesAndLifecycle(_ *meta.ObjectMeta, spec *core.PodSpec) *Violation {
	bad, hosts := set{}, set{}
	probe := func(c *core.Container, p *core.Probe) {
		if p == nil {
			return
		}
		if p.HTTPGet != nil && p.HTTPGet.Host != "" {
			bad[c.Name], hosts[p.HTTPGet.Host] = true, true
		}
		if p.TCPSocket != nil && p.TCPSocket.Host != "" {
			bad[c.Name], hosts[p.TCPSocket.Host] = true, true
		}
	}
	hook := func(c *core.Container, h *core.LifecycleHandler) {
		if h == nil {
			return
		}
		if h.HTTPGet != nil && h.HTTPGet.Host != "" {
			bad[c.Name], hosts[h.HTTPGet.Host] = true, true
		}
		if h.TCPSocket != nil && h.TCPSocket.Host != "" {
			bad[c.Name], hosts[h.TCPSocket.Host] = true, true
		}
	}
	visitContainers(spec, func(c *core.Container) {
		probe(c, c.LivenessProbe)
		probe(c, c.ReadinessProbe)
		probe(c, c.StartupProbe)
		if c.Lifecycle != nil {
			hook(c, c.Lifecycle.PostStart)
			hook(c, c.Lifecycle.PreStop)
		}
	})
	if len(bad) == 0 {
		return nil
	}
	return &Violation{Reason: "probe or lifecycle host", Detail: fmt.Sprintf("%s %s %s %s", containers(bad.list()),
		pluralize("uses", "use", len(bad)), pluralize("probe or lifecycle host", "probe or lifecycle hosts", len(hosts)), joinQuote(hosts.list()))}
}

func privileged(_ *meta.ObjectMeta, spec *core.PodSpec) *Violation {
	var bad []string
	visitContainers(spec, func(c *core.Container) {
		if sc := c.SecurityContext; sc != nil && sc.Privileged != nil && *sc.Privileged {
			bad = append(bad, c.Name)
		}
	})
	if len(bad) == 0 {
		return nil
	}
	return &Violation{Reason: "privileged", Detail: containers(bad) + " must not set securityContext.privileged=true"}
}

// procMountBaseline lets a pod in its own user namespace unmask /proc: the host's /proc is not
// what it sees.
func procMountBaseline(m *meta.ObjectMeta, spec *core.PodSpec) *Violation {
	if userNamespaced(spec) {
		return nil
	}
	return procMount(m, spec)
}

func procMount(_ *meta.ObjectMeta, spec *core.PodSpec) *Violation {
	var bad []string
	types := set{}
	visitContainers(spec, func(c *core.Container) {
		if sc := c.SecurityContext; sc != nil && sc.ProcMount != nil && *sc.ProcMount != core.DefaultProcMount {
			bad = append(bad, c.Name)
			types[string(*sc.ProcMount)] = true
		}
	})
	if len(bad) == 0 {
		return nil
	}
	return &Violation{Reason: "procMount", Detail: fmt.Sprintf("%s must not set securityContext.procMount to %s", containers(bad), joinQuote(types.list()))}
}

var seLinuxTypes = set{"": true, "container_t": true, "container_init_t": true, "container_kvm_t": true, "container_engine_t": true}

func seLinuxOptions(_ *meta.ObjectMeta, spec *core.PodSpec) *Violation {
	badTypes := set{}
	setUser, setRole := false, false
	valid := func(o *core.SELinuxOptions) bool {
		ok := true
		if !seLinuxTypes[o.Type] {
			ok = false
			badTypes[o.Type] = true
		}
		if o.User != "" {
			ok, setUser = false, true
		}
		if o.Role != "" {
			ok, setRole = false, true
		}
		return ok
	}
	var setters, bad []string
	if sc := spec.SecurityContext; sc != nil && sc.SELinuxOptions != nil && !valid(sc.SELinuxOptions) {
		setters = append(setters, "pod")
	}
	visitContainers(spec, func(c *core.Container) {
		if sc := c.SecurityContext; sc != nil && sc.SELinuxOptions != nil && !valid(sc.SELinuxOptions) {
			bad = append(bad, c.Name)
		}
	})
	if len(bad) > 0 {
		setters = append(setters, containers(bad))
	}
	if len(setters) == 0 {
		return nil
	}
	var what []string
	if len(badTypes) > 0 {
		what = append(what, pluralize("type", "types", len(badTypes))+" "+joinQuote(badTypes.list()))
	}
	if setUser {
		what = append(what, "user may not be set")
	}
	if setRole {
		what = append(what, "role may not be set")
	}
	return &Violation{Reason: "seLinuxOptions", Detail: fmt.Sprintf("%s set forbidden securityContext.seLinuxOptions: %s",
		strings.Join(setters, " and "), strings.Join(what, "; "))}
}

func validSeccomp(t core.SeccompProfileType) bool {
	return t == core.SeccompProfileTypeRuntimeDefault || t == core.SeccompProfileTypeLocalhost
}

func seccompBaseline(_ *meta.ObjectMeta, spec *core.PodSpec) *Violation {
	var setters, bad []string
	values := set{}
	if sc := spec.SecurityContext; sc != nil && sc.SeccompProfile != nil && !validSeccomp(sc.SeccompProfile.Type) {
		setters = append(setters, "pod")
		values[string(sc.SeccompProfile.Type)] = true
	}
	visitContainers(spec, func(c *core.Container) {
		if sc := c.SecurityContext; sc != nil && sc.SeccompProfile != nil && !validSeccomp(sc.SeccompProfile.Type) {
			bad = append(bad, c.Name)
			values[string(sc.SeccompProfile.Type)] = true
		}
	})
	if len(bad) > 0 {
		setters = append(setters, containers(bad))
	}
	if len(setters) == 0 {
		return nil
	}
	return &Violation{Reason: "seccompProfile", Detail: fmt.Sprintf("%s must not set securityContext.seccompProfile.type to %s",
		strings.Join(setters, " and "), joinQuote(values.list()))}
}

// safeSysctls are namespaced in the pod and isolated from other pods on the node.
var safeSysctls = set{
	"kernel.shm_rmid_forced": true, "net.ipv4.ip_local_port_range": true, "net.ipv4.tcp_syncookies": true,
	"net.ipv4.ping_group_range": true, "net.ipv4.ip_unprivileged_port_start": true,
	"net.ipv4.ip_local_reserved_ports": true,                                   // 1.27
	"net.ipv4.tcp_keepalive_time":      true, "net.ipv4.tcp_fin_timeout": true, // 1.29
	"net.ipv4.tcp_keepalive_intvl": true, "net.ipv4.tcp_keepalive_probes": true,
	"net.ipv4.tcp_rmem": true, "net.ipv4.tcp_wmem": true, // 1.32
	"net.ipv4.tcp_slow_start_after_idle": true, "net.ipv4.tcp_notsent_lowat": true, // 1.37
}

func sysctls(_ *meta.ObjectMeta, spec *core.PodSpec) *Violation {
	if spec.SecurityContext == nil {
		return nil
	}
	var bad []string
	for _, s := range spec.SecurityContext.Sysctls {
		if !safeSysctls[s.Name] {
			bad = append(bad, s.Name)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return &Violation{Reason: "forbidden sysctls", Detail: strings.Join(bad, ", ")}
}

func windowsHostProcess(_ *meta.ObjectMeta, spec *core.PodSpec) *Violation {
	hostProcess := func(o *core.WindowsSecurityContextOptions) bool {
		return o != nil && o.HostProcess != nil && *o.HostProcess
	}
	var setters, bad []string
	if sc := spec.SecurityContext; sc != nil && hostProcess(sc.WindowsOptions) {
		setters = append(setters, "pod")
	}
	visitContainers(spec, func(c *core.Container) {
		if c.SecurityContext != nil && hostProcess(c.SecurityContext.WindowsOptions) {
			bad = append(bad, c.Name)
		}
	})
	if len(bad) > 0 {
		setters = append(setters, containers(bad))
	}
	if len(setters) == 0 {
		return nil
	}
	return &Violation{Reason: "hostProcess", Detail: strings.Join(setters, " and ") + " must not set securityContext.windowsOptions.hostProcess=true"}
}

// --- restricted ---

func allowPrivilegeEscalation(_ *meta.ObjectMeta, spec *core.PodSpec) *Violation {
	if windows(spec) {
		return nil
	}
	var bad []string
	visitContainers(spec, func(c *core.Container) {
		if sc := c.SecurityContext; sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
			bad = append(bad, c.Name)
		}
	})
	if len(bad) == 0 {
		return nil
	}
	return &Violation{Reason: "allowPrivilegeEscalation != false", Detail: containers(bad) + " must set securityContext.allowPrivilegeEscalation=false"}
}

func capabilitiesRestricted(_ *meta.ObjectMeta, spec *core.PodSpec) *Violation {
	if windows(spec) {
		return nil
	}
	var missingDrop, adding []string
	caps := set{}
	visitContainers(spec, func(c *core.Container) {
		if c.SecurityContext == nil || c.SecurityContext.Capabilities == nil {
			missingDrop = append(missingDrop, c.Name)
			return
		}
		if !slices.Contains(c.SecurityContext.Capabilities.Drop, "ALL") {
			missingDrop = append(missingDrop, c.Name)
		}
		forbidden := false
		for _, added := range c.SecurityContext.Capabilities.Add {
			if added != "NET_BIND_SERVICE" {
				forbidden = true
				caps[string(added)] = true
			}
		}
		if forbidden {
			adding = append(adding, c.Name)
		}
	})
	var details []string
	if len(missingDrop) > 0 {
		details = append(details, containers(missingDrop)+` must set securityContext.capabilities.drop=["ALL"]`)
	}
	if len(adding) > 0 {
		details = append(details, fmt.Sprintf("%s must not include %s in securityContext.capabilities.add", containers(adding), joinQuote(caps.list())))
	}
	if len(details) == 0 {
		return nil
	}
	return &Violation{Reason: "unrestricted capabilities", Detail: strings.Join(details, "; ")}
}

func restrictedVolumes(_ *meta.ObjectMeta, spec *core.PodSpec) *Violation {
	var bad []string
	types := set{}
	for _, v := range spec.Volumes {
		switch {
		case v.ConfigMap != nil, v.CSI != nil, v.DownwardAPI != nil, v.EmptyDir != nil, v.Image != nil,
			v.PersistentVolumeClaim != nil, v.Projected != nil, v.Secret != nil:
			continue
		case v.HostPath != nil:
			types["hostPath"] = true
		case v.NFS != nil:
			types["nfs"] = true
		default:
			types["unknown"] = true
		}
		bad = append(bad, v.Name)
	}
	if len(bad) == 0 {
		return nil
	}
	return &Violation{Reason: "restricted volume types", Detail: fmt.Sprintf("%s %s %s %s",
		pluralize("volume", "volumes", len(bad))+" "+joinQuote(bad), pluralize("uses", "use", len(bad)),
		pluralize("restricted volume type", "restricted volume types", len(types)), joinQuote(types.list()))}
}

func runAsNonRoot(_ *meta.ObjectMeta, spec *core.PodSpec) *Violation {
	if userNamespaced(spec) {
		return nil
	}
	var setters, explicit, implicit []string
	podNonRoot := false
	if sc := spec.SecurityContext; sc != nil && sc.RunAsNonRoot != nil {
		if *sc.RunAsNonRoot {
			podNonRoot = true
		} else {
			setters = append(setters, "pod")
		}
	}
	visitContainers(spec, func(c *core.Container) {
		switch sc := c.SecurityContext; {
		case sc != nil && sc.RunAsNonRoot != nil:
			if !*sc.RunAsNonRoot {
				explicit = append(explicit, c.Name)
			}
		case !podNonRoot:
			implicit = append(implicit, c.Name)
		}
	})
	if len(explicit) > 0 {
		setters = append(setters, containers(explicit))
	}
	if len(setters) > 0 {
		return &Violation{Reason: "runAsNonRoot != true", Detail: strings.Join(setters, " and ") + " must not set securityContext.runAsNonRoot=false"}
	}
	if len(implicit) > 0 {
		return &Violation{Reason: "runAsNonRoot != true", Detail: "pod or " + containers(implicit) + " must set securityContext.runAsNonRoot=true"}
	}
	return nil
}

func runAsUser(_ *meta.ObjectMeta, spec *core.PodSpec) *Violation {
	if userNamespaced(spec) {
		return nil
	}
	var setters, bad []string
	if sc := spec.SecurityContext; sc != nil && sc.RunAsUser != nil && *sc.RunAsUser == 0 {
		setters = append(setters, "pod")
	}
	visitContainers(spec, func(c *core.Container) {
		if sc := c.SecurityContext; sc != nil && sc.RunAsUser != nil && *sc.RunAsUser == 0 {
			bad = append(bad, c.Name)
		}
	})
	if len(bad) > 0 {
		setters = append(setters, containers(bad))
	}
	if len(setters) == 0 {
		return nil
	}
	return &Violation{Reason: "runAsUser=0", Detail: strings.Join(setters, " and ") + " must not set runAsUser=0"}
}

func seccompRestricted(_ *meta.ObjectMeta, spec *core.PodSpec) *Violation {
	if windows(spec) {
		return nil
	}
	var setters, explicit, implicit []string
	values := set{}
	podSet := false
	if sc := spec.SecurityContext; sc != nil && sc.SeccompProfile != nil {
		if validSeccomp(sc.SeccompProfile.Type) {
			podSet = true
		} else {
			setters = append(setters, "pod")
			values[string(sc.SeccompProfile.Type)] = true
		}
	}
	visitContainers(spec, func(c *core.Container) {
		switch sc := c.SecurityContext; {
		case sc != nil && sc.SeccompProfile != nil:
			if !validSeccomp(sc.SeccompProfile.Type) {
				explicit = append(explicit, c.Name)
				values[string(sc.SeccompProfile.Type)] = true
			}
		case !podSet:
			implicit = append(implicit, c.Name)
		}
	})
	if len(explicit) > 0 {
		setters = append(setters, containers(explicit))
	}
	if len(setters) > 0 {
		return &Violation{Reason: "seccompProfile", Detail: fmt.Sprintf("%s must not set securityContext.seccompProfile.type to %s",
			strings.Join(setters, " and "), joinQuote(values.list()))}
	}
	if len(implicit) > 0 {
		return &Violation{Reason: "seccompProfile", Detail: "pod or " + containers(implicit) + ` must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`}
	}
	return nil
}
