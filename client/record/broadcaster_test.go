package record_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/client/record"
)

// eventName is the name the broadcaster gives the first event about name at t.
func eventName(name string, t time.Time) string { return fmt.Sprintf("%s.%x", name, t.UnixNano()) }

func TestEventForPodHasEveryField(t *testing.T) {
	f := newFixture(t, record.Options{})
	p, err := client.For[*core.Pod](f.c).Namespace("default").Create(f.env.Context, pod("web-0"), client.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rec := f.b.NewRecorder(core.EventSource{Component: "kubelet", Host: "node-1"})
	rec.Eventf(p, record.Warning, "BackOff", "Back-off restarting failed container %s", "app")

	var got []*core.Event
	eventually(t, "the event", func() bool { got = f.events(t, "default"); return len(got) == 1 })
	e := got[0]
	if e.UID == "" || e.ResourceVersion == "" {
		t.Errorf("the event was not stored: uid %q, resourceVersion %q", e.UID, e.ResourceVersion)
	}
	type fields struct {
		Name, Namespace         string
		InvolvedObject          core.ObjectReference
		Reason, Message, Type   string
		Source                  core.EventSource
		First, Last             time.Time
		Count                   int32
		ReportingController     string
		ReportingInstance       string
		EventTimeSet, SeriesSet bool
	}
	want := fields{
		Name: eventName("web-0", t0), Namespace: "default",
		InvolvedObject: core.ObjectReference{
			Kind: "Pod", APIVersion: "v1", Namespace: "default", Name: "web-0",
			UID: p.UID, ResourceVersion: p.ResourceVersion,
		},
		Reason: "BackOff", Message: "Back-off restarting failed container app", Type: "Warning",
		Source: core.EventSource{Component: "kubelet", Host: "node-1"},
		First:  t0, Last: t0, Count: 1,
		ReportingController: "kubelet", ReportingInstance: "node-1",
	}
	gotFields := fields{
		Name: e.Name, Namespace: e.Namespace, InvolvedObject: e.InvolvedObject,
		Reason: e.Reason, Message: e.Message, Type: e.Type, Source: e.Source,
		First: e.FirstTimestamp.UTC(), Last: e.LastTimestamp.UTC(), Count: e.Count,
		ReportingController: e.ReportingController, ReportingInstance: e.ReportingInstance,
		EventTimeSet: !e.EventTime.IsZero(), SeriesSet: e.Series != nil,
	}
	if diff := cmp.Diff(want, gotFields); diff != "" {
		t.Errorf("event (-want +got):\n%s", diff)
	}
}

func TestIdenticalEventsCountUpOnOneEvent(t *testing.T) {
	f := newFixture(t, record.Options{})
	rec := f.b.Recorder("deployment-controller")
	p := pod("web-1")
	for i := 0; i < 5; i++ {
		rec.Event(p, record.Normal, "ScalingReplicaSet", "Scaled up replica set web to 3")
		f.clock.Step(time.Second)
	}
	var got []*core.Event
	eventually(t, "count 5", func() bool {
		got = f.events(t, "default")
		return len(got) == 1 && got[0].Count == 5
	})
	e := got[0]
	if want := eventName("web-1", t0); e.Name != want {
		t.Errorf("name = %q, want the first event's %q", e.Name, want)
	}
	if !e.FirstTimestamp.Time.Equal(t0) || !e.LastTimestamp.Time.Equal(t0.Add(4*time.Second)) {
		t.Errorf("firstTimestamp, lastTimestamp = %v, %v; want %v, %v", e.FirstTimestamp, e.LastTimestamp, t0, t0.Add(4*time.Second))
	}
	if n := f.tr.count(http.MethodPost); n != 1 {
		t.Errorf("%d creates, want 1 (the repeats are patches)", n)
	}
	if n := f.tr.count(http.MethodPatch); n != 4 {
		t.Errorf("%d patches, want 4", n)
	}
}

func TestSimilarEventsAreAggregated(t *testing.T) {
	f := newFixture(t, record.Options{})
	rec := f.b.Recorder("attachdetach-controller")
	p := pod("web-2")
	for i := 1; i <= 12; i++ {
		rec.Eventf(p, record.Warning, "FailedAttachVolume", "attach of volume vol-%d failed", i)
		f.clock.Step(time.Second)
	}
	// The first 9 distinct messages are events of their own; from the 10th on, one event stands
	// for them and counts up, with the latest message.
	eventually(t, "the aggregated event at count 3", func() bool {
		for _, e := range f.events(t, "default") {
			if strings.HasPrefix(e.Message, "(combined") && e.Count == 3 {
				return true
			}
		}
		return false
	})
	var plain, combined []string
	for _, e := range f.events(t, "default") {
		if strings.HasPrefix(e.Message, "(combined") {
			combined = append(combined, fmt.Sprintf("%s count=%d first=%s last=%s", e.Message, e.Count, e.FirstTimestamp, e.LastTimestamp))
		} else {
			plain = append(plain, e.Message)
		}
	}
	if len(plain) != 9 {
		t.Errorf("%d separate events, want 9: %q", len(plain), plain)
	}
	want := []string{fmt.Sprintf("(combined from similar events): attach of volume vol-12 failed count=3 first=%s last=%s",
		meta.NewTime(t0.Add(9*time.Second)), meta.NewTime(t0.Add(11*time.Second)))}
	if diff := cmp.Diff(want, combined); diff != "" {
		t.Errorf("aggregated events (-want +got):\n%s", diff)
	}
}

func TestSpamFilterDropsBeyondTheBurst(t *testing.T) {
	f := newFixture(t, record.Options{})
	rec := f.b.Recorder("noisy-controller")
	p := pod("web-3")
	countOf := func() int32 {
		if es := f.eventsAbout(t, "default", p.Name); len(es) == 1 {
			return es[0].Count
		}
		return 0
	}
	// marker records an event about another object and waits for it: the writer is serial, so
	// everything recorded before has been dealt with.
	markers := 0
	marker := func() {
		markers++
		name := fmt.Sprintf("marker-%d", markers)
		rec.Event(pod(name), record.Normal, "Marker", "done")
		eventually(t, name, func() bool { return len(f.eventsAbout(t, "default", name)) == 1 })
	}

	for i := 0; i < 30; i++ {
		rec.Event(p, record.Warning, "Unhealthy", "Readiness probe failed")
	}
	marker()
	if got := countOf(); got != 25 {
		t.Fatalf("count = %d after 30 events, want the burst, 25", got)
	}

	// One token comes back every 5 minutes.
	f.clock.Step(5 * time.Minute)
	rec.Event(p, record.Warning, "Unhealthy", "Readiness probe failed")
	rec.Event(p, record.Warning, "Unhealthy", "Readiness probe failed")
	marker()
	// The dropped events still count as seen, as in client-go: the one let through carries the
	// number of times the event happened, 31, not the number written.
	if got := countOf(); got != 31 {
		t.Errorf("count = %d, want 31 (30 at first, then 1 of the next 2 let through)", got)
	}
	if n := f.tr.count(http.MethodPatch); n != 25 {
		t.Errorf("%d patches, want 25 (24 in the burst, 1 after the refill)", n)
	}
}

func TestClusterScopedObjectEventsGoToDefault(t *testing.T) {
	f := newFixture(t, record.Options{})
	node := &core.Node{ObjectMeta: meta.ObjectMeta{Name: "node-1", UID: "node-uid", ResourceVersion: "7"}}
	f.b.NewRecorder(core.EventSource{Component: "kubelet", Host: "node-1"}).Event(node, record.Normal, "NodeReady", "Node node-1 status is now: NodeReady")
	var got []*core.Event
	eventually(t, "the event", func() bool { got = f.events(t, "default"); return len(got) == 1 })
	want := core.ObjectReference{Kind: "Node", APIVersion: "v1", Name: "node-1", UID: "node-uid", ResourceVersion: "7"}
	if diff := cmp.Diff(want, got[0].InvolvedObject); diff != "" {
		t.Errorf("involvedObject (-want +got):\n%s", diff)
	}
}

func TestLongMessageIsTruncated(t *testing.T) {
	f := newFixture(t, record.Options{})
	msg := strings.Repeat("é", 1500) // 3000 bytes
	f.b.Recorder("test").Event(pod("web-4"), record.Warning, "Failed", msg)
	var got []*core.Event
	eventually(t, "the event", func() bool { got = f.events(t, "default"); return len(got) == 1 })
	m := got[0].Message
	if len(m) > record.MaxMessageLength || !strings.HasSuffix(m, " ...") || !strings.HasPrefix(msg, strings.TrimSuffix(m, " ...")) {
		t.Errorf("message of %d bytes ending %q, want at most %d ending \" ...\"", len(m), m[len(m)-8:], record.MaxMessageLength)
	}
}

func TestUnsupportedTypeAndUnknownKindAreDropped(t *testing.T) {
	f := newFixture(t, record.Options{})
	rec := f.b.Recorder("test")
	rec.Event(pod("web-5"), "Critical", "Boom", "not a type Kubernetes knows")
	rec.Event(&unregistered{ObjectMeta: meta.ObjectMeta{Name: "x", Namespace: "default"}}, record.Normal, "Hello", "no kind")
	var nilPod *core.Pod
	rec.Event(nilPod, record.Normal, "Hello", "nil object")
	rec.Event(pod("web-6"), record.Normal, "Hello", "fine")
	eventually(t, "the valid event", func() bool { return len(f.events(t, "default")) == 1 })
	if got := f.events(t, "default")[0].InvolvedObject.Name; got != "web-6" {
		t.Errorf("the event stored is about %q, want web-6", got)
	}
	for _, s := range []string{"Unsupported event type", "Cannot refer to the object"} {
		if f.logs.count(s) == 0 {
			t.Errorf("nothing logged %q", s)
		}
	}
}

type unregistered struct {
	meta.TypeMeta
	meta.ObjectMeta
}

func (u *unregistered) DeepCopyObject() meta.Object { c := *u; return &c }

func TestFullQueueDropsInsteadOfBlocking(t *testing.T) {
	f := newFixture(t, record.Options{QueueSize: 2})
	f.tr.hold()
	rec := f.b.Recorder("test")
	rec.Event(pod("first"), record.Normal, "Hello", "taken by the writer")
	eventually(t, "the writer to be held", func() bool { return f.tr.holding() == 1 })

	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 10; i++ {
			rec.Event(pod(fmt.Sprintf("p-%d", i)), record.Normal, "Hello", "queued or dropped")
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("recording blocked on a full queue")
	}
	if n := f.logs.count("Dropped an event: too many events are waiting"); n != 8 {
		t.Errorf("%d drops logged, want 8 (10 recorded, 2 queued)", n)
	}
	f.tr.release()
	eventually(t, "3 events", func() bool { return len(f.events(t, "default")) == 3 })
}

func TestShutdownWritesWhatIsQueued(t *testing.T) {
	f := newFixture(t, record.Options{})
	f.tr.hold()
	rec := f.b.Recorder("test")
	p := pod("web-7")
	for i := 0; i < 20; i++ {
		rec.Eventf(p, record.Normal, fmt.Sprintf("Step%d", i), "step %d", i)
	}
	eventually(t, "the writer to be held", func() bool { return f.tr.holding() == 1 })

	shut := make(chan error, 1)
	go func() { shut <- f.b.Shutdown(context.Background()) }()
	// Wait until the broadcaster no longer takes events, so that the 20 are all queued behind
	// a closed door when the writes go through.
	probes := 0
	eventually(t, "Shutdown to stop taking events", func() bool {
		probes++
		rec.Event(pod("probe"), record.Normal, "Probe", fmt.Sprint(probes))
		return f.logs.count("Dropped an event recorded after shutdown") > 0
	})
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned (%v) while 20 events were waiting", err)
	default:
	}
	f.tr.release()
	if err := <-shut; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if got := len(f.eventsAbout(t, "default", p.Name)); got != 20 {
		t.Errorf("%d events stored after Shutdown, want 20", got)
	}
}

func TestShutdownGivesUpWhenItsContextEnds(t *testing.T) {
	f := newFixture(t, record.Options{})
	f.tr.hold()
	rec := f.b.Recorder("test")
	for i := 0; i < 5; i++ {
		rec.Event(pod(fmt.Sprintf("p-%d", i)), record.Normal, "Hello", "never written")
	}
	eventually(t, "the writer to be held", func() bool { return f.tr.holding() == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := f.b.Shutdown(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "gave up writing 5 events") {
		t.Errorf("Shutdown = %v, want it to give 5 events up on the deadline", err)
	}
	rec.Event(pod("late"), record.Normal, "Hello", "after shutdown") // dropped, and no panic
	if got := len(f.events(t, "default")); got != 0 {
		t.Errorf("%d events stored, want none", got)
	}
}

func TestWriteRetries(t *testing.T) {
	for _, tc := range []struct {
		name     string
		maxTries int
		fail     func(method string, n int) *meta.Status
		posts    int
		stored   bool
		logged   string
	}{
		{name: "5xx twice, then stored", fail: failFirst(2, status(http.StatusServiceUnavailable)), posts: 3, stored: true},
		{name: "409 once, then stored", fail: failFirst(1, status(http.StatusConflict)), posts: 2, stored: true},
		{name: "429 once, then stored", fail: failFirst(1, status(http.StatusTooManyRequests)), posts: 2, stored: true},
		{name: "403 is not tried again", fail: failFirst(100, status(http.StatusForbidden)), posts: 1,
			logged: "Server rejected an event, not trying again"},
		{name: "422 is not tried again", fail: failFirst(100, status(http.StatusUnprocessableEntity)), posts: 1,
			logged: "Server rejected an event, not trying again"},
		{name: "terminating namespace is not tried again", fail: failFirst(100, terminating()), posts: 1,
			logged: "its namespace is being deleted"},
		{name: "given up after MaxTries", maxTries: 3, fail: failFirst(100, status(http.StatusInternalServerError)), posts: 3,
			logged: "giving it up"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, record.Options{MaxTries: tc.maxTries})
			f.tr.setFail(tc.fail)
			rec := f.b.Recorder("test")
			rec.Event(pod("web"), record.Warning, "Failed", "it failed")
			f.stepUntil(t, fmt.Sprintf("%d creates", tc.posts), 10*time.Second, func() bool {
				return f.tr.count(http.MethodPost) >= tc.posts
			})
			// A marker about another object is written once the writer is done with the first.
			f.tr.setFail(nil)
			rec.Event(pod("marker"), record.Normal, "Marker", "done")
			f.stepUntil(t, "the marker", 10*time.Second, func() bool { return len(f.eventsAbout(t, "default", "marker")) == 1 })
			if got := f.tr.count(http.MethodPost) - 1; got != tc.posts {
				t.Errorf("%d creates of the event, want %d", got, tc.posts)
			}
			if got := len(f.eventsAbout(t, "default", "web")) == 1; got != tc.stored {
				t.Errorf("stored = %v, want %v", got, tc.stored)
			}
			if tc.logged != "" && f.logs.count(tc.logged) != 1 {
				t.Errorf("nothing logged %q", tc.logged)
			}
		})
	}
}

// failFirst answers the first n creates with the error st makes.
func failFirst(n int, st func() *meta.Status) func(string, int) *meta.Status {
	return func(method string, i int) *meta.Status {
		if method == http.MethodPost && i <= n {
			return st()
		}
		return nil
	}
}

func status(code int) func() *meta.Status {
	return func() *meta.Status {
		return &meta.Status{Status: meta.StatusFailure, Code: int32(code), Message: "injected by the test"}
	}
}

// terminating is how the API server refuses a create in a namespace being deleted.
func terminating() func() *meta.Status {
	return func() *meta.Status {
		return &meta.Status{
			Status: meta.StatusFailure, Code: http.StatusForbidden, Reason: meta.StatusReasonForbidden,
			Message: "unable to create new content in namespace default because it is being terminated",
			Details: &meta.StatusDetails{Causes: []meta.StatusCause{{Type: "NamespaceTerminating", Message: "namespace default is being terminated"}}},
		}
	}
}

func TestRepeatOfDeletedEventCreatesItAnew(t *testing.T) {
	f := newFixture(t, record.Options{})
	rec := f.b.Recorder("test")
	p := pod("web-8")
	rec.Event(p, record.Warning, "Failed", "it failed")
	eventually(t, "the event", func() bool { return len(f.events(t, "default")) == 1 })
	name := eventName(p.Name, t0)
	if err := client.For[*core.Event](f.c).Namespace("default").Delete(f.env.Context, name, client.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	f.clock.Step(time.Minute)
	rec.Event(p, record.Warning, "Failed", "it failed")
	var got []*core.Event
	eventually(t, "the event again", func() bool { got = f.events(t, "default"); return len(got) == 1 })
	e := got[0]
	if e.Name != name || e.Count != 2 || !e.FirstTimestamp.Time.Equal(t0) || !e.LastTimestamp.Time.Equal(t0.Add(time.Minute)) {
		t.Errorf("event %s count %d first %s last %s; want %s count 2 first %s last %s",
			e.Name, e.Count, e.FirstTimestamp, e.LastTimestamp, name, meta.NewTime(t0), meta.NewTime(t0.Add(time.Minute)))
	}
	if n := f.tr.count(http.MethodPatch); n != 1 {
		t.Errorf("%d patches, want 1 (answered 404)", n)
	}
}

func TestAlreadyExistsIsIgnored(t *testing.T) {
	f := newFixture(t, record.Options{})
	p := pod("web-9")
	existing := &core.Event{
		ObjectMeta:     meta.ObjectMeta{Name: eventName(p.Name, t0), Namespace: "default"},
		InvolvedObject: core.ObjectReference{Kind: "Pod", APIVersion: "v1", Namespace: "default", Name: p.Name},
		Reason:         "Other", Message: "there first", Type: record.Normal, Count: 1,
	}
	if _, err := client.For[*core.Event](f.c).Create(f.env.Context, existing, client.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	rec := f.b.Recorder("test")
	rec.Event(p, record.Warning, "Failed", "a duplicate name")
	rec.Event(pod("marker"), record.Normal, "Marker", "done")
	eventually(t, "the marker", func() bool { return len(f.eventsAbout(t, "default", "marker")) == 1 })
	if n := f.tr.count(http.MethodPost); n != 3 {
		t.Errorf("%d creates, want 3 (the test's, the duplicate once, the marker)", n)
	}
	es := f.eventsAbout(t, "default", p.Name)
	if len(es) != 1 || es[0].Message != "there first" {
		t.Errorf("events about %s: %v, want only the one created first", p.Name, es)
	}
	if f.logs.count("Server rejected an event as a duplicate") != 1 {
		t.Errorf("the duplicate was not logged as such")
	}
}
