package record_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/client/record"
	"github.com/skiff-io/skiff/testenv"
)

// t0 is where the tests' fake clocks start.
var t0 = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

// fixture is a control plane, a client of it whose event writes go through a transport the test
// controls, and a broadcaster on a fake clock.
type fixture struct {
	env   *testenv.Env
	c     *client.Client
	tr    *transport
	clock *clocktesting.FakeClock
	logs  *logLines
	b     *record.Broadcaster
}

func newFixture(t *testing.T, opts record.Options) *fixture {
	t.Helper()
	env := testenv.Start(t, testenv.Options{})
	cfg := env.Config()
	tr := &transport{next: cfg.Transport}
	cfg.Transport = tr
	// The client would otherwise try a 429 again itself, and the broadcaster's retries would
	// go untested.
	cfg.MaxRetries = -1
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{env: env, c: c, tr: tr, clock: clocktesting.NewFakeClock(t0), logs: &logLines{t: t}}
	opts.Clock = f.clock
	opts.Logger = f.logs.logger()
	f.b = record.NewBroadcaster(c, opts)
	t.Cleanup(func() {
		tr.release()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := f.b.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
	return f
}

// events lists the events of namespace ns, oldest name first.
func (f *fixture) events(t *testing.T, ns string) []*core.Event {
	t.Helper()
	list, err := client.For[*core.Event](f.env.Client()).Namespace(ns).List(f.env.Context, client.ListOptions{})
	if err != nil {
		t.Fatalf("listing events: %v", err)
	}
	return list.Items
}

// eventsAbout lists the events of namespace ns about the object named name.
func (f *fixture) eventsAbout(t *testing.T, ns, name string) []*core.Event {
	t.Helper()
	var out []*core.Event
	for _, e := range f.events(t, ns) {
		if e.InvolvedObject.Name == name {
			out = append(out, e)
		}
	}
	return out
}

// stepUntil polls cond, stepping the fake clock past the writer's retry waits meanwhile, until
// cond holds or 10 s have passed.
func (f *fixture) stepUntil(t *testing.T, what string, step time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		if f.clock.HasWaiters() {
			f.clock.Step(step)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// eventually polls cond until it holds, or fails the test after 10 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// transport passes requests to the in-process server, except that it can hold event writes, or
// answer them with an error code in the server's place, and counts them.
type transport struct {
	next http.RoundTripper

	mu sync.Mutex
	// fail returns the error to answer the nth write of a method with instead of passing it
	// on; nil passes it.
	fail func(method string, n int) *meta.Status
	// held, when not nil, holds event writes until it is closed.
	held   chan struct{}
	writes map[string]int // "POST", "PATCH" -> event writes seen
	// waiting counts the writes being held.
	waiting int
}

func (tr *transport) RoundTrip(r *http.Request) (*http.Response, error) {
	if !strings.Contains(r.URL.Path, "/events") || r.Method == http.MethodGet {
		return tr.next.RoundTrip(r)
	}
	tr.mu.Lock()
	if tr.writes == nil {
		tr.writes = map[string]int{}
	}
	tr.writes[r.Method]++
	n := tr.writes[r.Method]
	held, fail := tr.held, tr.fail
	if held != nil {
		tr.waiting++
	}
	tr.mu.Unlock()
	if held != nil {
		defer func() { tr.mu.Lock(); tr.waiting--; tr.mu.Unlock() }()
		select {
		case <-held:
		case <-r.Context().Done():
			return nil, r.Context().Err()
		}
	}
	if fail != nil {
		if st := fail(r.Method, n); st != nil {
			st.APIVersion, st.Kind = "v1", "Status"
			body, err := json.Marshal(st)
			if err != nil {
				return nil, err
			}
			return &http.Response{
				StatusCode: int(st.Code),
				Header:     http.Header{"Content-Type": {"application/json"}},
				Body:       io.NopCloser(bytes.NewReader(body)),
				Request:    r,
			}, nil
		}
	}
	return tr.next.RoundTrip(r)
}

func (tr *transport) setFail(f func(method string, n int) *meta.Status) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.fail = f
}

func (tr *transport) hold() {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.held = make(chan struct{})
}

// release lets held writes, and all later ones, through.
func (tr *transport) release() {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if tr.held != nil {
		close(tr.held)
		tr.held = nil
	}
}

func (tr *transport) holding() int {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.waiting
}

func (tr *transport) count(method string) int {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.writes[method]
}

// logLines keeps what the broadcaster logs, and shows it in the test's log.
type logLines struct {
	t     *testing.T
	mu    sync.Mutex
	lines []string
}

func (l *logLines) logger() logr.Logger {
	return funcr.New(func(prefix, args string) {
		l.mu.Lock()
		l.lines = append(l.lines, args)
		l.mu.Unlock()
		l.t.Log(prefix, args)
	}, funcr.Options{Verbosity: 5})
}

// count returns how many lines contain s.
func (l *logLines) count(s string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, line := range l.lines {
		if strings.Contains(line, s) {
			n++
		}
	}
	return n
}

func pod(name string) *core.Pod {
	return &core.Pod{
		ObjectMeta: meta.ObjectMeta{Name: name, Namespace: "default", UID: meta.UID("uid-" + name)},
		Spec:       core.PodSpec{Containers: []core.Container{{Name: "app", Image: "nginx"}}},
	}
}
