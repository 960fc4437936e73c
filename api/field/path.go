package field

import (
	"strconv"
	"strings"
)

// Path is a path to a field in an object, built from the root down. A nil *Path is the root.
type Path struct {
	name    string // a field name
	index   string // the index or key, when isIndex
	isIndex bool
	parent  *Path
}

// NewPath returns the path of a top-level field and its children.
func NewPath(name string, more ...string) *Path {
	p := &Path{name: name}
	for _, n := range more {
		p = &Path{name: n, parent: p}
	}
	return p
}

// Root returns the first element of the path.
func (p *Path) Root() *Path {
	for p.parent != nil {
		p = p.parent
	}
	return p
}

// Child returns the path of a field under p.
func (p *Path) Child(name string, more ...string) *Path {
	r := NewPath(name, more...)
	r.Root().parent = p
	return r
}

// Index returns the path of a list element under p.
func (p *Path) Index(i int) *Path {
	return &Path{index: strconv.Itoa(i), isIndex: true, parent: p}
}

// Key returns the path of a map entry under p.
func (p *Path) Key(key string) *Path {
	return &Path{index: key, isIndex: true, parent: p}
}

// String renders the path as Kubernetes does: "spec.containers[0].ports[1]", "metadata.labels[app]".
func (p *Path) String() string {
	if p == nil {
		return "<nil>"
	}
	var elems []*Path
	for q := p; q != nil; q = q.parent {
		elems = append(elems, q)
	}
	var b strings.Builder
	for i := len(elems) - 1; i >= 0; i-- {
		e := elems[i]
		if e.isIndex {
			b.WriteByte('[')
			b.WriteString(e.index)
			b.WriteByte(']')
		} else {
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(e.name)
		}
	}
	return b.String()
}
