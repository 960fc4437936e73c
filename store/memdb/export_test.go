package memdb

import "os"

// DataEnd returns where the valid frames of a log segment end, for tests that damage the last one.
func DataEnd(path string) (int64, error) {
	good, _, err := replaySegment(segment{path: path, firstRev: firstRevOf(path)}, true, func(record) error { return nil })
	return good, err
}

func firstRevOf(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	rev, _ := parseRevName(fi.Name(), "wal-", ".wal")
	return rev
}
