package protobuf

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/encoding/protowire"
)

// decoder converts one body. ToJSON takes one from a pool; its slices are stacks shared by the
// nested messages, each level working above the part its callers use.
type decoder struct {
	opts      Options
	maxOut    int
	kind      string // for errors: "apps/v1 Deployment"
	out       []byte
	entries   []entry
	pairs     []pair
	path      []pathElem
	discarded []string
	depth     int
}

func (d *decoder) reset() {
	entries, pairs, path := d.entries[:0], d.pairs[:0], d.path[:0]
	clear(pairs[:cap(pairs)]) // drop references to the body (entries hold none)
	clear(path[:cap(path)])
	*d = decoder{entries: entries, pairs: pairs, path: path}
}

// entry is one field occurrence read from the wire. It holds no pointers (a length-delimited
// value is an offset into its message's data), so that the stack of entries costs the garbage
// collector nothing.
type entry struct {
	num      int32
	typ      protowire.Type
	v        uint64 // the value of varint and fixed fields
	off, end int    // where a length-delimited value lies in its message's data
}

// wireValue is a field's value: v for varints, b for length-delimited values.
type wireValue struct {
	v uint64
	b []byte
}

func (e entry) in(data []byte) wireValue { return wireValue{v: e.v, b: data[e.off:e.end:e.end]} }

// pair is one map entry.
type pair struct {
	key    []byte
	val    wireValue
	hasVal bool
}

// pathElem is one step from the object to the field being decoded, for errors.
type pathElem struct {
	num   int32
	name  string // "" for a field the schema does not know
	index int    // element of a repeated field, or -1
	key   []byte // map key, when isKey
	isKey bool
	// inline is set for an embedded message, which has no name of its own in JSON.
	inline bool
}

// fields writes the fields of data, a message of type m, as JSON object members; first says that
// no member precedes them, and the result says whether that is still so. Occurrences of a field
// are grouped (repeated fields may be split on the wire, and a singular field may appear more
// than once: the last scalar wins and messages merge, as in every protobuf decoder), and fields
// are written in number order.
func (d *decoder) fields(m *message, data []byte, first bool) (bool, error) {
	if d.depth >= maxDepth {
		return first, d.failf(nil, "messages nest deeper than %d", maxDepth)
	}
	d.depth++
	base := len(d.entries)
	first, err := d.fieldsAt(m, data, first, base)
	d.entries = d.entries[:base]
	d.depth--
	return first, err
}

func (d *decoder) fieldsAt(m *message, data []byte, first bool, base int) (bool, error) {
	sorted, err := d.scan(m, data)
	if err != nil {
		return first, err
	}
	// Nested messages append to d.entries above this level's entries, so es stays valid even when
	// the slice grows: a grown copy leaves the old array, which es still reads, untouched.
	es := d.entries[base:]
	if !sorted {
		slices.SortStableFunc(es, func(a, b entry) int { return int(a.num) - int(b.num) })
	}
	for i := 0; i < len(es); {
		num := es[i].num
		j := i + 1
		for j < len(es) && es[j].num == num {
			j++
		}
		group := es[i:j]
		i = j
		f := m.lookup(num)
		if f == nil {
			if err := d.unknown(m, group[0]); err != nil {
				return first, err
			}
			continue
		}
		d.path = append(d.path, pathElem{num: num, name: f.name, index: -1, inline: f.inline})
		if f.inline {
			// The embedded message's fields are the parent's in JSON.
			val, err := d.singular(f, group, data)
			if err != nil {
				return first, err
			}
			if first, err = d.fields(f.msg, val.b, first); err != nil {
				return first, err
			}
		} else {
			if !first {
				d.out = append(d.out, ',')
			}
			first = false
			d.out = append(d.out, f.jsonKey...)
			if err := d.field(f, group, data); err != nil {
				return first, err
			}
		}
		d.path = d.path[:len(d.path)-1]
		if len(d.out) > d.maxOut {
			return first, d.tooBig()
		}
	}
	return first, nil
}

// scan appends an entry for each field of data to d.entries, and reports whether their numbers
// never go down (so that the occurrences of each field are together).
func (d *decoder) scan(m *message, data []byte) (sorted bool, err error) {
	sorted = true
	last := int32(0)
	for pos := 0; pos < len(data); {
		num, typ, n := protowire.ConsumeTag(data[pos:])
		if n < 0 {
			return false, d.failf(nil, "bad field tag in %s: %s", m.shortName(), parseError(n))
		}
		pos += n
		rest := data[pos:]
		e := entry{num: int32(num), typ: typ}
		switch typ {
		case protowire.VarintType:
			e.v, n = protowire.ConsumeVarint(rest)
		case protowire.BytesType:
			var b []byte
			b, n = protowire.ConsumeBytes(rest)
			e.end = pos + n
			e.off = e.end - len(b)
		case protowire.Fixed32Type:
			var v uint32
			v, n = protowire.ConsumeFixed32(rest)
			e.v = uint64(v)
		case protowire.Fixed64Type:
			e.v, n = protowire.ConsumeFixed64(rest)
		case protowire.StartGroupType:
			// Groups exist in no Kubernetes message: one can only be an unknown field.
			n = protowire.ConsumeFieldValue(num, typ, rest)
		default:
			n = -1
		}
		if n < 0 {
			return false, d.failf(d.elem(m, e.num), "%s", valueError(typ, n))
		}
		pos += n
		if e.num < last {
			sorted = false
		}
		last = e.num
		d.entries = append(d.entries, e)
	}
	return sorted, nil
}

// unknown handles a field number the schema does not know: an error, or a note in
// d.discarded under DiscardUnknownFields.
func (d *decoder) unknown(m *message, e entry) error {
	if !d.opts.DiscardUnknownFields {
		return d.failf(d.elem(m, e.num), "unknown field %d (%s) in message %s; the schema is %s",
			e.num, wireName(e.typ), m.name, schemaSource)
	}
	at := d.jsonPath()
	if at != "" {
		at += ": "
	}
	d.discarded = append(d.discarded, at+"field "+strconv.Itoa(int(e.num)))
	return nil
}

// field writes the value of f, given its occurrences on the wire in data.
func (d *decoder) field(f *field, group []entry, data []byte) error {
	switch {
	case f.kind == kindMap:
		return d.mapField(f, group, data)
	case f.repeated:
		return d.repeated(f, group, data)
	}
	val, err := d.singular(f, group, data)
	if err != nil {
		return err
	}
	return d.value(f.kind, f.msg, val)
}

// singular returns the value of a singular field from its occurrences: the last, or for a
// message their merge.
func (d *decoder) singular(f *field, group []entry, data []byte) (wireValue, error) {
	for _, e := range group {
		if err := d.checkWire(f.kind, e.typ); err != nil {
			return wireValue{}, err
		}
	}
	val := group[len(group)-1].in(data)
	if f.kind == kindMessage && len(group) > 1 && f.msg.format != formatTime && f.msg.format != formatMicroTime {
		// Merge the occurrences, as generated code does by unmarshalling each into the same
		// struct: concatenated messages are their merge. (Time and MicroTime reset on every
		// occurrence instead: the last one wins.)
		var merged []byte
		for _, g := range group {
			merged = append(merged, data[g.off:g.end]...)
		}
		val.b = merged
	}
	return val, nil
}

func (d *decoder) repeated(f *field, group []entry, data []byte) error {
	d.out = append(d.out, '[')
	top := len(d.path) - 1
	n := 0
	for _, e := range group {
		if e.typ == protowire.BytesType && isVarintKind(f.kind) {
			// Packed: proto2 writes repeated scalars unpacked, but decoders must accept both.
			for b := data[e.off:e.end]; len(b) > 0; {
				v, k := protowire.ConsumeVarint(b)
				if k < 0 {
					d.path[top].index = n
					return d.failf(nil, "packed elements: %s", valueError(protowire.VarintType, k))
				}
				b = b[k:]
				if n > 0 {
					d.out = append(d.out, ',')
				}
				d.scalar(f.kind, v)
				n++
			}
			continue
		}
		d.path[top].index = n
		if err := d.checkWire(f.kind, e.typ); err != nil {
			return err
		}
		if n > 0 {
			d.out = append(d.out, ',')
		}
		if err := d.value(f.kind, f.msg, e.in(data)); err != nil {
			return err
		}
		n++
		if len(d.out) > d.maxOut {
			return d.tooBig()
		}
	}
	d.path[top].index = -1
	d.out = append(d.out, ']')
	return nil
}

// mapField writes a map's entries as a JSON object, sorted by key; a repeated key's last entry
// wins, as it does in generated code.
func (d *decoder) mapField(f *field, group []entry, data []byte) error {
	base := len(d.pairs)
	defer func() { d.pairs = d.pairs[:base] }()
	top := len(d.path) - 1
	for i, e := range group {
		d.path[top].index = i
		if err := d.checkWire(kindMessage, e.typ); err != nil {
			return err
		}
		p, err := d.mapEntry(f, data[e.off:e.end])
		if err != nil {
			return err
		}
		d.pairs = append(d.pairs, p)
	}
	d.path[top].index = -1
	ps := d.pairs[base:]
	if !slices.IsSortedFunc(ps, comparePairs) {
		slices.SortStableFunc(ps, comparePairs)
	}
	d.out = append(d.out, '{')
	first := true
	for i, p := range ps {
		if i+1 < len(ps) && bytes.Equal(p.key, ps[i+1].key) {
			continue
		}
		if !first {
			d.out = append(d.out, ',')
		}
		first = false
		d.out = appendJSONString(d.out, p.key)
		d.out = append(d.out, ':')
		d.path[top].key, d.path[top].isKey = p.key, true
		if !p.hasVal {
			// An entry without a value holds the zero value, as in generated code.
			p.val = wireValue{}
		}
		if err := d.value(f.val, f.msg, p.val); err != nil {
			return err
		}
		if len(d.out) > d.maxOut {
			return d.tooBig()
		}
	}
	d.path[top].key, d.path[top].isKey = nil, false
	d.out = append(d.out, '}')
	return nil
}

func comparePairs(a, b pair) int { return bytes.Compare(a.key, b.key) }

// mapEntry reads one map entry: key = 1, value = 2.
func (d *decoder) mapEntry(f *field, data []byte) (pair, error) {
	var p pair
	var discarded []int32
	for len(data) > 0 {
		num, typ, n := protowire.ConsumeTag(data)
		if n < 0 {
			return p, d.failf(nil, "bad field tag in map entry: %s", parseError(n))
		}
		data = data[n:]
		var val wireValue
		switch typ {
		case protowire.VarintType:
			val.v, n = protowire.ConsumeVarint(data)
		case protowire.BytesType:
			val.b, n = protowire.ConsumeBytes(data)
		default:
			n = protowire.ConsumeFieldValue(num, typ, data)
		}
		if n < 0 {
			return p, d.failf(nil, "map entry field %d: %s", num, valueError(typ, n))
		}
		data = data[n:]
		switch num {
		case 1:
			if err := d.checkWire(f.key, typ); err != nil {
				return p, err
			}
			p.key = val.b
		case 2:
			if err := d.checkWire(f.val, typ); err != nil {
				return p, err
			}
			p.val, p.hasVal = val, true
		default:
			if !d.opts.DiscardUnknownFields {
				return p, d.failf(nil, "unknown field %d (%s) in a map entry (only 1, the key, and 2, the value, exist)", num, wireName(typ))
			}
			discarded = append(discarded, int32(num))
		}
	}
	if len(discarded) > 0 {
		top := &d.path[len(d.path)-1]
		top.key, top.isKey = p.key, true
		for _, num := range discarded {
			d.discarded = append(d.discarded, d.jsonPath()+": map entry field "+strconv.Itoa(int(num)))
		}
		top.key, top.isKey = nil, false
	}
	return p, nil
}

// value writes one value of kind k (and message type m) as JSON.
func (d *decoder) value(k kind, m *message, val wireValue) error {
	switch k {
	case kindString:
		d.out = appendJSONString(d.out, val.b)
	case kindBytes:
		d.out = append(d.out, '"')
		d.out = base64.StdEncoding.AppendEncode(d.out, val.b)
		d.out = append(d.out, '"')
	case kindMessage:
		return d.message(m, val.b)
	default:
		d.scalar(k, val.v)
	}
	return nil
}

// scalar writes a varint value of kind k.
func (d *decoder) scalar(k kind, v uint64) {
	switch k {
	case kindInt32:
		// Generated code keeps the low 32 bits, as proto's int32 does.
		d.out = strconv.AppendInt(d.out, int64(int32(v)), 10)
	case kindInt64:
		d.out = strconv.AppendInt(d.out, int64(v), 10)
	case kindBool:
		d.out = strconv.AppendBool(d.out, v != 0)
	}
}

// message writes data, a message of type m, as JSON: an object, or the JSON form of a
// well-known type.
func (d *decoder) message(m *message, data []byte) error {
	if m.format == formatObject {
		d.out = append(d.out, '{')
		if _, err := d.fields(m, data, true); err != nil {
			return err
		}
		d.out = append(d.out, '}')
		return nil
	}
	if m.format == formatVerbs {
		items := m.lookup(1)
		base := len(d.entries)
		defer func() { d.entries = d.entries[:base] }()
		if _, err := d.scan(m, data); err != nil {
			return err
		}
		var group []entry
		for _, e := range d.entries[base:] {
			if e.num != 1 {
				if err := d.unknown(m, e); err != nil {
					return err
				}
				continue
			}
			group = append(group, e)
		}
		d.path = append(d.path, pathElem{num: 1, name: items.name, index: -1})
		defer func() { d.path = d.path[:len(d.path)-1] }()
		return d.repeated(items, group, data)
	}

	var vals leafValues
	if err := d.leaf(m, data, &vals); err != nil {
		return err
	}
	switch m.format {
	case formatTime, formatMicroTime:
		// Kubernetes writes nothing for a zero time, reads an empty message as the zero time, and
		// writes the zero time as null.
		if len(data) == 0 {
			d.out = append(d.out, "null"...)
			return nil
		}
		sec := int64(vals.e[1].v)
		layout, nsec := time.RFC3339, int64(0) // Time keeps seconds only
		if m.format == formatMicroTime {
			layout = "2006-01-02T15:04:05.000000Z07:00"
			nsec = int64(time.Duration(int32(vals.e[2].v)).Truncate(time.Microsecond))
		}
		t := time.Unix(sec, nsec).UTC()
		if t.IsZero() {
			// The zero time.Time itself, one second at a time from 1970: null, as Kubernetes writes it.
			d.out = append(d.out, "null"...)
			return nil
		}
		d.out = append(d.out, '"')
		d.out = t.AppendFormat(d.out, layout)
		d.out = append(d.out, '"')
	case formatDuration:
		d.out = appendString(d.out, time.Duration(int64(vals.e[1].v)).String())
	case formatQuantity:
		if !vals.set[1] {
			d.out = append(d.out, `"0"`...) // the zero Quantity
			return nil
		}
		d.out = appendJSONString(d.out, vals.e[1].b)
	case formatIntOrString:
		switch typ := int64(vals.e[1].v); typ {
		case 0:
			d.out = strconv.AppendInt(d.out, int64(int32(vals.e[2].v)), 10)
		case 1:
			d.out = appendJSONString(d.out, vals.e[3].b)
		default:
			return d.failf(nil, "IntOrString type %d is neither 0 (int) nor 1 (string)", typ)
		}
	case formatRawJSON:
		raw := vals.e[1].b
		switch {
		case len(raw) == 0:
			d.out = append(d.out, "null"...)
		case json.Valid(raw):
			d.out = append(d.out, raw...)
		default:
			return d.failf(nil, "%s holds %d bytes that are not JSON", m.shortName(), len(raw))
		}
	default:
		return d.failf(nil, "internal error: no JSON form for %s", m.name)
	}
	return nil
}

// leafValues are the last occurrences of the fields of a small message (numbers 1 to 4).
type leafValues struct {
	e   [5]wireValue
	set [5]bool
}

// leaf reads a small message of scalar fields, keeping the last occurrence of each.
func (d *decoder) leaf(m *message, data []byte, vals *leafValues) error {
	base := len(d.entries)
	defer func() { d.entries = d.entries[:base] }()
	if _, err := d.scan(m, data); err != nil {
		return err
	}
	for _, e := range d.entries[base:] {
		f := m.lookup(e.num)
		if f == nil || int(e.num) >= len(vals.e) || f.repeated || f.kind == kindMap {
			if err := d.unknown(m, e); err != nil {
				return err
			}
			continue
		}
		d.path = append(d.path, pathElem{num: e.num, name: f.name, index: -1})
		if err := d.checkWire(f.kind, e.typ); err != nil {
			return err
		}
		d.path = d.path[:len(d.path)-1]
		vals.e[e.num], vals.set[e.num] = e.in(data), true
	}
	return nil
}

// checkWire checks that a value of kind k arrived with the wire type k is written with.
func (d *decoder) checkWire(k kind, typ protowire.Type) error {
	if want := wireType(k); typ != want {
		return d.failf(nil, "%s is written as %s, not %s", k, wireName(want), wireName(typ))
	}
	return nil
}

func wireType(k kind) protowire.Type {
	if isVarintKind(k) {
		return protowire.VarintType
	}
	return protowire.BytesType
}

func isVarintKind(k kind) bool { return k == kindInt32 || k == kindInt64 || k == kindBool }

func wireName(typ protowire.Type) string {
	switch typ {
	case protowire.VarintType:
		return "varint"
	case protowire.Fixed32Type:
		return "fixed32"
	case protowire.Fixed64Type:
		return "fixed64"
	case protowire.BytesType:
		return "length-delimited"
	case protowire.StartGroupType:
		return "group"
	case protowire.EndGroupType:
		return "end of group"
	}
	return "wire type " + strconv.Itoa(int(typ))
}

// parseError says what protowire's negative length n means for a tag.
func parseError(n int) string {
	if n == -1 { // errCodeTruncated
		return "truncated varint"
	}
	return protowireError(n)
}

// protowireError words protowire's error codes (its errors carry a deliberately unstable prefix).
func protowireError(n int) string {
	switch n {
	case -1:
		return "unexpected end of data"
	case -2:
		return "invalid field number"
	case -3:
		return "variable length integer overflow"
	case -4:
		return "reserved wire type"
	case -5:
		return "mismatched end of group"
	case -6:
		return "groups nest too deeply"
	}
	return "malformed data (protowire code " + strconv.Itoa(n) + ")"
}

// valueError says what protowire's negative length n means for a value of wire type typ.
func valueError(typ protowire.Type, n int) string {
	switch {
	case typ == protowire.EndGroupType:
		return "end of group without a start"
	case typ != protowire.VarintType && typ != protowire.BytesType && typ != protowire.Fixed32Type &&
		typ != protowire.Fixed64Type && typ != protowire.StartGroupType:
		return fmt.Sprintf("reserved wire type %d", typ)
	case n != -1: // not errCodeTruncated
		return protowireError(n)
	case typ == protowire.VarintType:
		return "truncated varint"
	case typ == protowire.BytesType:
		return "truncated length-delimited value"
	case typ == protowire.StartGroupType:
		return "truncated group"
	}
	return "truncated " + wireName(typ) + " value"
}

// elem returns the path element of field num of m, for errors about it.
func (d *decoder) elem(m *message, num int32) *pathElem {
	e := &pathElem{num: num, index: -1}
	if f := m.lookup(num); f != nil {
		e.name = f.name
	}
	return e
}

// failf returns an *Error at the current path, extended by extra if it is not nil.
func (d *decoder) failf(extra *pathElem, format string, args ...any) error {
	path := d.path
	if extra != nil {
		path = append(path[:len(path):len(path)], *extra)
	}
	var byNum, byName strings.Builder
	for i, p := range path {
		if i > 0 {
			byNum.WriteString(": ")
		}
		fmt.Fprintf(&byNum, "field %d", p.num)
		if p.name != "" {
			fmt.Fprintf(&byNum, " (%s)", p.name)
		}
		writeSubscript(&byNum, p)
	}
	writeJSONPath(&byName, path)
	return &Error{Kind: d.kind, Path: byNum.String(), Field: byName.String(), Msg: fmt.Sprintf(format, args...)}
}

func (d *decoder) tooBig() error {
	return d.failf(nil, "the JSON form exceeds %d bytes", d.maxOut)
}

// jsonPath is the current path as JSON names.
func (d *decoder) jsonPath() string {
	var b strings.Builder
	writeJSONPath(&b, d.path)
	return b.String()
}

func writeJSONPath(b *strings.Builder, path []pathElem) {
	for _, p := range path {
		if p.inline && !p.isKey && p.index < 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		if p.name != "" {
			b.WriteString(p.name)
		} else {
			fmt.Fprintf(b, "<field %d>", p.num)
		}
		writeSubscript(b, p)
	}
}

func writeSubscript(b *strings.Builder, p pathElem) {
	switch {
	case p.isKey:
		b.WriteString("[" + strconv.Quote(string(p.key)) + "]")
	case p.index >= 0:
		b.WriteString("[" + strconv.Itoa(p.index) + "]")
	}
}
