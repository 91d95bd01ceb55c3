package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// The other benchmarks' reports are Markdown meant for people. Their tables are read by column
// name, not position, so that a column added or moved in a script does not shift the figures
// read here; a table or row that is not found is an error the report shows, never a guess.

// mdTable is one pipe table of a Markdown document.
type mdTable struct {
	header []string
	rows   [][]string
}

// mdDoc is the part of a Markdown document the peers section reads: its text and its tables.
type mdDoc struct {
	text   string
	tables []mdTable
}

func parseMarkdown(text string) *mdDoc {
	doc := &mdDoc{text: text}
	var current *mdTable
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		if !strings.HasPrefix(line, "|") {
			current = nil
			continue
		}
		if current == nil {
			// A table starts with a header row followed by a delimiter row (|---|:--:|).
			if i+1 >= len(lines) || !isDelimiterRow(strings.TrimSpace(lines[i+1])) {
				continue
			}
			doc.tables = append(doc.tables, mdTable{header: splitRow(line)})
			current = &doc.tables[len(doc.tables)-1]
			i++
			continue
		}
		current.rows = append(current.rows, splitRow(line))
	}
	return doc
}

func isDelimiterRow(line string) bool {
	if !strings.HasPrefix(line, "|") {
		return false
	}
	for _, cell := range splitRow(line) {
		if strings.Trim(cell, ":-") != "" || !strings.Contains(cell, "-") {
			return false
		}
	}
	return true
}

// splitRow splits a table row into trimmed cells; `\|` is a literal bar inside a cell.
func splitRow(line string) []string {
	line = strings.TrimSpace(line)
	line = strings.TrimPrefix(line, "|")
	line = strings.TrimSuffix(line, "|")
	const escapedBar = "\x00"
	line = strings.ReplaceAll(line, `\|`, escapedBar)
	cells := strings.Split(line, "|")
	for i, c := range cells {
		cells[i] = strings.TrimSpace(strings.ReplaceAll(c, escapedBar, "|"))
	}
	return cells
}

// normalizeCell drops the emphasis and code marks that reports put around totals and names, so
// that "**all**" matches "all".
func normalizeCell(cell string) string {
	return strings.ToLower(strings.TrimSpace(strings.Trim(cell, "*`_ ")))
}

// table returns the first table whose header has every one of columns.
func (d *mdDoc) table(columns ...string) (*mdTable, error) {
	for i := range d.tables {
		if d.tables[i].hasColumns(columns...) {
			return &d.tables[i], nil
		}
	}
	return nil, fmt.Errorf("no table with the columns %q", columns)
}

func (t *mdTable) hasColumns(columns ...string) bool {
	for _, want := range columns {
		if t.column(want) < 0 {
			return false
		}
	}
	return true
}

func (t *mdTable) column(name string) int {
	for i, h := range t.header {
		if normalizeCell(h) == normalizeCell(name) {
			return i
		}
	}
	return -1
}

// mdRow is one row of a table, read by column name.
type mdRow struct {
	table *mdTable
	cells []string
}

// row returns the first row whose first cell is first, or starts with it when prefix is set.
func (t *mdTable) row(first string, prefix bool) (mdRow, error) {
	want := normalizeCell(first)
	for _, cells := range t.rows {
		if len(cells) == 0 {
			continue
		}
		got := normalizeCell(cells[0])
		if got == want || (prefix && strings.HasPrefix(got, want)) {
			return mdRow{table: t, cells: cells}, nil
		}
	}
	return mdRow{}, fmt.Errorf("no row %q in the table with the columns %q", first, t.header)
}

// allRows returns every row of the table.
func (t *mdTable) allRows() []mdRow {
	rows := make([]mdRow, 0, len(t.rows))
	for _, cells := range t.rows {
		rows = append(rows, mdRow{table: t, cells: cells})
	}
	return rows
}

// cell returns the text of column name, without emphasis marks.
func (r mdRow) cell(name string) (string, error) {
	i := r.table.column(name)
	if i < 0 || i >= len(r.cells) {
		return "", fmt.Errorf("no column %q in row %q", name, r.cells)
	}
	return strings.TrimSpace(strings.Trim(r.cells[i], "*")), nil
}

// quantity reads column name as a number in the base unit of its kind: seconds for times,
// MiB for sizes, plain numbers otherwise (a percentage stays a percentage).
func (r mdRow) quantity(name string) (float64, error) {
	text, err := r.cell(name)
	if err != nil {
		return 0, err
	}
	v, err := parseQuantity(text)
	if err != nil {
		return 0, fmt.Errorf("column %q: %w", name, err)
	}
	return v, nil
}

var quantityPattern = regexp.MustCompile(`^(-?[0-9][0-9,]*(?:\.[0-9]+)?)\s*([a-zA-Z%µ]*)`)

// unitScale converts the units the reports write to seconds and MiB.
var unitScale = map[string]float64{
	"": 1, "%": 1, "x": 1, "×": 1,
	"s": 1, "ms": 1e-3, "µs": 1e-6, "us": 1e-6, "min": 60,
	"kib": 1.0 / 1024, "kb": 1.0 / 1024, "mib": 1, "mb": 1, "gib": 1024, "gb": 1024,
}

func parseQuantity(text string) (float64, error) {
	m := quantityPattern.FindStringSubmatch(strings.TrimSpace(text))
	if m == nil {
		return 0, fmt.Errorf("%q is not a number", text)
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(m[1], ",", ""), 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number: %w", text, err)
	}
	scale, ok := unitScale[strings.ToLower(m[2])]
	if !ok {
		return 0, fmt.Errorf("%q has an unknown unit %q", text, m[2])
	}
	return v * scale, nil
}

// toolVersion finds the version a report gives for tool ("kube-score v1.20.0"), or "".
func (d *mdDoc) toolVersion(tool string) string {
	re := regexp.MustCompile(regexp.QuoteMeta(tool) + `@?\s*(v[0-9]+\.[0-9]+[0-9A-Za-z.+-]*[0-9A-Za-z])`)
	if m := re.FindStringSubmatch(d.text); m != nil {
		return m[1]
	}
	return ""
}
