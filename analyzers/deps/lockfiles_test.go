package deps_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/fourcsec/fourc/analyzers/deps"
	"github.com/fourcsec/fourc/analyzers/deps/osv"
	"github.com/fourcsec/fourc/shared/finding"
)

const lockfileV3 = `{
  "name": "web",
  "lockfileVersion": 3,
  "packages": {
    "": {"name": "web"},
    "node_modules/lodash": {
      "version": "4.17.20"
    },
    "node_modules/mkdirp/node_modules/minimist": {
      "version": "0.0.8",
      "dev": true
    },
    "node_modules/minimist": {
      "version": "1.2.8"
    }
  }
}
`

func TestNPM(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"web/package-lock.json":                lockfileV3,
		"web/node_modules/x/package-lock.json": "not scanned: installed packages are not the project's manifests",
		"legacy/npm-shrinkwrap.json":           `{"lockfileVersion": 1, "dependencies": {"lodash": {"version": "4.17.21"}}}`,
		"broken/package-lock.json":             "{\n  \"packages\": {\n    \"node_modules/a\": {\"version\": \"1.0.0\"},,\n  }\n}\n",
		"web/node_modules/.package-lock.json":  "{}",
	})
	rep := scan(t, dir, scanOptions{})
	want := []string{"dep-npm-vulnerable web/package-lock.json:6:5", "dep-npm-vulnerable web/package-lock.json:9:5"}
	if got := summary(rep.Items); !slices.Equal(got, want) {
		t.Fatalf("findings %q, want %q", got, want)
	}
	lodash, minimist := rep.Items[0], rep.Items[1]
	wantLodash := "lodash 4.17.20 (node_modules/lodash) has 2 known vulnerabilities:\n" +
		"- GHSA-29mw-wpgm-hmr9 (CVE-2020-28500): Regular Expression Denial of Service (ReDoS) in lodash; affected >= 4.0.0, < 4.17.21; fixed in 4.17.21\n" +
		"- GHSA-35jh-r3h4-6jhm (CVE-2021-23337): Command Injection in lodash; affected < 4.17.21; fixed in 4.17.21\n" +
		"Upgrade to 4.17.21, the smallest version that fixes all 2 known vulnerabilities of the package."
	if lodash.Message != wantLodash {
		t.Errorf("lodash message:\n%s\nwant:\n%s", lodash.Message, wantLodash)
	}
	if lodash.Severity != finding.High || minimist.Severity != finding.Critical {
		t.Errorf("severities %v, %v; want GitHub's high and critical", lodash.Severity, minimist.Severity)
	}
	if lodash.Fix != nil || lodash.Remediation != "Upgrade lodash to 4.17.21 or later (npm update, or an override in package.json for a transitive dependency) and commit the new lockfile." {
		t.Errorf("lodash fix %+v, remediation %q", lodash.Fix, lodash.Remediation)
	}
	if !strings.HasPrefix(minimist.Message, "minimist 0.0.8 (node_modules/mkdirp/node_modules/minimist, a dev dependency) has a known vulnerability:\n- GHSA-xvch-5gv4-984h (CVE-2021-44906): Prototype Pollution in minimist; affected < 0.2.4; >= 1.0.0, < 1.2.6; fixed in 0.2.4\n") {
		t.Errorf("minimist message:\n%s", minimist.Message)
	}
	if !slices.Equal(lodash.References, []string{"GHSA-29mw-wpgm-hmr9", "CVE-2020-28500", "GHSA-35jh-r3h4-6jhm", "CVE-2021-23337", "https://osv.dev/vulnerability/GHSA-29mw-wpgm-hmr9", "https://osv.dev/vulnerability/GHSA-35jh-r3h4-6jhm"}) {
		t.Errorf("references %q", lodash.References)
	}
	if len(rep.Diags) != 1 || rep.Diags[0].Path != "broken/package-lock.json" || rep.Diags[0].Line != 3 ||
		rep.Diags[0].Message != "not a valid npm lockfile, so its packages were not checked: not valid JSON: invalid character ',' looking for beginning of object key string" {
		t.Errorf("diagnostics %+v", rep.Diags)
	}
	if len(rep.Partial) != 0 {
		t.Errorf("partial %q", rep.Partial)
	}
}

func TestPyPI(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"requirements.txt":          "-r requirements/base.txt\n-c constraints.txt\n-r ../outside.txt\nrequests==2.28.1  # pinned\nflask>=2\n",
		"requirements/base.txt":     "Jinja2==3.1.2 \\\n    --hash=sha256:0000\n",
		"constraints.txt":           "urllib3>=1.26\n",
		"docs/dev-requirements.txt": "sphinx\nrequests==2.31.0\n",
		"setup.py":                  "# not a requirements file\n",
	})
	rep := scan(t, dir, scanOptions{})
	want := []string{
		"dep-pypi-unpinned docs/dev-requirements.txt:1:1",
		"dep-pypi-vulnerable requirements.txt:4:1",
		"dep-pypi-unpinned requirements.txt:5:1",
		"dep-pypi-vulnerable requirements/base.txt:1:1",
	}
	if got := summary(rep.Items); !slices.Equal(got, want) {
		t.Fatalf("findings %q, want %q", got, want)
	}
	requests, flask, jinja := rep.Items[1], rep.Items[2], rep.Items[3]
	wantRequests := "requests 2.28.1 has a known vulnerability:\n" +
		"- GHSA-j8r2-6x86-q33q (CVE-2023-32681): Unintended leak of Proxy-Authorization header in requests; affected >= 2.3.0, < 2.31.0; fixed in 2.31.0\n" +
		"Upgrade to 2.31.0, the smallest version that fixes the package's only known vulnerability."
	if requests.Message != wantRequests {
		t.Errorf("requests message:\n%s\nwant:\n%s", requests.Message, wantRequests)
	}
	wantFix := finding.Fix{Description: "Pin requests 2.31.0", StartLine: 4, EndLine: 4, Replacement: "requests==2.31.0  # pinned"}
	if requests.Fix == nil || *requests.Fix != wantFix || requests.Severity != finding.Medium {
		t.Errorf("requests fix %+v severity %v, want %+v medium", requests.Fix, requests.Severity, wantFix)
	}
	if flask.Message != "flask is not pinned (>=2): each install may resolve a different version, and which one runs cannot be checked for vulnerabilities." || flask.Severity != finding.Low {
		t.Errorf("flask: %q %v", flask.Message, flask.Severity)
	}
	// Hashes pin the artefact: a new version needs new hashes, so no automatic fix.
	if jinja.Fix != nil || jinja.Remediation != "Pin Jinja2==3.1.3 and regenerate the hashes (pip-compile --generate-hashes)." {
		t.Errorf("jinja fix %+v remediation %q", jinja.Fix, jinja.Remediation)
	}
	if len(rep.Diags) != 1 || rep.Diags[0].Path != "requirements.txt" || rep.Diags[0].Line != 3 ||
		rep.Diags[0].Message != "../outside.txt is not a file of the scanned tree; its requirements were not checked" {
		t.Errorf("diagnostics %+v", rep.Diags)
	}
}

func TestUnreachableDatabase(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	dir := writeTree(t, map[string]string{
		"go.mod":            "module example.com/app\n\ngo 1.26.8\n\nrequire golang.org/x/net v0.17.0\n",
		"package-lock.json": lockfileV3,
		"requirements.txt":  "requests==2.28.1\nflask\n",
	})
	rep := scan(t, dir, scanOptions{opts: deps.Options{VulnDB: srv.URL, OSVAPI: srv.URL, CacheDir: t.TempDir(), HTTPClient: srv.Client()}})
	// Nothing is reported clean: each ecosystem says it was not checked, and why.
	want := []string{
		"deps: 3 Go dependencies were not checked: fetch the Go vulnerability database index: GET " + srv.URL + "/index/db.json: 503 Service Unavailable",
		"deps: 1 PyPI dependency was not checked: GET " + srv.URL + "/v1/querybatch: 503 Service Unavailable",
		"deps: 3 npm dependencies were not checked: GET " + srv.URL + "/v1/querybatch: 503 Service Unavailable",
	}
	var got []string
	for _, p := range rep.Partial {
		if !strings.Contains(p, "build list") && !strings.Contains(p, "imports and calls") {
			got = append(got, p)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("partial:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The unpinned requirement needs no database.
	if s := summary(rep.Items); !slices.Equal(s, []string{"dep-pypi-unpinned requirements.txt:2:1"}) {
		t.Errorf("findings %q", s)
	}
}

func TestDatabaseThatCannotBeOpened(t *testing.T) {
	dir := writeTree(t, map[string]string{"requirements.txt": "requests==2.28.1\n"})
	rep := scan(t, dir, scanOptions{opts: deps.Options{VulnDB: "/nonexistent/vulndb"}})
	want := []string{"deps: the vulnerability database could not be opened (vulnerability database: stat /nonexistent/vulndb: no such file or directory); 1 dependency was not checked"}
	if !slices.Equal(rep.Partial, want) || len(rep.Items) != 0 {
		t.Errorf("partial %q, findings %d; want %q", rep.Partial, len(rep.Items), want)
	}
}

func TestEcosystemTheDatabaseLacks(t *testing.T) {
	goOnly := t.TempDir()
	if _, err := osv.WriteV1("testdata/osv", goOnly); err != nil {
		t.Fatal(err)
	}
	dir := writeTree(t, map[string]string{"package-lock.json": lockfileV3})
	rep := scan(t, dir, scanOptions{opts: deps.Options{VulnDB: goOnly}})
	if len(rep.Partial) != 1 || rep.Partial[0] != "deps: 3 npm dependencies were not checked: the vulnerability database "+goOnly+" holds no npm advisories" {
		t.Errorf("partial %q", rep.Partial)
	}
}

func TestRules(t *testing.T) {
	rules := deps.New(deps.Options{}).Rules()
	var ids []string
	for _, r := range rules {
		if err := r.Validate(); err != nil {
			t.Error(err)
		}
		if !strings.HasPrefix(r.ID, "dep-") || r.Layer != finding.Code {
			t.Errorf("rule %s: want a dep- id in the code layer", r.ID)
		}
		ids = append(ids, r.ID+"="+r.Severity.String())
	}
	want := []string{"dep-go-vulnerable-called=high", "dep-go-vulnerable-imported=medium", "dep-go-vulnerable-required=low", "dep-npm-vulnerable=medium", "dep-pypi-vulnerable=medium", "dep-pypi-unpinned=low"}
	if !slices.Equal(ids, want) {
		t.Errorf("rules %q, want %q", ids, want)
	}
	if _, err := finding.NewCatalogue(rules); err != nil {
		t.Error(err)
	}
}
