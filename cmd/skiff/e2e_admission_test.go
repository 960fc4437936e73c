package main

import (
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// TestKubectlAdmission drives the default admission chain of `skiff apiserver` and dynamic
// admission webhooks served over HTTPS by this test, with real kubectl.
func TestKubectlAdmission(t *testing.T) {
	bin := kubectls(t)["path"]
	c := startAPIServer(t)
	var k *kubectl
	sub := func(t *testing.T) {
		c.t = t
		k = c.kubectl(bin)
	}

	t.Run("NamespaceLifecycle", func(t *testing.T) {
		sub(t)
		k.fails([]string{"run", "x", "--image=nginx", "-n", "nope"}, regexp.QuoteMeta(`Error from server (NotFound): namespaces "nope" not found`))
		k.fails([]string{"delete", "namespace", "kube-system"}, regexp.QuoteMeta(`Error from server (Forbidden): namespaces "kube-system" is forbidden: this namespace may not be deleted`))
	})

	t.Run("ServiceAccount and DefaultTolerationSeconds", func(t *testing.T) {
		sub(t)
		k.must("", []string{"create", "namespace", "apps"}, `created`)
		// The default account is made by the server's service-account loop, a moment after the
		// namespace; the plugin waits for it, as Kubernetes' does.
		k.must("", []string{"run", "web", "--image=nginx", "-n", "apps"}, `^pod/web created`)
		k.must("", []string{"get", "pod", "web", "-n", "apps", "-o",
			`jsonpath={.spec.serviceAccountName} {.spec.volumes[0].name} {.spec.containers[0].volumeMounts[0].mountPath} {.spec.tolerations[*].key}`},
			`^default kube-api-access-[a-z0-9]{5} /var/run/secrets/kubernetes.io/serviceaccount node.kubernetes.io/not-ready node.kubernetes.io/unreachable$`)
	})

	t.Run("LimitRanger", func(t *testing.T) {
		sub(t)
		k.must(`apiVersion: v1
kind: LimitRange
metadata: {name: limits, namespace: apps}
spec:
  limits:
  - type: Container
    default: {cpu: 500m, memory: 256Mi}
    defaultRequest: {cpu: 100m, memory: 64Mi}
    max: {cpu: "1"}
`, []string{"apply", "-f", "-"}, `limitrange/limits created`)
		k.must("", []string{"run", "limited", "--image=nginx", "-n", "apps"}, `created`)
		k.must("", []string{"get", "pod", "limited", "-n", "apps", "-o", `jsonpath={.spec.containers[0].resources.requests.cpu} {.spec.containers[0].resources.limits.memory} {.metadata.annotations.kubernetes\.io/limit-ranger}`},
			`^100m 256Mi LimitRanger plugin set: cpu, memory request for container limited; cpu, memory limit for container limited$`)
		k.fails([]string{"run", "greedy", "--image=nginx", "-n", "apps", "--overrides", `{"spec":{"containers":[{"name":"greedy","image":"nginx","resources":{"limits":{"cpu":"2"}}}]}}`},
			regexp.QuoteMeta(`Error from server (Forbidden): pods "greedy" is forbidden: maximum cpu usage per Container is 1, but limit is 2`))
	})

	t.Run("ResourceQuota", func(t *testing.T) {
		sub(t)
		k.must("", []string{"create", "namespace", "quoted"}, `created`)
		k.must("", []string{"create", "quota", "q", "--hard=pods=2,requests.cpu=1", "-n", "quoted"}, `resourcequota/q created`)
		// The server's quota loop fills in the status, from which admission reads the limits.
		k.eventually([]string{"get", "quota", "q", "-n", "quoted", "-o", "jsonpath={.status.hard.pods}"}, `^2$`)
		for _, name := range []string{"one", "two"} {
			k.must("", []string{"run", name, "--image=nginx", "-n", "quoted", "--overrides", `{"spec":{"containers":[{"name":"c","image":"nginx","resources":{"requests":{"cpu":"100m"}}}]}}`}, `created`)
		}
		k.fails([]string{"run", "three", "--image=nginx", "-n", "quoted", "--overrides", `{"spec":{"containers":[{"name":"c","image":"nginx","resources":{"requests":{"cpu":"100m"}}}]}}`},
			regexp.QuoteMeta(`Error from server (Forbidden): pods "three" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2`))
		k.fails([]string{"run", "no-requests", "--image=nginx", "-n", "quoted"},
			regexp.QuoteMeta(`Error from server (Forbidden): pods "no-requests" is forbidden: failed quota: q: must specify requests.cpu for: no-requests`))
		k.must("", []string{"get", "quota", "q", "-n", "quoted", "-o", "jsonpath={.status.used.pods} {.status.used.requests\\.cpu}"}, `^2 200m$`)
		// Deleting a pod gives its share back.
		k.must("", []string{"delete", "pod", "one", "-n", "quoted", "--grace-period=0", "--force"}, `deleted`)
		k.eventually([]string{"get", "quota", "q", "-n", "quoted", "-o", "jsonpath={.status.used.pods}"}, `^1$`)
		k.must("", []string{"run", "three", "--image=nginx", "-n", "quoted", "--overrides", `{"spec":{"containers":[{"name":"c","image":"nginx","resources":{"requests":{"cpu":"100m"}}}]}}`}, `created`)
	})

	t.Run("PodSecurity", func(t *testing.T) {
		sub(t)
		k.must("", []string{"create", "namespace", "secure"}, `created`)
		k.must("", []string{"label", "namespace", "secure", "pod-security.kubernetes.io/enforce=baseline", "pod-security.kubernetes.io/warn=restricted"}, `labeled`)
		_, errOut, err := k.run("", "run", "plain", "--image=nginx", "-n", "secure")
		if err != nil {
			t.Fatalf("a baseline pod was refused: %v\n%s", err, errOut)
		}
		if !strings.Contains(errOut, `Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "plain" must set securityContext.allowPrivilegeEscalation=false)`) {
			t.Errorf("no PodSecurity warning on stderr:\n%s", errOut)
		}
		k.fails([]string{"run", "priv", "--image=nginx", "-n", "secure", "--privileged"},
			regexp.QuoteMeta(`Error from server (Forbidden): pods "priv" is forbidden: violates PodSecurity "baseline:latest": privileged (container "priv" must not set securityContext.privileged=true)`))
	})

	t.Run("webhooks", func(t *testing.T) {
		sub(t)
		hook := httptest.NewTLSServer(http.HandlerFunc(admissionWebhook))
		caBundle := base64.StdEncoding.EncodeToString(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: hook.Certificate().Raw}))
		config := func(kind, name, path, policy string) string {
			return `apiVersion: admissionregistration.k8s.io/v1
kind: ` + kind + `
metadata: {name: ` + name + `}
webhooks:
- name: ` + name + `
  clientConfig: {url: "` + hook.URL + path + `", caBundle: ` + caBundle + `}
  rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods]}]
  namespaceSelector: {matchLabels: {webhooks: "on"}}
  failurePolicy: ` + policy + `
  sideEffects: None
  admissionReviewVersions: [v1]
  timeoutSeconds: 5
`
		}
		k.must("", []string{"create", "namespace", "hooked"}, `created`)
		k.must("", []string{"label", "namespace", "hooked", "webhooks=on"}, `labeled`)
		k.must(config("MutatingWebhookConfiguration", "inject.skiff.test", "/mutate", "Fail"), []string{"apply", "-f", "-"}, `created`)
		k.must(config("ValidatingWebhookConfiguration", "deny.skiff.test", "/validate", "Fail"), []string{"apply", "-f", "-"}, `created`)

		k.must("", []string{"run", "ok", "--image=nginx", "-n", "hooked"}, `created`)
		k.must("", []string{"get", "pod", "ok", "-n", "hooked", "-o", "jsonpath={.metadata.labels.injected}"}, `^by-webhook$`)
		// Pods outside the selected namespaces never reach the webhooks.
		k.must("", []string{"run", "elsewhere", "--image=nginx"}, `created`)
		k.must("", []string{"get", "pod", "elsewhere", "-o", "jsonpath={.metadata.labels}"}, `^\{"run":"elsewhere"\}$`)
		k.fails([]string{"run", "bad", "--image=nginx", "-n", "hooked", "--labels=deny=yes"},
			regexp.QuoteMeta(`Error from server: admission webhook "deny.skiff.test" denied the request: pods labelled deny=yes are not welcome`))

		// With the webhook server gone, failurePolicy decides.
		hook.Close()
		k.fails([]string{"run", "down", "--image=nginx", "-n", "hooked"},
			regexp.QuoteMeta(`Error from server (InternalError): Internal error occurred: failed calling webhook "inject.skiff.test": failed to call webhook: Post "`+hook.URL+`/mutate?timeout=5s"`))
		for _, kind := range []string{"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"} {
			name := map[bool]string{true: "inject.skiff.test", false: "deny.skiff.test"}[strings.HasPrefix(kind, "Mutating")]
			path := map[bool]string{true: "/mutate", false: "/validate"}[strings.HasPrefix(kind, "Mutating")]
			k.must(config(kind, name, path, "Ignore"), []string{"apply", "-f", "-"}, `configured`)
		}
		k.must("", []string{"run", "down", "--image=nginx", "-n", "hooked"}, `created`)
	})
}

// admissionWebhook is an admission webhook as a cluster operator would write one, speaking
// admission.k8s.io/v1 with no help from skiff: /mutate labels every pod, /validate refuses pods
// labelled deny=yes.
func admissionWebhook(w http.ResponseWriter, r *http.Request) {
	var review struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Request    struct {
			UID    string `json:"uid"`
			Object struct {
				Metadata struct {
					Labels map[string]string `json:"labels"`
				} `json:"metadata"`
			} `json:"object"`
		} `json:"request"`
	}
	if err := json.NewDecoder(r.Body).Decode(&review); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	resp := map[string]any{"uid": review.Request.UID, "allowed": true}
	switch r.URL.Path {
	case "/mutate":
		patch := `[{"op":"add","path":"/metadata/labels/injected","value":"by-webhook"}]`
		if review.Request.Object.Metadata.Labels == nil {
			patch = `[{"op":"add","path":"/metadata/labels","value":{"injected":"by-webhook"}}]`
		}
		resp["patchType"] = "JSONPatch"
		resp["patch"] = base64.StdEncoding.EncodeToString([]byte(patch))
	case "/validate":
		if review.Request.Object.Metadata.Labels["deny"] == "yes" {
			resp["allowed"] = false
			resp["status"] = map[string]any{"message": "pods labelled deny=yes are not welcome"}
		}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "response": resp})
}
