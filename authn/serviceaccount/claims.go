package serviceaccount

import (
	"github.com/skiff-io/skiff/authn"
)

// Identity of a service account, as Kubernetes names it.
const (
	// UserNamePrefix starts every service account's user name: system:serviceaccount:<ns>:<name>.
	UserNamePrefix = "system:serviceaccount:"
	// AllServiceAccountsGroup holds every service account.
	AllServiceAccountsGroup = "system:serviceaccounts"
	// NamespaceGroupPrefix starts the group of a namespace's service accounts:
	// system:serviceaccounts:<ns>.
	NamespaceGroupPrefix = "system:serviceaccounts:"
)

// Keys of User.Extra for a service account token, as Kubernetes sets them, so that authorizers
// and audit can tell which pod a request came from and which credential it used.
const (
	ExtraPodName      = "authentication.kubernetes.io/pod-name"
	ExtraPodUID       = "authentication.kubernetes.io/pod-uid"
	ExtraCredentialID = "authentication.kubernetes.io/credential-id"
)

// UserName returns the user name of a service account: system:serviceaccount:<namespace>:<name>.
func UserName(namespace, name string) string {
	return UserNamePrefix + namespace + ":" + name
}

// privateClaims is the "kubernetes.io" claim of a service account token: which service account,
// and which object the token is bound to. It is in every token skiff issues.
type privateClaims struct {
	Kubernetes *kubernetesClaims `json:"kubernetes.io,omitempty"`
}

type kubernetesClaims struct {
	Namespace      string `json:"namespace,omitempty"`
	ServiceAccount ref    `json:"serviceaccount"`
	Pod            *ref   `json:"pod,omitempty"`
	Secret         *ref   `json:"secret,omitempty"`
	// Node is read so that tokens Kubernetes issued with it still parse; skiff does not issue it.
	Node *ref `json:"node,omitempty"`
}

type ref struct {
	Name string `json:"name,omitempty"`
	UID  string `json:"uid,omitempty"`
}

// userFor returns the user a verified token stands for.
func userFor(k *kubernetesClaims, jti string) authn.User {
	u := authn.User{
		Name:   UserName(k.Namespace, k.ServiceAccount.Name),
		UID:    k.ServiceAccount.UID,
		Groups: []string{AllServiceAccountsGroup, NamespaceGroupPrefix + k.Namespace, authn.AllAuthenticated},
	}
	if k.Pod != nil || jti != "" {
		u.Extra = map[string][]string{}
	}
	if k.Pod != nil {
		u.Extra[ExtraPodName] = []string{k.Pod.Name}
		u.Extra[ExtraPodUID] = []string{k.Pod.UID}
	}
	if jti != "" {
		u.Extra[ExtraCredentialID] = []string{"JTI=" + jti}
	}
	return u
}
