package main

import (
	"fmt"
	"strconv"
	"strings"
)

// protoFile is what schemagen keeps of one .proto file.
type protoFile struct {
	path     string
	pkg      string // "k8s.io.api.apps.v1"
	messages []*protoMessage
}

// protoMessage is one message, nested ones included (their names carry the parent's: "Outer.Inner").
type protoMessage struct {
	name   string // fully qualified, without the leading dot
	scope  string // where relative type names are looked up: the message's own name
	fields []*protoField
}

// protoField is one field as written in the file; typ and val are resolved later.
type protoField struct {
	num      int32
	name     string
	label    string // "optional", "repeated", "required", or "" for map fields
	typ      string // scalar name or message type as written; the map's value type for maps
	key      string // map key type, "" when the field is not a map
	line     int
	resolved string // fully qualified message type, once resolved
	// json is the JSON name when the Go type's json tag differs from the proto name.
	json string
	// inline is set for an embedded struct whose fields JSON writes into the parent's object.
	inline bool
}

// jsonName is the field's name in JSON.
func (f *protoField) jsonName() string {
	if f.json != "" {
		return f.json
	}
	return f.name
}

// parseProto reads the subset of proto2 that go-to-protobuf writes: syntax, package, import,
// option, message (nested too) and its optional, repeated and map fields, with // and /* */
// comments. Anything else (enum, oneof, extensions, field options other than packed and
// deprecated) is an error, so that a change in Kubernetes' generator cannot slip past unnoticed.
func parseProto(path string, src []byte) (*protoFile, error) {
	toks, err := tokenize(src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	p := &protoParser{toks: toks, file: &protoFile{path: path}}
	if err := p.parseFile(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p.file, nil
}

type protoToken struct {
	text string
	kind byte // 'i' identifier or number, 's' string, 'p' punctuation
	line int
}

func tokenize(src []byte) ([]protoToken, error) {
	var toks []protoToken
	line := 1
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			end := strings.Index(string(src[i+2:]), "*/")
			if end < 0 {
				return nil, fmt.Errorf("line %d: unterminated comment", line)
			}
			line += strings.Count(string(src[i:i+2+end]), "\n")
			i += end + 4
		case c == '"' || c == '\'':
			j := i + 1
			for j < len(src) && src[j] != c {
				if src[j] == '\\' {
					j++
				}
				if j < len(src) && src[j] == '\n' {
					return nil, fmt.Errorf("line %d: newline in string", line)
				}
				j++
			}
			if j >= len(src) {
				return nil, fmt.Errorf("line %d: unterminated string", line)
			}
			s, err := strconv.Unquote(`"` + string(src[i+1:j]) + `"`)
			if err != nil {
				return nil, fmt.Errorf("line %d: bad string: %w", line, err)
			}
			toks = append(toks, protoToken{s, 's', line})
			i = j + 1
		case isWordByte(c):
			j := i
			for j < len(src) && isWordByte(src[j]) {
				j++
			}
			toks = append(toks, protoToken{string(src[i:j]), 'i', line})
			i = j
		case strings.IndexByte("{};=<>,[]()", c) >= 0:
			toks = append(toks, protoToken{string(c), 'p', line})
			i++
		default:
			return nil, fmt.Errorf("line %d: unexpected character %q", line, c)
		}
	}
	return toks, nil
}

func isWordByte(c byte) bool {
	return c == '_' || c == '.' || c == '-' || c == '+' ||
		'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

type protoParser struct {
	toks []protoToken
	pos  int
	file *protoFile
}

func (p *protoParser) peek() protoToken {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return protoToken{kind: 0, line: -1}
}

func (p *protoParser) next() protoToken {
	t := p.peek()
	if p.pos < len(p.toks) {
		p.pos++
	}
	return t
}

func (p *protoParser) errorf(t protoToken, format string, args ...any) error {
	if t.line < 0 {
		return fmt.Errorf("unexpected end of file: "+format, args...)
	}
	return fmt.Errorf("line %d: "+format, append([]any{t.line}, args...)...)
}

func (p *protoParser) expect(text string) error {
	if t := p.next(); t.text != text || t.kind == 's' {
		return p.errorf(t, "want %q, found %q", text, t.text)
	}
	return nil
}

func (p *protoParser) ident() (protoToken, error) {
	t := p.next()
	if t.kind != 'i' {
		return t, p.errorf(t, "want a name, found %q", t.text)
	}
	return t, nil
}

func (p *protoParser) parseFile() error {
	for p.pos < len(p.toks) {
		t := p.next()
		switch {
		case t.text == ";" && t.kind == 'p':
		case t.text == "syntax":
			if err := p.expect("="); err != nil {
				return err
			}
			s := p.next()
			if s.kind != 's' || s.text != "proto2" {
				return p.errorf(s, "only proto2 is supported, found syntax %q", s.text)
			}
			if err := p.expect(";"); err != nil {
				return err
			}
		case t.text == "package":
			name, err := p.ident()
			if err != nil {
				return err
			}
			if p.file.pkg != "" {
				return p.errorf(name, "second package statement")
			}
			p.file.pkg = name.text
			if err := p.expect(";"); err != nil {
				return err
			}
		case t.text == "import":
			s := p.next()
			if s.kind != 's' {
				return p.errorf(s, "want the imported file's name, found %q", s.text)
			}
			if err := p.expect(";"); err != nil {
				return err
			}
		case t.text == "option":
			if err := p.skipOption(); err != nil {
				return err
			}
		case t.text == "message":
			if p.file.pkg == "" {
				return p.errorf(t, "message before the package statement")
			}
			if err := p.parseMessage(p.file.pkg); err != nil {
				return err
			}
		default:
			return p.errorf(t, "unsupported statement %q", t.text)
		}
	}
	if p.file.pkg == "" {
		return fmt.Errorf("no package statement")
	}
	return nil
}

// skipOption skips "name = value;" after the option keyword: file and message options do not
// change the wire format.
func (p *protoParser) skipOption() error {
	for {
		t := p.next()
		switch {
		case t.line < 0:
			return p.errorf(t, "unterminated option")
		case t.kind == 'p' && t.text == ";":
			return nil
		case t.kind == 'p' && (t.text == "{" || t.text == "}"):
			return p.errorf(t, "unsupported aggregate option value")
		}
	}
}

func (p *protoParser) parseMessage(parent string) error {
	name, err := p.ident()
	if err != nil {
		return err
	}
	if strings.Contains(name.text, ".") {
		return p.errorf(name, "bad message name %q", name.text)
	}
	m := &protoMessage{name: parent + "." + name.text}
	m.scope = m.name
	p.file.messages = append(p.file.messages, m)
	if err := p.expect("{"); err != nil {
		return err
	}
	for {
		t := p.next()
		switch {
		case t.line < 0:
			return p.errorf(t, "unterminated message %s", m.name)
		case t.kind == 'p' && t.text == "}":
			return p.checkFields(m)
		case t.kind == 'p' && t.text == ";":
		case t.text == "option":
			if err := p.skipOption(); err != nil {
				return err
			}
		case t.text == "message":
			if err := p.parseMessage(m.name); err != nil {
				return err
			}
		case t.text == "optional" || t.text == "repeated" || t.text == "required":
			f, err := p.parseField(t.text)
			if err != nil {
				return err
			}
			m.fields = append(m.fields, f)
		case t.text == "map":
			f, err := p.parseMap()
			if err != nil {
				return err
			}
			m.fields = append(m.fields, f)
		default:
			return p.errorf(t, "unsupported declaration %q in message %s", t.text, m.name)
		}
	}
}

func (p *protoParser) checkFields(m *protoMessage) error {
	nums := map[int32]string{}
	names := map[string]bool{}
	for _, f := range m.fields {
		if other, ok := nums[f.num]; ok {
			return fmt.Errorf("line %d: message %s: fields %s and %s share number %d", f.line, m.name, other, f.name, f.num)
		}
		if names[f.name] {
			return fmt.Errorf("line %d: message %s: two fields named %s", f.line, m.name, f.name)
		}
		nums[f.num], names[f.name] = f.name, true
	}
	return nil
}

func (p *protoParser) parseField(label string) (*protoField, error) {
	typ, err := p.ident()
	if err != nil {
		return nil, err
	}
	f := &protoField{label: label, typ: typ.text, line: typ.line}
	return f, p.parseFieldTail(f)
}

func (p *protoParser) parseMap() (*protoField, error) {
	if err := p.expect("<"); err != nil {
		return nil, err
	}
	key, err := p.ident()
	if err != nil {
		return nil, err
	}
	if err := p.expect(","); err != nil {
		return nil, err
	}
	val, err := p.ident()
	if err != nil {
		return nil, err
	}
	if err := p.expect(">"); err != nil {
		return nil, err
	}
	f := &protoField{key: key.text, typ: val.text, line: key.line}
	return f, p.parseFieldTail(f)
}

// parseFieldTail reads `name = number [options];`.
func (p *protoParser) parseFieldTail(f *protoField) error {
	name, err := p.ident()
	if err != nil {
		return err
	}
	f.name = name.text
	if strings.ContainsAny(f.name, ".-+") {
		return p.errorf(name, "bad field name %q", f.name)
	}
	if err := p.expect("="); err != nil {
		return err
	}
	num, err := p.ident()
	if err != nil {
		return err
	}
	n, err := strconv.ParseInt(num.text, 10, 32)
	if err != nil || n < 1 || n > 1<<29-1 || (n >= 19000 && n <= 19999) {
		return p.errorf(num, "bad field number %q", num.text)
	}
	f.num = int32(n)
	if t := p.peek(); t.kind == 'p' && t.text == "[" {
		p.next()
		if err := p.parseFieldOptions(); err != nil {
			return err
		}
	}
	return p.expect(";")
}

// parseFieldOptions accepts only options that do not change the meaning of the table: packed
// (the decoder reads packed and unpacked repeated scalars alike) and deprecated.
func (p *protoParser) parseFieldOptions() error {
	for {
		name, err := p.ident()
		if err != nil {
			return err
		}
		if name.text != "packed" && name.text != "deprecated" {
			return p.errorf(name, "unsupported field option %q", name.text)
		}
		if err := p.expect("="); err != nil {
			return err
		}
		if v := p.next(); v.text != "true" && v.text != "false" {
			return p.errorf(v, "option %s wants true or false, found %q", name.text, v.text)
		}
		switch t := p.next(); {
		case t.kind == 'p' && t.text == "]":
			return nil
		case t.kind == 'p' && t.text == ",":
		default:
			return p.errorf(t, "want , or ] in field options, found %q", t.text)
		}
	}
}
