package main

import (
	"fmt"
	"strconv"
	"strings"
)

// pyNode is one Python expression of the subset the SDK's generated code
// writes in annotations and defaults: names (dotted), strings, numbers,
// calls with keyword arguments, subscripts, lists, sets and tuples.
type pyNode struct {
	// Kind is "name", "str", "num", "call", "sub" (X[args]), "list", "set"
	// or "tuple".
	Kind string
	// Name is a name's text, a call's or subscript's callee name.
	Name string
	// Str is a string's value or a number's text.
	Str string
	// Args are positional arguments, subscript items or elements.
	Args []*pyNode
	// Kw are a call's keyword arguments.
	Kw map[string]*pyNode
}

// String renders n as Python, for messages and tests.
func (n *pyNode) String() string {
	if n == nil {
		return "<nil>"
	}
	var parts []string
	for _, a := range n.Args {
		parts = append(parts, a.String())
	}
	for k, v := range n.Kw {
		parts = append(parts, k+"="+v.String())
	}
	switch n.Kind {
	case "name":
		return n.Name
	case "str":
		return strconv.Quote(n.Str)
	case "num":
		return n.Str
	case "call":
		return n.Name + "(" + strings.Join(parts, ", ") + ")"
	case "sub":
		return n.Name + "[" + strings.Join(parts, ", ") + "]"
	case "list":
		return "[" + strings.Join(parts, ", ") + "]"
	case "set":
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// kw returns a call's keyword argument name, or nil.
func (n *pyNode) kw(name string) *pyNode {
	if n == nil || n.Kw == nil {
		return nil
	}
	return n.Kw[name]
}

// pyParser reads one expression from src.
type pyParser struct {
	src string
	pos int
}

// parsePy parses src, which must hold exactly one expression (trailing
// whitespace and a trailing comma allowed).
func parsePy(src string) (*pyNode, error) {
	p := &pyParser{src: src}
	n, err := p.expr()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.pos < len(p.src) && p.src[p.pos] == ',' {
		p.pos++
		p.space()
	}
	if p.pos != len(p.src) {
		return nil, fmt.Errorf("python expression %q: unexpected %q at %d", src, p.src[p.pos:], p.pos)
	}
	return n, nil
}

func (p *pyParser) space() {
	for p.pos < len(p.src) && strings.ContainsRune(" \t\r\n", rune(p.src[p.pos])) {
		p.pos++
	}
}

func (p *pyParser) peek() byte {
	p.space()
	if p.pos >= len(p.src) {
		return 0
	}
	return p.src[p.pos]
}

func (p *pyParser) errf(format string, a ...any) error {
	return fmt.Errorf("python expression %q at %d: %s", p.src, p.pos, fmt.Sprintf(format, a...))
}

func isIdent(c byte, first bool) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || !first && c >= '0' && c <= '9'
}

func (p *pyParser) expr() (*pyNode, error) {
	n, err := p.atom()
	if err != nil {
		return nil, err
	}
	for {
		switch p.peek() {
		case '[':
			p.pos++
			args, _, err := p.args(']')
			if err != nil {
				return nil, err
			}
			n = &pyNode{Kind: "sub", Name: n.Name, Args: args}
		case '(':
			p.pos++
			args, kw, err := p.args(')')
			if err != nil {
				return nil, err
			}
			n = &pyNode{Kind: "call", Name: n.Name, Args: args, Kw: kw}
		default:
			return n, nil
		}
	}
}

// args reads comma-separated (keyword) arguments up to close.
func (p *pyParser) args(close byte) ([]*pyNode, map[string]*pyNode, error) {
	var args []*pyNode
	var kw map[string]*pyNode
	for {
		if p.peek() == close {
			p.pos++
			return args, kw, nil
		}
		// A keyword argument: NAME '=' (not '==').
		save := p.pos
		p.space()
		start := p.pos
		for p.pos < len(p.src) && isIdent(p.src[p.pos], p.pos == start) {
			p.pos++
		}
		name := p.src[start:p.pos]
		if name != "" && p.peek() == '=' && !strings.HasPrefix(p.src[p.pos:], "==") {
			p.pos++
			v, err := p.expr()
			if err != nil {
				return nil, nil, err
			}
			if kw == nil {
				kw = map[string]*pyNode{}
			}
			kw[name] = v
		} else {
			p.pos = save
			v, err := p.expr()
			if err != nil {
				return nil, nil, err
			}
			args = append(args, v)
		}
		switch p.peek() {
		case ',':
			p.pos++
		case close:
		default:
			return nil, nil, p.errf("want ',' or %q", close)
		}
	}
}

func (p *pyParser) atom() (*pyNode, error) {
	c := p.peek()
	switch {
	case c == 0:
		return nil, p.errf("unexpected end")
	case c == '[':
		p.pos++
		args, _, err := p.args(']')
		return &pyNode{Kind: "list", Args: args}, err
	case c == '{':
		p.pos++
		args, _, err := p.args('}')
		return &pyNode{Kind: "set", Args: args}, err
	case c == '(':
		p.pos++
		args, _, err := p.args(')')
		if err == nil && len(args) == 1 {
			return args[0], nil
		}
		return &pyNode{Kind: "tuple", Args: args}, err
	case c == '"' || c == '\'':
		return p.str(false)
	case (c == 'r' || c == 'b') && p.pos+1 < len(p.src) && (p.src[p.pos+1] == '"' || p.src[p.pos+1] == '\''):
		p.pos++
		return p.str(c == 'r')
	case c == '-' || c >= '0' && c <= '9':
		start := p.pos
		p.pos++
		for p.pos < len(p.src) && strings.ContainsRune("0123456789._eE+-", rune(p.src[p.pos])) {
			if (p.src[p.pos] == '+' || p.src[p.pos] == '-') && p.src[p.pos-1] != 'e' && p.src[p.pos-1] != 'E' {
				break
			}
			p.pos++
		}
		return &pyNode{Kind: "num", Str: p.src[start:p.pos]}, nil
	case isIdent(c, true):
		start := p.pos
		for p.pos < len(p.src) && (isIdent(p.src[p.pos], false) || p.src[p.pos] == '.') {
			p.pos++
		}
		return &pyNode{Kind: "name", Name: p.src[start:p.pos]}, nil
	}
	return nil, p.errf("unexpected %q", c)
}

// str reads a string literal; raw strings keep their backslashes. Adjacent
// literals are joined, as Python joins them.
func (p *pyParser) str(raw bool) (*pyNode, error) {
	var b strings.Builder
	for {
		q := p.src[p.pos]
		triple := strings.HasPrefix(p.src[p.pos:], strings.Repeat(string(q), 3))
		if triple {
			p.pos += 3
		} else {
			p.pos++
		}
		for {
			if p.pos >= len(p.src) {
				return nil, p.errf("unterminated string")
			}
			c := p.src[p.pos]
			if c == '\\' && p.pos+1 < len(p.src) {
				if raw {
					b.WriteByte(c)
					b.WriteByte(p.src[p.pos+1])
				} else {
					switch e := p.src[p.pos+1]; e {
					case 'n':
						b.WriteByte('\n')
					case 't':
						b.WriteByte('\t')
					default:
						b.WriteByte(e)
					}
				}
				p.pos += 2
				continue
			}
			if c == q && (!triple || strings.HasPrefix(p.src[p.pos:], strings.Repeat(string(q), 3))) {
				if triple {
					p.pos += 3
				} else {
					p.pos++
				}
				break
			}
			b.WriteByte(c)
			p.pos++
		}
		// Adjacent literals concatenate.
		save := p.pos
		n := p.peek()
		if n == '"' || n == '\'' {
			raw = false
			continue
		}
		if n == 'r' && p.pos+1 < len(p.src) && (p.src[p.pos+1] == '"' || p.src[p.pos+1] == '\'') {
			p.pos++
			raw = true
			continue
		}
		p.pos = save
		return &pyNode{Kind: "str", Str: b.String()}, nil
	}
}
