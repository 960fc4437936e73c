package memdb

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/go-logr/logr"
	"github.com/hashicorp/go-memdb"
	"k8s.io/utils/clock"

	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/store"
)

// Options configure a Store.
type Options struct {
	// Dir is the data directory. Empty means in-memory only: nothing survives Close.
	Dir string
	// Codec encodes objects for the log and decides whether an update changed anything. Required.
	Codec store.Codec
	// Logger receives recovery and snapshot messages.
	Logger logr.Logger
	// Clock drives bookmarks and the expiry of list snapshots; the real clock when nil.
	Clock clock.WithTicker
	// HistorySize is how many recent changes are kept for watches that resume from a revision
	// (default 100,000). A watch from before the oldest kept change gets ErrTooOldResourceVersion.
	HistorySize int
	// SegmentSize is the size at which the log moves to a new file (default 64 MiB).
	SegmentSize int64
	// SnapshotAfter is how many bytes of log trigger a snapshot, after which older log files are
	// deleted (default 256 MiB). It bounds restart time.
	SnapshotAfter int64
	// BookmarkInterval is how often an idle watch that asked for bookmarks gets one (default 1 minute).
	BookmarkInterval time.Duration
	// PageSnapshotTTL is how long a paginated list's revision stays readable for its continue
	// tokens (default 5 minutes, as etcd's compaction in Kubernetes).
	PageSnapshotTTL time.Duration
}

func (o *Options) setDefaults() {
	if o.Logger.GetSink() == nil {
		o.Logger = logr.Discard()
	}
	if o.Clock == nil {
		o.Clock = clock.RealClock{}
	}
	if o.HistorySize <= 0 {
		o.HistorySize = 100_000
	}
	if o.SegmentSize <= 0 {
		o.SegmentSize = 64 << 20
	}
	if o.SnapshotAfter <= 0 {
		o.SnapshotAfter = 256 << 20
	}
	if o.BookmarkInterval <= 0 {
		o.BookmarkInterval = time.Minute
	}
	if o.PageSnapshotTTL <= 0 {
		o.PageSnapshotTTL = 5 * time.Minute
	}
}

// Store is the embedded store. Writers serialize on a mutex only to check preconditions and apply the
// change to the in-memory tree; the change becomes visible to readers and watchers, and the write
// returns, only after the group commit that carries it has been fsynced.
type Store struct {
	opts Options
	log  logr.Logger

	// mu orders writers. Under it: the write-side database (which already holds changes waiting for
	// their fsync), the next revision, and the batch being filled.
	mu      sync.Mutex
	db      *memdb.MemDB
	rev     int64
	pending *batch
	failed  error
	closed  bool

	kick chan struct{} // wakes the committer; buffered 1
	// preparing counts writers between entering a write method and queueing their change (encoding,
	// copying, waiting for the lock). The committer waits a moment for them so that many concurrent
	// writers share one fsync instead of paying for one each.
	preparing atomic.Int64

	// view is what readers see: an immutable snapshot of the database at a durable revision.
	view atomic.Pointer[view]

	hist *history

	pagesMu sync.Mutex
	pages   map[int64]*pageView

	// persistence; nil wal in memory mode
	wal *walWriter

	commits   atomic.Int64 // group commits made durable
	committed atomic.Int64 // writes in them
	snapshots atomic.Int64

	snapshotting atomic.Bool
	wg           sync.WaitGroup
	stop         chan struct{}
	lockFile     *os.File
}

// view is a durable, immutable state of the store.
type view struct {
	db  *memdb.MemDB
	rev int64
}

// pageView keeps the view of a paginated list alive for its continue tokens.
type pageView struct {
	v        *view
	lastUsed time.Time
}

// batch is one group commit. Its writes share one go-memdb write transaction, so that the tree nodes
// they touch are copied once per batch rather than once per write, and one log frame.
type batch struct {
	txn    *memdb.Txn
	buf    []byte // the frame: header space, then the records
	events []store.Event
	done   chan struct{}
	err    error
}

// frameBufs recycles frame buffers between batches; they grow to the size of a busy batch.
var frameBufs = sync.Pool{New: func() any { return new([]byte) }}

// entry is a row of the objects table. Entries are immutable once inserted.
type entry struct {
	key string
	obj meta.Object
	rev int64 // modification revision
}

const table = "objects"

func schema() *memdb.DBSchema {
	return &memdb.DBSchema{Tables: map[string]*memdb.TableSchema{
		table: {
			Name: table,
			Indexes: map[string]*memdb.IndexSchema{
				"id": {Name: "id", Unique: true, Indexer: keyIndexer{}},
			},
		},
	}}
}

// keyIndexer indexes entries by their key, raw bytes, so that prefix scans and lower bounds follow
// key order.
type keyIndexer struct{}

func (keyIndexer) FromObject(raw any) (bool, []byte, error) {
	return true, []byte(raw.(*entry).key), nil
}

func (keyIndexer) FromArgs(args ...any) ([]byte, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("want one key, got %d", len(args))
	}
	s, ok := args[0].(string)
	if !ok {
		return nil, fmt.Errorf("key must be a string, got %T", args[0])
	}
	return []byte(s), nil
}

func (k keyIndexer) PrefixFromArgs(args ...any) ([]byte, error) { return k.FromArgs(args...) }

// Open opens (or creates) the store in opts.Dir, or an in-memory store when Dir is empty. On disk it
// loads the newest snapshot and replays the log after it, dropping a torn last write; it refuses,
// with an error wrapping store.ErrCorrupt, a directory whose contents it cannot trust.
func Open(opts Options) (*Store, error) {
	if opts.Codec == nil {
		return nil, errors.New("memdb: Options.Codec is required")
	}
	opts.setDefaults()
	primary, err := memdb.NewMemDB(schema())
	if err != nil {
		return nil, err
	}
	// The store writes to a snapshot of the new database, not to the database itself: go-memdb
	// tracks mutations (closing a channel per changed tree node at every commit) only on its primary,
	// for WatchSets, which this store never uses; its watches come from its own history.
	db := primary.Snapshot()
	s := &Store{
		opts:  opts,
		log:   opts.Logger,
		db:    db,
		rev:   1, // as etcd: an empty store is at revision 1, so no list is ever at "0"
		kick:  make(chan struct{}, 1),
		pages: make(map[int64]*pageView),
		stop:  make(chan struct{}),
	}
	if opts.Dir != "" {
		if err := s.recover(); err != nil {
			if s.lockFile != nil {
				s.lockFile.Close()
			}
			return nil, err
		}
	}
	// Watch history starts at the recovered revision: after a restart, a watcher resumes from it
	// or relists.
	s.hist = newHistory(opts.HistorySize, s.rev)
	s.view.Store(&view{db: s.db.Snapshot(), rev: s.rev})
	s.wg.Add(2)
	go s.commitLoop()
	go s.expireLoop()
	return s, nil
}

// recover loads the data directory into memory and opens the log for appending.
func (s *Store) recover() error {
	dir := s.opts.Dir
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("memdb: data dir: %w", err)
	}
	lf, err := os.OpenFile(filepath.Join(dir, "LOCK"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("memdb: data dir: %w", err)
	}
	s.lockFile = lf
	if err := syscall.Flock(int(lf.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return fmt.Errorf("memdb: data dir %s is in use by another process: %w", dir, err)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var snaps []int64
	for _, e := range ents {
		name := e.Name()
		switch {
		case strings.HasPrefix(name, "snap-") && strings.HasSuffix(name, ".tmp"):
			// An unfinished snapshot from a crash: never became visible, safe to drop.
			os.Remove(filepath.Join(dir, name))
		case strings.HasPrefix(name, "snap-"):
			rev, ok := parseRevName(name, "snap-", ".snap")
			if !ok {
				return &store.OpError{Err: store.ErrCorrupt, Detail: "unexpected file " + filepath.Join(dir, name)}
			}
			snaps = append(snaps, rev)
		}
	}
	txn := s.db.Txn(true)
	defer txn.Abort()
	base := int64(1)
	if len(snaps) > 0 {
		newest := snaps[0]
		for _, r := range snaps {
			newest = max(newest, r)
		}
		path := filepath.Join(dir, snapshotName(newest))
		var n int
		rev, err := readSnapshot(path, func(rev int64, key string, value []byte) error {
			obj, err := s.decode(key, rev, value)
			if err != nil {
				return err
			}
			n++
			return txn.Insert(table, &entry{key: key, obj: obj, rev: rev})
		})
		if err != nil {
			return err
		}
		if rev != newest {
			return &store.OpError{Err: store.ErrCorrupt, Detail: fmt.Sprintf("%s holds revision %d", path, rev)}
		}
		base = rev
		s.log.Info("loaded snapshot", "path", path, "revision", rev, "objects", n)
	}
	segs, err := listSegments(dir)
	if err != nil {
		return err
	}
	last := base
	var replayed int
	ends := make([]int64, len(segs)) // where each segment's valid frames end
	for i, seg := range segs {
		isLast := i == len(segs)-1
		if i+1 < len(segs) && segs[i+1].firstRev <= base+1 {
			continue // wholly covered by the snapshot
		}
		if seg.firstRev > last+1 {
			return &store.OpError{Err: store.ErrCorrupt, Detail: fmt.Sprintf("log is missing revisions %d to %d (next file %s)", last+1, seg.firstRev-1, seg.path)}
		}
		good, torn, err := replaySegment(seg, isLast, func(r record) error {
			if r.rev <= last {
				if r.rev <= base {
					return nil // already in the snapshot
				}
				return &store.OpError{Err: store.ErrCorrupt, Detail: fmt.Sprintf("%s: revision %d repeats", seg.path, r.rev)}
			}
			if r.rev != last+1 {
				return &store.OpError{Err: store.ErrCorrupt, Detail: fmt.Sprintf("%s: revision %d follows %d", seg.path, r.rev, last)}
			}
			last = r.rev
			replayed++
			return s.replay(txn, r)
		})
		if err != nil {
			return err
		}
		ends[i] = good
		if torn {
			s.log.Info("discarding torn write at the end of the log", "path", seg.path, "offset", good)
			if good < walHeaderSize {
				if err := os.Remove(seg.path); err != nil {
					return err
				}
				segs = segs[:i]
			} else if err := truncateFile(seg.path, good); err != nil {
				return err
			}
		}
	}
	txn.Commit()
	s.rev = last
	if replayed > 0 {
		s.log.Info("replayed log", "records", replayed, "revision", last)
	}

	var w *walWriter
	if n := len(segs); n > 0 && segs[n-1].firstRev > base {
		w, err = openSegment(dir, segs[n-1], ends[n-1])
	} else {
		w, err = newSegment(dir, last+1)
	}
	if err != nil {
		return fmt.Errorf("memdb: open log: %w", err)
	}
	w.maxChunk = min(maxPreallocChunk, s.opts.SegmentSize)
	s.wal = w
	// Bytes written since the last snapshot decide the next one; count what is already on disk.
	for i, seg := range segs {
		if seg.firstRev > base {
			s.wal.sinceSnapshot += ends[i] // the frames, not the preallocated zeros after them
		}
	}
	return nil
}

func truncateFile(path string, size int64) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		return err
	}
	return f.Sync()
}

func (s *Store) decode(key string, rev int64, value []byte) (meta.Object, error) {
	obj, err := s.opts.Codec.Decode(value)
	if err != nil {
		return nil, &store.OpError{Err: store.ErrCorrupt, Key: key, Detail: fmt.Sprintf("revision %d does not decode: %v", rev, err)}
	}
	obj.GetObjectMeta().ResourceVersion = store.FormatRevision(rev)
	return obj, nil
}

func (s *Store) replay(txn *memdb.Txn, r record) error {
	switch r.op {
	case opPut:
		obj, err := s.decode(r.key, r.rev, r.value)
		if err != nil {
			return err
		}
		return txn.Insert(table, &entry{key: r.key, obj: obj, rev: r.rev})
	case opDelete:
		if _, err := txn.DeleteAll(table, "id", r.key); err != nil {
			return err
		}
	}
	return nil
}

// commitLoop is the group committer: it takes whatever batch writers filled while the previous fsync
// ran, writes and syncs it as one frame, then publishes it to readers and watchers and wakes its
// writers.
func (s *Store) commitLoop() {
	defer s.wg.Done()
	for {
		select {
		case <-s.kick:
		case <-s.stop:
			// Drain: writers that got in before Close still get their answer.
			if b, snap, rev := s.cut(); b != nil {
				s.commit(b, snap, rev)
			}
			return
		}
		if s.wal != nil {
			s.gather()
		}
		if b, snap, rev := s.cut(); b != nil {
			s.commit(b, snap, rev)
		}
	}
}

// maxGather bounds how long the committer holds a batch open for writers still preparing theirs.
// Well under an fsync on a typical SSD, so it costs a lone writer nothing and a crowd a little.
const maxGather = 300 * time.Microsecond

// gather waits, at most maxGather, until no writer is still preparing a change, so that it joins
// the batch about to be cut. A lone sequential writer never waits: it is queued when it kicks.
func (s *Store) gather() {
	if s.preparing.Load() <= 0 {
		return
	}
	deadline := time.Now().Add(maxGather)
	for s.preparing.Load() > 0 && time.Now().Before(deadline) {
		select {
		case <-s.kick:
		case <-time.After(time.Until(deadline)):
		case <-s.stop:
			return
		}
	}
}

// cut closes the batch being filled: its transaction commits to the write-side tree, and the
// snapshot taken at the same moment is what readers will see once the batch is durable.
func (s *Store) cut() (*batch, *memdb.MemDB, int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.pending
	if b == nil {
		return nil, nil, 0
	}
	s.pending = nil
	b.txn.Commit()
	return b, s.db.Snapshot(), s.rev
}

func (s *Store) commit(b *batch, snap *memdb.MemDB, rev int64) {
	err := s.wal.append(b.buf)
	buf := b.buf[:0]
	frameBufs.Put(&buf)
	b.buf = nil
	if err != nil {
		err = &store.OpError{Err: store.ErrFailed, Detail: "write-ahead log: " + err.Error()}
		s.log.Error(err, "store failed: the log could not be made durable; no more writes are taken")
		s.mu.Lock()
		s.failed = err
		if p := s.pending; p != nil {
			// Writes queued behind the failed one depend on it: fail them too.
			p.txn.Abort()
			p.err = err
			close(p.done)
			s.pending = nil
		}
		s.mu.Unlock()
		b.err = err
		close(b.done)
		return
	}
	s.maybeRoll(s.publish(b, snap, rev))
}

// publish makes a committed batch visible to readers and watchers and wakes its writers.
func (s *Store) publish(b *batch, snap *memdb.MemDB, rev int64) *view {
	v := &view{db: snap, rev: rev}
	s.view.Store(v)
	s.commits.Add(1)
	s.committed.Add(int64(len(b.events)))
	s.hist.append(b.events)
	close(b.done)
	return v
}

// maybeRoll moves to a new segment when this one is full, and starts a snapshot when enough log has
// piled up since the last one.
func (s *Store) maybeRoll(v *view) {
	w := s.wal
	if w.sinceSnapshot >= s.opts.SnapshotAfter && s.snapshotting.CompareAndSwap(false, true) {
		// Roll first so that every older segment holds only revisions the snapshot covers.
		if err := w.roll(v.rev + 1); err != nil {
			s.fail(err)
			s.snapshotting.Store(false)
			return
		}
		w.sinceSnapshot = 0
		s.wg.Add(1)
		go s.writeSnapshot(v)
		return
	}
	if w.full(s.opts.SegmentSize) {
		if err := w.roll(v.rev + 1); err != nil {
			s.fail(err)
		}
	}
}

func (s *Store) fail(err error) {
	err = &store.OpError{Err: store.ErrFailed, Detail: "write-ahead log: " + err.Error()}
	s.log.Error(err, "store failed; no more writes are taken")
	s.mu.Lock()
	if s.failed == nil {
		s.failed = err
	}
	s.mu.Unlock()
}

// writeSnapshot writes every object of v to a snapshot file, then deletes the log segments and
// snapshots it supersedes.
func (s *Store) writeSnapshot(v *view) {
	defer s.wg.Done()
	defer s.snapshotting.Store(false)
	start := time.Now()
	sw, err := newSnapshotWriter(s.opts.Dir, v.rev)
	if err != nil {
		s.log.Error(err, "snapshot failed")
		return
	}
	it, err := v.db.Txn(false).Get(table, "id_prefix", "")
	if err != nil {
		sw.abort()
		s.log.Error(err, "snapshot failed")
		return
	}
	n := 0
	for raw := it.Next(); raw != nil; raw = it.Next() {
		e := raw.(*entry)
		data, err := s.opts.Codec.Encode(e.obj)
		if err != nil {
			sw.abort()
			s.log.Error(err, "snapshot failed", "key", e.key)
			return
		}
		sw.add(e.rev, e.key, data)
		n++
	}
	if err := sw.commit(); err != nil {
		s.log.Error(err, "snapshot failed")
		return
	}
	// The snapshot is durable: older segments and snapshots are no longer needed.
	segs, _ := listSegments(s.opts.Dir)
	for _, seg := range segs {
		if seg.firstRev <= v.rev {
			os.Remove(seg.path)
		}
	}
	if ents, err := os.ReadDir(s.opts.Dir); err == nil {
		for _, e := range ents {
			if r, ok := parseRevName(e.Name(), "snap-", ".snap"); ok && r < v.rev {
				os.Remove(filepath.Join(s.opts.Dir, e.Name()))
			}
		}
	}
	syncDir(s.opts.Dir)
	s.snapshots.Add(1)
	s.log.Info("wrote snapshot", "revision", v.rev, "objects", n, "duration", time.Since(start))
}

// expireLoop forgets list snapshots whose continue tokens have gone unused for PageSnapshotTTL.
func (s *Store) expireLoop() {
	defer s.wg.Done()
	t := s.opts.Clock.NewTicker(s.opts.PageSnapshotTTL / 4)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C():
			now := s.opts.Clock.Now()
			s.pagesMu.Lock()
			for rev, p := range s.pages {
				if now.Sub(p.lastUsed) >= s.opts.PageSnapshotTTL {
					delete(s.pages, rev)
				}
			}
			s.pagesMu.Unlock()
		}
	}
}

// Stats are counters of a store's work since it opened.
type Stats struct {
	// Commits is the number of group commits (one fsync each when on disk).
	Commits int64
	// Writes is the number of writes those commits carried.
	Writes int64
	// Snapshots is the number of snapshots written.
	Snapshots int64
}

// Stats returns the store's counters.
func (s *Store) Stats() Stats {
	return Stats{Commits: s.commits.Load(), Writes: s.committed.Load(), Snapshots: s.snapshots.Load()}
}

// Dir returns the data directory, or "" in memory mode.
func (s *Store) Dir() string { return s.opts.Dir }

// Close finishes pending writes, ends every watch and releases the data directory.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	close(s.stop)
	s.wg.Wait()
	s.hist.close()
	var err error
	if s.wal != nil {
		err = s.wal.close()
	}
	if s.lockFile != nil {
		s.lockFile.Close()
	}
	return err
}

// Get returns the durable object at key.
func (s *Store) Get(ctx context.Context, key string) (meta.Object, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	raw, err := s.view.Load().db.Txn(false).First(table, "id", key)
	if err != nil {
		return nil, err
	}
	if raw == nil {
		return nil, &store.OpError{Err: store.ErrNotFound, Key: key}
	}
	return raw.(*entry).obj, nil
}

// Revision returns the newest durable revision.
func (s *Store) Revision(ctx context.Context) (int64, error) {
	return s.view.Load().rev, ctx.Err()
}

// List returns a page of the objects under prefix. Every page of a list reads the same revision, kept
// alive for PageSnapshotTTL after its last use.
func (s *Store) List(ctx context.Context, prefix string, opts store.ListOptions) (*store.ListResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if opts.Limit < 0 {
		return nil, &store.OpError{Err: store.ErrInvalidObject, Detail: "limit must not be negative"}
	}
	v := s.view.Load()
	start := prefix
	if opts.Continue != "" {
		key, rev, err := store.DecodeContinue(opts.Continue, prefix)
		if err != nil {
			return nil, err
		}
		start = key
		if rev != v.rev {
			s.pagesMu.Lock()
			p, ok := s.pages[rev]
			if ok {
				p.lastUsed = s.opts.Clock.Now()
			}
			s.pagesMu.Unlock()
			if !ok {
				return nil, &store.OpError{Err: store.ErrContinueExpired, Detail: fmt.Sprintf("the list at revision %d is no longer kept; start the list again", rev)}
			}
			v = p.v
		}
	}
	it, err := v.db.Txn(false).LowerBound(table, "id", start)
	if err != nil {
		return nil, err
	}
	res := &store.ListResult{Revision: v.rev}
	for raw := it.Next(); raw != nil; raw = it.Next() {
		e := raw.(*entry)
		if !strings.HasPrefix(e.key, prefix) {
			break
		}
		if opts.Filter != nil && !opts.Filter(e.obj) {
			continue
		}
		if opts.Limit > 0 && int64(len(res.Items)) == opts.Limit {
			// There is more: hand out a token that resumes here, at this revision.
			tok, err := store.EncodeContinue(prefix, e.key, v.rev)
			if err != nil {
				return nil, err
			}
			res.Continue = tok
			if opts.Filter == nil {
				remaining := int64(1)
				for raw := it.Next(); raw != nil && strings.HasPrefix(raw.(*entry).key, prefix); raw = it.Next() {
					remaining++
				}
				res.RemainingItemCount = &remaining
			}
			s.pagesMu.Lock()
			if p, ok := s.pages[v.rev]; ok {
				p.lastUsed = s.opts.Clock.Now()
			} else {
				s.pages[v.rev] = &pageView{v: v, lastUsed: s.opts.Clock.Now()}
			}
			s.pagesMu.Unlock()
			break
		}
		res.Items = append(res.Items, e.obj)
	}
	return res, nil
}

// Create stores a new object.
func (s *Store) Create(ctx context.Context, key string, obj meta.Object) (meta.Object, error) {
	s.preparing.Add(1)
	defer s.preparing.Add(-1)
	if err := validKey(key); err != nil {
		return nil, err
	}
	if obj.GetObjectMeta().ResourceVersion != "" {
		return nil, &store.OpError{Err: store.ErrInvalidObject, Key: key, Detail: "resourceVersion should not be set on objects to be created"}
	}
	obj = obj.DeepCopyObject()
	data, err := s.encodeForLog(key, obj)
	if err != nil {
		return nil, err
	}
	return s.write(ctx, key, obj, data, func(cur *entry) error {
		if cur != nil {
			return &store.OpError{Err: store.ErrAlreadyExists, Key: key}
		}
		return nil
	})
}

// Update replaces an object, if its resourceVersion (when set) is still the current one.
func (s *Store) Update(ctx context.Context, key string, obj meta.Object) (meta.Object, error) {
	s.preparing.Add(1)
	defer s.preparing.Add(-1)
	if err := validKey(key); err != nil {
		return nil, err
	}
	want := obj.GetObjectMeta().ResourceVersion
	if _, err := store.ParseRevision(want); err != nil {
		return nil, err
	}
	obj = obj.DeepCopyObject()
	data, err := s.encodeForLog(key, obj)
	if err != nil {
		return nil, err
	}
	return s.write(ctx, key, obj, data, func(cur *entry) error {
		if cur == nil {
			return &store.OpError{Err: store.ErrNotFound, Key: key}
		}
		if want != "" && want != cur.obj.GetObjectMeta().ResourceVersion {
			return &store.OpError{Err: store.ErrConflict, Key: key, Detail: "the object has been modified; please apply your changes to the latest version and try again"}
		}
		return nil
	})
}

// GuaranteedUpdate runs a read-modify-write loop until it wins or tryUpdate fails.
func (s *Store) GuaranteedUpdate(ctx context.Context, key string, pre *store.Preconditions, tryUpdate store.UpdateFunc) (meta.Object, error) {
	s.preparing.Add(1)
	defer s.preparing.Add(-1)
	if err := validKey(key); err != nil {
		return nil, err
	}
	cur, err := s.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := pre.Check(key, cur); err != nil {
			return nil, err
		}
		next, err := tryUpdate(cur)
		if err != nil {
			return nil, err
		}
		curRV := cur.GetObjectMeta().ResourceVersion
		// Compare on the wire: the same bytes mean nothing changed, so nothing is written.
		next.GetObjectMeta().ResourceVersion = curRV
		data, err := s.encode(key, next)
		if err != nil {
			return nil, err
		}
		old, err := s.encode(key, cur)
		if err != nil {
			release(data)
			return nil, err
		}
		same := bytes.Equal(data, old)
		release(old)
		if same {
			release(data)
			return cur, nil
		}
		var latest meta.Object
		out, err := s.write(ctx, key, next, data, func(e *entry) error {
			if e == nil {
				return &store.OpError{Err: store.ErrNotFound, Key: key}
			}
			if e.obj.GetObjectMeta().ResourceVersion != curRV {
				latest = e.obj
				return store.ErrConflict
			}
			return nil
		})
		if errors.Is(err, store.ErrConflict) && latest != nil {
			cur = latest
			continue
		}
		return out, err
	}
}

// Delete removes an object and returns its last state.
func (s *Store) Delete(ctx context.Context, key string, pre *store.Preconditions) (meta.Object, error) {
	s.preparing.Add(1)
	defer s.preparing.Add(-1)
	if err := validKey(key); err != nil {
		return nil, err
	}
	return s.write(ctx, key, nil, nil, func(cur *entry) error {
		if cur == nil {
			return &store.OpError{Err: store.ErrNotFound, Key: key}
		}
		return pre.Check(key, cur.obj)
	})
}

func validKey(key string) error {
	if key == "" || key[0] != '/' || strings.IndexByte(key, 0) >= 0 {
		return &store.OpError{Err: store.ErrInvalidObject, Key: key, Detail: "keys start with / and hold no NUL bytes"}
	}
	return nil
}

// encodeForLog encodes obj for the log into a pooled buffer, which write returns to the pool. In
// memory mode nothing is logged, so it only stamps the kind when the codec can do that alone.
func (s *Store) encodeForLog(key string, obj meta.Object) ([]byte, error) {
	if s.wal == nil {
		if ks, ok := s.opts.Codec.(kindSetter); ok {
			if err := ks.SetKind(obj); err != nil {
				return nil, &store.OpError{Err: store.ErrInvalidObject, Key: key, Detail: err.Error()}
			}
			return nil, nil
		}
	}
	return s.encode(key, obj)
}

// kindSetter is the part of a codec that fills in TypeMeta without encoding (api.Registry has it).
type kindSetter interface {
	SetKind(obj meta.Object) error
}

// appendEncoder is a codec that can encode into a caller's buffer (api.Registry can).
type appendEncoder interface {
	AppendEncode(dst []byte, obj meta.Object) ([]byte, error)
}

// valueBufs recycles encoding buffers: a value lives only until it is copied into its batch's frame.
var valueBufs = sync.Pool{New: func() any { return new([]byte) }}

// encode returns obj's encoding, in a pooled buffer when the codec allows; release it when done.
func (s *Store) encode(key string, obj meta.Object) ([]byte, error) {
	var data []byte
	var err error
	if ae, ok := s.opts.Codec.(appendEncoder); ok {
		data, err = ae.AppendEncode((*valueBufs.Get().(*[]byte))[:0], obj)
	} else {
		data, err = s.opts.Codec.Encode(obj)
	}
	if err != nil {
		return nil, &store.OpError{Err: store.ErrInvalidObject, Key: key, Detail: err.Error()}
	}
	return data, nil
}

// release hands an encoding buffer back for reuse.
func release(data []byte) {
	if cap(data) > 0 && cap(data) <= 1<<20 {
		data = data[:0]
		valueBufs.Put(&data)
	}
}

// write applies one change under the writer lock, after check accepts the current entry, then waits
// for its group commit. obj nil means delete. obj is the store's private copy; data its encoding.
func (s *Store) write(ctx context.Context, key string, obj meta.Object, data []byte, check func(cur *entry) error) (meta.Object, error) {
	defer release(data) // copied into the batch's frame, or not needed
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, store.ErrClosed
	}
	if s.failed != nil {
		err := s.failed
		s.mu.Unlock()
		return nil, err
	}
	// The current state is the open batch's transaction, which holds the writes still waiting for
	// their fsync, or the committed tree when no batch is open.
	b := s.pending
	var raw any
	var err error
	if b != nil {
		raw, err = b.txn.First(table, "id", key)
	} else {
		raw, err = s.db.Txn(false).First(table, "id", key)
	}
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	var cur *entry
	if raw != nil {
		cur = raw.(*entry)
	}
	if err := check(cur); err != nil {
		s.mu.Unlock()
		return nil, err
	}
	if b == nil {
		b = &batch{txn: s.db.Txn(true), done: make(chan struct{})}
		if s.wal != nil {
			b.buf = append((*frameBufs.Get().(*[]byte))[:0], make([]byte, frameHeaderLen)...)
		}
		s.pending = b
	}
	txn := b.txn
	rev := s.rev + 1
	ev := store.Event{Key: key, Revision: rev}
	rec := record{rev: rev, key: key}
	var result meta.Object
	// Insert and Delete fail only on a schema mismatch, never for a valid key: nothing to undo.
	if obj != nil {
		obj.GetObjectMeta().ResourceVersion = store.FormatRevision(rev)
		if err := txn.Insert(table, &entry{key: key, obj: obj, rev: rev}); err != nil {
			s.mu.Unlock()
			return nil, err
		}
		rec.op, rec.value = opPut, data
		ev.Object = obj
		if cur == nil {
			ev.Type = store.Added
		} else {
			ev.Type, ev.PrevObject = store.Modified, cur.obj
		}
		result = obj
	} else {
		if err := txn.Delete(table, cur); err != nil {
			s.mu.Unlock()
			return nil, err
		}
		rec.op = opDelete
		// The deleted object carries the deletion's revision, as Kubernetes' watch shows it.
		last := cur.obj.DeepCopyObject()
		last.GetObjectMeta().ResourceVersion = store.FormatRevision(rev)
		ev.Type, ev.Object, ev.PrevObject = store.Deleted, last, cur.obj
		result = last
	}
	s.rev = rev
	if s.wal != nil {
		b.buf = appendRecord(b.buf, rec)
	}
	b.events = append(b.events, ev)
	s.preparing.Add(-1) // queued: the committer need not wait for this writer any more
	if s.wal == nil {
		// Nothing to make durable: publish now, in revision order, without the committer.
		s.pending = nil
		b.txn.Commit()
		s.publish(b, s.db.Snapshot(), rev)
		s.mu.Unlock()
		s.preparing.Add(1)
		return result, nil
	}
	s.mu.Unlock()
	select {
	case s.kick <- struct{}{}:
	default:
	}
	// Once queued, the write will commit or fail as a whole; the caller's context cannot take it back,
	// so wait for the answer rather than report a write that may yet become durable as failed.
	<-b.done
	s.preparing.Add(1) // balanced by the caller's deferred decrement
	if b.err != nil {
		return nil, b.err
	}
	return result, nil
}

// fdatasync flushes file data (and the size, which appends change) without other metadata.
func fdatasync(f *os.File) error {
	for {
		err := syscall.Fdatasync(int(f.Fd()))
		if err != syscall.EINTR {
			return err
		}
	}
}

var _ store.Store = (*Store)(nil)
