package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// These tests run the real `skiff apiserver` binary on loopback TLS and drive it with the machine's
// real kubectl binaries, checking what each command prints.

var (
	buildOnce sync.Once
	skiffBin  string
	buildErr  error
)

// skiffBinary builds cmd/skiff once per test run.
func skiffBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "skiff-e2e-bin-")
		if err != nil {
			buildErr = err
			return
		}
		skiffBin = filepath.Join(dir, "skiff")
		out, err := exec.Command("go", "build", "-o", skiffBin, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return skiffBin
}

// kubectls finds the kubectl binaries to test with: the one on PATH, kubectl.1.27 beside the file
// it links to, and Debian's 1.20 unpacked by .ci/run into .cache/kubectl-1.20 (or $SKIFF_KUBECTL_120).
func kubectls(t *testing.T) map[string]string {
	t.Helper()
	found := map[string]string{}
	ci := os.Getenv("CI") == "true"
	onPath, err := exec.LookPath("kubectl")
	if err != nil {
		if ci {
			t.Fatal("kubectl is not on PATH on a CI machine")
		}
		t.Skip("kubectl is not on PATH: these tests need the real kubectl")
	}
	found["path"] = onPath
	if real, err := filepath.EvalSymlinks(onPath); err == nil {
		if k127 := filepath.Join(filepath.Dir(real), "kubectl.1.27"); fileExists(k127) {
			found["1.27"] = k127
		} else if ci {
			t.Errorf("kubectl.1.27 not found beside %s", real)
		}
	}
	k120 := os.Getenv("SKIFF_KUBECTL_120")
	if k120 == "" {
		k120, _ = filepath.Abs("../../.cache/kubectl-1.20/usr/bin/kubectl")
	}
	if fileExists(k120) {
		found["1.20"] = k120
	} else if ci {
		t.Errorf("Debian's kubectl 1.20 not found at %s (.ci/run unpacks it)", k120)
	}
	return found
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// cluster is a running `skiff apiserver`.
type cluster struct {
	t          *testing.T
	kubeconfig string
	url        string
	dataDir    string
}

// startAPIServer runs `skiff apiserver` in a temporary data dir, with extra flags after the
// defaults.
func startAPIServer(t *testing.T, extra ...string) *cluster {
	t.Helper()
	bin := skiffBinary(t)
	dir := t.TempDir()
	ready := filepath.Join(dir, "ready")
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "apiserver", "--data-dir", filepath.Join(dir, "data"), "--secure-port", "0", "--ready-file", ready,
		"--audit-log-path", filepath.Join(dir, "audit.log"))
	cmd.Args = append(cmd.Args, extra...)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		cmd.Wait()
		if t.Failed() {
			t.Logf("apiserver output:\n%s", logs.String())
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		if data, err := os.ReadFile(ready); err == nil && len(data) > 0 {
			return &cluster{t: t, kubeconfig: filepath.Join(dir, "data", "admin.kubeconfig"), url: strings.TrimSpace(string(data)), dataDir: filepath.Join(dir, "data")}
		}
		if time.Now().After(deadline) {
			t.Fatalf("apiserver not ready after 30s:\n%s", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kubectl runs a kubectl binary against the cluster with its own cache dir.
type kubectl struct {
	t          *testing.T
	bin        string
	c          *cluster
	cache      string
	kubeconfig string
}

func (c *cluster) kubectl(bin string) *kubectl {
	return &kubectl{t: c.t, bin: bin, c: c, cache: c.t.TempDir(), kubeconfig: c.kubeconfig}
}

func (k *kubectl) run(stdin string, args ...string) (stdout, stderr string, err error) {
	k.t.Helper()
	full := append([]string{"--kubeconfig", k.kubeconfig, "--cache-dir", k.cache, "--request-timeout", "20s"}, args...)
	cmd := exec.Command(k.bin, full...)
	cmd.Stdin = strings.NewReader(stdin)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

// must runs kubectl and fails the test unless it succeeds and prints every want (regular
// expressions, matched line by line).
func (k *kubectl) must(stdin string, args []string, want ...string) string {
	k.t.Helper()
	out, errOut, err := k.run(stdin, args...)
	if err != nil {
		k.t.Fatalf("kubectl %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out, errOut)
	}
	for _, w := range want {
		if !regexp.MustCompile("(?m)" + w).MatchString(out) {
			k.t.Errorf("kubectl %s: output lacks /%s/:\n%s\nstderr:\n%s", strings.Join(args, " "), w, out, errOut)
		}
	}
	return out
}

func TestKubectl(t *testing.T) {
	bins := kubectls(t)
	for _, version := range []string{"path", "1.27", "1.20"} {
		bin, ok := bins[version]
		if !ok {
			continue
		}
		t.Run("kubectl-"+version, func(t *testing.T) {
			c := startAPIServer(t)
			k := c.kubectl(bin)
			k.must("", []string{"get", "namespaces"}, `^NAME\s+STATUS\s+AGE`, `^default\s+Active\s`, `^kube-system\s+Active\s`, `^kube-public\s`, `^kube-node-lease\s`)
			k.must("", []string{"run", "nginx", "--image=nginx:1.22", "--labels=app=nginx"}, `^pod/nginx created`)
			k.must("", []string{"get", "pods"}, `^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE`, `^nginx\s+0/1\s+Pending\s+0\s`)
			k.must("", []string{"get", "pod", "nginx", "-o", "yaml"}, `^kind: Pod$`, `image: nginx:1.22`, `restartPolicy: Always`, `phase: Pending`)
			k.must("", []string{"get", "pod", "nginx", "-o", "jsonpath={.metadata.labels.app}"}, `^nginx$`)
			k.must("", []string{"create", "namespace", "team"}, `^namespace/team created`)
			k.must("", []string{"create", "deployment", "web", "--image=nginx:1.22", "--replicas=3", "-n", "team"}, `^deployment.apps/web created`)
			k.must("", []string{"get", "deployment", "web", "-n", "team", "-o", "jsonpath={.spec.replicas} {.spec.strategy.type}"}, `^3 RollingUpdate$`)
			k.must("", []string{"scale", "deployment", "web", "--replicas=5", "-n", "team"}, `^deployment.apps/web scaled`)
			k.must("", []string{"get", "deployment", "web", "-n", "team", "-o", "jsonpath={.spec.replicas}"}, `^5$`)
			k.must("", []string{"label", "pod", "nginx", "tier=front"}, `^pod/nginx labeled`)
			k.must("", []string{"get", "pods", "--show-labels"}, `app=nginx,.*tier=front`)
			k.must("", []string{"get", "pods", "-A"}, `^NAMESPACE\s+NAME`, `^default\s+nginx\s`)

			manifest := `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  labels: {app: app}
spec:
  replicas: 2
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      containers:
      - name: app
        image: nginx:1.22
        ports: [{containerPort: 80}]
`
			k.must(manifest, []string{"apply", "-f", "-"}, `^deployment.apps/app created`)
			changed := strings.Replace(strings.Replace(manifest, "replicas: 2", "replicas: 4", 1), "nginx:1.22", "nginx:1.23", 1)
			k.must(changed, []string{"apply", "-f", "-"}, `^deployment.apps/app configured`)
			k.must("", []string{"get", "deployment", "app", "-o", "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image} {.metadata.generation}"}, `^4 nginx:1.23 2$`)
			k.must(changed, []string{"apply", "-f", "-"}, `^deployment.apps/app unchanged`)

			ssa := strings.Replace(strings.Replace(manifest, "name: app\n", "name: ssa\n", 1), "app: app", "app: ssa", -1)
			if version != "1.20" {
				k.must(ssa, []string{"apply", "--server-side", "-f", "-"}, `^deployment.apps/ssa serverside-applied`)
				k.must("", []string{"get", "deployment", "ssa", "-o", "jsonpath={.metadata.managedFields[0].manager} {.metadata.managedFields[0].operation}"}, `^kubectl Apply$`)
			}

			k.must("", []string{"describe", "pod", "nginx"}, `^Name:\s+nginx`, `^Namespace:\s+default`, `^Labels:\s+app=nginx`, `^\s+Image:\s+nginx:1.22`)

			// A bounded watch sees a pod appear.
			watchOut := make(chan string, 1)
			go func() {
				out, _, _ := k.run("", "get", "pods", "-w", "--request-timeout", "4s")
				watchOut <- out
			}()
			time.Sleep(1500 * time.Millisecond)
			k.must("", []string{"run", "late", "--image=busybox"}, `^pod/late created`)
			if out := <-watchOut; !regexp.MustCompile(`(?m)^late\s`).MatchString(out) {
				t.Errorf("kubectl get pods -w did not show the new pod:\n%s", out)
			}

			k.must("", []string{"delete", "pod", "nginx"}, `^pod "nginx" deleted`)
			out, errOut, err := k.run("", "get", "pod", "nginx")
			if err == nil || !strings.Contains(errOut, `Error from server (NotFound): pods "nginx" not found`) {
				t.Errorf("get after delete: %v\n%s%s", err, out, errOut)
			}
			k.must("", []string{"delete", "deployment", "web", "-n", "team"}, `^deployment.apps "web" deleted`)
		})
	}
}
