package a

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/go-chi/chi/v5"
	"github.com/gorilla/mux"
	"github.com/jmoiron/sqlx"
	"gorm.io/gorm"
)

var db *sql.DB

func concatenated(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("name")
	db.Query("SELECT * FROM users WHERE name = '" + name + "'") // want `SQL query built from untrusted data: r\.URL \(a\.go:23\) reaches \(\*sql\.DB\)\.Query \(a\.go:24\)`
}

func boundParameter(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("name")
	db.Query("SELECT * FROM users WHERE name = $1", name) // a bound parameter is safe
}

func constantQuery() {
	db.Query("SELECT count(*) FROM users")
}

func sprintf(w http.ResponseWriter, r *http.Request) {
	q := fmt.Sprintf("DELETE FROM items WHERE id = '%s'", r.FormValue("id"))
	db.ExecContext(r.Context(), q) // want `r\.FormValue \(a\.go:37\) reaches \(\*sql\.DB\)\.ExecContext`
}

func number(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(r.FormValue("id"))
	if err != nil {
		return
	}
	db.Query(fmt.Sprintf("SELECT * FROM items WHERE id = %d", id)) // a number cannot change the query
}

func builder(w http.ResponseWriter, r *http.Request) {
	var sb strings.Builder
	sb.WriteString("SELECT * FROM items ORDER BY ")
	sb.WriteString(r.Header.Get("X-Sort"))
	db.QueryRow(sb.String()) // want `r\.Header .* reaches \(\*sql\.DB\)\.QueryRow`
}

func allowListed(w http.ResponseWriter, r *http.Request) {
	col := r.URL.Query().Get("sort")
	if col != "name" && col != "created" {
		http.Error(w, "bad sort", http.StatusBadRequest)
		return
	}
	db.Query("SELECT * FROM items ORDER BY " + col) // checked against constants
}

func switchAllowList(w http.ResponseWriter, r *http.Request) {
	col := r.URL.Query().Get("sort")
	switch col {
	case "name", "created":
	default:
		return
	}
	db.Query("SELECT * FROM items ORDER BY " + col)
}

var columns = map[string]bool{"name": true, "created": true}

func mapAllowList(w http.ResponseWriter, r *http.Request) {
	col := r.URL.Query().Get("sort")
	if !columns[col] {
		return
	}
	db.Query("SELECT * FROM items ORDER BY " + col)
}

func checkedTooLate(w http.ResponseWriter, r *http.Request) {
	col := r.URL.Query().Get("sort")
	db.Query("SELECT * FROM items ORDER BY " + col) // want `reaches \(\*sql\.DB\)\.Query`
	if !columns[col] {
		return
	}
}

var validID = regexp.MustCompile(`^[a-z0-9]+$`)

func regexpChecked(w http.ResponseWriter, r *http.Request) {
	id := r.FormValue("id")
	if !validID.MatchString(id) {
		http.Error(w, "bad id", http.StatusBadRequest)
		return
	}
	db.Exec("UPDATE items SET seen = true WHERE id = '" + id + "'")
}

// queryByName reaches the sink with its parameter; the finding is reported here, at the sink,
// naming the caller's source.
func queryByName(name string) {
	db.Query("SELECT * FROM users WHERE name = '" + name + "'") // want `r\.FormValue \(a\.go:111\) reaches \(\*sql\.DB\)\.Query \(a\.go:107\)`
}

func callsHelper(w http.ResponseWriter, r *http.Request) {
	queryByName(r.FormValue("n"))
}

func callsHelperWithConstant() {
	queryByName("admin")
}

func pathOf(r *http.Request) string { return r.URL.Path }

func sourceInHelper(w http.ResponseWriter, r *http.Request) {
	db.Query("SELECT * FROM pages WHERE path = '" + pathOf(r) + "'") // want `r\.URL \(a\.go:118\) reaches`
}

func closure(w http.ResponseWriter, r *http.Request) {
	q := "SELECT " + r.FormValue("c")
	run := func() {
		db.Query(q) // want `r\.FormValue .* reaches \(\*sql\.DB\)\.Query`
	}
	run()
}

type filter struct {
	Name  string
	Other string
}

func structField(w http.ResponseWriter, r *http.Request) {
	f := filter{Name: r.FormValue("n")}
	db.Query("SELECT * FROM t WHERE n = '" + f.Name + "'") // want `r\.FormValue .* reaches`
}

func otherFieldTainted(w http.ResponseWriter, r *http.Request) {
	f := &filter{Name: "fixed"}
	f.Other = r.FormValue("o")
	db.Query("SELECT * FROM t WHERE n = '" + f.Name + "'") // fields are told apart
}

func jsonBody(w http.ResponseWriter, r *http.Request) {
	var req struct{ Name string }
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		return
	}
	db.Query("SELECT * FROM t WHERE n = '" + req.Name + "'") // want `r\.Body .* reaches`
}

func muxVars(w http.ResponseWriter, r *http.Request) {
	vars := mux.Vars(r)
	db.Query("SELECT * FROM t WHERE id = " + vars["id"]) // want `mux\.Vars .* reaches`
}

func chiParam(w http.ResponseWriter, r *http.Request) {
	db.Query("SELECT * FROM t WHERE id = " + chi.URLParam(r, "id")) // want `chi\.URLParam .* reaches`
}

func ginQuery(c *gin.Context) {
	db.Query("SELECT * FROM t WHERE q = '" + c.Query("q") + "'") // want `c\.Query .* reaches`
}

func ginBind(c *gin.Context) {
	var req struct{ Name string }
	if err := c.ShouldBindJSON(&req); err != nil {
		return
	}
	db.Exec("DELETE FROM t WHERE n = '" + req.Name + "'") // want `c\.ShouldBindJSON .* reaches \(\*sql\.DB\)\.Exec`
}

func ginRequest(c *gin.Context) {
	db.Query("SELECT " + c.Request.URL.RawQuery) // want `\(\*http\.Request\)\.URL .* reaches`
}

func sqlxSelect(x *sqlx.DB, r *http.Request) {
	var names []string
	x.Select(&names, "SELECT n FROM t WHERE g = '"+r.FormValue("g")+"'") // want `reaches \(\*sqlx\.DB\)\.Select`
	x.Select(&names, "SELECT n FROM t WHERE g = ?", r.FormValue("g"))
	x.Query("SELECT n FROM t WHERE g = '" + r.FormValue("g") + "'") // want `reaches \(\*sql\.DB\)\.Query`
}

type user struct{ Name string }

func gormQueries(g *gorm.DB, r *http.Request) {
	g.Where("name = '" + r.FormValue("n") + "'") // want `reaches \(\*gorm\.DB\)\.Where`
	g.Where("name = ?", r.FormValue("n"))
	g.Where(&user{Name: r.FormValue("n")}) // a struct of conditions is not SQL text
	g.Raw("SELECT " + r.FormValue("c"))    // want `reaches \(\*gorm\.DB\)\.Raw`
}

func methodValue(r *http.Request) {
	query := db.Query
	query("SELECT * FROM t WHERE n = '" + r.FormValue("n") + "'") // want `r\.FormValue .* reaches \(\*sql\.DB\)\.Query`
}

func generic[T any](q string, _ T) {
	db.Exec(q) // want `r\.FormValue .* reaches \(\*sql\.DB\)\.Exec`
}

func callsGeneric(r *http.Request) {
	generic("DELETE FROM t WHERE n = '"+r.FormValue("n")+"'", 1)
}

func goroutine(r *http.Request) {
	q := "SELECT " + r.FormValue("c")
	go func() {
		db.Query(q) // want `r\.FormValue .* reaches \(\*sql\.DB\)\.Query`
	}()
}

func commandLine() {
	// the command line and environment are the operator's, not a remote client's
	db.Query("SELECT * FROM t WHERE n = '" + os.Args[1] + "'")
	db.Query("SELECT * FROM " + os.Getenv("TABLE"))
}

func isValidColumn(c string) bool { return columns[c] }

func validateName(n string) error { return nil }

func validators(r *http.Request) {
	col := r.FormValue("sort")
	if !isValidColumn(col) {
		return
	}
	db.Query("SELECT * FROM t ORDER BY " + col)
	name := r.FormValue("name")
	if err := validateName(name); err != nil {
		return
	}
	db.Query("SELECT * FROM t WHERE n = '" + name + "'")
	other := r.FormValue("other")
	if err := validateName(other); err == nil {
		return
	}
	db.Query("SELECT * FROM t WHERE n = '" + other + "'") // want `reaches \(\*sql\.DB\)\.Query`
}

func methodExpression(r *http.Request) {
	(*sql.DB).Exec(db, "DELETE FROM t WHERE n = '"+r.FormValue("n")+"'") // want `reaches \(\*sql\.DB\)\.Exec`
	(*sql.DB).Exec(db, "DELETE FROM t WHERE n = $1", r.FormValue("n"))
}
