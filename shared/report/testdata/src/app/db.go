package app

import (
	"database/sql"
	"net/http"
)

func lookup(db *sql.DB, r *http.Request) (*sql.Rows, error) {
	name := r.URL.Query().Get("name")
	return db.Query("SELECT * FROM users WHERE name = '" + name + "'")
}

func count(db *sql.DB, table string) (*sql.Rows, error) {
	// fourc:ignore go-sql-injection -- table comes from a constant allowlist
	return db.Query("SELECT count(*) FROM " + table)
}
