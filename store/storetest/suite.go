package storetest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/skiff-io/skiff/api/fields"
	"github.com/skiff-io/skiff/api/labels"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/store"
)

// Harness is what a backend gives the suite.
type Harness struct {
	// New returns an empty store that encodes with codec (storetest.Codec()). The suite closes it.
	New func(t *testing.T, codec store.Codec) store.Store
	// Reopen closes s and opens the same data again; nil for backends that keep nothing.
	Reopen func(t *testing.T, s store.Store) store.Store
	// TooOld makes sure the returned revision is older than what s keeps for watches (by writing
	// under prefix past a bounded history, or by compacting); nil skips nothing: it is required.
	TooOld func(t *testing.T, s store.Store, prefix string) int64
	// BookmarkWithin is how long a watch that asked for bookmarks may wait for one.
	BookmarkWithin time.Duration
}

// Run runs the conformance suite against the backend h describes.
func Run(t *testing.T, h Harness) {
	if h.New == nil || h.TooOld == nil {
		t.Fatal("storetest: Harness.New and Harness.TooOld are required")
	}
	s := &suite{h: h}
	t.Run("CreateGet", s.testCreateGet)
	t.Run("Update", s.testUpdate)
	t.Run("Delete", s.testDelete)
	t.Run("GuaranteedUpdate", s.testGuaranteedUpdate)
	t.Run("ConcurrentGuaranteedUpdate", s.testConcurrentGuaranteedUpdate)
	t.Run("ConcurrentConflictingUpdates", s.testConcurrentConflictingUpdates)
	t.Run("ConcurrentCreates", s.testConcurrentCreates)
	t.Run("List", s.testList)
	t.Run("ListSelectors", s.testListSelectors)
	t.Run("ListPaging", s.testListPaging)
	t.Run("ContinueAcrossWrites", s.testContinueAcrossWrites)
	t.Run("InvalidContinue", s.testInvalidContinue)
	t.Run("Watch", s.testWatch)
	t.Run("WatchInitialState", s.testWatchInitialState)
	t.Run("WatchSendInitialEvents", s.testWatchSendInitialEvents)
	t.Run("WatchFilter", s.testWatchFilter)
	t.Run("WatchOrderingConcurrentWriters", s.testWatchOrdering)
	t.Run("WatchSlowConsumer", s.testWatchSlowConsumer)
	t.Run("WatchTooOld", s.testWatchTooOld)
	t.Run("WatchBookmarks", s.testWatchBookmarks)
	t.Run("WatchStop", s.testWatchStop)
	t.Run("Close", s.testClose)
	if h.Reopen != nil {
		t.Run("Restart", s.testRestart)
		t.Run("RestartAfterDeletes", s.testRestartAfterDeletes)
	}
}

type suite struct{ h Harness }

func (s *suite) open(t *testing.T) store.Store {
	st := s.h.New(t, Codec())
	t.Cleanup(func() { st.Close() })
	return st
}

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func rv(t *testing.T, o meta.Object) int64 {
	t.Helper()
	n, err := strconv.ParseInt(o.GetObjectMeta().ResourceVersion, 10, 64)
	if err != nil || n <= 0 {
		t.Fatalf("object %s has resourceVersion %q, want a positive integer", o.GetObjectMeta().Name, o.GetObjectMeta().ResourceVersion)
	}
	return n
}

func mustCreate(t *testing.T, st store.Store, w *Widget) *Widget {
	t.Helper()
	out, err := st.Create(ctxFor(t), Key(w.Namespace, w.Name), w)
	if err != nil {
		t.Fatalf("create %s/%s: %v", w.Namespace, w.Name, err)
	}
	return out.(*Widget)
}

// specOf strips what the store stamps so objects can be compared with what was written.
func specOf(o meta.Object) WidgetSpec { return o.(*Widget).Spec }

func (s *suite) testCreateGet(t *testing.T) {
	st := s.open(t)
	ctx := ctxFor(t)
	start, err := st.Revision(ctx)
	if err != nil {
		t.Fatal(err)
	}
	in := NewWidget("ns", "a")
	in.Spec.Tags = []string{"x"}
	out, err := st.Create(ctx, Key("ns", "a"), in)
	if err != nil {
		t.Fatal(err)
	}
	if in.ResourceVersion != "" {
		t.Errorf("Create changed the caller's object: resourceVersion %q", in.ResourceVersion)
	}
	if got := rv(t, out); got <= start {
		t.Errorf("resourceVersion %d after create, want > %d", got, start)
	}
	// The caller's object is not kept: changing it changes nothing stored.
	in.Spec.Tags[0] = "changed"
	got, err := st.Get(ctx, Key("ns", "a"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(WidgetSpec{Color: "red", Tags: []string{"x"}}, specOf(got)); diff != "" {
		t.Errorf("Get (-want +got):\n%s", diff)
	}
	if got.GetObjectMeta().ResourceVersion != out.GetObjectMeta().ResourceVersion {
		t.Errorf("Get resourceVersion %s, Create returned %s", got.GetObjectMeta().ResourceVersion, out.GetObjectMeta().ResourceVersion)
	}
	if tm := got.GetTypeMeta(); tm.Kind != "Widget" || tm.APIVersion != "storetest.skiff.io/v1" {
		t.Errorf("stored object has TypeMeta %+v, want the codec to have set it", *tm)
	}
	if r, _ := st.Revision(ctx); r != rv(t, out) {
		t.Errorf("Revision() = %d after one create, want %d", r, rv(t, out))
	}

	if _, err := st.Create(ctx, Key("ns", "a"), NewWidget("ns", "a")); !errors.Is(err, store.ErrAlreadyExists) {
		t.Errorf("second create: got %v, want ErrAlreadyExists", err)
	}
	withRV := NewWidget("ns", "b")
	withRV.ResourceVersion = "5"
	if _, err := st.Create(ctx, Key("ns", "b"), withRV); !errors.Is(err, store.ErrInvalidObject) {
		t.Errorf("create with resourceVersion: got %v, want ErrInvalidObject", err)
	}
	if _, err := st.Get(ctx, Key("ns", "missing")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("get missing: got %v, want ErrNotFound", err)
	}
	if _, err := st.Create(ctx, "no-slash", NewWidget("ns", "c")); !errors.Is(err, store.ErrInvalidObject) {
		t.Errorf("create with a bad key: got %v, want ErrInvalidObject", err)
	}
	b := mustCreate(t, st, NewWidget("ns", "b"))
	if rv(t, b) <= rv(t, out) {
		t.Errorf("revisions do not increase: %d then %d", rv(t, out), rv(t, b))
	}
}

func (s *suite) testUpdate(t *testing.T) {
	st := s.open(t)
	ctx := ctxFor(t)
	a := mustCreate(t, st, NewWidget("ns", "a"))
	next := a.DeepCopy()
	next.Spec.Color = "blue"
	upd, err := st.Update(ctx, Key("ns", "a"), next)
	if err != nil {
		t.Fatal(err)
	}
	if rv(t, upd) <= rv(t, a) {
		t.Errorf("update did not move the revision: %d -> %d", rv(t, a), rv(t, upd))
	}
	if next.ResourceVersion != a.ResourceVersion {
		t.Errorf("Update changed the caller's object")
	}
	// The old resourceVersion is now stale.
	stale := a.DeepCopy()
	stale.Spec.Color = "green"
	if _, err := st.Update(ctx, Key("ns", "a"), stale); !errors.Is(err, store.ErrConflict) {
		t.Errorf("stale update: got %v, want ErrConflict", err)
	}
	got, _ := st.Get(ctx, Key("ns", "a"))
	if specOf(got).Color != "blue" {
		t.Errorf("after a rejected update the color is %q, want blue", specOf(got).Color)
	}
	// No resourceVersion: unconditional.
	unc := NewWidget("ns", "a")
	unc.Spec.Color = "black"
	if _, err := st.Update(ctx, Key("ns", "a"), unc); err != nil {
		t.Errorf("unconditional update: %v", err)
	}
	if _, err := st.Update(ctx, Key("ns", "missing"), NewWidget("ns", "missing")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("update missing: got %v, want ErrNotFound", err)
	}
	bad := NewWidget("ns", "a")
	bad.ResourceVersion = "abc"
	if _, err := st.Update(ctx, Key("ns", "a"), bad); !errors.Is(err, store.ErrInvalidResourceVersion) {
		t.Errorf("update with resourceVersion abc: got %v, want ErrInvalidResourceVersion", err)
	}
}

func (s *suite) testDelete(t *testing.T) {
	st := s.open(t)
	ctx := ctxFor(t)
	a := mustCreate(t, st, NewWidget("ns", "a"))
	wrongUID := meta.UID("other")
	if _, err := st.Delete(ctx, Key("ns", "a"), &store.Preconditions{UID: &wrongUID}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("delete with a wrong UID: got %v, want ErrConflict", err)
	}
	staleRV := "1"
	if _, err := st.Delete(ctx, Key("ns", "a"), &store.Preconditions{ResourceVersion: &staleRV}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("delete with a stale resourceVersion: got %v, want ErrConflict", err)
	}
	uid, cur := a.UID, a.ResourceVersion
	last, err := st.Delete(ctx, Key("ns", "a"), &store.Preconditions{UID: &uid, ResourceVersion: &cur})
	if err != nil {
		t.Fatal(err)
	}
	if specOf(last).Color != "red" || last.GetObjectMeta().Name != "a" {
		t.Errorf("delete returned %+v, want the last state", last)
	}
	if rv(t, last) <= rv(t, a) {
		t.Errorf("deleted object carries revision %d, want the deletion's (> %d)", rv(t, last), rv(t, a))
	}
	if r, _ := st.Revision(ctx); r != rv(t, last) {
		t.Errorf("revision %d after delete, want %d", r, rv(t, last))
	}
	if _, err := st.Get(ctx, Key("ns", "a")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("get after delete: got %v, want ErrNotFound", err)
	}
	if _, err := st.Delete(ctx, Key("ns", "a"), nil); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second delete: got %v, want ErrNotFound", err)
	}
	// The key can be used again.
	mustCreate(t, st, NewWidget("ns", "a"))
}

func (s *suite) testGuaranteedUpdate(t *testing.T) {
	st := s.open(t)
	ctx := ctxFor(t)
	a := mustCreate(t, st, NewWidget("ns", "a"))
	out, err := st.GuaranteedUpdate(ctx, Key("ns", "a"), nil, func(cur meta.Object) (meta.Object, error) {
		w := cur.(*Widget).DeepCopy()
		w.Spec.Count++
		return w, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if specOf(out).Count != 1 || rv(t, out) <= rv(t, a) {
		t.Errorf("after one increment: count %d, revision %d (was %d)", specOf(out).Count, rv(t, out), rv(t, a))
	}
	// Returning an equal object writes nothing.
	before, _ := st.Revision(ctx)
	same, err := st.GuaranteedUpdate(ctx, Key("ns", "a"), nil, func(cur meta.Object) (meta.Object, error) {
		return cur.DeepCopyObject(), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if after, _ := st.Revision(ctx); after != before || same.GetObjectMeta().ResourceVersion != out.GetObjectMeta().ResourceVersion {
		t.Errorf("a no-op update wrote: revision %d -> %d", before, after)
	}
	// The update function's error stops the loop and comes back as is.
	boom := errors.New("boom")
	if _, err := st.GuaranteedUpdate(ctx, Key("ns", "a"), nil, func(meta.Object) (meta.Object, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Errorf("got %v, want the update function's error", err)
	}
	wrong := meta.UID("other")
	if _, err := st.GuaranteedUpdate(ctx, Key("ns", "a"), &store.Preconditions{UID: &wrong}, func(cur meta.Object) (meta.Object, error) {
		t.Error("update function called despite a failed precondition")
		return cur, nil
	}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("wrong UID precondition: got %v, want ErrConflict", err)
	}
	if _, err := st.GuaranteedUpdate(ctx, Key("ns", "missing"), nil, func(cur meta.Object) (meta.Object, error) { return cur, nil }); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing key: got %v, want ErrNotFound", err)
	}
}

func (s *suite) testConcurrentGuaranteedUpdate(t *testing.T) {
	st := s.open(t)
	ctx := ctxFor(t)
	mustCreate(t, st, NewWidget("ns", "counter"))
	const workers, each = 16, 25
	var wg sync.WaitGroup
	var calls atomic.Int64
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				_, err := st.GuaranteedUpdate(ctx, Key("ns", "counter"), nil, func(cur meta.Object) (meta.Object, error) {
					calls.Add(1)
					w := cur.(*Widget).DeepCopy()
					w.Spec.Count++
					return w, nil
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	got, _ := st.Get(ctx, Key("ns", "counter"))
	if c := specOf(got).Count; c != workers*each {
		t.Errorf("counter = %d after %d increments: updates were lost", c, workers*each)
	}
	t.Logf("%d increments took %d attempts", workers*each, calls.Load())
}

func (s *suite) testConcurrentConflictingUpdates(t *testing.T) {
	st := s.open(t)
	ctx := ctxFor(t)
	base := mustCreate(t, st, NewWidget("ns", "a"))
	const n = 32
	var wg sync.WaitGroup
	var won, conflicted atomic.Int64
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := base.DeepCopy()
			w.Spec.Count = int64(i + 1)
			_, err := st.Update(ctx, Key("ns", "a"), w)
			switch {
			case err == nil:
				won.Add(1)
			case errors.Is(err, store.ErrConflict):
				conflicted.Add(1)
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if won.Load() != 1 || conflicted.Load() != n-1 {
		t.Errorf("%d updates from one resourceVersion: %d won, %d conflicted; want exactly one winner", n, won.Load(), conflicted.Load())
	}
}

func (s *suite) testConcurrentCreates(t *testing.T) {
	st := s.open(t)
	ctx := ctxFor(t)
	const n = 32
	var wg sync.WaitGroup
	var won atomic.Int64
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := st.Create(ctx, Key("ns", "same"), NewWidget("ns", "same"))
			if err == nil {
				won.Add(1)
			} else if !errors.Is(err, store.ErrAlreadyExists) {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if won.Load() != 1 {
		t.Errorf("%d concurrent creates of one key: %d succeeded, want 1", n, won.Load())
	}
}

func names(items []meta.Object) []string {
	out := make([]string, len(items))
	for i, o := range items {
		out[i] = o.GetObjectMeta().Namespace + "/" + o.GetObjectMeta().Name
	}
	return out
}

func (s *suite) testList(t *testing.T) {
	st := s.open(t)
	ctx := ctxFor(t)
	for _, nn := range [][2]string{{"a", "z"}, {"a", "y"}, {"ab", "x"}, {"b", "w"}} {
		w := NewWidget(nn[0], nn[1])
		if nn[1] == "y" || nn[1] == "w" {
			w.Spec.Color = "blue"
		}
		mustCreate(t, st, w)
	}
	all, err := st.List(ctx, store.Prefix("storetest.skiff.io/widgets", ""), store.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a/y", "a/z", "ab/x", "b/w"}, names(all.Items)); diff != "" {
		t.Errorf("list all, in key order (-want +got):\n%s", diff)
	}
	if r, _ := st.Revision(ctx); all.Revision != r {
		t.Errorf("list revision %d, store revision %d", all.Revision, r)
	}
	if all.Continue != "" {
		t.Errorf("unlimited list returned a continue token")
	}
	// Namespace "a" must not include namespace "ab".
	inA, err := st.List(ctx, store.Prefix("storetest.skiff.io/widgets", "a"), store.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a/y", "a/z"}, names(inA.Items)); diff != "" {
		t.Errorf("list namespace a (-want +got):\n%s", diff)
	}
	blue, err := st.List(ctx, store.Prefix("storetest.skiff.io/widgets", ""), store.ListOptions{Filter: func(o meta.Object) bool { return specOf(o).Color == "blue" }})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a/y", "b/w"}, names(blue.Items)); diff != "" {
		t.Errorf("filtered list (-want +got):\n%s", diff)
	}
	none, err := st.List(ctx, store.Prefix("storetest.skiff.io/widgets", "nothing"), store.ListOptions{})
	if err != nil || len(none.Items) != 0 {
		t.Errorf("empty list: %v, %d items", err, len(none.Items))
	}
	if _, err := st.List(ctx, "/registry/", store.ListOptions{Limit: -1}); err == nil {
		t.Errorf("negative limit accepted")
	}
}

func (s *suite) testListSelectors(t *testing.T) {
	st := s.open(t)
	ctx := ctxFor(t)
	for i, name := range []string{"a", "b", "c", "d"} {
		w := NewWidget("ns", name)
		w.Labels = map[string]string{"app": "web", "tier": []string{"front", "back"}[i%2]}
		if name == "d" {
			w.Labels["app"] = "db"
		}
		mustCreate(t, st, w)
	}
	cases := []struct {
		label, field string
		want         []string
	}{
		{"app=web", "", []string{"ns/a", "ns/b", "ns/c"}},
		{"app=web,tier!=front", "", []string{"ns/b"}},
		{"tier in (back),app", "", []string{"ns/b", "ns/d"}},
		{"", "metadata.name=c", []string{"ns/c"}},
		{"", "metadata.name!=c,metadata.namespace=ns", []string{"ns/a", "ns/b", "ns/d"}},
		{"app=web", "metadata.name!=a", []string{"ns/b", "ns/c"}},
		{"!app", "", nil},
	}
	for _, tc := range cases {
		ls, err := labels.Parse(tc.label)
		if err != nil {
			t.Fatal(err)
		}
		fs, err := fields.ParseSelector(tc.field)
		if err != nil {
			t.Fatal(err)
		}
		res, err := st.List(ctx, store.Prefix("storetest.skiff.io/widgets", ""), store.ListOptions{Filter: store.SelectorFilter(ls, fs, nil)})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.want, names(res.Items), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("labels %q, fields %q (-want +got):\n%s", tc.label, tc.field, diff)
		}
	}
}

func (s *suite) testListPaging(t *testing.T) {
	st := s.open(t)
	ctx := ctxFor(t)
	var want []string
	for i := range 23 {
		w := NewWidget("ns", fmt.Sprintf("w%03d", i))
		if i%3 == 0 {
			w.Spec.Color = "blue"
		}
		mustCreate(t, st, w)
		want = append(want, "ns/"+w.Name)
	}
	prefix := store.Prefix("storetest.skiff.io/widgets", "ns")
	collect := func(limit int64, filter store.Filter) ([]string, int) {
		var got []string
		pages := 0
		opts := store.ListOptions{Limit: limit, Filter: filter}
		for {
			res, err := st.List(ctx, prefix, opts)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			if int64(len(res.Items)) > limit {
				t.Fatalf("page of %d items with limit %d", len(res.Items), limit)
			}
			got = append(got, names(res.Items)...)
			if filter == nil && res.Continue != "" {
				if res.RemainingItemCount == nil || int(*res.RemainingItemCount) != len(want)-len(got) {
					t.Errorf("remainingItemCount %v after %d of %d items", res.RemainingItemCount, len(got), len(want))
				}
			}
			if res.Continue == "" {
				return got, pages
			}
			opts.Continue = res.Continue
		}
	}
	got, pages := collect(5, nil)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("paged list (-want +got):\n%s", diff)
	}
	if pages != 5 {
		t.Errorf("23 items in pages of 5 took %d pages, want 5", pages)
	}
	var wantBlue []string
	for i := 0; i < 23; i += 3 {
		wantBlue = append(wantBlue, fmt.Sprintf("ns/w%03d", i))
	}
	gotBlue, _ := collect(2, func(o meta.Object) bool { return specOf(o).Color == "blue" })
	if diff := cmp.Diff(wantBlue, gotBlue); diff != "" {
		t.Errorf("paged filtered list (-want +got):\n%s", diff)
	}
}

func (s *suite) testContinueAcrossWrites(t *testing.T) {
	st := s.open(t)
	ctx := ctxFor(t)
	for i := range 10 {
		mustCreate(t, st, NewWidget("ns", fmt.Sprintf("w%02d", i)))
	}
	prefix := store.Prefix("storetest.skiff.io/widgets", "ns")
	first, err := st.List(ctx, prefix, store.ListOptions{Limit: 4})
	if err != nil {
		t.Fatal(err)
	}
	// Writes between pages: a delete of a later item, a new item, a change of a later item.
	if _, err := st.Delete(ctx, Key("ns", "w07"), nil); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, st, NewWidget("ns", "w05a"))
	if _, err := st.GuaranteedUpdate(ctx, Key("ns", "w08"), nil, func(cur meta.Object) (meta.Object, error) {
		w := cur.(*Widget).DeepCopy()
		w.Spec.Color = "changed"
		return w, nil
	}); err != nil {
		t.Fatal(err)
	}
	got := names(first.Items)
	opts := store.ListOptions{Limit: 4, Continue: first.Continue}
	for opts.Continue != "" {
		res, err := st.List(ctx, prefix, opts)
		if err != nil {
			t.Fatal(err)
		}
		if res.Revision != first.Revision {
			t.Errorf("page read at revision %d, first page at %d: a list must read one revision", res.Revision, first.Revision)
		}
		for _, o := range res.Items {
			if specOf(o).Color == "changed" {
				t.Errorf("page shows %s as changed after the list's revision", o.GetObjectMeta().Name)
			}
		}
		got = append(got, names(res.Items)...)
		opts.Continue = res.Continue
	}
	var want []string
	for i := range 10 {
		want = append(want, fmt.Sprintf("ns/w%02d", i))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("paged list across writes must show the state at its first page (-want +got):\n%s", diff)
	}
}

func (s *suite) testInvalidContinue(t *testing.T) {
	st := s.open(t)
	ctx := ctxFor(t)
	for i := range 3 {
		mustCreate(t, st, NewWidget("ns", fmt.Sprintf("w%d", i)))
	}
	for _, tok := range []string{"garbage", "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MSwic3RhcnQiOiIuLi8uLi9zZWNyZXRzLyJ9", "e30"} {
		if _, err := st.List(ctx, store.Prefix("storetest.skiff.io/widgets", "ns"), store.ListOptions{Limit: 1, Continue: tok}); !errors.Is(err, store.ErrInvalidContinue) {
			t.Errorf("continue %q: got %v, want ErrInvalidContinue", tok, err)
		}
	}
}

// next reads one event or fails after a while.
func next(t *testing.T, w store.Watch) store.Event {
	t.Helper()
	select {
	case ev, ok := <-w.ResultChan():
		if !ok {
			t.Fatal("watch closed early")
		}
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no watch event within 10s")
	}
	return store.Event{}
}

func (s *suite) testWatch(t *testing.T) {
	st := s.open(t)
	ctx := ctxFor(t)
	start, _ := st.Revision(ctx)
	w, err := st.Watch(ctx, store.Prefix("storetest.skiff.io/widgets", "ns"), store.WatchOptions{ResourceVersion: start})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	mustCreate(t, st, NewWidget("other", "ignored"))
	a := mustCreate(t, st, NewWidget("ns", "a"))
	b := a.DeepCopy()
	b.Spec.Color = "blue"
	upd, err := st.Update(ctx, Key("ns", "a"), b)
	if err != nil {
		t.Fatal(err)
	}
	del, err := st.Delete(ctx, Key("ns", "a"), nil)
	if err != nil {
		t.Fatal(err)
	}
	ev := next(t, w)
	if ev.Type != store.Added || ev.Object.GetObjectMeta().Name != "a" || ev.Revision != rv(t, a) || ev.Key != Key("ns", "a") {
		t.Errorf("first event %s %s at %d (key %s), want ADDED a at %d", ev.Type, ev.Object.GetObjectMeta().Name, ev.Revision, ev.Key, rv(t, a))
	}
	ev = next(t, w)
	if ev.Type != store.Modified || specOf(ev.Object).Color != "blue" || ev.PrevObject == nil || specOf(ev.PrevObject).Color != "red" || ev.Revision != rv(t, upd) {
		t.Errorf("second event %s, want MODIFIED red -> blue at %d", ev.Type, rv(t, upd))
	}
	ev = next(t, w)
	if ev.Type != store.Deleted || specOf(ev.Object).Color != "blue" || rv(t, ev.Object) != rv(t, del) || ev.Revision != rv(t, del) {
		t.Errorf("third event %s at %d, want DELETED with the last state at revision %d", ev.Type, ev.Revision, rv(t, del))
	}
	// Resume from the middle: only what came after.
	w2, err := st.Watch(ctx, store.Prefix("storetest.skiff.io/widgets", "ns"), store.WatchOptions{ResourceVersion: rv(t, upd)})
	if err != nil {
		t.Fatal(err)
	}
	defer w2.Stop()
	if ev := next(t, w2); ev.Type != store.Deleted || ev.Revision != rv(t, del) {
		t.Errorf("watch from %d: first event %s at %d, want DELETED at %d", rv(t, upd), ev.Type, ev.Revision, rv(t, del))
	}
}

func (s *suite) testWatchInitialState(t *testing.T) {
	st := s.open(t)
	ctx := ctxFor(t)
	mustCreate(t, st, NewWidget("ns", "a"))
	mustCreate(t, st, NewWidget("ns", "b"))
	w, err := st.Watch(ctx, store.Prefix("storetest.skiff.io/widgets", "ns"), store.WatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	var got []string
	for range 2 {
		ev := next(t, w)
		if ev.Type != store.Added {
			t.Errorf("initial event %s, want ADDED", ev.Type)
		}
		got = append(got, ev.Object.GetObjectMeta().Name)
	}
	sort.Strings(got)
	if diff := cmp.Diff([]string{"a", "b"}, got); diff != "" {
		t.Errorf("initial state (-want +got):\n%s", diff)
	}
	c := mustCreate(t, st, NewWidget("ns", "c"))
	if ev := next(t, w); ev.Type != store.Added || ev.Object.GetObjectMeta().Name != "c" || ev.Revision != rv(t, c) {
		t.Errorf("after the initial state: %s %s, want ADDED c", ev.Type, ev.Object.GetObjectMeta().Name)
	}
}

func (s *suite) testWatchSendInitialEvents(t *testing.T) {
	st := s.open(t)
	ctx := ctxFor(t)
	a := mustCreate(t, st, NewWidget("ns", "a"))
	mustCreate(t, st, NewWidget("other", "b"))
	w, err := st.Watch(ctx, store.Prefix("storetest.skiff.io/widgets", "ns"), store.WatchOptions{ResourceVersion: rv(t, a), SendInitialEvents: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	ev := next(t, w)
	if ev.Type != store.Added || ev.Object.GetObjectMeta().Name != "a" {
		t.Fatalf("initial event %s, want ADDED a even though the watch starts at its revision", ev.Type)
	}
	end := next(t, w)
	cur, _ := st.Revision(ctx)
	if end.Type != store.Bookmark || !end.InitialEventsEnd || end.Revision != cur {
		t.Fatalf("after the initial events: %s end=%v at %d, want a BOOKMARK marking their end at %d", end.Type, end.InitialEventsEnd, end.Revision, cur)
	}
	c := mustCreate(t, st, NewWidget("ns", "c"))
	if ev := next(t, w); ev.Type != store.Added || ev.Object.GetObjectMeta().Name != "c" || ev.Revision != rv(t, c) {
		t.Errorf("after the bookmark: %s %s", ev.Type, ev.Object.GetObjectMeta().Name)
	}
}

func (s *suite) testWatchFilter(t *testing.T) {
	st := s.open(t)
	ctx := ctxFor(t)
	start, _ := st.Revision(ctx)
	blue := func(o meta.Object) bool { return specOf(o).Color == "blue" }
	w, err := st.Watch(ctx, store.Prefix("storetest.skiff.io/widgets", ""), store.WatchOptions{ResourceVersion: start, Filter: blue})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	setColor := func(name, color string) {
		if _, err := st.GuaranteedUpdate(ctx, Key("ns", name), nil, func(cur meta.Object) (meta.Object, error) {
			x := cur.(*Widget).DeepCopy()
			x.Spec.Color = color
			return x, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	mustCreate(t, st, NewWidget("ns", "a")) // red: not seen
	setColor("a", "blue")                   // starts matching: ADDED
	setColor("a", "blue2")                  // stops matching: DELETED
	setColor("a", "blue")                   // ADDED again
	x := mustCreate(t, st, NewWidget("ns", "b"))
	_ = x
	setColor("b", "green") // never matches: nothing
	if _, err := st.Delete(ctx, Key("ns", "a"), nil); err != nil {
		t.Fatal(err)
	}
	want := []store.EventType{store.Added, store.Deleted, store.Added, store.Deleted}
	var got []store.EventType
	for range want {
		ev := next(t, w)
		got = append(got, ev.Type)
		if ev.Object.GetObjectMeta().Name != "a" {
			t.Errorf("event for %s, want only a", ev.Object.GetObjectMeta().Name)
		}
		if ev.Type == store.Deleted && rv(t, ev.Object) != ev.Revision {
			t.Errorf("DELETED object at revision %d, event at %d", rv(t, ev.Object), ev.Revision)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("filtered watch (-want +got):\n%s", diff)
	}
}

func (s *suite) testWatchOrdering(t *testing.T) {
	st := s.open(t)
	ctx := ctxFor(t)
	start, _ := st.Revision(ctx)
	const writers, each = 8, 40
	watchers := make([]store.Watch, 4)
	for i := range watchers {
		w, err := st.Watch(ctx, store.Prefix("storetest.skiff.io/widgets", ""), store.WatchOptions{ResourceVersion: start})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Stop()
		watchers[i] = w
	}
	var mu sync.Mutex
	acked := map[int64]string{}
	var wg sync.WaitGroup
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				name := fmt.Sprintf("g%d-%d", g, i)
				out, err := st.Create(ctx, Key("ns", name), NewWidget("ns", name))
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				acked[rv(t, out)] = name
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for i, w := range watchers {
		last := start
		for range writers * each {
			ev := next(t, w)
			if ev.Revision <= last {
				t.Fatalf("watcher %d: revision %d after %d: out of order", i, ev.Revision, last)
			}
			last = ev.Revision
			if acked[ev.Revision] != ev.Object.GetObjectMeta().Name {
				t.Fatalf("watcher %d: revision %d is %s, the write acknowledged at it was %s", i, ev.Revision, ev.Object.GetObjectMeta().Name, acked[ev.Revision])
			}
		}
	}
}

func (s *suite) testWatchSlowConsumer(t *testing.T) {
	st := s.open(t)
	ctx := ctxFor(t)
	start, _ := st.Revision(ctx)
	w, err := st.Watch(ctx, store.Prefix("storetest.skiff.io/widgets", ""), store.WatchOptions{ResourceVersion: start})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	const n = 500
	for i := range n {
		mustCreate(t, st, NewWidget("ns", fmt.Sprintf("w%04d", i)))
	}
	// Nobody read while the writes went on; every event must still arrive, in order.
	for i := range n {
		ev := next(t, w)
		if want := fmt.Sprintf("w%04d", i); ev.Object.GetObjectMeta().Name != want {
			t.Fatalf("event %d is %s, want %s", i, ev.Object.GetObjectMeta().Name, want)
		}
	}
}

func (s *suite) testWatchTooOld(t *testing.T) {
	st := s.open(t)
	ctx := ctxFor(t)
	prefix := store.Prefix("storetest.skiff.io/widgets", "")
	old := s.h.TooOld(t, st, prefix)
	_, err := st.Watch(ctx, prefix, store.WatchOptions{ResourceVersion: old})
	if !errors.Is(err, store.ErrTooOldResourceVersion) {
		t.Errorf("watch from revision %d: got %v, want ErrTooOldResourceVersion", old, err)
	}
	// The current revision is always watchable.
	cur, _ := st.Revision(ctx)
	w, err := st.Watch(ctx, prefix, store.WatchOptions{ResourceVersion: cur})
	if err != nil {
		t.Fatalf("watch from the current revision %d: %v", cur, err)
	}
	w.Stop()
}

func (s *suite) testWatchBookmarks(t *testing.T) {
	st := s.open(t)
	ctx := ctxFor(t)
	mustCreate(t, st, NewWidget("other", "x"))
	start, _ := st.Revision(ctx)
	w, err := st.Watch(ctx, store.Prefix("storetest.skiff.io/widgets", "ns"), store.WatchOptions{ResourceVersion: start, AllowBookmarks: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	// Changes outside the watched prefix move the revision a bookmark reports.
	o := mustCreate(t, st, NewWidget("other", "y"))
	deadline := time.After(s.h.BookmarkWithin + 10*time.Second)
	for {
		select {
		case ev := <-w.ResultChan():
			if ev.Type != store.Bookmark {
				t.Fatalf("got %s, want only BOOKMARK events", ev.Type)
			}
			if ev.Revision < start {
				t.Fatalf("bookmark at %d, before the watch's start %d", ev.Revision, start)
			}
			if ev.Revision >= rv(t, o) {
				return
			}
		case <-deadline:
			t.Fatalf("no bookmark at or after revision %d", rv(t, o))
		}
	}
}

func (s *suite) testWatchStop(t *testing.T) {
	st := s.open(t)
	ctx, cancel := context.WithCancel(ctxFor(t))
	w1, err := st.Watch(ctx, "/registry/", store.WatchOptions{ResourceVersion: 1})
	if err != nil {
		t.Fatal(err)
	}
	w2, err := st.Watch(context.Background(), "/registry/", store.WatchOptions{ResourceVersion: 1})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	w2.Stop()
	for i, w := range []store.Watch{w1, w2} {
		select {
		case _, ok := <-w.ResultChan():
			for ok {
				_, ok = <-w.ResultChan()
			}
		case <-time.After(10 * time.Second):
			t.Errorf("watch %d still open after its end", i+1)
		}
	}
	w1.Stop() // stopping twice is harmless
}

func (s *suite) testClose(t *testing.T) {
	st := s.h.New(t, Codec())
	ctx := ctxFor(t)
	mustCreate(t, st, NewWidget("ns", "a"))
	w, err := st.Watch(ctx, "/registry/", store.WatchOptions{ResourceVersion: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Create(ctx, Key("ns", "b"), NewWidget("ns", "b")); !errors.Is(err, store.ErrClosed) {
		t.Errorf("create after close: got %v, want ErrClosed", err)
	}
	timeout := time.After(10 * time.Second)
	for {
		select {
		case _, ok := <-w.ResultChan():
			if !ok {
				return
			}
		case <-timeout:
			t.Fatal("watch still open after Close")
		}
	}
}

func (s *suite) testRestart(t *testing.T) {
	st := s.h.New(t, Codec())
	ctx := ctxFor(t)
	for i := range 20 {
		w := NewWidget("ns", fmt.Sprintf("w%02d", i))
		w.Spec.Tags = []string{"t", strconv.Itoa(i)}
		w.Labels = map[string]string{"i": strconv.Itoa(i)}
		mustCreate(t, st, w)
	}
	if _, err := st.GuaranteedUpdate(ctx, Key("ns", "w03"), nil, func(cur meta.Object) (meta.Object, error) {
		x := cur.(*Widget).DeepCopy()
		x.Spec.Color = "blue"
		return x, nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Delete(ctx, Key("ns", "w05"), nil); err != nil {
		t.Fatal(err)
	}
	before, err := st.List(ctx, "/registry/", store.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	st = s.h.Reopen(t, st)
	t.Cleanup(func() { st.Close() })
	after, err := st.List(ctx, "/registry/", store.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if after.Revision != before.Revision {
		t.Errorf("revision %d after restart, %d before", after.Revision, before.Revision)
	}
	if diff := cmp.Diff(before.Items, after.Items); diff != "" {
		t.Errorf("state after restart (-before +after):\n%s", diff)
	}
	n := mustCreate(t, st, NewWidget("ns", "new"))
	if rv(t, n) != before.Revision+1 {
		t.Errorf("first write after restart at revision %d, want %d", rv(t, n), before.Revision+1)
	}
	w, err := st.Watch(ctx, "/registry/", store.WatchOptions{ResourceVersion: before.Revision})
	if err != nil {
		t.Fatalf("watch from the revision before restart: %v", err)
	}
	defer w.Stop()
	if ev := next(t, w); ev.Object.GetObjectMeta().Name != "new" {
		t.Errorf("watch after restart saw %s, want new", ev.Object.GetObjectMeta().Name)
	}
}

func (s *suite) testRestartAfterDeletes(t *testing.T) {
	st := s.h.New(t, Codec())
	ctx := ctxFor(t)
	for round := range 3 {
		for i := range 10 {
			mustCreate(t, st, NewWidget("ns", fmt.Sprintf("r%d-%d", round, i)))
		}
		for i := range 10 {
			if i%2 == 0 {
				if _, err := st.Delete(ctx, Key("ns", fmt.Sprintf("r%d-%d", round, i)), nil); err != nil {
					t.Fatal(err)
				}
			}
		}
		before, _ := st.List(ctx, "/registry/", store.ListOptions{})
		st = s.h.Reopen(t, st)
		after, err := st.List(ctx, "/registry/", store.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(names(before.Items), names(after.Items)); diff != "" {
			t.Errorf("round %d: objects after restart (-before +after):\n%s", round, diff)
		}
		if before.Revision != after.Revision {
			t.Errorf("round %d: revision %d after restart, %d before", round, after.Revision, before.Revision)
		}
	}
	st.Close()
}
