package main

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

type proc struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	logs bytes.Buffer
}

func (p *proc) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logs.Write(b)
}

func (p *proc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logs.String()
}

// startProc runs `skiff <args>` until the test ends.
func startProc(t *testing.T, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(skiffBinary(t), args...)}
	p.cmd.Stdout, p.cmd.Stderr = p, p
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.cmd.Process.Signal(syscall.SIGTERM)
		p.cmd.Wait()
		if t.Failed() {
			t.Logf("skiff %s output:\n%s", args[0], p.output())
		}
	})
	return p
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// TestSchedulerWithKubectl: the seed's §5 end to end with real kubectl: the controller manager
// turns a Deployment into pods and `skiff scheduler`, as system:kube-scheduler under RBAC, binds
// each to a node; kubectl shows where, and why a pod that fits nowhere waits.
func TestSchedulerWithKubectl(t *testing.T) {
	bins := kubectls(t)
	c := startAPIServer(t)
	k := c.kubectl(bins["path"])
	for i, cpu := range []string{"4", "4", "2"} {
		k.must(fmt.Sprintf(`{"apiVersion":"v1","kind":"Node","metadata":{"name":"node-%d","labels":{"kubernetes.io/hostname":"node-%d"}},
"status":{"capacity":{"cpu":"%s","memory":"8Gi","pods":"110"},"allocatable":{"cpu":"%s","memory":"8Gi","pods":"110"}}}`, i, i, cpu, cpu),
			[]string{"create", "-f", "-"}, "created")
	}
	startProc(t, "controller-manager", "--kubeconfig", c.dataDir+"/controller-manager.kubeconfig", "--use-service-account-credentials",
		"--leader-elect=false")
	port := freePort(t)
	sched := startProc(t, "scheduler", "--kubeconfig", c.dataDir+"/scheduler.kubeconfig", "--secure-port", fmt.Sprint(port))

	k.must("", []string{"create", "deployment", "nginx", "--image=nginx", "--replicas=3"}, "created")
	out := k.waitFor(`(?s)(nginx-\S+\s+0/1\s+Pending\s+0\s+\S+\s+<none>\s+node-\d.*){3}`, "get", "pods", "-o", "wide")
	if strings.Count(out, "node-") < 3 {
		t.Fatalf("pods not placed:\n%s", out)
	}
	k.waitFor(`Scheduled\s+pod/nginx-\S+\s+Successfully assigned default/nginx-\S+ to node-\d`, "get", "events")

	// A pod that fits nowhere waits, and says why.
	k.must(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"huge"},"spec":{"containers":[{"name":"c","image":"nginx",
"resources":{"requests":{"cpu":"64"}}}]}}`, []string{"create", "-f", "-"}, "created")
	k.waitFor(`FailedScheduling\s+.*0/3 nodes are available: 3 Insufficient cpu\.`, "describe", "pod", "huge")

	// Health and metrics on the secure port.
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} //nolint:gosec // a self-signed test server
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := hc.Get(fmt.Sprintf("https://127.0.0.1:%d/metrics", port))
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if strings.Contains(string(body), `scheduler_schedule_attempts_total{profile="default-scheduler",result="scheduled"} 3`) &&
				strings.Contains(string(body), `scheduler_schedule_attempts_total{profile="default-scheduler",result="unschedulable"}`) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("metrics:\n%s", body)
			}
		} else if time.Now().After(deadline) {
			t.Fatalf("metrics: %v\n%s", err, sched.output())
		}
		time.Sleep(100 * time.Millisecond)
	}
	resp, err := hc.Get(fmt.Sprintf("https://127.0.0.1:%d/healthz", port))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v", err)
	}
	resp.Body.Close()
}
