package memdb

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/skiff-io/skiff/store"
)

// The write-ahead log is a sequence of segment files, wal-<first revision, 16 hex digits>.wal. Each
// starts with a header and holds frames; one frame is one group commit (every write that shared one
// fsync), so a crash can tear at most the last frame, whose writes were never acknowledged.
//
//	segment header: "SKIFFWAL" | version uint32 | first revision uint64
//	frame:          magic uint32 | payload length uint32 | header crc uint32 | payload crc uint32 | payload
//	payload:        record*
//	record:         op byte | revision uvarint | key length uvarint | key | value length uvarint | value
//
// All integers are little endian; checksums are CRC-32C.

const (
	walMagic       = "SKIFFWAL"
	walVersion     = 1
	walHeaderSize  = 8 + 4 + 8
	frameMagic     = 0x5346_4b01 // never valid UTF-8 in this order, so JSON values cannot fake it
	frameHeaderLen = 16
	// maxFrame bounds what recovery believes a length field; larger is corruption.
	maxFrame = 1 << 30

	opPut    byte = 1
	opDelete byte = 2
)

var (
	castagnoli      = crc32.MakeTable(crc32.Castagnoli)
	frameMagicBytes = binary.LittleEndian.AppendUint32(nil, frameMagic)
)

// record is one write in the log.
type record struct {
	op    byte
	rev   int64
	key   string
	value []byte // encoded object for opPut
}

func appendRecord(b []byte, r record) []byte {
	b = append(b, r.op)
	b = binary.AppendUvarint(b, uint64(r.rev))
	b = binary.AppendUvarint(b, uint64(len(r.key)))
	b = append(b, r.key...)
	b = binary.AppendUvarint(b, uint64(len(r.value)))
	return append(b, r.value...)
}

// decodeRecords calls fn for each record of a frame payload.
func decodeRecords(p []byte, fn func(record) error) error {
	for len(p) > 0 {
		var r record
		r.op = p[0]
		p = p[1:]
		if r.op != opPut && r.op != opDelete {
			return fmt.Errorf("unknown record type %d", r.op)
		}
		rev, n := binary.Uvarint(p)
		if n <= 0 {
			return errors.New("bad record revision")
		}
		r.rev = int64(rev)
		p = p[n:]
		kl, n := binary.Uvarint(p)
		if n <= 0 || kl > uint64(len(p)-n) {
			return errors.New("bad record key length")
		}
		r.key = string(p[n : n+int(kl)])
		p = p[n+int(kl):]
		vl, n := binary.Uvarint(p)
		if n <= 0 || vl > uint64(len(p)-n) {
			return errors.New("bad record value length")
		}
		r.value = p[n : n+int(vl)]
		p = p[n+int(vl):]
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

func putFrameHeader(h, payload []byte) {
	binary.LittleEndian.PutUint32(h[0:], frameMagic)
	binary.LittleEndian.PutUint32(h[4:], uint32(len(payload)))
	binary.LittleEndian.PutUint32(h[8:], crc32.Checksum(h[0:8], castagnoli))
	binary.LittleEndian.PutUint32(h[12:], crc32.Checksum(payload, castagnoli))
}

// parseFrame reads the frame at the start of b. ok is false when b does not start with a whole, valid
// frame.
func parseFrame(b []byte) (payload []byte, size int, ok bool) {
	if len(b) < frameHeaderLen {
		return nil, 0, false
	}
	if binary.LittleEndian.Uint32(b[0:]) != frameMagic {
		return nil, 0, false
	}
	if crc32.Checksum(b[0:8], castagnoli) != binary.LittleEndian.Uint32(b[8:]) {
		return nil, 0, false
	}
	n := binary.LittleEndian.Uint32(b[4:])
	if n > maxFrame || int(n) > len(b)-frameHeaderLen {
		return nil, 0, false
	}
	payload = b[frameHeaderLen : frameHeaderLen+int(n)]
	if crc32.Checksum(payload, castagnoli) != binary.LittleEndian.Uint32(b[12:]) {
		return nil, 0, false
	}
	return payload, frameHeaderLen + int(n), true
}

// segment is one WAL file on disk.
type segment struct {
	path     string
	firstRev int64
}

func segmentName(firstRev int64) string { return fmt.Sprintf("wal-%016x.wal", firstRev) }

func snapshotName(rev int64) string { return fmt.Sprintf("snap-%016x.snap", rev) }

// parseRevName reads the revision out of "<prefix><16 hex><suffix>".
func parseRevName(name, prefix, suffix string) (int64, bool) {
	if !strings.HasPrefix(name, prefix) || !strings.HasSuffix(name, suffix) {
		return 0, false
	}
	hex := name[len(prefix) : len(name)-len(suffix)]
	if len(hex) != 16 {
		return 0, false
	}
	n, err := strconv.ParseUint(hex, 16, 63)
	if err != nil {
		return 0, false
	}
	return int64(n), true
}

// listSegments returns the WAL segments in dir, oldest first.
func listSegments(dir string) ([]segment, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var segs []segment
	for _, e := range ents {
		if rev, ok := parseRevName(e.Name(), "wal-", ".wal"); ok {
			segs = append(segs, segment{path: filepath.Join(dir, e.Name()), firstRev: rev})
		}
	}
	sort.Slice(segs, func(i, j int) bool { return segs[i].firstRev < segs[j].firstRev })
	return segs, nil
}

func segmentHeader(firstRev int64) []byte {
	h := make([]byte, walHeaderSize)
	copy(h, walMagic)
	binary.LittleEndian.PutUint32(h[8:], walVersion)
	binary.LittleEndian.PutUint64(h[12:], uint64(firstRev))
	return h
}

// walWriter writes frames at the end of the current segment. Only the committer goroutine uses it.
//
// Segments are extended with zeros ahead of the frames (in chunks that double up to maxChunk), so
// that most syncs flush only data: appending to a file changes its size, and syncing a size change
// costs a filesystem journal commit, about twice the time and CPU of a data-only sync here.
type walWriter struct {
	dir           string
	f             *os.File
	off           int64 // where the next frame goes
	allocated     int64 // the file's size: frames, then zeros
	chunk         int64 // next extension
	maxChunk      int64
	firstRev      int64
	sinceSnapshot int64
}

// maxPreallocChunk is the largest extension of a segment with zeros at once.
const maxPreallocChunk = 4 << 20

var zeros = make([]byte, 1<<20)

// newSegment makes a new, empty segment whose first record will be firstRev, and makes its existence
// durable.
func newSegment(dir string, firstRev int64) (*walWriter, error) {
	path := filepath.Join(dir, segmentName(firstRev))
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(segmentHeader(firstRev)); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	if err := syncDir(dir); err != nil {
		f.Close()
		return nil, err
	}
	return &walWriter{dir: dir, f: f, off: walHeaderSize, allocated: walHeaderSize, chunk: 64 << 10, maxChunk: maxPreallocChunk, firstRev: firstRev}, nil
}

// openSegment continues an existing segment whose valid frames end at end.
func openSegment(dir string, seg segment, end int64) (*walWriter, error) {
	f, err := os.OpenFile(seg.path, os.O_WRONLY, 0)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	return &walWriter{dir: dir, f: f, off: end, allocated: st.Size(), chunk: 64 << 10, maxChunk: maxPreallocChunk, firstRev: seg.firstRev}, nil
}

// append writes buf, a frame whose first frameHeaderLen bytes are left for its header, and syncs it.
func (w *walWriter) append(buf []byte) error {
	putFrameHeader(buf[:frameHeaderLen], buf[frameHeaderLen:])
	end := w.off + int64(len(buf))
	if end > w.allocated {
		// Zeros past the frame; the frame's own sync makes them durable with it.
		target := end + w.chunk
		w.chunk = min(2*w.chunk, w.maxChunk)
		for at := end; at < target; {
			n := min(int64(len(zeros)), target-at)
			if _, err := w.f.WriteAt(zeros[:n], at); err != nil {
				return err
			}
			at += n
		}
		w.allocated = target
	}
	// One write call per frame keeps the frame contiguous even if the process dies mid-write.
	if _, err := w.f.WriteAt(buf, w.off); err != nil {
		return err
	}
	if err := fdatasync(w.f); err != nil {
		return err
	}
	w.off = end
	w.sinceSnapshot += int64(len(buf))
	return nil
}

// full reports whether the segment has reached size.
func (w *walWriter) full(size int64) bool { return w.off >= size }

// roll closes the current segment and starts a new one whose first record will be nextRev.
func (w *walWriter) roll(nextRev int64) error {
	if err := w.f.Close(); err != nil {
		return err
	}
	nw, err := newSegment(w.dir, nextRev)
	if err != nil {
		return err
	}
	nw.maxChunk, nw.sinceSnapshot = w.maxChunk, w.sinceSnapshot
	*w = *nw
	return nil
}

func (w *walWriter) close() error { return w.f.Close() }

// replaySegment reads a segment and calls fn for each record. A frame that fails its checksum is a
// torn write when nothing valid follows it anywhere in the file, and then, if last is true, the file
// is truncated to the good prefix; otherwise the segment cannot be trusted and ErrCorrupt is returned.
// It returns the size of the good prefix.
func replaySegment(seg segment, last bool, fn func(record) error) (good int64, torn bool, err error) {
	data, err := os.ReadFile(seg.path)
	if err != nil {
		return 0, false, err
	}
	corrupt := func(off int, format string, args ...any) error {
		return &store.OpError{Err: store.ErrCorrupt, Detail: fmt.Sprintf("%s at offset %d: %s", seg.path, off, fmt.Sprintf(format, args...))}
	}
	if len(data) < walHeaderSize {
		// A crash right after creating the file can leave a short header, only in the newest segment.
		if last {
			return 0, true, nil
		}
		return 0, false, corrupt(0, "segment header is truncated (%d bytes)", len(data))
	}
	if string(data[:8]) != walMagic {
		return 0, false, corrupt(0, "not a skiff write-ahead log segment")
	}
	if v := binary.LittleEndian.Uint32(data[8:]); v != walVersion {
		return 0, false, corrupt(8, "unsupported log version %d (this skiff reads version %d)", v, walVersion)
	}
	if r := int64(binary.LittleEndian.Uint64(data[12:])); r != seg.firstRev {
		return 0, false, corrupt(12, "segment header says first revision %d, its name says %d", r, seg.firstRev)
	}
	off := walHeaderSize
	for off < len(data) {
		payload, size, ok := parseFrame(data[off:])
		if !ok {
			if allZero(data[off:]) {
				// The end of the frames: the rest is the segment's preallocated zeros (or a write
				// none of whose bytes reached the disk).
				return int64(off), false, nil
			}
			// Torn tail or corruption? Only a torn tail has nothing valid after it.
			for j := off + 1; j+frameHeaderLen <= len(data); j++ {
				k := bytes.Index(data[j:], frameMagicBytes)
				if k < 0 {
					break
				}
				j += k
				if _, _, ok := parseFrame(data[j:]); ok {
					return 0, false, corrupt(off, "damaged frame followed by valid frames at offset %d: the log cannot be trusted", j)
				}
			}
			if !last {
				return 0, false, corrupt(off, "damaged frame in a segment that is not the newest")
			}
			return int64(off), true, nil
		}
		if err := decodeRecords(payload, fn); err != nil {
			var oe *store.OpError
			if errors.As(err, &oe) {
				return 0, false, err
			}
			return 0, false, corrupt(off, "frame passes its checksum but does not decode: %v", err)
		}
		off += size
	}
	return int64(off), false, nil
}

// snapshot file: "SKIFFSNP" | version uint32 | revision uint64 | entries | trailer
// entry:   revision uvarint | key length uvarint | key | value length uvarint | value
// trailer: entry count uint64 | crc of everything before the trailer uint32 | crc of the trailer's first 12 bytes uint32
const (
	snapMagic       = "SKIFFSNP"
	snapVersion     = 1
	snapHeaderSize  = 8 + 4 + 8
	snapTrailerSize = 8 + 4 + 4
)

// snapshotWriter streams a snapshot to a temporary file, then makes it durable and visible at once.
type snapshotWriter struct {
	dir string
	tmp *os.File
	w   *bufio.Writer
	crc uint32
	buf []byte
	rev int64
	n   uint64
}

func newSnapshotWriter(dir string, rev int64) (*snapshotWriter, error) {
	f, err := os.CreateTemp(dir, "snap-*.tmp")
	if err != nil {
		return nil, err
	}
	sw := &snapshotWriter{dir: dir, tmp: f, w: bufio.NewWriterSize(f, 1<<20), rev: rev}
	h := make([]byte, snapHeaderSize)
	copy(h, snapMagic)
	binary.LittleEndian.PutUint32(h[8:], snapVersion)
	binary.LittleEndian.PutUint64(h[12:], uint64(rev))
	sw.write(h)
	return sw, nil
}

func (sw *snapshotWriter) write(b []byte) {
	sw.crc = crc32.Update(sw.crc, castagnoli, b)
	sw.w.Write(b) // errors surface at Flush
}

func (sw *snapshotWriter) add(rev int64, key string, value []byte) {
	b := sw.buf[:0]
	b = binary.AppendUvarint(b, uint64(rev))
	b = binary.AppendUvarint(b, uint64(len(key)))
	b = append(b, key...)
	b = binary.AppendUvarint(b, uint64(len(value)))
	sw.buf = b
	sw.write(b)
	sw.write(value)
	sw.n++
}

// commit finishes the file, makes it durable and renames it into place, so a snapshot is either
// whole or absent.
func (sw *snapshotWriter) commit() (err error) {
	defer func() {
		if err != nil {
			sw.tmp.Close()
			os.Remove(sw.tmp.Name())
		}
	}()
	trailer := make([]byte, snapTrailerSize)
	binary.LittleEndian.PutUint64(trailer[0:], sw.n)
	binary.LittleEndian.PutUint32(trailer[8:], sw.crc)
	binary.LittleEndian.PutUint32(trailer[12:], crc32.Checksum(trailer[:12], castagnoli))
	if _, err := sw.w.Write(trailer); err != nil {
		return err
	}
	if err := sw.w.Flush(); err != nil {
		return err
	}
	if err := sw.tmp.Sync(); err != nil {
		return err
	}
	if err := sw.tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(sw.tmp.Name(), filepath.Join(sw.dir, snapshotName(sw.rev))); err != nil {
		return err
	}
	return syncDir(sw.dir)
}

func (sw *snapshotWriter) abort() {
	sw.tmp.Close()
	os.Remove(sw.tmp.Name())
}

// readSnapshot loads a snapshot file, calling fn for each entry. Any damage is ErrCorrupt: a snapshot
// only becomes visible after it was fsynced whole, so damage is never a torn write.
func readSnapshot(path string, fn func(rev int64, key string, value []byte) error) (int64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	corrupt := func(format string, args ...any) error {
		return &store.OpError{Err: store.ErrCorrupt, Detail: path + ": " + fmt.Sprintf(format, args...)}
	}
	const hdr, trl = snapHeaderSize, snapTrailerSize
	if len(data) < hdr+trl || string(data[:8]) != snapMagic {
		return 0, corrupt("not a skiff snapshot")
	}
	if v := binary.LittleEndian.Uint32(data[8:]); v != snapVersion {
		return 0, corrupt("unsupported snapshot version %d", v)
	}
	rev := int64(binary.LittleEndian.Uint64(data[12:]))
	trailer := data[len(data)-trl:]
	if crc32.Checksum(trailer[:12], castagnoli) != binary.LittleEndian.Uint32(trailer[12:]) {
		return 0, corrupt("trailer checksum mismatch")
	}
	body := data[:len(data)-trl]
	if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(trailer[8:]) {
		return 0, corrupt("checksum mismatch")
	}
	count := binary.LittleEndian.Uint64(trailer[0:])
	p := body[hdr:]
	var n uint64
	for len(p) > 0 {
		r, k := binary.Uvarint(p)
		if k <= 0 {
			return 0, corrupt("bad entry revision")
		}
		p = p[k:]
		kl, k := binary.Uvarint(p)
		if k <= 0 || kl > uint64(len(p)-k) {
			return 0, corrupt("bad entry key")
		}
		key := string(p[k : k+int(kl)])
		p = p[k+int(kl):]
		vl, k := binary.Uvarint(p)
		if k <= 0 || vl > uint64(len(p)-k) {
			return 0, corrupt("bad entry value")
		}
		if err := fn(int64(r), key, p[k:k+int(vl)]); err != nil {
			return 0, err
		}
		p = p[k+int(vl):]
		n++
	}
	if n != count {
		return 0, corrupt("holds %d entries, trailer says %d", n, count)
	}
	return rev, nil
}

func allZero(b []byte) bool {
	for len(b) >= 8 {
		if binary.LittleEndian.Uint64(b) != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
