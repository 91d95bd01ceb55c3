package handler

import (
	"database/sql"
	"net/http"

	"params"
	"store"
)

func find(s *store.Store) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.FindByName(r.Context(), r.FormValue("name")) // want `r\.FormValue \(handler\.go:13\) reaches \(\*sql\.DB\)\.QueryContext \(store\.go:13\) via \(\*store\.Store\)\.FindByName`
		s.FindSafe(r.Context(), r.FormValue("name"))
		s.DeleteWhere("id = " + store.Quote(r.FormValue("id"))) // want `reaches \(\*sql\.DB\)\.Exec \(store\.go:26\) via \(\*store\.Store\)\.DeleteWhere`
		s.DeleteWhere("id = " + store.Placeholder(r.FormValue("id")))
	}
}

var db *sql.DB

func sourceInOtherPackage(w http.ResponseWriter, r *http.Request) {
	db.Query("SELECT * FROM users WHERE name = '" + params.Name(r) + "'") // want `r\.URL \(params\.go:7\) reaches \(\*sql\.DB\)\.Query \(handler\.go:23\)`
}
