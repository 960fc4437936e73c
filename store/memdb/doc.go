// Package memdb is skiff's embedded store: objects in a go-memdb radix tree, made durable by a
// write-ahead log with group commit, snapshots that bound restart time, and recovery that drops a
// torn last write and refuses anything else it cannot trust.
//
// A write is acknowledged, and becomes visible to readers and watchers, only after the group commit
// that carries it has been fsynced; readers see immutable snapshots without locks; watchers pull
// from a gap-free history at their own pace. With no data directory the store lives in memory only,
// for tests.
//
//	s, err := memdb.Open(memdb.Options{Dir: dataDir, Codec: api.Builtin()})
//	if err != nil {
//		return err // e.g. store: data corrupt: .../wal-...wal at offset 4096: ...
//	}
//	defer s.Close()
//	created, err := s.Create(ctx, store.Key("pods", "default", "nginx"), pod)
//
// The data directory holds wal-<first revision>.wal segments, snap-<revision>.snap snapshots and a
// LOCK file that keeps a second process out.
package memdb
