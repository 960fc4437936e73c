// Package credfile reads the CSV files kube-apiserver takes static credentials from
// (--token-auth-file, and the legacy password file): one line per credential, with the secret,
// the user name, the user's uid and, optionally, a quoted comma-separated list of groups.
package credfile

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/skiff-io/skiff/authn"
)

// Record is one line of a file.
type Record struct {
	Secret string
	User   authn.User
}

// Format says what a file's secrets are called and which lines conflict.
type Format struct {
	// Secret names the first column in errors ("token", "password").
	Secret string
	// Malformed is wrapped by every error about the file's content.
	Malformed error
	// Unique returns what must not repeat in a record, and how an error names it without
	// revealing a secret.
	Unique func(r Record) (key, what string)
}

// Parse reads records from r; name, when not empty, is the file's name in errors, which also
// name the line.
func (f Format) Parse(r io.Reader, name string) ([]Record, error) {
	where := func(line int) string {
		if name == "" {
			return fmt.Sprintf("line %d", line)
		}
		return fmt.Sprintf("%s:%d", name, line)
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // a groups column is optional
	var out []Record
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("%w: %s: %v", f.Malformed, where(pe.Line), pe.Err)
			}
			return nil, fmt.Errorf("reading %s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		switch {
		case len(rec) < 3:
			return nil, fmt.Errorf("%w: %s: must have at least 3 columns (%s, user name, user uid), found %d", f.Malformed, where(line), f.Secret, len(rec))
		case len(rec) > 4:
			return nil, fmt.Errorf("%w: %s: must have at most 4 columns (%s, user name, user uid, groups), found %d: quote the groups column when there is more than one group",
				f.Malformed, where(line), f.Secret, len(rec))
		case rec[0] == "":
			return nil, fmt.Errorf("%w: %s: empty %s", f.Malformed, where(line), f.Secret)
		case rec[1] == "":
			return nil, fmt.Errorf("%w: %s: empty user name", f.Malformed, where(line))
		}
		r := Record{Secret: rec[0], User: authn.User{Name: rec[1], UID: rec[2]}}
		if len(rec) == 4 {
			r.User.Groups = splitGroups(rec[3])
		}
		key, what := f.Unique(r)
		if first, dup := seen[key]; dup {
			return nil, fmt.Errorf("%w: %s: %s already given on line %d", f.Malformed, where(line), what, first)
		}
		seen[key] = line
		out = append(out, r)
	}
}

// splitGroups splits the groups column on commas, as Kubernetes does, but drops empty names: a
// trailing comma or an empty column must not put the user in a group called "".
func splitGroups(s string) []string {
	var groups []string
	for g := range strings.SplitSeq(s, ",") {
		if g != "" {
			groups = append(groups, g)
		}
	}
	return groups
}
