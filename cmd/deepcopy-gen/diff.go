package main

import (
	"bytes"
	"fmt"
	"strings"
)

// maxDiffLines bounds what -verify prints: enough to see what changed, not a whole file.
const maxDiffLines = 60

// lineDiff returns a unified-style line diff from a to b, with three lines of context, or a one-line
// summary when a full diff would cost too much.
func lineDiff(a, b []byte, nameA, nameB string) string {
	x, y := splitLines(a), splitLines(b)
	// Trim the common prefix and suffix; generated files usually differ in one small region.
	pre := 0
	for pre < len(x) && pre < len(y) && x[pre] == y[pre] {
		pre++
	}
	suf := 0
	for suf < len(x)-pre && suf < len(y)-pre && x[len(x)-1-suf] == y[len(y)-1-suf] {
		suf++
	}
	mx, my := x[pre:len(x)-suf], y[pre:len(y)-suf]

	// ops holds one entry per line of the edit script: ' ' kept, '-' only in a, '+' only in b.
	type op struct {
		kind byte
		line string
	}
	var ops []op
	for _, l := range x[:pre] {
		ops = append(ops, op{' ', l})
	}
	if len(mx)*len(my) <= 4_000_000 {
		// Longest common subsequence of the differing middle.
		n, m := len(mx), len(my)
		lcs := make([][]int32, n+1)
		for i := range lcs {
			lcs[i] = make([]int32, m+1)
		}
		for i := n - 1; i >= 0; i-- {
			for j := m - 1; j >= 0; j-- {
				if mx[i] == my[j] {
					lcs[i][j] = lcs[i+1][j+1] + 1
				} else {
					lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
				}
			}
		}
		i, j := 0, 0
		for i < n || j < m {
			switch {
			case i < n && j < m && mx[i] == my[j]:
				ops = append(ops, op{' ', mx[i]})
				i, j = i+1, j+1
			case i < n && (j == m || lcs[i+1][j] >= lcs[i][j+1]):
				ops = append(ops, op{'-', mx[i]})
				i++
			default:
				ops = append(ops, op{'+', my[j]})
				j++
			}
		}
	} else {
		for _, l := range mx {
			ops = append(ops, op{'-', l})
		}
		for _, l := range my {
			ops = append(ops, op{'+', l})
		}
	}
	for _, l := range x[len(x)-suf:] {
		ops = append(ops, op{' ', l})
	}

	// Print the changed lines with up to three lines of context around each.
	const context = 3
	show := make([]bool, len(ops))
	for i, o := range ops {
		if o.kind == ' ' {
			continue
		}
		for k := max(0, i-context); k <= min(len(ops)-1, i+context); k++ {
			show[k] = true
		}
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "--- %s\n+++ %s\n", nameA, nameB)
	printed, lineA := 0, 0
	for i, o := range ops {
		if o.kind != '+' {
			lineA++
		}
		if !show[i] {
			continue
		}
		if i == 0 || !show[i-1] {
			at := lineA
			if o.kind == '+' {
				at++ // the insertion comes before the next line of a
			}
			fmt.Fprintf(&buf, "@@ line %d @@\n", at)
		}
		if printed == maxDiffLines {
			rest := 0
			for _, o := range ops[i:] {
				if o.kind != ' ' {
					rest++
				}
			}
			fmt.Fprintf(&buf, "... and %d more changed lines\n", rest)
			break
		}
		fmt.Fprintf(&buf, "%c%s\n", o.kind, o.line)
		printed++
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

func splitLines(b []byte) []string {
	s := strings.TrimSuffix(string(b), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
