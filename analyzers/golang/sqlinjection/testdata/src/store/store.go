// Package store is the repository side of the cross-package test: its functions reach sinks
// with their parameters, which the handler package fills from requests.
package store

import (
	"context"
	"database/sql"
)

type Store struct{ db *sql.DB }

func (s *Store) FindByName(ctx context.Context, name string) (*sql.Rows, error) { // want FindByName:`p2→\(\*sql\.DB\)\.QueryContext \(store\.go:13\)`
	return s.db.QueryContext(ctx, "SELECT * FROM users WHERE name = '"+name+"'")
}

func (s *Store) FindSafe(ctx context.Context, name string) (*sql.Rows, error) {
	return s.db.QueryContext(ctx, "SELECT * FROM users WHERE name = $1", name)
}

// DeleteWhere reaches the sink through an unexported helper.
func (s *Store) DeleteWhere(cond string) error { // want DeleteWhere:`p1→\(\*sql\.DB\)\.Exec \(store\.go:26\)`
	return s.exec("DELETE FROM users WHERE " + cond)
}

func (s *Store) exec(q string) error {
	_, err := s.db.Exec(q)
	return err
}

// Quote passes its argument to its result, as callers assume of any function: no fact.
func Quote(v string) string { return "'" + v + "'" }

// Placeholder does not pass its argument on.
func Placeholder(column string) string { return "$1" } // want Placeholder:`no flow`
