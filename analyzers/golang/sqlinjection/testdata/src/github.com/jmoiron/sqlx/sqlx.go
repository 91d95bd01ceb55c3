// Package sqlx is a minimal stub of github.com/jmoiron/sqlx for analyzer tests.
package sqlx

import "database/sql"

type DB struct{ *sql.DB }

type Rows struct{ *sql.Rows }

func (db *DB) Select(dest interface{}, query string, args ...interface{}) error { return nil }
func (db *DB) Get(dest interface{}, query string, args ...interface{}) error    { return nil }
func (db *DB) Queryx(query string, args ...interface{}) (*Rows, error)          { return nil, nil }
func (db *DB) MustExec(query string, args ...interface{}) sql.Result            { return nil }
func (db *DB) NamedExec(query string, arg interface{}) (sql.Result, error)      { return nil, nil }
