package main

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// WriteTable writes rows as one table: per operation, each difference with
// its facet, how the fake stands to the vendor and oasdiff's text, and,
// when rows say so, whether it is new since the pinned vendor document.
func WriteTable(w io.Writer, rows []Row) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	since := len(rows) > 0 && rows[0].Since != ""
	head := "operation\tfacet\tthe fake\t"
	if since {
		head += "since pinned\t"
	}
	fmt.Fprintln(tw, head+"change (vendor -> fake)")
	prev := ""
	for _, r := range rows {
		op := r.Operation
		if op == prev {
			op = ""
		}
		prev = r.Operation
		line := op + "\t" + r.Facet + "\t" + r.Fake + "\t"
		if since {
			line += r.Since + "\t"
		}
		fmt.Fprintln(tw, line+r.Text)
	}
	return tw.Flush()
}

// Summary counts, per operation, the differences of each facet.
type Summary struct {
	Operation string
	// Counts is facet -> stance ("adds", "lacks", "differs") -> count.
	Counts map[string]map[string]int
	New    int // rows new since the pinned document
}

// Summarize folds rows into one Summary per operation, in rows' order.
func Summarize(rows []Row) []Summary {
	var out []Summary
	for _, r := range rows {
		if len(out) == 0 || out[len(out)-1].Operation != r.Operation {
			out = append(out, Summary{Operation: r.Operation, Counts: map[string]map[string]int{}})
		}
		s := &out[len(out)-1]
		if s.Counts[r.Facet] == nil {
			s.Counts[r.Facet] = map[string]int{}
		}
		s.Counts[r.Facet][r.Fake]++
		if r.Since == "new" {
			s.New++
		}
	}
	return out
}

// WriteSummary writes one row per operation: for each facet, how many
// differences the fake adds (+), lacks (-) and changes (~).
func WriteSummary(w io.Writer, rows []Row) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	since := len(rows) > 0 && rows[0].Since != ""
	head := "operation"
	for _, f := range facets {
		head += "\t" + f
	}
	if since {
		head += "\tnew since pinned"
	}
	fmt.Fprintln(tw, head)
	for _, s := range Summarize(rows) {
		line := s.Operation
		for _, f := range facets {
			c := s.Counts[f]
			cell := ""
			for _, p := range []struct{ sign, stance string }{{"+", "adds"}, {"-", "lacks"}, {"~", "differs"}} {
				if n := c[p.stance]; n > 0 {
					if cell != "" {
						cell += " "
					}
					cell += fmt.Sprintf("%s%d", p.sign, n)
				}
			}
			line += "\t" + cell
		}
		if since {
			line += fmt.Sprintf("\t%d", s.New)
		}
		fmt.Fprintln(tw, line)
	}
	return tw.Flush()
}
