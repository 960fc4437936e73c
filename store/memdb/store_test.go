package memdb_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr/testr"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/skiff-io/skiff/store"
	"github.com/skiff-io/skiff/store/memdb"
	"github.com/skiff-io/skiff/store/storetest"
)

const historySize = 1000

func options(t *testing.T, dir string) memdb.Options {
	return memdb.Options{
		Dir:              dir,
		Codec:            storetest.Codec(),
		Logger:           testr.New(t),
		HistorySize:      historySize,
		BookmarkInterval: 50 * time.Millisecond,
	}
}

func open(t *testing.T, opts memdb.Options) *memdb.Store {
	t.Helper()
	s, err := memdb.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// tooOld writes past the bounded history so that revision 1 is no longer watchable.
func tooOld(t *testing.T, s store.Store, prefix string) int64 {
	ctx := context.Background()
	for i := range historySize + historySize/2 {
		key := fmt.Sprintf("%stoo-old/w%05d", prefix, i)
		if _, err := s.Create(ctx, key, storetest.NewWidget("too-old", fmt.Sprintf("w%05d", i))); err != nil {
			t.Fatal(err)
		}
	}
	return 1
}

func TestConformanceInMemory(t *testing.T) {
	storetest.Run(t, storetest.Harness{
		New: func(t *testing.T, codec store.Codec) store.Store {
			o := options(t, "")
			o.Codec = codec
			return open(t, o)
		},
		TooOld:         tooOld,
		BookmarkWithin: time.Second,
	})
}

func TestConformanceOnDisk(t *testing.T) {
	storetest.Run(t, storetest.Harness{
		New: func(t *testing.T, codec store.Codec) store.Store {
			o := options(t, t.TempDir())
			o.Codec = codec
			return open(t, o)
		},
		Reopen: func(t *testing.T, s store.Store) store.Store {
			ms := s.(*memdb.Store)
			dir := ms.Dir()
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			return open(t, options(t, dir))
		},
		TooOld:         tooOld,
		BookmarkWithin: time.Second,
	})
}

// TestConformanceWithSnapshots runs the suite with a log so small that snapshots and segment
// rolls happen all the time, so that every promise also holds across them.
func TestConformanceWithSnapshots(t *testing.T) {
	small := func(t *testing.T, dir string) memdb.Options {
		o := options(t, dir)
		o.SegmentSize = 4 << 10
		o.SnapshotAfter = 16 << 10
		return o
	}
	storetest.Run(t, storetest.Harness{
		New: func(t *testing.T, codec store.Codec) store.Store {
			o := small(t, t.TempDir())
			o.Codec = codec
			return open(t, o)
		},
		Reopen: func(t *testing.T, s store.Store) store.Store {
			dir := s.(*memdb.Store).Dir()
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			return open(t, small(t, dir))
		},
		TooOld:         tooOld,
		BookmarkWithin: time.Second,
	})
}

func create(t *testing.T, s store.Store, name string) {
	t.Helper()
	if _, err := s.Create(context.Background(), storetest.Key("ns", name), storetest.NewWidget("ns", name)); err != nil {
		t.Fatal(err)
	}
}

func keys(t *testing.T, s store.Store) []string {
	t.Helper()
	res, err := s.List(context.Background(), "/registry/", store.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, o := range res.Items {
		out = append(out, o.GetObjectMeta().Name)
	}
	return out
}

func segments(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "wal-*.wal"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(m)
	return m
}

func TestSnapshotTruncatesLog(t *testing.T) {
	dir := t.TempDir()
	o := options(t, dir)
	o.SegmentSize = 2 << 10
	o.SnapshotAfter = 8 << 10
	s := open(t, o)
	for i := range 300 {
		create(t, s, fmt.Sprintf("w%03d", i))
	}
	want := keys(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	snaps, _ := filepath.Glob(filepath.Join(dir, "snap-*.snap"))
	if len(snaps) != 1 {
		t.Errorf("%d snapshot files after 300 writes with small thresholds, want exactly 1 (older ones deleted): %v", len(snaps), snaps)
	}
	// Without truncation, 300 writes of ~250 bytes would leave ~37 segments of 2 KiB.
	if n := len(segments(t, dir)); n > 8 {
		t.Errorf("%d log segments remain after snapshots, want the old ones deleted", n)
	}
	s = open(t, options(t, dir))
	defer s.Close()
	if got := keys(t, s); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("after restart from snapshot + log: %d objects, want %d", len(got), len(want))
	}
}

// lastSegment returns the newest segment file.
func lastSegment(t *testing.T, dir string) string {
	segs := segments(t, dir)
	if len(segs) == 0 {
		t.Fatal("no log segment")
	}
	return segs[len(segs)-1]
}

func TestTornTailIsDiscarded(t *testing.T) {
	writeAt := func(t *testing.T, path string, b []byte, off int64) {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.WriteAt(b, off); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name   string
		damage func(t *testing.T, path string, end int64)
		// want is how many of the 5 writes survive: the last one's frame is the torn one or not.
		want int
	}{
		{"truncated mid-frame", func(t *testing.T, path string, end int64) {
			if err := os.Truncate(path, end-7); err != nil {
				t.Fatal(err)
			}
		}, 4},
		{"last frame's payload damaged", func(t *testing.T, path string, end int64) {
			writeAt(t, path, []byte{0xff, 0xfe}, end-3)
		}, 4},
		{"last frame's tail never written", func(t *testing.T, path string, end int64) {
			writeAt(t, path, make([]byte, 40), end-40)
		}, 4},
		{"garbage after the last frame", func(t *testing.T, path string, end int64) {
			writeAt(t, path, []byte("\x01\x4b\x46\x53garbage that is not a frame"), end)
		}, 5},
		{"half a frame header after the last frame", func(t *testing.T, path string, end int64) {
			writeAt(t, path, []byte{0x01, 0x4b, 0x46, 0x53, 0x10}, end)
		}, 5},
		{"garbage past the preallocated zeros", func(t *testing.T, path string, end int64) {
			fi, _ := os.Stat(path)
			writeAt(t, path, []byte("junk"), fi.Size())
		}, 5},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s := open(t, options(t, dir))
			for i := range 5 {
				create(t, s, fmt.Sprintf("w%d", i))
			}
			s.Close()
			path := lastSegment(t, dir)
			end, err := memdb.DataEnd(path)
			if err != nil {
				t.Fatal(err)
			}
			tc.damage(t, path, end)
			s, err = memdb.Open(options(t, dir))
			if err != nil {
				t.Fatalf("open after a torn tail: %v", err)
			}
			got := keys(t, s)
			var want []string
			for i := range tc.want {
				want = append(want, fmt.Sprintf("w%d", i))
			}
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("objects after recovery: %v, want %v", got, want)
			}
			// The store keeps working: new writes land after the good frames, and survive another
			// restart with nothing of the damage left behind.
			create(t, s, "after")
			s.Close()
			s = open(t, options(t, dir))
			defer s.Close()
			if got2 := keys(t, s); strings.Join(got2, ",") != strings.Join(append([]string{"after"}, want...), ",") { // key order
				t.Errorf("after a write and another restart: %v", got2)
			}
		})
	}
}

func TestCorruptionIsRefused(t *testing.T) {
	cases := map[string]func(t *testing.T, dir string){
		"damaged frame followed by valid frames": func(t *testing.T, dir string) {
			path := lastSegment(t, dir)
			data, _ := os.ReadFile(path)
			data[30] ^= 0xff // inside the first frame
			os.WriteFile(path, data, 0o600)
		},
		"not a log": func(t *testing.T, dir string) {
			os.WriteFile(lastSegment(t, dir), []byte("this is not a write-ahead log at all"), 0o600)
		},
		"missing segment": func(t *testing.T, dir string) {
			segs := segments(t, dir)
			if len(segs) < 3 {
				t.Fatalf("want at least 3 segments, have %d", len(segs))
			}
			os.Remove(segs[1])
		},
		"damaged snapshot": func(t *testing.T, dir string) {
			snaps, _ := filepath.Glob(filepath.Join(dir, "snap-*.snap"))
			if len(snaps) == 0 {
				t.Fatal("no snapshot")
			}
			data, _ := os.ReadFile(snaps[0])
			data[len(data)/2] ^= 0xff
			os.WriteFile(snaps[0], data, 0o600)
		},
	}
	for name, damage := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			o := options(t, dir)
			if name != "damaged frame followed by valid frames" {
				o.SegmentSize = 1 << 10
			}
			if name == "damaged snapshot" {
				o.SnapshotAfter = 4 << 10
			}
			s := open(t, o)
			for i := range 40 {
				create(t, s, fmt.Sprintf("w%02d", i))
			}
			s.Close()
			damage(t, dir)
			_, err := memdb.Open(options(t, dir))
			if !errors.Is(err, store.ErrCorrupt) {
				t.Fatalf("open: got %v, want ErrCorrupt", err)
			}
			t.Logf("refused with: %v", err)
		})
	}
}

func TestDataDirInUse(t *testing.T) {
	dir := t.TempDir()
	s := open(t, options(t, dir))
	defer s.Close()
	if _, err := memdb.Open(options(t, dir)); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("second open of one data dir: got %v, want an error saying it is in use", err)
	}
}

func TestCodecRequired(t *testing.T) {
	if _, err := memdb.Open(memdb.Options{}); err == nil {
		t.Fatal("Open without a codec succeeded")
	}
}

func TestContinueExpires(t *testing.T) {
	clk := clocktesting.NewFakeClock(time.Now())
	o := options(t, "")
	o.Clock = clk
	o.PageSnapshotTTL = time.Minute
	s := open(t, o)
	defer s.Close()
	for i := range 5 {
		create(t, s, fmt.Sprintf("w%d", i))
	}
	ctx := context.Background()
	res, err := s.List(ctx, "/registry/", store.ListOptions{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	create(t, s, "moves-the-revision")
	// Within the TTL the token works, even though the store moved on.
	clk.Step(30 * time.Second)
	if _, err := s.List(ctx, "/registry/", store.ListOptions{Limit: 2, Continue: res.Continue}); err != nil {
		t.Fatalf("continue within the TTL: %v", err)
	}
	// That use renewed it; a full TTL of disuse expires it.
	clk.Step(2 * time.Minute)
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := s.List(ctx, "/registry/", store.ListOptions{Limit: 2, Continue: res.Continue})
		if errors.Is(err, store.ErrContinueExpired) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatal("continue token still served long after its TTL")
		}
		clk.Step(time.Minute) // the expiry loop may not have seen the last step yet
		time.Sleep(time.Millisecond)
	}
}

// TestEmptyNewestSegment: a crash right after a new segment file was created, before its header
// reached the disk, leaves an empty file; recovery drops it and keeps appending where the log ends.
func TestEmptyNewestSegment(t *testing.T) {
	for _, size := range []int{0, 7} {
		t.Run(fmt.Sprintf("%d bytes", size), func(t *testing.T) {
			dir := t.TempDir()
			s := open(t, options(t, dir))
			for i := range 3 {
				create(t, s, fmt.Sprintf("w%d", i))
			}
			rev, _ := s.Revision(context.Background())
			s.Close()
			// revisions 2..4 are in the first segment; a new one would start at 5
			path := filepath.Join(dir, fmt.Sprintf("wal-%016x.wal", rev+1))
			if err := os.WriteFile(path, []byte("SKIFFWAL")[:size], 0o600); err != nil {
				t.Fatal(err)
			}
			s = open(t, options(t, dir))
			create(t, s, "after")
			s.Close()
			s = open(t, options(t, dir))
			defer s.Close()
			if got := strings.Join(keys(t, s), ","); got != "after,w0,w1,w2" {
				t.Errorf("objects after two restarts: %s", got)
			}
		})
	}
}
