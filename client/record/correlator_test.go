package record

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
)

var t0 = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

func testCorrelator() *correlator {
	return newCorrelator(correlatorConfig{
		cacheSize: 100, aggregateMaxEvents: 10, aggregateInterval: 10 * time.Minute,
		spamBurst: 25, spamRefill: 5 * time.Minute,
	}, &names{})
}

// event is an event about pod "web" as a recorder makes it, at t.
func event(t time.Time, reason, message string) *core.Event {
	mt := meta.NewTime(t)
	return &core.Event{
		ObjectMeta:     meta.ObjectMeta{Name: fmt.Sprintf("web.%x", t.UnixNano()), Namespace: "default"},
		InvolvedObject: core.ObjectReference{Kind: "Pod", APIVersion: "v1", Namespace: "default", Name: "web", UID: "u1"},
		Reason:         reason, Message: message, Type: Normal, Count: 1,
		Source: core.EventSource{Component: "c"}, ReportingController: "c",
		FirstTimestamp: mt, LastTimestamp: mt,
	}
}

// step is what the correlator made of one event, in short.
type step struct {
	Skip    bool
	Name    string
	Count   int32
	Message string
	Patch   string
}

func summarize(c correlation) step {
	if c.skip {
		return step{Skip: true}
	}
	return step{Name: c.event.Name, Count: c.event.Count, Message: c.event.Message, Patch: string(c.patch)}
}

// correlateAll correlates the events and, for those not skipped, records that the server stored
// them as they were sent.
func correlateAll(c *correlator, events []*core.Event) []step {
	var out []step
	for _, e := range events {
		r := c.correlate(e)
		out = append(out, summarize(r))
		if !r.skip {
			c.written(r.key, r.event)
		}
	}
	return out
}

func TestCorrelatorDeduplicates(t *testing.T) {
	c := testCorrelator()
	got := correlateAll(c, []*core.Event{
		event(t0, "Pulled", "image pulled"),
		event(t0.Add(time.Second), "Pulled", "image pulled"),
		event(t0.Add(2*time.Second), "Pulled", "image pulled"),
		event(t0.Add(3*time.Second), "Started", "started"),
	})
	first := fmt.Sprintf("web.%x", t0.UnixNano())
	want := []step{
		{Name: first, Count: 1, Message: "image pulled"},
		{Name: first, Count: 2, Message: "image pulled", Patch: `{"count":2,"lastTimestamp":"2024-05-06T07:08:10Z","message":"image pulled"}`},
		{Name: first, Count: 3, Message: "image pulled", Patch: `{"count":3,"lastTimestamp":"2024-05-06T07:08:11Z","message":"image pulled"}`},
		{Name: fmt.Sprintf("web.%x", t0.Add(3*time.Second).UnixNano()), Count: 1, Message: "started"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("correlations (-want +got):\n%s", diff)
	}
}

func TestCorrelatorAggregates(t *testing.T) {
	c := testCorrelator()
	var events []*core.Event
	for i := 1; i <= 12; i++ {
		events = append(events, event(t0.Add(time.Duration(i)*time.Second), "Failed", fmt.Sprintf("m%d", i)))
	}
	// Past the window, the count of distinct messages starts over.
	late := t0.Add(12*time.Second + 10*time.Minute + time.Second)
	events = append(events, event(late, "Failed", "m13"))
	got := correlateAll(c, events)

	aggName := fmt.Sprintf("web.%x", t0.Add(10*time.Second).UnixNano())
	var want []step
	for i := 1; i <= 9; i++ {
		want = append(want, step{Name: fmt.Sprintf("web.%x", t0.Add(time.Duration(i)*time.Second).UnixNano()), Count: 1, Message: fmt.Sprintf("m%d", i)})
	}
	want = append(want,
		step{Name: aggName, Count: 1, Message: aggregatePrefix + "m10"},
		step{Name: aggName, Count: 2, Message: aggregatePrefix + "m11",
			Patch: `{"count":2,"lastTimestamp":"2024-05-06T07:08:20Z","message":"(combined from similar events): m11"}`},
		step{Name: aggName, Count: 3, Message: aggregatePrefix + "m12",
			Patch: `{"count":3,"lastTimestamp":"2024-05-06T07:08:21Z","message":"(combined from similar events): m12"}`},
		step{Name: fmt.Sprintf("web.%x", late.UnixNano()), Count: 1, Message: "m13"},
	)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("correlations (-want +got):\n%s", diff)
	}
}

func TestCorrelatorSpamFilter(t *testing.T) {
	c := testCorrelator()
	allowed := func(at time.Time, n int) int {
		ok := 0
		for i := 0; i < n; i++ {
			// Distinct reasons, so neither deduplication nor aggregation gets in the way.
			if !c.correlate(event(at, fmt.Sprintf("R%d", i), "m")).skip {
				ok++
			}
		}
		return ok
	}
	if got := allowed(t0, 30); got != 25 {
		t.Errorf("%d of 30 let through at once, want the burst, 25", got)
	}
	if got := allowed(t0.Add(4*time.Minute), 1); got != 0 {
		t.Errorf("%d let through after 4 minutes, want 0", got)
	}
	if got := allowed(t0.Add(5*time.Minute), 2); got != 1 {
		t.Errorf("%d of 2 let through after 5 minutes, want 1", got)
	}
	// Another object, or another source, has a bucket of its own.
	other := event(t0.Add(5*time.Minute), "R", "m")
	other.InvolvedObject.Name = "db"
	if c.correlate(other).skip {
		t.Error("an event about another object was dropped")
	}
	other = event(t0.Add(5*time.Minute), "R", "m")
	other.Source.Component = "other"
	if c.correlate(other).skip {
		t.Error("an event from another source was dropped")
	}
}

func TestNamesNeverRepeat(t *testing.T) {
	var n names
	a, b := n.next("web", t0), n.next("web", t0)
	if a == b {
		t.Errorf("two names at the same instant are both %q", a)
	}
	if want := fmt.Sprintf("web.%x", t0.UnixNano()); a != want {
		t.Errorf("first name = %q, want client-go's %q", a, want)
	}
}

func TestTruncateMessage(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		wantLen  int
	}{
		{name: "short", in: "fine", wantLen: 4},
		{name: "exactly the limit", in: strings.Repeat("a", MaxMessageLength), wantLen: MaxMessageLength},
		{name: "ascii", in: strings.Repeat("a", 2000), wantLen: MaxMessageLength},
		// Characters start at bytes 1, 4, ... 1018, 1021: the cut at 1020 moves back to 1018.
		{name: "cut inside a character", in: "a" + strings.Repeat("€", 700), wantLen: 1018 + 4},
		// Each invalid byte becomes a three-byte U+FFFD before the cut, as JSON would write it.
		{name: "invalid utf-8", in: strings.Repeat("a\xff", 1000), wantLen: MaxMessageLength},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := truncateMessage(tc.in)
			if len(got) != tc.wantLen {
				t.Errorf("len = %d, want %d", len(got), tc.wantLen)
			}
			if len(got) > MaxMessageLength {
				t.Errorf("len = %d, over the limit", len(got))
			}
		})
	}
}
