package core

// Defaulting mirrors Kubernetes' SetDefaults_* functions for core/v1 (pkg/apis/core/v1/defaults.go
// and the generated defaulters that walk nested structs). It only fills what is unset; it never
// overwrites a value the client gave. Kubernetes additionally rounds every ResourceList quantity up
// to milli precision; skiff keeps quantities as given.

// DefaultPod applies Kubernetes' defaults to a Pod: the pod spec defaults (see DefaultPodSpec) plus
// the ones that apply to pods only and not to pod templates: requests copied from limits where a
// request is missing, enableServiceLinks true, and, with hostNetwork, hostPort copied from
// containerPort.
func DefaultPod(pod *Pod) {
	spec := &pod.Spec
	for i := range spec.Containers {
		defaultRequestsFromLimits(&spec.Containers[i].Resources)
	}
	for i := range spec.InitContainers {
		defaultRequestsFromLimits(&spec.InitContainers[i].Resources)
	}
	if spec.EnableServiceLinks == nil {
		spec.EnableServiceLinks = ptrTo(true)
	}
	if spec.HostNetwork {
		defaultHostNetworkPorts(spec.Containers)
		defaultHostNetworkPorts(spec.InitContainers)
	}
	DefaultPodSpec(spec)
}

// defaultRequestsFromLimits copies each limit without a matching request into the requests.
func defaultRequestsFromLimits(r *ResourceRequirements) {
	if r.Limits == nil {
		return
	}
	if r.Requests == nil {
		r.Requests = make(ResourceList, len(r.Limits))
	}
	for name, limit := range r.Limits {
		if _, ok := r.Requests[name]; !ok {
			r.Requests[name] = limit.DeepCopy()
		}
	}
}

func defaultHostNetworkPorts(containers []Container) {
	for i := range containers {
		for j := range containers[i].Ports {
			if p := &containers[i].Ports[j]; p.HostPort == 0 {
				p.HostPort = p.ContainerPort
			}
		}
	}
}

// DefaultPodTemplateSpec applies the pod spec defaults to a template, as Kubernetes does for the
// templates of Deployments, ReplicaSets and other controllers.
func DefaultPodTemplateSpec(t *PodTemplateSpec) { DefaultPodSpec(&t.Spec) }

// DefaultPodSpec applies the defaults Kubernetes gives every PodSpec, in a Pod or a template:
// dnsPolicy ClusterFirst, restartPolicy Always, an empty securityContext, a 30s grace period, the
// default scheduler, and the defaults of every volume and container.
func DefaultPodSpec(spec *PodSpec) {
	if spec.DNSPolicy == "" {
		spec.DNSPolicy = DNSClusterFirst
	}
	if spec.RestartPolicy == "" {
		spec.RestartPolicy = RestartPolicyAlways
	}
	if spec.SecurityContext == nil {
		spec.SecurityContext = &PodSecurityContext{}
	}
	if spec.TerminationGracePeriodSeconds == nil {
		spec.TerminationGracePeriodSeconds = ptrTo(int64(DefaultTerminationGracePeriodSeconds))
	}
	if spec.SchedulerName == "" {
		spec.SchedulerName = DefaultSchedulerName
	}
	for i := range spec.Volumes {
		DefaultVolume(&spec.Volumes[i])
	}
	for i := range spec.InitContainers {
		DefaultContainer(&spec.InitContainers[i])
	}
	for i := range spec.Containers {
		DefaultContainer(&spec.Containers[i])
	}
	for i := range spec.EphemeralContainers {
		DefaultContainer((*Container)(&spec.EphemeralContainers[i].EphemeralContainerCommon))
	}
}

// DefaultVolume gives a volume without a source an emptyDir, and fills the defaults of its source:
// hostPath type "", file modes 0644 for secret, configMap, downwardAPI and projected volumes, a one
// hour service account token, and apiVersion v1 on downward API field selectors.
func DefaultVolume(v *Volume) {
	if v.VolumeSource == (VolumeSource{}) {
		v.EmptyDir = &EmptyDirVolumeSource{}
	}
	if v.HostPath != nil && v.HostPath.Type == nil {
		v.HostPath.Type = ptrTo(HostPathUnset)
	}
	if v.Secret != nil && v.Secret.DefaultMode == nil {
		v.Secret.DefaultMode = ptrTo(SecretVolumeSourceDefaultMode)
	}
	if v.ConfigMap != nil && v.ConfigMap.DefaultMode == nil {
		v.ConfigMap.DefaultMode = ptrTo(ConfigMapVolumeSourceDefaultMode)
	}
	if d := v.DownwardAPI; d != nil {
		if d.DefaultMode == nil {
			d.DefaultMode = ptrTo(DownwardAPIVolumeSourceDefaultMode)
		}
		defaultDownwardAPIFiles(d.Items)
	}
	if p := v.Projected; p != nil {
		if p.DefaultMode == nil {
			p.DefaultMode = ptrTo(ProjectedVolumeSourceDefaultMode)
		}
		for i := range p.Sources {
			src := &p.Sources[i]
			if src.DownwardAPI != nil {
				defaultDownwardAPIFiles(src.DownwardAPI.Items)
			}
			if t := src.ServiceAccountToken; t != nil && t.ExpirationSeconds == nil {
				t.ExpirationSeconds = ptrTo(int64(3600))
			}
		}
	}
	if img := v.Image; img != nil && img.PullPolicy == "" {
		img.PullPolicy = defaultPullPolicy(img.Reference)
	}
}

func defaultDownwardAPIFiles(items []DownwardAPIVolumeFile) {
	for i := range items {
		defaultObjectFieldSelector(items[i].FieldRef)
	}
}

func defaultObjectFieldSelector(s *ObjectFieldSelector) {
	if s != nil && s.APIVersion == "" {
		s.APIVersion = "v1"
	}
}

// DefaultContainer fills a container's defaults: imagePullPolicy (Always for an image tagged
// "latest" or untagged and undigested, IfNotPresent otherwise), the termination message path and
// policy, TCP on ports, apiVersion v1 on downward API env vars, and the defaults of its probes and
// lifecycle hooks.
func DefaultContainer(c *Container) {
	if c.ImagePullPolicy == "" {
		c.ImagePullPolicy = defaultPullPolicy(c.Image)
	}
	if c.TerminationMessagePath == "" {
		c.TerminationMessagePath = TerminationMessagePathDefault
	}
	if c.TerminationMessagePolicy == "" {
		c.TerminationMessagePolicy = TerminationMessageReadFile
	}
	for i := range c.Ports {
		if c.Ports[i].Protocol == "" {
			c.Ports[i].Protocol = ProtocolTCP
		}
	}
	for i := range c.Env {
		if from := c.Env[i].ValueFrom; from != nil {
			defaultObjectFieldSelector(from.FieldRef)
		}
	}
	for _, p := range []*Probe{c.LivenessProbe, c.ReadinessProbe, c.StartupProbe} {
		if p != nil {
			DefaultProbe(p)
		}
	}
	if l := c.Lifecycle; l != nil {
		for _, h := range []*LifecycleHandler{l.PostStart, l.PreStop} {
			if h != nil && h.HTTPGet != nil {
				defaultHTTPGet(h.HTTPGet)
			}
		}
	}
}

// defaultPullPolicy is Always when the image names no tag and no digest, or the tag "latest", and
// IfNotPresent otherwise (an unparsable reference included), as Kubernetes decides it.
func defaultPullPolicy(image string) PullPolicy {
	if tag, ok := imageTag(image); ok && tag == "latest" {
		return PullAlways
	}
	return PullIfNotPresent
}

// DefaultProbe fills a probe's defaults: timeout 1s, period 10s, success threshold 1, failure
// threshold 3, and the defaults of its HTTP or gRPC action.
func DefaultProbe(p *Probe) {
	if p.TimeoutSeconds == 0 {
		p.TimeoutSeconds = 1
	}
	if p.PeriodSeconds == 0 {
		p.PeriodSeconds = 10
	}
	if p.SuccessThreshold == 0 {
		p.SuccessThreshold = 1
	}
	if p.FailureThreshold == 0 {
		p.FailureThreshold = 3
	}
	if p.HTTPGet != nil {
		defaultHTTPGet(p.HTTPGet)
	}
	if p.GRPC != nil && p.GRPC.Service == nil {
		p.GRPC.Service = ptrTo("")
	}
}

func defaultHTTPGet(h *HTTPGetAction) {
	if h.Path == "" {
		h.Path = "/"
	}
	if h.Scheme == "" {
		h.Scheme = URISchemeHTTP
	}
}

// DefaultNode fills a node's defaults: allocatable copied from capacity when the kubelet sent none.
func DefaultNode(node *Node) {
	s := &node.Status
	if s.Allocatable == nil && s.Capacity != nil {
		s.Allocatable = make(ResourceList, len(s.Capacity))
		for name, q := range s.Capacity {
			s.Allocatable[name] = q.DeepCopy()
		}
	}
}

// DefaultNamespace fills a namespace's defaults, as Kubernetes' defaulting does: the label
// kubernetes.io/metadata.name with the namespace's own name (when it has one), and phase Active.
// The "kubernetes" finalizer is not a default: the API server adds it on create, see
// PrepareNamespaceForCreate.
func DefaultNamespace(ns *Namespace) {
	if ns.Name != "" {
		if ns.Labels == nil {
			ns.Labels = map[string]string{}
		}
		ns.Labels[LabelMetadataName] = ns.Name
	}
	if ns.Status.Phase == "" {
		ns.Status.Phase = NamespaceActive
	}
}

// PrepareNamespaceForCreate does what Kubernetes' namespace registry strategy does before a
// namespace is stored: the status is reset to phase Active and the "kubernetes" finalizer is added,
// so that the namespace controller empties the namespace before it goes away. It is not defaulting:
// clients cannot opt out of it.
func PrepareNamespaceForCreate(ns *Namespace) {
	ns.Status = NamespaceStatus{Phase: NamespaceActive}
	for _, f := range ns.Spec.Finalizers {
		if f == FinalizerKubernetes {
			return
		}
	}
	ns.Spec.Finalizers = append(ns.Spec.Finalizers, FinalizerKubernetes)
}

// PrepareNamespaceForUpdate does what Kubernetes' namespace registry strategy does on an update of
// the main resource: spec.finalizers (changed only through the finalize subresource) and status
// (changed only through the status subresource) keep their old values.
func PrepareNamespaceForUpdate(newNS, oldNS *Namespace) {
	newNS.Spec.Finalizers = oldNS.Spec.Finalizers
	newNS.Status = oldNS.Status
}

// DefaultSecret fills a secret's defaults: type Opaque.
func DefaultSecret(s *Secret) {
	if s.Type == "" {
		s.Type = SecretTypeOpaque
	}
}

// DefaultConfigMap fills a config map's defaults: an empty data map. The empty map is omitted on
// the wire, so this is invisible to clients; Kubernetes does it too.
func DefaultConfigMap(cm *ConfigMap) {
	if cm.Data == nil {
		cm.Data = map[string]string{}
	}
}

// DefaultLimitRange fills the defaults of each item, see DefaultLimitRangeItem.
func DefaultLimitRange(lr *LimitRange) {
	for i := range lr.Spec.Limits {
		DefaultLimitRangeItem(&lr.Spec.Limits[i])
	}
}

// DefaultLimitRangeItem fills a Container item as Kubernetes does: a missing default limit is the
// max, a missing default request is the default limit, and failing that the min.
func DefaultLimitRangeItem(item *LimitRangeItem) {
	if item.Type != LimitTypeContainer {
		return
	}
	if item.Default == nil {
		item.Default = ResourceList{}
	}
	if item.DefaultRequest == nil {
		item.DefaultRequest = ResourceList{}
	}
	for name, q := range item.Max {
		if _, ok := item.Default[name]; !ok {
			item.Default[name] = q.DeepCopy()
		}
	}
	for name, q := range item.Default {
		if _, ok := item.DefaultRequest[name]; !ok {
			item.DefaultRequest[name] = q.DeepCopy()
		}
	}
	for name, q := range item.Min {
		if _, ok := item.DefaultRequest[name]; !ok {
			item.DefaultRequest[name] = q.DeepCopy()
		}
	}
}

func ptrTo[T any](v T) *T { return &v }
