package openapi

import (
	"reflect"
	"strings"
	"unicode"

	"github.com/skiff-io/skiff/api"
)

// skiffAPI is the import path prefix of skiff's API packages.
const skiffAPI = "github.com/skiff-io/skiff/api/"

// packageNames maps skiff's API packages to the prefixes Kubernetes' OpenAPI documents give the
// same types, so that a definition is named as kube-apiserver names it
// (io.k8s.api.apps.v1.Deployment, io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta). Packages not
// listed here that hold kinds of a Kubernetes group are named from the group (see namer.pkgName).
var packageNames = map[string]string{
	skiffAPI + "meta":         "io.k8s.apimachinery.pkg.apis.meta.v1",
	skiffAPI + "resource":     "io.k8s.apimachinery.pkg.api.resource",
	skiffAPI + "intstr":       "io.k8s.apimachinery.pkg.util.intstr",
	skiffAPI + "core":         "io.k8s.api.core.v1",
	skiffAPI + "apps":         "io.k8s.api.apps.v1",
	skiffAPI + "rbac":         "io.k8s.api.rbac.v1",
	skiffAPI + "coordination": "io.k8s.api.coordination.v1",
	skiffAPI + "autoscaling":  "io.k8s.api.autoscaling.v1",
}

// metaV1 is the definition prefix of Kubernetes' meta/v1 types.
const metaV1 = "io.k8s.apimachinery.pkg.apis.meta.v1."

// namer names definitions, operations and tags.
type namer struct {
	// pkgGV holds, for each Go package that defines a registered kind of a Kubernetes group, the
	// group and version of its kinds.
	pkgGV map[string]api.GroupVersionKind
}

func newNamer(kinds []*api.Kind) *namer {
	n := &namer{pkgGV: make(map[string]api.GroupVersionKind)}
	for _, k := range kinds {
		if isKubernetesGroup(k.Group) {
			if _, ok := n.pkgGV[k.Type.PkgPath()]; !ok {
				n.pkgGV[k.Type.PkgPath()] = k.GroupVersionKind
			}
		}
	}
	return n
}

// isKubernetesGroup reports whether group is one of Kubernetes' own API groups: the core group,
// groups without a dot (apps, batch, policy, autoscaling) and groups under k8s.io.
func isKubernetesGroup(group string) bool {
	return !strings.Contains(group, ".") || strings.HasSuffix(group, ".k8s.io")
}

// typeName returns the definition name of a named Go type.
func (n *namer) typeName(t reflect.Type) string {
	if name, ok := syntheticNames[t]; ok {
		return name
	}
	return n.pkgName(t.PkgPath()) + "." + goTypeName(t)
}

// pkgName returns the definition prefix of a Go package.
func (n *namer) pkgName(pkg string) string {
	if name, ok := packageNames[pkg]; ok {
		return name
	}
	if strings.HasPrefix(pkg, skiffAPI) {
		if gvk, ok := n.pkgGV[pkg]; ok {
			// A skiff package of another Kubernetes group: named as Kubernetes' k8s.io/api package
			// of that group (policy/v1 -> io.k8s.api.policy.v1).
			return "io.k8s.api." + groupPackage(gvk.Group) + "." + gvk.Version
		}
	}
	return reverseDomain(pkg)
}

// groupPackage is the k8s.io/api package of a Kubernetes group: the first label of its name, or
// core for the core group.
func groupPackage(group string) string {
	if group == "" {
		return "core"
	}
	if i := strings.IndexByte(group, '.'); i >= 0 {
		return group[:i]
	}
	return group
}

// reverseDomain turns a Go import path into a dotted name as kube-openapi does:
// "github.com/acme/widgets/api/v1" -> "com.github.acme.widgets.api.v1".
func reverseDomain(pkg string) string {
	host, rest, _ := strings.Cut(pkg, "/")
	labels := strings.Split(host, ".")
	for i, j := 0, len(labels)-1; i < j; i, j = i+1, j-1 {
		labels[i], labels[j] = labels[j], labels[i]
	}
	name := strings.Join(labels, ".")
	if rest != "" {
		name += "." + strings.ReplaceAll(rest, "/", ".")
	}
	return name
}

// goTypeName returns a type's name, with the type arguments of a generic instance reduced to their
// own names ("Pair[example.com/x.A,int]" -> "Pair_A_int").
func goTypeName(t reflect.Type) string {
	name := t.Name()
	base, args, ok := strings.Cut(name, "[")
	if !ok {
		return name
	}
	var b strings.Builder
	b.WriteString(base)
	for _, arg := range strings.Split(strings.TrimSuffix(args, "]"), ",") {
		if i := strings.LastIndexByte(arg, '.'); i >= 0 {
			arg = arg[i+1:]
		}
		b.WriteByte('_')
		b.WriteString(strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				return r
			}
			return '_'
		}, arg))
	}
	return b.String()
}

// groupPrefix is the part of operation ids that names a group version, as kube-apiserver writes it:
// "" v1 -> CoreV1, apps v1 -> AppsV1, rbac.authorization.k8s.io v1 -> RbacAuthorizationV1,
// stable.example.com v1beta1 -> StableExampleComV1beta1.
func groupPrefix(group, version string) string {
	return upperFirst(groupWords(group)) + upperFirst(version)
}

// tag is the tag kube-apiserver gives a group version's operations ("apps_v1", "core_v1",
// "rbacAuthorization_v1").
func tag(group, version string) string {
	return groupWords(group) + "_" + version
}

// groupWords is the group name in lower camel case without the .k8s.io suffix; "core" for the core
// group.
func groupWords(group string) string {
	if group == "" {
		return "core"
	}
	group = strings.TrimSuffix(group, ".k8s.io")
	parts := strings.FieldsFunc(group, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for i := 1; i < len(parts); i++ {
		parts[i] = upperFirst(parts[i])
	}
	return strings.Join(parts, "")
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// discoveryPath is the key of a group version in the OpenAPI v3 discovery document ("api/v1",
// "apis/apps/v1").
func discoveryPath(group, version string) string {
	if group == "" {
		return "api/" + version
	}
	return "apis/" + group + "/" + version
}
