package patch

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// A fieldSet is a set of field paths stored as a trie, the model behind managedFields' FieldsV1.
// A path is a member when the set holds it as a field in its own right; a node can also just lead
// to members below it. The trie never keeps a node that is neither.
type fieldSet map[pathElement]*setNode

type setNode struct {
	member   bool
	children fieldSet
}

// pathElement is one step of a path, in FieldsV1's four kinds:
//
//	'f'  a struct field or map key ("f:image")
//	'k'  a map-list item by its keys ("k:{\"name\":\"nginx\"}"); text is the keys as JSON
//	'v'  a set item by value ("v:\"example.com/finalizer\""); text is the value as JSON
//	'i'  a list item by position ("i:0"), for lists apply cannot key
type pathElement struct {
	kind byte
	text string
}

func fieldPE(name string) pathElement { return pathElement{'f', name} }

// rank orders kinds as structured-merge-diff does: fields, then keys, then values, then indexes.
func (p pathElement) rank() int {
	switch p.kind {
	case 'f':
		return 0
	case 'k':
		return 1
	case 'v':
		return 2
	}
	return 3
}

func comparePE(a, b pathElement) int {
	if c := cmp.Compare(a.rank(), b.rank()); c != 0 {
		return c
	}
	if a.kind == 'i' {
		ai, _ := strconv.Atoi(a.text)
		bi, _ := strconv.Atoi(b.text)
		return cmp.Compare(ai, bi)
	}
	return strings.Compare(a.text, b.text)
}

// String renders the element as structured-merge-diff prints paths: .name, [key="v",port=80],
// [="value"], [3].
func (p pathElement) String() string {
	switch p.kind {
	case 'f':
		return "." + p.text
	case 'k':
		v, err := parseJSON([]byte(p.text))
		m, ok := v.(map[string]any)
		if err != nil || !ok {
			return "[" + p.text + "]"
		}
		parts := make([]string, 0, len(m))
		for _, k := range sortedKeys(m) {
			parts = append(parts, k+"="+string(encodeJSON(m[k])))
		}
		return "[" + strings.Join(parts, ",") + "]"
	case 'v':
		return "[=" + p.text + "]"
	default:
		return "[" + p.text + "]"
	}
}

func pathString(path []pathElement) string {
	var b strings.Builder
	for _, p := range path {
		b.WriteString(p.String())
	}
	return b.String()
}

func (s fieldSet) insert(path []pathElement) fieldSet {
	if len(path) == 0 {
		return s
	}
	if s == nil {
		s = fieldSet{}
	}
	n := s[path[0]]
	if n == nil {
		n = &setNode{}
		s[path[0]] = n
	}
	if len(path) == 1 {
		n.member = true
	} else {
		n.children = n.children.insert(path[1:])
	}
	return s
}

func (s fieldSet) has(path []pathElement) bool {
	for i, p := range path {
		n := s[p]
		if n == nil {
			return false
		}
		if i == len(path)-1 {
			return n.member
		}
		s = n.children
	}
	return false
}

func (s fieldSet) empty() bool { return len(s) == 0 }

// union returns a new set holding the members of both.
func union(a, b fieldSet) fieldSet {
	out := make(fieldSet, max(len(a), len(b)))
	for p, n := range a {
		out[p] = &setNode{member: n.member, children: union(n.children, nil)}
	}
	for p, n := range b {
		if o := out[p]; o != nil {
			o.member = o.member || n.member
			o.children = union(o.children, n.children)
		} else {
			out[p] = &setNode{member: n.member, children: union(n.children, nil)}
		}
	}
	return nonEmpty(out)
}

// difference returns a new set holding the members of a that are not members of b.
func difference(a, b fieldSet) fieldSet {
	out := fieldSet{}
	for p, n := range a {
		o := b[p]
		if o == nil {
			out[p] = &setNode{member: n.member, children: union(n.children, nil)}
			continue
		}
		c := difference(n.children, o.children)
		if (n.member && !o.member) || len(c) > 0 {
			out[p] = &setNode{member: n.member && !o.member, children: nonEmpty(c)}
		}
	}
	return nonEmpty(out)
}

// intersection returns a new set holding the paths that are members of both.
func intersection(a, b fieldSet) fieldSet {
	out := fieldSet{}
	for p, n := range a {
		o := b[p]
		if o == nil {
			continue
		}
		c := intersection(n.children, o.children)
		if (n.member && o.member) || len(c) > 0 {
			out[p] = &setNode{member: n.member && o.member, children: nonEmpty(c)}
		}
	}
	return nonEmpty(out)
}

// withoutSubtree returns s without path and everything under it.
func withoutSubtree(s fieldSet, path []pathElement) fieldSet {
	n := s[path[0]]
	if n == nil {
		return s
	}
	out := make(fieldSet, len(s))
	for p, v := range s {
		out[p] = v
	}
	if len(path) == 1 {
		delete(out, path[0])
		return nonEmpty(out)
	}
	c := withoutSubtree(n.children, path[1:])
	if !n.member && len(c) == 0 {
		delete(out, path[0])
	} else {
		out[path[0]] = &setNode{member: n.member, children: c}
	}
	return nonEmpty(out)
}

func nonEmpty(s fieldSet) fieldSet {
	if len(s) == 0 {
		return nil
	}
	return s
}

// members calls fn with each member path, in sorted order.
func (s fieldSet) members(fn func(path []pathElement)) {
	var walk func(s fieldSet, prefix []pathElement)
	walk = func(s fieldSet, prefix []pathElement) {
		for _, p := range s.sortedElements() {
			n := s[p]
			path := append(prefix[:len(prefix):len(prefix)], p)
			if n.member {
				fn(path)
			}
			walk(n.children, path)
		}
	}
	walk(s, nil)
}

func (s fieldSet) sortedElements() []pathElement {
	out := make([]pathElement, 0, len(s))
	for p := range s {
		out = append(out, p)
	}
	slices.SortFunc(out, comparePE)
	return out
}

// encodeFieldsV1 writes the set in Kubernetes' FieldsV1 format: one object per level keyed by
// "f:", "k:", "v:" and "i:" elements, with "." marking a path that is a member and also has
// members below it.
func encodeFieldsV1(s fieldSet) []byte {
	return appendFieldsV1(make([]byte, 0, 256), s)
}

func appendFieldsV1(b []byte, s fieldSet) []byte {
	b = append(b, '{')
	for i, p := range s.sortedElements() {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, string(p.kind)+":"+p.text)
		b = append(b, ':')
		n := s[p]
		switch {
		case len(n.children) == 0:
			b = append(b, "{}"...)
		case n.member:
			inner := appendFieldsV1(nil, n.children)
			b = append(b, `{".":{},`...)
			b = append(b, inner[1:]...)
		default:
			b = appendFieldsV1(b, n.children)
		}
	}
	return append(b, '}')
}

// decodeFieldsV1 reads a FieldsV1 trie.
func decodeFieldsV1(v any) (fieldSet, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("a FieldsV1 level is an object, not %s", article(kindOf(v)))
	}
	s := fieldSet{}
	for k, child := range m {
		if k == "." {
			continue
		}
		p, err := parsePE(k)
		if err != nil {
			return nil, err
		}
		cm, ok := child.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: a FieldsV1 level is an object, not %s", k, article(kindOf(child)))
		}
		children, err := decodeFieldsV1(cm)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		_, dot := cm["."]
		n := &setNode{member: dot || len(cm) == 0, children: nonEmpty(children)}
		if n.member || len(n.children) > 0 {
			s[p] = n
		}
	}
	return nonEmpty(s), nil
}

func parsePE(k string) (pathElement, error) {
	kind, text, ok := strings.Cut(k, ":")
	if !ok || len(kind) != 1 {
		return pathElement{}, fmt.Errorf("%q is not a FieldsV1 path element (f:, k:, v: or i:)", k)
	}
	switch kind[0] {
	case 'f':
		return pathElement{'f', text}, nil
	case 'k', 'v':
		v, err := parseJSON([]byte(text))
		if err != nil {
			return pathElement{}, fmt.Errorf("%q: %w", k, err)
		}
		if _, isMap := v.(map[string]any); kind[0] == 'k' && !isMap {
			return pathElement{}, fmt.Errorf("%q: a key element holds a JSON object", k)
		}
		return pathElement{kind[0], string(encodeJSON(v))}, nil
	case 'i':
		n, err := strconv.Atoi(text)
		if err != nil || n < 0 {
			return pathElement{}, fmt.Errorf("%q: an index element holds a non-negative integer", k)
		}
		return pathElement{'i', strconv.Itoa(n)}, nil
	}
	return pathElement{}, fmt.Errorf("%q is not a FieldsV1 path element (f:, k:, v: or i:)", k)
}
