// Package sqlinjection reports SQL queries built from untrusted input (go-sql-injection).
package sqlinjection

import (
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/buildssa"

	"github.com/fourcsec/fourc/analyzers/golang/taint"
	"github.com/fourcsec/fourc/shared/finding"
)

// RuleID is the fourc rule this analyzer reports.
const RuleID = "go-sql-injection"

const doc = `report SQL queries built from untrusted input

The go-sql-injection rule follows data from HTTP requests (net/http, gorilla/mux, chi, gin,
echo) through concatenation, fmt.Sprintf, strings helpers and function calls — across packages —
to the query argument of database/sql, sqlx, gorm and pgx. A query assembled from request data
lets the client rewrite it: read other users' rows, skip the password check, drop tables.
Arguments after the query are bound parameters and are not reported, nor are numbers, constant
queries, values compared with a constant or an allow-list, and values checked by a regular
expression or by a function named like a validator (isValidColumn, validateName) before use.

Fix: keep the query text constant and pass the data as parameters, db.Query("SELECT … WHERE
name = $1", name) ("?" for MySQL and SQLite); choose identifiers such as ORDER BY columns from
a fixed allow-list.`

// Analyzer reports untrusted data reaching SQL query strings.
var Analyzer = &analysis.Analyzer{
	Name:      "sqlinjection",
	Doc:       doc,
	URL:       "https://github.com/fourcsec/fourc/blob/main/docs/rules.md#" + RuleID,
	Requires:  []*analysis.Analyzer{buildssa.Analyzer},
	Run:       run,
	FactTypes: []analysis.Fact{new(summaryFact)},
}

// Rules is the fourc metadata of the rules Analyzer reports.
var Rules = []finding.Rule{{
	ID:       RuleID,
	Title:    "SQL query built from untrusted input",
	Layer:    finding.Code,
	Severity: finding.High,
	Description: "Data from an HTTP request reaches the text of a SQL query (database/sql, sqlx, gorm, pgx). " +
		"Whoever sends the request can change what the query does: read or modify other users' data, " +
		"bypass authentication checks or destroy tables.",
	Remediation: "Keep the query text constant and pass request data as bound parameters " +
		"(db.QueryContext(ctx, \"SELECT name FROM users WHERE id = $1\", id)); pick identifiers such as " +
		"ORDER BY columns from a fixed allow-list.",
	References: []string{"CWE-89"},
	HelpURL:    "https://github.com/fourcsec/fourc/blob/main/docs/rules.md#" + RuleID,
}}

// summaryFact carries a function's taint summary to importing packages.
type summaryFact struct{ Flow taint.Summary }

func (*summaryFact) AFact()                    {}
func (f *summaryFact) Summary() *taint.Summary { return &f.Flow }
func (f *summaryFact) String() string          { return f.Flow.String() }

const (
	database = "database/sql"
	sqlx     = "github.com/jmoiron/sqlx"
	gorm     = "gorm.io/gorm"
	gormV1   = "github.com/jinzhu/gorm"
	pq       = "github.com/lib/pq"
)

// sinks lists the query argument of every call that runs or prepares SQL text.
var sinks = func() []taint.Sink {
	var out []taint.Sink
	add := func(pkg string, recvs []string, arg int, names ...string) {
		for _, recv := range recvs {
			for _, name := range names {
				out = append(out, taint.Sink{Func: taint.Func{Pkg: pkg, Recv: recv, Name: name}, Args: []int{arg}})
			}
		}
	}
	sqlRecvs := []string{"DB", "Tx", "Conn"}
	add(database, sqlRecvs, 0, "Query", "QueryRow", "Exec", "Prepare")
	add(database, sqlRecvs, 1, "QueryContext", "QueryRowContext", "ExecContext", "PrepareContext")

	sqlxRecvs := []string{"DB", "Tx", "Conn"}
	add(sqlx, sqlxRecvs, 0, "Queryx", "QueryRowx", "MustExec", "NamedExec", "NamedQuery", "Preparex", "PrepareNamed")
	add(sqlx, sqlxRecvs, 1, "QueryxContext", "QueryRowxContext", "MustExecContext", "NamedExecContext",
		"NamedQueryContext", "PreparexContext", "PrepareNamedContext", "Select", "Get")
	add(sqlx, sqlxRecvs, 2, "SelectContext", "GetContext")
	add(sqlx, []string{""}, 1, "NamedExec", "NamedQuery", "MustExec")
	add(sqlx, []string{""}, 2, "Select", "Get", "NamedExecContext", "NamedQueryContext", "MustExecContext")
	add(sqlx, []string{""}, 3, "SelectContext", "GetContext")

	for _, pkg := range []string{gorm, gormV1} {
		add(pkg, []string{"DB"}, 0, "Raw", "Exec", "Group", "Joins", "Table", "Pluck")
		for _, name := range []string{"Where", "Or", "Not", "Order", "Having", "Select"} {
			// These take either SQL text or a struct/map of conditions; only text is SQL.
			out = append(out, taint.Sink{Func: taint.Func{Pkg: pkg, Recv: "DB", Name: name}, Args: []int{0}, StringOnly: true})
		}
	}
	for _, pkg := range []string{"github.com/jackc/pgx/v5", "github.com/jackc/pgx/v4"} {
		add(pkg, []string{"Conn", "Tx"}, 1, "Query", "QueryRow", "Exec", "Prepare")
		add(pkg+"/pgxpool", []string{"Pool", "Conn", "Tx"}, 1, "Query", "QueryRow", "Exec")
	}
	return out
}()

// sanitizers quote their argument for SQL.
var sanitizers = []taint.Func{
	{Pkg: pq, Name: "QuoteIdentifier"},
	{Pkg: pq, Name: "QuoteLiteral"},
	{Pkg: "github.com/jackc/pgx/v5", Recv: "Identifier", Name: "Sanitize"},
	{Pkg: "github.com/jackc/pgx/v4", Recv: "Identifier", Name: "Sanitize"},
}

func run(pass *analysis.Pass) (any, error) {
	cfg := &taint.Config{
		Classes:    taint.Remote,
		Sinks:      sinks,
		Sanitizers: sanitizers,
		Guards:     taint.GuardEqualConst | taint.GuardAllowList | taint.GuardRegexp | taint.GuardValidator,
		NewFact:    func() taint.SummaryFact { return new(summaryFact) },
		Report: func(f taint.Finding) {
			pass.Report(analysis.Diagnostic{
				Pos:      f.Pos,
				Category: RuleID,
				Message:  "SQL query built from untrusted data: " + f.Describe(),
			})
		},
	}
	return nil, taint.Run(pass, cfg)
}
