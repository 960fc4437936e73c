package openapi

import (
	"context"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// These tests run the real kubectl against the documents: kubectl explain reads the v3 documents
// (and, with --output=plaintext-openapiv2, the v2 protobuf); create and apply validate manifests
// with the v2 protobuf schemas unless the v3 documents say the server validates fields itself;
// apply computes strategic merge patches from the v3 schemas.

// kubectls returns the kubectl binaries to test with: the one on PATH and, beside the file it
// resolves to, kubectl.1.27 and kubectl.1.33 when present (the oldest and newest skiff supports).
func kubectls(t *testing.T) []string {
	path, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl is not on PATH: these end-to-end tests need kubectl 1.27 or newer; install it to run them")
	}
	out := []string{path}
	if real, err := filepath.EvalSymlinks(path); err == nil {
		for _, v := range []string{"1.27", "1.33"} {
			if p := filepath.Join(filepath.Dir(real), "kubectl."+v); isExecutable(p) {
				out = append(out, p)
			}
		}
	}
	return out
}

func isExecutable(path string) bool {
	info, err := os.Stat(path)
	return err == nil && !info.IsDir() && info.Mode()&0o111 != 0
}

// kubectl runs one kubectl binary against one server, with its own kubeconfig, cache and home.
type kubectl struct {
	t          *testing.T
	bin        string
	kubeconfig string
	cacheDir   string
	home       string
}

func newKubectl(t *testing.T, bin, server string) *kubectl {
	dir := t.TempDir()
	k := &kubectl{t: t, bin: bin, kubeconfig: filepath.Join(dir, "kubeconfig"), cacheDir: filepath.Join(dir, "cache"), home: dir}
	config := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: skiff
  cluster: {server: %q}
contexts:
- name: skiff
  context: {cluster: skiff, user: skiff, namespace: default}
current-context: skiff
users:
- name: skiff
  user: {}
`, server)
	if err := os.WriteFile(k.kubeconfig, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	return k
}

// run runs kubectl and returns its standard output and error.
func (k *kubectl) run(args ...string) (string, string, error) {
	k.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, k.bin, append([]string{"--kubeconfig", k.kubeconfig, "--cache-dir", k.cacheDir}, args...)...)
	cmd.Env = []string{"HOME=" + k.home, "PATH=" + os.Getenv("PATH")}
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		k.t.Fatalf("cannot run %s: %v", k.bin, err)
	}
	return stdout.String(), stderr.String(), err
}

// succeed runs kubectl and fails the test unless it succeeds.
func (k *kubectl) succeed(args ...string) string {
	k.t.Helper()
	stdout, stderr, err := k.run(args...)
	if err != nil {
		k.t.Fatalf("kubectl %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, stdout, stderr)
	}
	return stdout
}

// fail runs kubectl and fails the test unless it fails; it returns the standard error.
func (k *kubectl) fail(args ...string) string {
	k.t.Helper()
	stdout, stderr, err := k.run(args...)
	if err == nil {
		k.t.Fatalf("kubectl %s succeeded, want an error\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), stdout, stderr)
	}
	return stderr
}

func mustMatch(t *testing.T, what, text string, patterns ...string) {
	t.Helper()
	for _, p := range patterns {
		if !regexp.MustCompile(p).MatchString(text) {
			t.Errorf("%s does not match %q:\n%s", what, p, text)
		}
	}
}

func TestKubectl(t *testing.T) {
	if testing.Short() {
		t.Skip("runs kubectl")
	}
	for _, bin := range kubectls(t) {
		t.Run(filepath.Base(bin), func(t *testing.T) {
			srv := newTestServer(t, testRegistry(t), nil)
			k := newKubectl(t, bin, srv.URL)
			t.Logf("%s", strings.TrimSpace(k.succeed("version", "--client")))

			t.Run("explain", func(t *testing.T) {
				out := k.succeed("explain", "deployment.spec.replicas")
				mustMatch(t, "kubectl explain deployment.spec.replicas", out,
					`KIND:\s+Deployment`, `VERSION:\s+v1`, `FIELD:\s+replicas\s+<integer>`,
					regexp.QuoteMeta(apiDocs["apps.DeploymentSpec.Replicas"]))
				out = k.succeed("explain", "pods.spec.containers.resources")
				mustMatch(t, "kubectl explain pods.spec.containers.resources", out,
					`limits\s+<map\[string\]Quantity>`, `claims\s+<\[\]ResourceClaim>`)
				out = k.succeed("explain", "deployment.spec.strategy.rollingUpdate.maxSurge")
				mustMatch(t, "kubectl explain ...maxSurge", out, `FIELD:\s+maxSurge\s+<IntOrString>`)
				out = k.succeed("explain", "deployments", "--recursive")
				mustMatch(t, "kubectl explain deployments --recursive", out, `(?m)^\s+replicas\s+<integer>`, `(?m)^\s+maxSurge\s+<IntOrString>`)
			})
			t.Run("explain custom kind", func(t *testing.T) {
				out := k.succeed("explain", "widgets.spec")
				mustMatch(t, "kubectl explain widgets.spec", out, `GROUP:\s+example.com`, `KIND:\s+Widget`,
					`size\s+<integer> -required-`, `parts\s+<\[\]WidgetPart>`, `limits\s+<map\[string\]Quantity>`)
			})
			t.Run("explain openapiv2", func(t *testing.T) {
				out := k.succeed("explain", "deployment.spec.replicas", "--output=plaintext-openapiv2")
				mustMatch(t, "kubectl explain --output=plaintext-openapiv2", out, `FIELD:\s+replicas\s+<integer>`)
			})

			// A v1 List is validated on the client whatever the server supports: every valid object
			// passes, every unknown field is reported from the schemas.
			t.Run("client-side validation", func(t *testing.T) {
				out := k.succeed("create", "--dry-run=client", "-o", "name", "--validate=strict", "-f", "testdata/valid-list.yaml")
				mustMatch(t, "created objects", out, `(?m)^pod/web$`, `(?m)^deployment.apps/web$`, `(?m)^lease.coordination.k8s.io/leader$`,
					`(?m)^clusterrole.rbac.authorization.k8s.io/admin-extra$`, `(?m)^widget.example.com/w$`)
				stderr := k.fail("create", "--dry-run=client", "-o", "name", "--validate=strict", "-f", "testdata/unknown-fields-list.yaml")
				mustMatch(t, "kubectl create of unknown fields", stderr,
					regexp.QuoteMeta(`unknown field "replica" in io.k8s.api.apps.v1.DeploymentSpec`),
					regexp.QuoteMeta(`unknown field "colour" in `+widgetDef+`Spec`))
			})

			// A single object is validated by the server when the documents say it can: kubectl sends
			// fieldValidation=Strict and checks nothing itself.
			t.Run("server-side validation", func(t *testing.T) {
				k.succeed("create", "--dry-run=server", "-o", "name", "--validate=strict", "-f", "testdata/deployment-unknown-field.yaml")
				posts := srv.find(http.MethodPost, "/apis/apps/v1/namespaces/default/deployments?")
				if len(posts) != 1 || !strings.Contains(posts[0].uri, "fieldValidation=Strict") || !strings.Contains(posts[0].uri, "dryRun=All") {
					t.Errorf("POSTs of the deployment: %v, want one with fieldValidation=Strict and dryRun=All", posts)
				}
			})

			t.Run("apply", func(t *testing.T) {
				out := k.succeed("apply", "-f", "testdata/deployment.yaml")
				mustMatch(t, "first apply", out, `deployment.apps/web created`)
				stdout, stderr, err := k.run("apply", "-f", "testdata/deployment-changed.yaml")
				if err != nil || strings.Contains(stderr, "warning") {
					t.Fatalf("second apply: %v\nstdout:\n%s\nstderr:\n%s", err, stdout, stderr)
				}
				mustMatch(t, "second apply", stdout, `deployment.apps/web configured`)
				patches := srv.find(http.MethodPatch, "/apis/apps/v1/namespaces/default/deployments/web")
				if len(patches) != 1 || patches[0].contentType != "application/strategic-merge-patch+json" {
					t.Fatalf("PATCHes of the deployment: %v, want one strategic merge patch", patches)
				}
				var patch struct {
					Spec struct{ Replicas int } `json:"spec"`
				}
				if err := json.Unmarshal([]byte(patches[0].body), &patch); err != nil || patch.Spec.Replicas != 3 {
					t.Errorf("patch %s: %v, want spec.replicas 3", patches[0].body, err)
				}
			})
			t.Run("apply custom kind", func(t *testing.T) {
				k.succeed("apply", "-f", "testdata/widget.yaml")
				stdout, stderr, err := k.run("apply", "-f", "testdata/widget-changed.yaml")
				if err != nil || strings.Contains(stderr, "warning") {
					t.Fatalf("second apply: %v\nstdout:\n%s\nstderr:\n%s", err, stdout, stderr)
				}
				patches := srv.find(http.MethodPatch, "/apis/example.com/v1/namespaces/default/widgets/w")
				if len(patches) != 1 || patches[0].contentType != "application/strategic-merge-patch+json" {
					t.Fatalf("PATCHes of the widget: %v, want one strategic merge patch", patches)
				}
				// parts merge by name (x-kubernetes-patch-merge-key): the patch keeps their order
				// with a directive instead of replacing the list.
				if !strings.Contains(patches[0].body, `"$setElementOrder/parts":[{"name":"a"},{"name":"b"}]`) {
					t.Errorf("patch %s does not merge parts by name", patches[0].body)
				}
			})

			// When the documents do not offer fieldValidation, kubectl validates single objects
			// itself, with the schemas of /openapi/v2.
			t.Run("without server-side validation", func(t *testing.T) {
				srv := newTestServer(t, testRegistry(t), withoutFieldValidation)
				k := newKubectl(t, bin, srv.URL)
				stderr := k.fail("create", "--dry-run=client", "-o", "name", "--validate=strict", "-f", "testdata/deployment-unknown-field.yaml")
				mustMatch(t, "kubectl create of an unknown field", stderr,
					regexp.QuoteMeta(`unknown field "replica" in io.k8s.api.apps.v1.DeploymentSpec`))
			})
		})
	}
}

// withoutFieldValidation serves the v3 documents without the fieldValidation parameter, as a server
// that cannot validate fields would.
func withoutFieldValidation(b *Builder, next http.Handler) http.Handler {
	gvs, err := b.GroupVersions()
	if err != nil {
		panic(err)
	}
	docs := map[string][]byte{}
	paths := map[string]any{}
	for _, gv := range gvs {
		raw, _, err := b.V3(gv)
		if err != nil {
			panic(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(raw, &doc); err != nil {
			panic(err)
		}
		walk(doc["paths"], func(m map[string]any) {
			if params, ok := m["parameters"].([]any); ok {
				m["parameters"] = slices.DeleteFunc(params, func(p any) bool { return get(p, "name") == "fieldValidation" })
			}
		})
		data, _ := json.Marshal(doc)
		sum := sha512.Sum512(data)
		group, version, ok := strings.Cut(gv, "/")
		if !ok {
			group, version = "", gv
		}
		key := discoveryPath(group, version)
		docs["/openapi/v3/"+key] = data
		paths[key] = map[string]string{"serverRelativeURL": "/openapi/v3/" + key + "?hash=" + strings.ToUpper(hex.EncodeToString(sum[:]))}
	}
	discovery, _ := json.Marshal(map[string]any{"paths": paths})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/openapi/v3" {
			writeJSONBytes(w, http.StatusOK, discovery)
			return
		}
		if doc, ok := docs[r.URL.Path]; ok {
			writeJSONBytes(w, http.StatusOK, doc)
			return
		}
		next.ServeHTTP(w, r)
	})
}
