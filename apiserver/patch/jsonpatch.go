package patch

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxJSONPatchOperations is the most operations a JSON patch may have, Kubernetes' own limit: each
// operation walks the document, so an unbounded list is an easy way to burn server CPU.
const MaxJSONPatchOperations = 10000

// MaxDocumentBytes bounds how large a JSON patch may make a document. It is kube-apiserver's limit
// on a request body (3 MiB): a patch may not build an object that could not have been sent whole.
// Without it, a few dozen "copy" operations each doubling an array reach gigabytes.
const MaxDocumentBytes = 3 << 20

// JSONPatch applies an RFC 6902 JSON patch: a list of add, remove, replace, move, copy and test
// operations, applied in order, all or nothing. Paths are JSON pointers (RFC 6901): "~1" is "/",
// "~0" is "~", and "-" as the last token of an add path appends to an array.
//
// A failing operation is reported with its index and path and wraps ErrInvalidPatch:
//
//	json patch operation 2 (replace /spec/replicas): path not found
//
// More than MaxJSONPatchOperations operations, or a result larger than MaxDocumentBytes, wraps
// ErrTooLarge. An empty original is treated as {}.
func JSONPatch(original, patch []byte) ([]byte, error) {
	const op = "json patch"
	doc, err := parseDocument(original, op)
	if err != nil {
		return nil, err
	}
	raw, err := parseJSON(patch)
	if err != nil {
		return nil, &Error{Op: op, Msg: err.Error(), Err: ErrInvalidPatch}
	}
	ops, ok := raw.([]any)
	if !ok {
		return nil, &Error{Op: op, Msg: fmt.Sprintf("a JSON patch is an array of operations, not %s", article(kindOf(raw))), Err: ErrInvalidPatch}
	}
	if len(ops) > MaxJSONPatchOperations {
		return nil, &Error{Op: op, Msg: fmt.Sprintf("%d operations is more than the %d allowed", len(ops), MaxJSONPatchOperations), Err: ErrTooLarge}
	}
	p := &patcher{doc: doc}
	budget := MaxDocumentBytes - len(original)
	for i, rawOp := range ops {
		o, err := decodeOperation(rawOp)
		if err != nil {
			err.Op = fmt.Sprintf("json patch operation %d", i)
			if o.op != "" {
				err.Op += " (" + o.describe() + ")"
				err.pathInOp = true
			}
			return nil, err
		}
		if err := o.apply(p, budget); err != nil {
			err.Op = fmt.Sprintf("json patch operation %d (%s)", i, o.describe())
			err.Path = o.path
			err.pathInOp = true
			return nil, err
		}
	}
	return encodeJSON(p.doc), nil
}

func article(kind string) string {
	switch kind[0] {
	case 'a', 'e', 'i', 'o', 'u':
		return "an " + kind
	}
	return "a " + kind
}

type operation struct {
	op, path, from string
	value          any
	hasValue       bool
}

func (o *operation) describe() string {
	show := func(p string) string {
		if p == "" {
			return `""` // the whole document
		}
		return p
	}
	switch o.op {
	case "move", "copy":
		return fmt.Sprintf("%s %s -> %s", o.op, show(o.from), show(o.path))
	}
	return o.op + " " + show(o.path)
}

func decodeOperation(raw any) (operation, *Error) {
	var o operation
	m, ok := raw.(map[string]any)
	if !ok {
		return o, invalidf("an operation is an object, not %s", article(kindOf(raw)))
	}
	// Members the RFC does not define are ignored, as section 4 asks.
	op, ok := m["op"].(string)
	if !ok {
		return o, invalidf(`"op" is missing or not a string`)
	}
	o.op = op
	switch op {
	case "add", "remove", "replace", "move", "copy", "test":
	default:
		o.op = ""
		return o, invalidf(`unknown operation %q: it must be add, remove, replace, move, copy or test`, op)
	}
	if o.path, ok = m["path"].(string); !ok {
		return o, invalidf(`"path" is missing or not a string`)
	}
	switch op {
	case "add", "replace", "test":
		if o.value, o.hasValue = m["value"]; !o.hasValue {
			return o, invalidf(`%s needs a "value"`, op)
		}
	case "move", "copy":
		if o.from, ok = m["from"].(string); !ok {
			return o, invalidf(`%s needs a "from" string`, op)
		}
	}
	return o, nil
}

// parsePointer splits a JSON pointer into its unescaped reference tokens.
func parsePointer(p string) ([]string, *Error) {
	if p == "" {
		return nil, nil
	}
	if p[0] != '/' {
		return nil, invalidf("JSON pointer %q must be empty or start with /", p)
	}
	tokens := strings.Split(p[1:], "/")
	for i, t := range tokens {
		if !strings.Contains(t, "~") {
			continue
		}
		var b strings.Builder
		for j := 0; j < len(t); j++ {
			if t[j] != '~' {
				b.WriteByte(t[j])
				continue
			}
			if j+1 < len(t) && t[j+1] == '0' {
				b.WriteByte('~')
			} else if j+1 < len(t) && t[j+1] == '1' {
				b.WriteByte('/')
			} else {
				return nil, invalidf("JSON pointer %q has a ~ that is not ~0 or ~1", p)
			}
			j++
		}
		tokens[i] = b.String()
	}
	return tokens, nil
}

// arrayIndex parses an array index token: decimal digits without leading zeros. RFC 6901 allows no
// sign, so negative indexes are rejected.
func arrayIndex(tok string, length int, forAdd bool) (int, *Error) {
	if tok == "-" {
		if forAdd {
			return length, nil
		}
		return 0, invalidf(`"-" names the end of the array, where there is nothing to read, replace or remove`)
	}
	if tok == "" || (len(tok) > 1 && tok[0] == '0') {
		return 0, invalidf("%q is not an array index", tok)
	}
	for _, c := range tok {
		if c < '0' || c > '9' {
			return 0, invalidf("%q is not an array index", tok)
		}
	}
	i, err := strconv.Atoi(tok)
	limit := length - 1
	if forAdd {
		limit = length
	}
	if err != nil || i > limit {
		return 0, invalidf("index %s is out of bounds for an array of %d", tok, length)
	}
	return i, nil
}

// container returns the value holding the last token of path, and that token.
func container(doc any, tokens []string) (any, string, *Error) {
	cur := doc
	for _, t := range tokens[:len(tokens)-1] {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[t]
			if !ok {
				return nil, "", invalidf("path not found")
			}
			cur = v
		case []any:
			i, err := arrayIndex(t, len(c), false)
			if err != nil {
				return nil, "", err
			}
			cur = c[i]
		default:
			return nil, "", invalidf("path not found: %s is not a container", article(kindOf(cur)))
		}
	}
	return cur, tokens[len(tokens)-1], nil
}

// getAt returns the value at tokens.
func getAt(doc any, tokens []string) (any, *Error) {
	if len(tokens) == 0 {
		return doc, nil
	}
	c, last, err := container(doc, tokens)
	if err != nil {
		return nil, err
	}
	switch c := c.(type) {
	case map[string]any:
		v, ok := c[last]
		if !ok {
			return nil, invalidf("path not found")
		}
		return v, nil
	case []any:
		i, err := arrayIndex(last, len(c), false)
		if err != nil {
			return nil, err
		}
		return c[i], nil
	default:
		return nil, invalidf("path not found: %s is not a container", article(kindOf(c)))
	}
}

// maxShiftedElements bounds how many array elements a patch may shift by inserting and removing
// items. Each insert or remove in the middle of an array moves everything after it, so 10,000
// operations on a long array would otherwise cost minutes.
const maxShiftedElements = 1 << 26

// patcher applies operations to one document, keeping count of the work done.
type patcher struct {
	doc     any
	grew    int // bytes inserted so far
	shifted int // array elements moved so far
}

// shift accounts for moving n array elements.
func (p *patcher) shift(n int) *Error {
	p.shifted += n
	if p.shifted > maxShiftedElements {
		return &Error{Err: ErrTooLarge, Msg: fmt.Sprintf("the patch moves more than %d array elements: split it, or replace the array whole", maxShiftedElements)}
	}
	return nil
}

// replaceIn makes v the value at tokens, which must exist (the parent of an array that changed
// length gets the new slice header this way).
func (p *patcher) replaceIn(tokens []string, v any) *Error {
	if len(tokens) == 0 {
		p.doc = v
		return nil
	}
	parent, err := getAt(p.doc, tokens[:len(tokens)-1])
	if err != nil {
		return err
	}
	last := tokens[len(tokens)-1]
	switch c := parent.(type) {
	case map[string]any:
		if _, ok := c[last]; !ok {
			return invalidf("path not found")
		}
		c[last] = v
		return nil
	case []any:
		i, err := arrayIndex(last, len(c), false)
		if err != nil {
			return err
		}
		c[i] = v
		return nil
	default:
		return invalidf("path not found: %s is not a container", article(kindOf(parent)))
	}
}

// set stores v at tokens: insert adds (shifting array elements up), otherwise the target must
// exist and is replaced.
func (p *patcher) set(tokens []string, v any, insert bool) *Error {
	if len(tokens) == 0 {
		p.doc = v
		return nil
	}
	parentTokens := tokens[:len(tokens)-1]
	parent, err := getAt(p.doc, parentTokens)
	if err != nil {
		return err
	}
	last := tokens[len(tokens)-1]
	switch c := parent.(type) {
	case map[string]any:
		if _, ok := c[last]; !ok && !insert {
			return invalidf("path not found")
		}
		c[last] = v
		return nil
	case []any:
		i, err := arrayIndex(last, len(c), insert)
		if err != nil {
			return err
		}
		if !insert {
			c[i] = v
			return nil
		}
		if err := p.shift(len(c) - i); err != nil {
			return err
		}
		c = append(c, nil)
		copy(c[i+1:], c[i:])
		c[i] = v
		return p.replaceIn(parentTokens, c)
	default:
		return invalidf("path not found: %s is not a container", article(kindOf(parent)))
	}
}

// remove deletes the value at tokens and returns it.
func (p *patcher) remove(tokens []string) (any, *Error) {
	if len(tokens) == 0 {
		// RFC 6902 leaves removing the whole document undefined; evanphx/json-patch refuses too.
		return nil, invalidf("cannot remove the whole document")
	}
	parentTokens := tokens[:len(tokens)-1]
	parent, err := getAt(p.doc, parentTokens)
	if err != nil {
		return nil, err
	}
	last := tokens[len(tokens)-1]
	switch c := parent.(type) {
	case map[string]any:
		v, ok := c[last]
		if !ok {
			return nil, invalidf("path not found")
		}
		delete(c, last)
		return v, nil
	case []any:
		i, err := arrayIndex(last, len(c), false)
		if err != nil {
			return nil, err
		}
		if err := p.shift(len(c) - i - 1); err != nil {
			return nil, err
		}
		v := c[i]
		copy(c[i:], c[i+1:])
		c[len(c)-1] = nil
		return v, p.replaceIn(parentTokens, c[:len(c)-1])
	default:
		return nil, invalidf("path not found: %s is not a container", article(kindOf(parent)))
	}
}

// grow accounts for inserting v, which must fit in what is left of MaxDocumentBytes.
func (p *patcher) grow(v any, budget int) *Error {
	n := encodedSize(v, budget-p.grew)
	if n > budget-p.grew {
		return tooLarge()
	}
	p.grew += n
	return nil
}

// apply runs the operation on p.doc. budget is how many bytes the document may grow in all.
func (o *operation) apply(p *patcher, budget int) *Error {
	path, err := parsePointer(o.path)
	if err != nil {
		return err
	}
	switch o.op {
	case "add":
		if err := p.grow(o.value, budget); err != nil {
			return err
		}
		return p.set(path, o.value, true)
	case "remove":
		_, err := p.remove(path)
		return err
	case "replace":
		if _, err := getAt(p.doc, path); err != nil {
			return err
		}
		if err := p.grow(o.value, budget); err != nil {
			return err
		}
		return p.set(path, o.value, false)
	case "move":
		from, err := parsePointer(o.from)
		if err != nil {
			return err
		}
		if o.from == o.path {
			_, err := getAt(p.doc, from)
			return err
		}
		if strings.HasPrefix(o.path, o.from+"/") {
			return invalidf("cannot move %s into its own child %s", o.from, o.path)
		}
		v, err := p.remove(from)
		if err != nil {
			return err
		}
		return p.set(path, v, true)
	case "copy":
		from, err := parsePointer(o.from)
		if err != nil {
			return err
		}
		v, err := getAt(p.doc, from)
		if err != nil {
			return err
		}
		if err := p.grow(v, budget); err != nil {
			return err
		}
		return p.set(path, deepCopy(v), true)
	case "test":
		v, err := getAt(p.doc, path)
		if err != nil {
			return err
		}
		if !deepEqual(v, o.value) {
			return invalidf("test failed: the value is %s, not %s", brief(v), brief(o.value))
		}
		return nil
	}
	return invalidf("unknown operation %q", o.op)
}

// brief encodes v for an error message, cut short so that a message never carries a whole object.
func brief(v any) string {
	b := encodeJSON(v)
	if len(b) > 80 {
		return strings.ToValidUTF8(string(b[:77]), "") + "..."
	}
	return string(b)
}

func tooLarge() *Error {
	return &Error{Err: ErrTooLarge, Msg: fmt.Sprintf("the document would grow beyond %d bytes", MaxDocumentBytes)}
}
