package discovery

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// The disk cache has kubectl's layout and file contents, so that the two can share a folder:
//
//	<CacheDir>/<host>/servergroups.json              the groups, the core group first
//	<CacheDir>/<host>/v1/serverresources.json        the resources of the core group's v1
//	<CacheDir>/<host>/apps/v1/serverresources.json   the resources of apps/v1
//
// A file's modification time is when its content was fetched from the server: files are written to
// a temporary file, dated with the client's clock, then renamed into place, so that a reader never
// sees half a file and a test clock decides what has expired.

const (
	groupsFileName    = "servergroups.json"
	resourcesFileName = "serverresources.json"
	dirMode           = 0o750
)

// unsafeFileChars is kubectl's "overly cautious" set: anything but word characters, '/', '.' and
// parentheses becomes '_', so that the folder names match kubectl's.
var unsafeFileChars = regexp.MustCompile(`[^(\w/.)]`)

// hostDir returns the folder of a server's cache files under parent, named after the host (and
// path prefix) of its URL without the scheme, "127.0.0.1_6443" for https://127.0.0.1:6443.
func hostDir(parent, host string) string {
	host = strings.TrimPrefix(strings.TrimPrefix(host, "https://"), "http://")
	host = unsafeFileChars.ReplaceAllString(host, "_")
	// kubectl keeps '/' and '.', so a path prefix of "/../.." would climb out of parent: such
	// elements are renamed rather than resolved.
	parts := strings.Split(host, "/")
	for i, p := range parts {
		if p == "." || p == ".." {
			parts[i] = strings.Repeat("_", len(p))
		}
	}
	return filepath.Join(parent, filepath.Join(parts...))
}

// dnsName matches a group name or a version: lower-case DNS labels, which is what Kubernetes allows
// and what can safely become a folder name.
var dnsName = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)

// groupsFile returns the path of the group list, or "" when there is no disk cache.
func (d *Client) groupsFile() string {
	if d.dir == "" {
		return ""
	}
	return filepath.Join(d.dir, groupsFileName)
}

// resourcesFile returns the path of a group version's resources, or "" when there is no disk cache
// or the server named a group version that cannot safely be a path.
func (d *Client) resourcesFile(gv string) string {
	if d.dir == "" {
		return ""
	}
	parts := strings.Split(gv, "/")
	if len(parts) > 2 {
		return ""
	}
	for _, p := range parts {
		if !dnsName.MatchString(p) {
			return ""
		}
	}
	return filepath.Join(d.dir, filepath.Join(parts...), resourcesFileName)
}

// readFile decodes a cache file into out and returns when it was fetched. ok is false when there is
// no such file, it has expired, it predates an Invalidate, or it does not decode to something
// valid: a corrupt file is a miss, never an error. d.mu must be held.
func (d *Client) readFile(path string, out any, valid func() bool) (fetched time.Time, ok bool) {
	if path == "" || (d.invalidated && !d.ours[path]) {
		return time.Time{}, false
	}
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() || d.expired(fi.ModTime()) {
		return time.Time{}, false
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return time.Time{}, false
	}
	if err := json.Unmarshal(b, out); err != nil || !valid() {
		d.log.V(1).Info("Ignoring a corrupt discovery cache file", "path", path, "err", err)
		return time.Time{}, false
	}
	return fi.ModTime(), true
}

// writeFile writes v to path atomically, dated fetched. A cache that cannot be written is only
// slower, so failures are logged, not returned. d.mu must be held.
func (d *Client) writeFile(path string, v any, fetched time.Time) {
	if path == "" {
		return
	}
	if err := writeAtomic(path, v, fetched); err != nil {
		d.log.V(1).Info("Cannot write the discovery cache", "path", path, "err", err)
		return
	}
	d.ours[path] = true
}

func writeAtomic(path string, v any, fetched time.Time) (err error) {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, dirMode); err != nil {
		return err
	}
	// CreateTemp makes the file 0600: discovery reveals which APIs a cluster serves, so it stays the
	// user's own.
	f, err := os.CreateTemp(dir, filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chtimes(tmp, fetched, fetched); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
