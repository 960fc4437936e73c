package serviceaccount

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"k8s.io/utils/clock"

	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/store"
)

// PluginName is the plugin's name, as --enable-admission-plugins spells it.
const PluginName = "ServiceAccount"

const (
	// DefaultServiceAccountName is the service account of pods that name none.
	DefaultServiceAccountName = "default"
	// EnforceMountableSecretsAnnotation, set to "true" on a service account, limits its pods to the
	// secrets it lists.
	EnforceMountableSecretsAnnotation = "kubernetes.io/enforce-mountable-secrets"
	// ServiceAccountVolumeName starts the name of the projected token volume.
	ServiceAccountVolumeName = "kube-api-access"
	// DefaultAPITokenMountPath is where containers find token, ca.crt and namespace.
	DefaultAPITokenMountPath = "/var/run/secrets/kubernetes.io/serviceaccount"
	// RootCAConfigMapName is the ConfigMap in every namespace that holds the cluster's CA.
	RootCAConfigMapName = "kube-root-ca.crt"
	// TokenExpirationSeconds is the lifetime the volume asks for its token: one hour and seven
	// seconds, a value the token issuer recognises as coming from this plugin, so it can warn about
	// clients still using the token after an hour instead of breaking them.
	TokenExpirationSeconds int64 = 3607
)

// Options configure the plugin.
type Options struct {
	// Clock paces the retries while waiting for the default service account; the real clock when nil.
	Clock clock.Clock
	// DefaultAccountAttempts is how many times the default service account is looked up before the
	// pod is refused; 10 when zero, as in Kubernetes. Other service accounts are looked up once.
	DefaultAccountAttempts int
	// LimitSecretReferences refuses, for every service account, pods using secrets the account does
	// not list, as if each carried EnforceMountableSecretsAnnotation.
	LimitSecretReferences bool
	// NameSuffix returns the random suffix of the token volume's name; five characters of
	// Kubernetes' name alphabet when nil.
	NameSuffix func() string
}

// Plugin is the ServiceAccount admission plugin. It is safe for concurrent use.
type Plugin struct {
	accounts store.Reader
	opts     Options
}

// New returns the plugin, which reads service accounts from st.
func New(st store.Reader, opts Options) *Plugin {
	if opts.Clock == nil {
		opts.Clock = clock.RealClock{}
	}
	if opts.DefaultAccountAttempts <= 0 {
		opts.DefaultAccountAttempts = 10
	}
	if opts.NameSuffix == nil {
		opts.NameSuffix = randomSuffix
	}
	return &Plugin{accounts: st, opts: opts}
}

var (
	_ admission.Mutator   = (*Plugin)(nil)
	_ admission.Validator = (*Plugin)(nil)
)

// Name returns PluginName.
func (p *Plugin) Name() string { return PluginName }

// Handles creates only: a pod's service account and volumes cannot change afterwards.
func (p *Plugin) Handles(op admission.Operation) bool { return op == admission.Create }

// Admit sets the service account, mounts its token and copies its image pull secrets, then checks
// the pod as Validate does.
func (p *Plugin) Admit(ctx context.Context, a *admission.Attributes) error {
	pod, ok := podOf(a)
	if !ok {
		return nil
	}
	spec := &pod.Spec
	if spec.ServiceAccountName == "" {
		spec.ServiceAccountName = spec.DeprecatedServiceAccount
	}
	// The kubelet runs a mirror pod from a file and deletes it if its spec differs, so it is never
	// changed, only checked.
	if _, mirror := pod.Annotations[core.MirrorPodAnnotationKey]; mirror {
		return p.Validate(ctx, a)
	}
	if spec.ServiceAccountName == "" {
		spec.ServiceAccountName = DefaultServiceAccountName
	}
	spec.DeprecatedServiceAccount = spec.ServiceAccountName
	sa, err := p.serviceAccount(ctx, a.Namespace, spec.ServiceAccountName)
	if err != nil {
		return forbidden(a, fmt.Errorf("error looking up service account %s/%s: %w", a.Namespace, spec.ServiceAccountName, err))
	}
	if shouldAutomount(sa, spec) {
		p.mountToken(spec)
	}
	if len(spec.ImagePullSecrets) == 0 && len(sa.ImagePullSecrets) > 0 {
		spec.ImagePullSecrets = append([]core.LocalObjectReference(nil), sa.ImagePullSecrets...)
	}
	return p.Validate(ctx, a)
}

// Validate refuses mirror pods that use service accounts or secrets, pods whose service account
// does not exist, and pods using secrets their service account does not allow.
func (p *Plugin) Validate(ctx context.Context, a *admission.Attributes) error {
	pod, ok := podOf(a)
	if !ok {
		return nil
	}
	if _, mirror := pod.Annotations[core.MirrorPodAnnotationKey]; mirror {
		return validateMirrorPod(a, pod)
	}
	sa, err := p.serviceAccount(ctx, a.Namespace, pod.Spec.ServiceAccountName)
	if err != nil {
		return forbidden(a, fmt.Errorf("error looking up service account %s/%s: %w", a.Namespace, pod.Spec.ServiceAccountName, err))
	}
	if p.enforceMountableSecrets(sa) {
		if err := limitSecretReferences(sa, &pod.Spec); err != nil {
			return forbidden(a, err)
		}
	}
	return nil
}

// podOf returns the pod of a create of the pods resource proper.
func podOf(a *admission.Attributes) (*core.Pod, bool) {
	if a.Group != core.GroupName || a.Resource != "pods" || a.Subresource != "" {
		return nil, false
	}
	pod, ok := a.Object.(*core.Pod)
	return pod, ok
}

// serviceAccount reads the service account. The default one is looked for several times, a random
// 100-200ms apart, because its controller creates it just after its namespace and a pod created
// right then should not fail.
func (p *Plugin) serviceAccount(ctx context.Context, namespace, name string) (*core.ServiceAccount, error) {
	attempts := 1
	if name == DefaultServiceAccountName {
		attempts = p.opts.DefaultAccountAttempts
	}
	interval := time.Duration(100+rand.Int64N(100)) * time.Millisecond
	key := store.Key("serviceaccounts", namespace, name)
	for i := 0; ; i++ {
		sa, err := store.GetAs[*core.ServiceAccount](ctx, p.accounts, key)
		if err == nil {
			return sa, nil
		}
		if !store.IsNotFound(err) {
			return nil, err
		}
		if i+1 >= attempts {
			return nil, apierrors.NewNotFound(apierrors.GroupResource{Resource: "serviceaccount"}, name)
		}
		t := p.opts.Clock.NewTimer(interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C():
		}
	}
}

// shouldAutomount: the pod's choice wins, then the service account's, and the default is true.
func shouldAutomount(sa *core.ServiceAccount, spec *core.PodSpec) bool {
	if spec.AutomountServiceAccountToken != nil {
		return *spec.AutomountServiceAccountToken
	}
	if sa.AutomountServiceAccountToken != nil {
		return *sa.AutomountServiceAccountToken
	}
	return true
}

func (p *Plugin) enforceMountableSecrets(sa *core.ServiceAccount) bool {
	if p.opts.LimitSecretReferences {
		return true
	}
	v, ok := sa.Annotations[EnforceMountableSecretsAnnotation]
	if !ok {
		return false
	}
	enforce, _ := strconv.ParseBool(v)
	return enforce
}

// mountToken mounts the token volume in every init container and container that has nothing at
// DefaultAPITokenMountPath, and adds the volume when one of them needs it and the pod has no
// kube-api-access-* volume already.
func (p *Plugin) mountToken(spec *core.PodSpec) {
	volumeName := ""
	for _, v := range spec.Volumes {
		if strings.HasPrefix(v.Name, ServiceAccountVolumeName+"-") {
			volumeName = v.Name
			break
		}
	}
	hasVolume := volumeName != ""
	if !hasVolume {
		volumeName = ServiceAccountVolumeName + "-" + p.opts.NameSuffix()
	}
	mount := core.VolumeMount{Name: volumeName, ReadOnly: true, MountPath: DefaultAPITokenMountPath}
	needed := false
	for _, cs := range [][]core.Container{spec.InitContainers, spec.Containers} {
		for i := range cs {
			if !mountsAt(&cs[i], DefaultAPITokenMountPath) {
				cs[i].VolumeMounts = append(cs[i].VolumeMounts, mount)
				needed = true
			}
		}
	}
	if needed && !hasVolume {
		spec.Volumes = append(spec.Volumes, core.Volume{Name: volumeName, VolumeSource: core.VolumeSource{Projected: TokenVolumeSource()}})
	}
}

func mountsAt(c *core.Container, path string) bool {
	for _, m := range c.VolumeMounts {
		if m.MountPath == path {
			return true
		}
	}
	return false
}

// TokenVolumeSource returns the projected volume source of the token volume, exactly as Kubernetes
// writes it, file mode included.
func TokenVolumeSource() *core.ProjectedVolumeSource {
	mode := core.ProjectedVolumeSourceDefaultMode
	expiration := TokenExpirationSeconds
	return &core.ProjectedVolumeSource{
		DefaultMode: &mode,
		Sources: []core.VolumeProjection{
			{ServiceAccountToken: &core.ServiceAccountTokenProjection{Path: "token", ExpirationSeconds: &expiration}},
			{ConfigMap: &core.ConfigMapProjection{
				LocalObjectReference: core.LocalObjectReference{Name: RootCAConfigMapName},
				Items:                []core.KeyToPath{{Key: "ca.crt", Path: "ca.crt"}},
			}},
			{DownwardAPI: &core.DownwardAPIProjection{Items: []core.DownwardAPIVolumeFile{{
				Path:     "namespace",
				FieldRef: &core.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.namespace"},
			}}}},
		},
	}
}

func validateMirrorPod(a *admission.Attributes, pod *core.Pod) error {
	if pod.Spec.ServiceAccountName != "" {
		return forbidden(a, fmt.Errorf("a mirror pod may not reference service accounts"))
	}
	if usesSecrets(&pod.Spec) {
		return forbidden(a, fmt.Errorf("a mirror pod may not reference secrets"))
	}
	for _, v := range pod.Spec.Volumes {
		if v.Projected == nil {
			continue
		}
		for _, src := range v.Projected.Sources {
			if src.ServiceAccountToken != nil {
				return forbidden(a, fmt.Errorf("a mirror pod may not use ServiceAccountToken volume projections"))
			}
		}
	}
	return nil
}

// allContainers lists init, regular and ephemeral containers.
func allContainers(spec *core.PodSpec) []*core.Container {
	var out []*core.Container
	for i := range spec.InitContainers {
		out = append(out, &spec.InitContainers[i])
	}
	for i := range spec.Containers {
		out = append(out, &spec.Containers[i])
	}
	for i := range spec.EphemeralContainers {
		out = append(out, (*core.Container)(&spec.EphemeralContainers[i].EphemeralContainerCommon))
	}
	return out
}

// usesSecrets reports whether the pod names any secret: pull secrets, environment, volumes.
func usesSecrets(spec *core.PodSpec) bool {
	if len(spec.ImagePullSecrets) > 0 {
		return true
	}
	for _, c := range allContainers(spec) {
		for _, from := range c.EnvFrom {
			if from.SecretRef != nil {
				return true
			}
		}
		for _, env := range c.Env {
			if env.ValueFrom != nil && env.ValueFrom.SecretKeyRef != nil {
				return true
			}
		}
	}
	for _, v := range spec.Volumes {
		switch {
		case v.Secret != nil, v.CSI != nil && v.CSI.NodePublishSecretRef != nil:
			return true
		case v.Projected != nil:
			for _, src := range v.Projected.Sources {
				if src.Secret != nil {
					return true
				}
			}
		}
	}
	return false
}

// limitSecretReferences refuses secret volumes, secret environment variables and pull secrets the
// service account does not list, with Kubernetes' messages.
func limitSecretReferences(sa *core.ServiceAccount, spec *core.PodSpec) error {
	mountable := map[string]bool{}
	for _, s := range sa.Secrets {
		mountable[s.Name] = true
	}
	for _, v := range spec.Volumes {
		if v.Secret != nil && !mountable[v.Secret.SecretName] {
			return fmt.Errorf("volume with secret.secretName=\"%s\" is not allowed because service account %s does not reference that secret", v.Secret.SecretName, sa.Name)
		}
	}
	for _, group := range []struct {
		what       string
		containers []core.Container
	}{{"init container", spec.InitContainers}, {"container", spec.Containers}} {
		for _, c := range group.containers {
			for _, env := range c.Env {
				if env.ValueFrom != nil && env.ValueFrom.SecretKeyRef != nil && !mountable[env.ValueFrom.SecretKeyRef.Name] {
					return fmt.Errorf("%s %s with envVar %s referencing secret.secretName=\"%s\" is not allowed because service account %s does not reference that secret",
						group.what, c.Name, env.Name, env.ValueFrom.SecretKeyRef.Name, sa.Name)
				}
			}
		}
	}
	pullable := map[string]bool{}
	for _, s := range sa.ImagePullSecrets {
		pullable[s.Name] = true
	}
	for i, ref := range spec.ImagePullSecrets {
		if !pullable[ref.Name] {
			return fmt.Errorf(`imagePullSecrets[%d].name="%s" is not allowed because service account %s does not reference that imagePullSecret`, i, ref.Name, sa.Name)
		}
	}
	return nil
}

// nameAlphabet is Kubernetes' alphabet for generated names: no vowels, so no words, and no
// characters that look alike.
const nameAlphabet = "bcdfghjklmnpqrstvwxz2456789"

func randomSuffix() string {
	b := make([]byte, 5)
	for i := range b {
		b[i] = nameAlphabet[rand.IntN(len(nameAlphabet))]
	}
	return string(b)
}

// forbidden is Kubernetes' admission.NewForbidden: `pods "name" is forbidden: <err>`.
func forbidden(a *admission.Attributes, err error) error {
	name := a.Name
	if name == "" && a.Object != nil {
		name = a.Object.GetObjectMeta().Name
	}
	return apierrors.NewForbidden(apierrors.GroupResource{Group: a.Group, Resource: a.Resource}, name, err)
}
