package main

import (
	"bytes"
	"context"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/client"
)

// controllerManager is a running `skiff controller-manager` process.
type controllerManager struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	logs bytes.Buffer
}

func (m *controllerManager) Write(p []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.logs.Write(p)
}

func (m *controllerManager) output() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.logs.String()
}

// startControllerManager runs `skiff controller-manager` against c as the controller manager's
// own identity, each controller as its service account, with short leader election times.
func (c *cluster) startControllerManager(t *testing.T) *controllerManager {
	t.Helper()
	m := &controllerManager{}
	m.cmd = exec.Command(skiffBinary(t), "controller-manager", "--kubeconfig", c.dataDir+"/controller-manager.kubeconfig",
		"--use-service-account-credentials", "--leader-elect-lease-duration", "2s", "--leader-elect-renew-deadline", "1500ms",
		"--leader-elect-retry-period", "300ms")
	m.cmd.Stdout, m.cmd.Stderr = m, m
	if err := m.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		m.cmd.Process.Signal(syscall.SIGTERM)
		m.cmd.Wait()
		if t.Failed() {
			t.Logf("controller-manager output:\n%s", m.output())
		}
	})
	return m
}

func (m *controllerManager) leads() bool {
	return strings.Contains(m.output(), " leads\n") && !strings.Contains(m.output(), "waiting")
}

func (c *cluster) adminClient(t *testing.T) *client.Client {
	t.Helper()
	cfg, err := clientConfigFrom(c.kubeconfig, "")
	if err != nil {
		t.Fatal(err)
	}
	cfg.QPS = -1
	cl, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

// fakeKubelets marks every pod Running and Ready, as kubelets would, until ctx ends.
func fakeKubelets(ctx context.Context, cl *client.Client) {
	pods := client.For[*core.Pod](cl)
	for ctx.Err() == nil {
		l, err := pods.List(ctx, client.ListOptions{})
		if err == nil {
			for _, p := range l.Items {
				if core.IsPodReady(p) || !core.IsPodActive(p) {
					continue
				}
				p.Status.Phase = core.PodRunning
				p.Status.Conditions = []core.PodCondition{{Type: core.PodReady, Status: core.ConditionTrue, LastTransitionTime: meta.Now()}}
				pods.Namespace(p.Namespace).UpdateStatus(ctx, p, client.UpdateOptions{})
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// waitFor runs kubectl until its output matches want.
func (k *kubectl) waitFor(want string, args ...string) string {
	k.t.Helper()
	re := regexp.MustCompile("(?m)" + want)
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, _, err := k.run("", args...)
		if err == nil && re.MatchString(out) {
			return out
		}
		if time.Now().After(deadline) {
			k.t.Fatalf("kubectl %s never printed /%s/; last:\n%s", strings.Join(args, " "), want, out)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestControllerManagerWithKubectl is the seed's §5 with real kubectl: a Deployment becomes a
// ReplicaSet and Pods through two leader-elected controller managers whose controllers act as
// their own service accounts under RBAC; scaling, image changes, history, undo and deletion work;
// killing the leader hands the work to the other copy.
func TestControllerManagerWithKubectl(t *testing.T) {
	bins := kubectls(t)
	c := startAPIServer(t)
	k := c.kubectl(bins["path"])
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go fakeKubelets(ctx, c.adminClient(t))
	first := c.startControllerManager(t)
	deadline := time.Now().Add(20 * time.Second)
	for !first.leads() {
		if time.Now().After(deadline) {
			t.Fatalf("the first controller manager does not lead:\n%s", first.output())
		}
		time.Sleep(50 * time.Millisecond)
	}
	second := c.startControllerManager(t)

	k.must("", []string{"create", "deployment", "nginx", "--image=nginx", "--replicas=3"}, "deployment.apps/nginx created")
	k.must("", []string{"rollout", "status", "deployment/nginx", "--timeout=30s"}, `successfully rolled out`)
	k.must("", []string{"get", "rs", "-l", "app=nginx"}, `^nginx-[a-z0-9]+\s+3\s+3\s+3\s`)
	pods := k.must("", []string{"get", "pods", "-l", "app=nginx", "-o", "name"})
	if n := strings.Count(pods, "pod/nginx-"); n != 3 {
		t.Fatalf("%d pods:\n%s", n, pods)
	}
	k.must("", []string{"get", "events", "--field-selector", "involvedObject.kind=Deployment"}, `ScalingReplicaSet\s+deployment/nginx\s+Scaled up replica set nginx-\w+ to 3`)

	k.must("", []string{"scale", "deployment/nginx", "--replicas=5"}, "scaled")
	k.waitFor(`^nginx\s+5/5\s+5\s+5\s`, "get", "deployment", "nginx")

	k.must("", []string{"set", "image", "deployment/nginx", "nginx=nginx:1.27"}, "image updated")
	k.must("", []string{"rollout", "status", "deployment/nginx", "--timeout=30s"}, `successfully rolled out`)
	k.must("", []string{"rollout", "history", "deployment/nginx"}, `^1\s`, `^2\s`)
	k.must("", []string{"rollout", "undo", "deployment/nginx"}, "rolled back")
	k.must("", []string{"rollout", "status", "deployment/nginx", "--timeout=30s"}, `successfully rolled out`)
	k.waitFor(`^3\s`, "rollout", "history", "deployment/nginx")
	img := k.must("", []string{"get", "deployment", "nginx", "-o", "jsonpath={.spec.template.spec.containers[0].image}"})
	if img != "nginx" {
		t.Errorf("image after undo: %q", img)
	}

	// Kill the leader: the other copy takes over within the lease and does the work.
	leader, follower := first, second
	if !first.leads() {
		leader, follower = second, first
	}
	leader.cmd.Process.Kill()
	k.must("", []string{"create", "deployment", "web", "--image=nginx", "--replicas=2"}, "created")
	k.must("", []string{"rollout", "status", "deployment/web", "--timeout=30s"}, `successfully rolled out`)
	if !strings.Contains(follower.output(), " leads\n") {
		t.Errorf("the follower never led:\n%s", follower.output())
	}

	// Deleting a namespace empties it, then removes it (the namespace controller); kubectl waits.
	k.must("", []string{"create", "namespace", "team"}, "created")
	k.must("", []string{"-n", "team", "create", "configmap", "settings", "--from-literal=a=b"}, "created")
	k.must("", []string{"-n", "team", "create", "deployment", "app", "--image=nginx"}, "created")
	k.must("", []string{"delete", "namespace", "team", "--timeout=30s"}, `namespace "team" deleted`)
	if out, _, err := k.run("", "get", "namespace", "team"); err == nil {
		t.Errorf("namespace team still there:\n%s", out)
	}

	// Deleting the Deployment removes its ReplicaSets and Pods (the garbage collector).
	k.must("", []string{"delete", "deployment", "nginx"}, "deleted")
	deadline = time.Now().Add(30 * time.Second)
	for {
		out := k.must("", []string{"get", "rs,pods", "-l", "app=nginx", "-o", "name"})
		if strings.TrimSpace(out) == "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("still there after deleting the deployment:\n%s", out)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
