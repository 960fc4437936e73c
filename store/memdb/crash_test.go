package memdb_test

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/store"
	"github.com/skiff-io/skiff/store/memdb"
	"github.com/skiff-io/skiff/store/storetest"
)

// The crash test runs a writer in a child process (this test binary, re-executed), kills it with
// SIGKILL at a random moment, and checks the data directory: every write the child saw acknowledged
// is there, and nothing else is there but, per writer, the one write that was under way.

var crashTrials = flag.Int("crash.trials", 20, "number of SIGKILL trials in TestCrashRecovery")

const (
	crashEnv        = "SKIFF_CRASH_CHILD_DIR"
	crashWriters    = 16
	crashKeysPerW   = 12
	crashPaddingLen = 700 // objects of about 1 KiB
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(crashEnv); dir != "" {
		crashChild(dir)
		return
	}
	os.Exit(m.Run())
}

// crashOp is the i-th operation of writer w, given the writer's current state. Both the child and the
// checker derive it, so the checker knows exactly what each acknowledged prefix leaves behind.
type crashOp struct {
	key     string
	name    string
	del     bool
	version int
}

func nextOp(w, i int, present map[string]bool) crashOp {
	name := fmt.Sprintf("w%02d-k%02d", w, (i*7+w)%crashKeysPerW)
	op := crashOp{key: storetest.Key("crash", name), name: name, version: i}
	if present[name] && i%5 == 0 {
		op.del = true
	}
	return op
}

// content is what version v of a key holds; a half-written object cannot match it.
func content(name string, v int) storetest.WidgetSpec {
	pad := strings.Repeat(fmt.Sprintf("%s@%d;", name, v), crashPaddingLen/10)
	return storetest.WidgetSpec{Color: name, Count: int64(v), Padding: pad, Tags: []string{name, strconv.Itoa(v)}}
}

func crashOptions(dir string) memdb.Options {
	return memdb.Options{Dir: dir, Codec: storetest.Codec(), SegmentSize: 64 << 10, SnapshotAfter: 512 << 10}
}

// crashChild writes until it is killed, printing "w i" after operation i of writer w is acknowledged.
func crashChild(dir string) {
	s, err := memdb.Open(crashOptions(dir))
	if err != nil {
		fmt.Fprintln(os.Stderr, "child open:", err)
		os.Exit(3)
	}
	ctx := context.Background()
	// Each writer resumes from the state the last trial left: it continues its sequence from where
	// its keys say it stopped.
	res, err := s.List(ctx, "/registry/", store.ListOptions{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child list:", err)
		os.Exit(3)
	}
	var mu sync.Mutex
	out := bufio.NewWriter(os.Stdout)
	var wg sync.WaitGroup
	for w := range crashWriters {
		present := map[string]bool{}
		for _, o := range res.Items {
			if strings.HasPrefix(o.GetObjectMeta().Name, fmt.Sprintf("w%02d-", w)) {
				present[o.GetObjectMeta().Name] = true
			}
		}
		start, _ := strconv.Atoi(os.Getenv(fmt.Sprintf("SKIFF_CRASH_START_%d", w)))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := start; ; i++ {
				op := nextOp(w, i, present)
				var err error
				switch {
				case op.del:
					_, err = s.Delete(ctx, op.key, nil)
					delete(present, op.name)
				case present[op.name]:
					_, err = s.GuaranteedUpdate(ctx, op.key, nil, func(cur meta.Object) (meta.Object, error) {
						x := cur.(*storetest.Widget).DeepCopy()
						x.Spec = content(op.name, op.version)
						return x, nil
					})
				default:
					x := storetest.NewWidget("crash", op.name)
					x.Spec = content(op.name, op.version)
					_, err = s.Create(ctx, op.key, x)
					present[op.name] = true
				}
				if err != nil {
					fmt.Fprintln(os.Stderr, "child write:", err)
					os.Exit(4)
				}
				mu.Lock()
				fmt.Fprintf(out, "%d %d\n", w, i)
				out.Flush() // the parent counts a write as acknowledged once it has read this line
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}

func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Log("short mode: running 3 trials instead of", *crashTrials)
		*crashTrials = 3
	}
	dir := t.TempDir()
	next := make([]int, crashWriters) // first operation index not yet acknowledged, per writer
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 42))
	var totalAcked, totalTrials, inFlightDurable int
	for trial := range *crashTrials {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), crashEnv+"="+dir)
		for w, n := range next {
			cmd.Env = append(cmd.Env, fmt.Sprintf("SKIFF_CRASH_START_%d=%d", w, n))
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		acked := make([]int, crashWriters)
		copy(acked, next)
		done := make(chan error, 1)
		lines := 0
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				var w, i int
				if _, err := fmt.Sscanf(sc.Text(), "%d %d", &w, &i); err != nil {
					done <- fmt.Errorf("bad ack line %q", sc.Text())
					io.Copy(io.Discard, stdout)
					return
				}
				if i != acked[w] {
					done <- fmt.Errorf("writer %d acknowledged op %d, expected %d", w, i, acked[w])
					io.Copy(io.Discard, stdout)
					return
				}
				acked[w] = i + 1
				lines++
			}
			done <- sc.Err()
		}()
		// Let it run 30-400 ms, so kills land in every phase: start-up, steady writes, snapshots.
		time.Sleep(time.Duration(30+rng.IntN(370)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		if err := <-done; err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		werr := cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
			t.Fatalf("trial %d: child ended by itself (%v) instead of being killed: %s", trial, werr, stderr.String())
		}
		totalAcked += lines
		totalTrials++
		next = verifyCrash(t, trial, dir, acked)
		for w := range next {
			if next[w] > acked[w] {
				inFlightDurable++
			}
		}
	}
	t.Logf("%d trials, %d acknowledged writes checked, %d writes found durable whose acknowledgement the kill cut off", totalTrials, totalAcked, inFlightDurable)
	if totalAcked == 0 {
		t.Fatal("no write was ever acknowledged: the trials tested nothing")
	}
}

// verifyCrash opens the data dir and checks each writer's keys against its acknowledged prefix. It
// returns, per writer, the index the next trial continues from.
func verifyCrash(t *testing.T, trial int, dir string, acked []int) []int {
	t.Helper()
	s, err := memdb.Open(crashOptions(dir))
	if err != nil {
		t.Fatalf("trial %d: reopen after SIGKILL: %v", trial, err)
	}
	defer s.Close()
	res, err := s.List(context.Background(), "/registry/", store.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := make([]map[string]storetest.WidgetSpec, crashWriters)
	for w := range got {
		got[w] = map[string]storetest.WidgetSpec{}
	}
	for _, o := range res.Items {
		x := o.(*storetest.Widget)
		var w int
		if _, err := fmt.Sscanf(x.Name, "w%02d-", &w); err != nil || w >= crashWriters {
			t.Fatalf("trial %d: unexpected object %s", trial, x.Name)
		}
		got[w][x.Name] = x.Spec
	}
	next := make([]int, crashWriters)
	for w := range crashWriters {
		// Replay the writer's sequence from the start: the state after acked[w] operations, and after
		// one more (the one that may have been under way).
		state := map[string]storetest.WidgetSpec{}
		present := map[string]bool{}
		apply := func(i int) {
			op := nextOp(w, i, present)
			if op.del {
				delete(state, op.name)
				delete(present, op.name)
				return
			}
			state[op.name] = content(op.name, op.version)
			present[op.name] = true
		}
		for i := 0; i < acked[w]; i++ {
			apply(i)
		}
		if equalStates(state, got[w]) {
			next[w] = acked[w]
			continue
		}
		apply(acked[w])
		if equalStates(state, got[w]) {
			next[w] = acked[w] + 1 // the write under way was durable, only its ack was lost
			continue
		}
		t.Fatalf("trial %d: writer %d's keys match neither its %d acknowledged writes nor one more: acknowledged data lost or half-written data present", trial, w, acked[w])
	}
	return next
}

func equalStates(want, got map[string]storetest.WidgetSpec) bool {
	if len(want) != len(got) {
		return false
	}
	for k, w := range want {
		g, ok := got[k]
		if !ok || g.Color != w.Color || g.Count != w.Count || g.Padding != w.Padding || strings.Join(g.Tags, ",") != strings.Join(w.Tags, ",") {
			return false
		}
	}
	return true
}
