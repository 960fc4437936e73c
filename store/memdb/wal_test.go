package memdb

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/skiff-io/skiff/store"
)

func TestRecordRoundTrip(t *testing.T) {
	in := []record{
		{op: opPut, rev: 2, key: "/registry/pods/ns/a", value: []byte(`{"kind":"Pod"}`)},
		{op: opDelete, rev: 3, key: "/registry/pods/ns/a"},
		{op: opPut, rev: 1 << 40, key: "/k", value: make([]byte, 300)},
	}
	var b []byte
	for _, r := range in {
		b = appendRecord(b, r)
	}
	var out []record
	if err := decodeRecords(b, func(r record) error { out = append(out, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(out) != len(in) {
		t.Fatalf("%d records back, want %d", len(out), len(in))
	}
	for i := range in {
		if in[i].op != out[i].op || in[i].rev != out[i].rev || in[i].key != out[i].key || string(in[i].value) != string(out[i].value) {
			t.Errorf("record %d: %+v, want %+v", i, out[i], in[i])
		}
	}
}

// FuzzReplaySegment: whatever bytes a segment holds, replay never panics, and either reads records
// or says the log is corrupt.
func FuzzReplaySegment(f *testing.F) {
	frame := func(recs ...record) []byte {
		b := make([]byte, frameHeaderLen)
		for _, r := range recs {
			b = appendRecord(b, r)
		}
		putFrameHeader(b[:frameHeaderLen], b[frameHeaderLen:])
		return b
	}
	seg := segmentHeader(2)
	seg = append(seg, frame(record{op: opPut, rev: 2, key: "/a", value: []byte("{}")})...)
	seg = append(seg, frame(record{op: opDelete, rev: 3, key: "/a"})...)
	f.Add(seg)
	f.Add(append(append([]byte(nil), seg...), make([]byte, 64)...))
	f.Add(seg[:len(seg)-5])
	f.Add(segmentHeader(2))
	f.Add([]byte("SKIFFWAL"))
	dir := f.TempDir()
	path := filepath.Join(dir, segmentName(2))
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		for _, last := range []bool{true, false} {
			good, torn, err := replaySegment(segment{path: path, firstRev: 2}, last, func(r record) error {
				if r.op != opPut && r.op != opDelete {
					t.Fatalf("record with op %d passed", r.op)
				}
				return nil
			})
			if err != nil {
				if !errors.Is(err, store.ErrCorrupt) {
					t.Fatalf("error %v does not wrap ErrCorrupt", err)
				}
				continue
			}
			if good > int64(len(data)) || (torn && !last) {
				t.Fatalf("good=%d of %d bytes, torn=%v in a segment that is not the last", good, len(data), torn)
			}
		}
	})
}

// FuzzReadSnapshot: a damaged snapshot is refused, never half-loaded, and never panics.
func FuzzReadSnapshot(f *testing.F) {
	dir := f.TempDir()
	sw, err := newSnapshotWriter(dir, 9)
	if err != nil {
		f.Fatal(err)
	}
	sw.add(3, "/registry/pods/ns/a", []byte(`{"kind":"Pod"}`))
	sw.add(9, "/registry/pods/ns/b", []byte(`{}`))
	if err := sw.commit(); err != nil {
		f.Fatal(err)
	}
	good, err := os.ReadFile(filepath.Join(dir, snapshotName(9)))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:len(good)-1])
	path := filepath.Join(dir, "fuzz.snap")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		n := 0
		_, err := readSnapshot(path, func(int64, string, []byte) error { n++; return nil })
		if err != nil && !errors.Is(err, store.ErrCorrupt) {
			t.Fatalf("error %v does not wrap ErrCorrupt", err)
		}
	})
}
