package labels

import (
	"fmt"
	"slices"
	"strings"
)

// ParseError describes why Parse rejected a selector and where. Msg is worded as
// Kubernetes words it, so the text reads the same as an API server's; Offset adds the
// place, which Kubernetes does not give.
type ParseError struct {
	// Selector is the whole text given to Parse.
	Selector string
	// Offset is the byte offset in Selector of the token at fault; len(Selector) when the
	// text ended too soon.
	Offset int
	// Msg says what is wrong, for example "unable to parse requirement: found '(',
	// expected: in, notin, =, ==, !=, gt, lt".
	Msg string
}

// Error returns Msg followed by the offset.
func (e *ParseError) Error() string {
	return fmt.Sprintf("%s (at offset %d)", e.Msg, e.Offset)
}

// Parse reads a label selector in the syntax of the Kubernetes labelSelector query
// parameter and kubectl's -l flag:
//
//	<selector>    ::= "" | <requirement> { "," <requirement> }
//	<requirement> ::= KEY                                  (the label exists)
//	                | "!" KEY                              (the label does not exist)
//	                | KEY ( "=" | "==" | "!=" ) [ VALUE ]  (a missing VALUE means "")
//	                | KEY ( ">" | "<" ) INTEGER
//	                | KEY ( "in" | "notin" ) "(" [ VALUE ] { "," [ VALUE ] } ")"
//
// KEY must be a qualified name (an optional DNS subdomain prefix and "/", then at most 63
// characters) and each VALUE a valid label value; empty values are allowed, so "x in ()"
// and "x in (,a)" both include "". Spaces, tabs and newlines may surround any token. "in"
// and "notin" are operators only after a key; elsewhere they are ordinary words. All the
// requirements must hold for a match.
//
// A rejected selector gives a *ParseError.
func Parse(selector string) (Selector, error) {
	p := parser{input: selector}
	p.advance()
	reqs, err := p.parseSelector()
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(reqs, compareRequirements)
	return internalSelector(reqs), nil
}

type tokenKind uint8

const (
	tokEnd tokenKind = iota
	tokWord
	tokIn
	tokNotIn
	tokBang
	tokEquals
	tokDoubleEquals
	tokNotEquals
	tokGreater
	tokLess
	tokOpen
	tokClose
	tokComma
)

type token struct {
	kind tokenKind
	text string // a slice of the input, so lexing does not allocate
	pos  int
}

// wordLike reports whether t can stand for a key or a value. "in" and "notin" are
// operators only right after a key; everywhere else Kubernetes reads them as words.
func (t token) wordLike() bool {
	return t.kind == tokWord || t.kind == tokIn || t.kind == tokNotIn
}

// quoted renders a token for an error message.
func (t token) quoted() string {
	if t.kind == tokEnd {
		return "'end of string'"
	}
	return "'" + t.text + "'"
}

// parser reads the selector one token at a time with a single token of lookahead, which is
// all the grammar needs.
type parser struct {
	input string
	off   int   // where the next token starts to be looked for
	next  token // the lookahead token, not yet consumed
	// scratch holds the values of the requirement being parsed; it is reused from one
	// requirement to the next to save allocations.
	scratch []value
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func isSymbol(c byte) bool {
	switch c {
	case '=', '!', '(', ')', ',', '>', '<':
		return true
	}
	return false
}

// advance lexes the token after the current one into p.next. A word runs until a space or
// a symbol; symbols are single characters except "==" and "!=".
func (p *parser) advance() {
	s, i := p.input, p.off
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	if i == len(s) {
		p.off = i
		p.next = token{kind: tokEnd, pos: i}
		return
	}
	start := i
	var kind tokenKind
	switch c := s[i]; {
	case (c == '=' || c == '!') && i+1 < len(s) && s[i+1] == '=':
		i += 2
		kind = tokDoubleEquals
		if c == '!' {
			kind = tokNotEquals
		}
	case isSymbol(c):
		i++
		switch c {
		case '=':
			kind = tokEquals
		case '!':
			kind = tokBang
		case '(':
			kind = tokOpen
		case ')':
			kind = tokClose
		case ',':
			kind = tokComma
		case '>':
			kind = tokGreater
		case '<':
			kind = tokLess
		}
	default:
		for i < len(s) && !isSpace(s[i]) && !isSymbol(s[i]) {
			i++
		}
		switch s[start:i] {
		case "in":
			kind = tokIn
		case "notin":
			kind = tokNotIn
		default:
			kind = tokWord
		}
	}
	p.off = i
	p.next = token{kind: kind, text: s[start:i], pos: start}
}

// consume returns the lookahead token and moves past it.
func (p *parser) consume() token {
	t := p.next
	p.advance()
	return t
}

func (p *parser) fail(pos int, format string, args ...any) error {
	return &ParseError{Selector: p.input, Offset: pos, Msg: fmt.Sprintf(format, args...)}
}

// failRequirement reports a problem inside one requirement, with the prefix Kubernetes
// gives those.
func (p *parser) failRequirement(pos int, format string, args ...any) error {
	return p.fail(pos, "unable to parse requirement: "+format, args...)
}

func (p *parser) parseSelector() ([]Requirement, error) {
	if p.next.kind == tokEnd {
		return nil, nil
	}
	if !p.next.wordLike() && p.next.kind != tokBang {
		return nil, p.fail(p.next.pos, "found %s, expected: !, identifier, or 'end of string'", p.next.quoted())
	}
	// Commas bound the number of requirements, so one allocation usually does.
	reqs := make([]Requirement, 0, strings.Count(p.input, ",")+1)
	for {
		r, err := p.parseRequirement()
		if err != nil {
			return nil, err
		}
		reqs = append(reqs, r)
		switch t := p.consume(); t.kind {
		case tokEnd:
			return reqs, nil
		case tokComma:
			if !p.next.wordLike() && p.next.kind != tokBang {
				return nil, p.fail(p.next.pos, "found %s, expected: identifier after ','", p.next.quoted())
			}
		default:
			return nil, p.fail(t.pos, "found %s, expected: ',' or 'end of string'", t.quoted())
		}
	}
}

// value is a parsed value and where it was, so that a bad one can be pointed at.
type value struct {
	text string
	pos  int
}

func (p *parser) parseRequirement() (Requirement, error) {
	t := p.consume()
	negated := t.kind == tokBang
	if negated {
		t = p.consume()
	}
	if !t.wordLike() {
		return Requirement{}, p.failRequirement(t.pos, "found %s, expected: identifier", t.quoted())
	}
	key := t.text
	if err := validateKey(key); err != nil {
		return Requirement{}, p.failRequirement(t.pos, "%v", err)
	}
	// "!key" takes no operator; anything after it is left for parseSelector to reject.
	if negated {
		return Requirement{key: key, operator: DoesNotExist}, nil
	}
	if p.next.kind == tokEnd || p.next.kind == tokComma {
		return Requirement{key: key, operator: Exists}, nil
	}

	opTok := p.consume()
	var op Operator
	switch opTok.kind {
	case tokIn:
		op = In
	case tokNotIn:
		op = NotIn
	case tokEquals:
		op = Equals
	case tokDoubleEquals:
		op = DoubleEquals
	case tokNotEquals:
		op = NotEquals
	case tokGreater:
		op = GreaterThan
	case tokLess:
		op = LessThan
	default:
		return Requirement{}, p.failRequirement(opTok.pos, "found %s, expected: in, notin, =, ==, !=, gt, lt", opTok.quoted())
	}

	var vals []value
	var err error
	if op == In || op == NotIn {
		vals, err = p.parseValueSet()
	} else {
		vals, err = p.parseSingleValue()
	}
	if err != nil {
		return Requirement{}, err
	}
	p.scratch = vals[:0] // keep any growth for the next requirement

	texts := make([]string, len(vals))
	for i, v := range vals {
		texts[i] = v.text
	}
	r, bad, err := newRequirement(key, op, texts)
	if err != nil {
		pos := opTok.pos
		if bad >= 0 {
			// newRequirement saw the values in the order given, so bad indexes vals too.
			pos = vals[bad].pos
		}
		return Requirement{}, p.failRequirement(pos, "%v", err)
	}
	return r, nil
}

// parseSingleValue reads the value after =, ==, !=, > or <. Nothing at all before a comma
// or the end means the empty value.
func (p *parser) parseSingleValue() ([]value, error) {
	if p.next.kind == tokEnd || p.next.kind == tokComma {
		return append(p.scratch[:0], value{pos: p.next.pos}), nil
	}
	t := p.consume()
	if !t.wordLike() {
		return nil, p.failRequirement(t.pos, "found %s, expected: identifier", t.quoted())
	}
	return append(p.scratch[:0], value{text: t.text, pos: t.pos}), nil
}

// parseValueSet reads "(a,b,...)" after in or notin. Empty places in the list stand for the
// empty value, as in Kubernetes: "()", "(,a)" and "(a,)" all include "". It follows
// Kubernetes also in rejecting a list that ends in two commas, such as "(a,,)".
func (p *parser) parseValueSet() ([]value, error) {
	if t := p.consume(); t.kind != tokOpen {
		return nil, p.failRequirement(t.pos, "found %s, expected: '('", t.quoted())
	}
	switch {
	case p.next.kind == tokClose:
		t := p.consume()
		return append(p.scratch[:0], value{pos: t.pos}), nil
	case p.next.wordLike() || p.next.kind == tokComma:
	default:
		return nil, p.failRequirement(p.next.pos, "found %s, expected: ',', ')' or identifier", p.next.quoted())
	}

	vals := p.scratch[:0]
	for {
		t := p.consume()
		switch {
		case t.wordLike():
			vals = append(vals, value{text: t.text, pos: t.pos})
			switch p.next.kind {
			case tokComma:
				// The comma is consumed at the top of the loop.
			case tokClose:
				p.consume()
				return vals, nil
			default:
				return nil, p.failRequirement(p.next.pos, "found %s, expected: ',' or ')'", p.next.quoted())
			}
		case t.kind == tokComma:
			if len(vals) == 0 {
				vals = append(vals, value{pos: t.pos}) // "(,": an empty first value
			}
			switch p.next.kind {
			case tokClose:
				vals = append(vals, value{pos: p.next.pos}) // ",)": an empty last value
				p.consume()
				return vals, nil
			case tokComma:
				vals = append(vals, value{pos: p.next.pos}) // ",,": an empty value between
				p.consume()
			}
		default:
			return nil, p.failRequirement(t.pos, "found %s, expected: ',', or identifier", t.quoted())
		}
	}
}
