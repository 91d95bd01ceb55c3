package k8s_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/fourcsec/fourc/analyzers/internal/fixturetest"
	"github.com/fourcsec/fourc/analyzers/k8s"
	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
)

// onlyRules runs the scanner with a subset of its rules enabled, so that each fixture directory
// holds the cases of the rules it is about and nothing else.
type onlyRules struct {
	engine.Scanner
	ids []string
}

func (s onlyRules) Scan(ctx context.Context, req *engine.Request) (*engine.Result, error) {
	narrowed := *req
	if s.ids != nil {
		narrowed.Enabled = func(id string) bool { return slices.Contains(s.ids, id) }
	}
	return s.Scanner.Scan(ctx, &narrowed)
}

// topic describes a testdata directory that is not named after a rule.
type topic struct {
	rules []string // enabled rules; nil means all
	// diagnostics are the wanted diagnostics, as "path:line".
	diagnostics []string
	// severities pins findings whose severity differs from their rule's, as "path:line rule".
	severities map[string]finding.Severity
}

var topics = map[string]topic{
	"workload-kinds": {rules: []string{"k8s-privileged"}},
	"list":           {rules: []string{"k8s-privileged", "k8s-host-network"}},
	"multi-document": {rules: []string{"k8s-privileged", "k8s-host-network"}},
	"anchors":        {rules: []string{"k8s-privileged", "k8s-run-as-non-root"}},
	"crlf":           {rules: []string{"k8s-privileged", "k8s-run-as-non-root"}},
	"bom":            {rules: []string{"k8s-privileged"}},
	"inheritance":    {rules: []string{"k8s-run-as-root-user", "k8s-run-as-non-root", "k8s-seccomp-unconfined", "k8s-selinux-options"}},
	"json":           {rules: []string{"k8s-privileged", "k8s-host-network"}},
	"windows": {rules: []string{"k8s-run-as-non-root", "k8s-allow-privilege-escalation", "k8s-capabilities-drop-all",
		"k8s-writable-root-filesystem", "k8s-seccomp-unconfined", "k8s-selinux-options"}},
	"parse-errors":   {rules: []string{"k8s-privileged"}, diagnostics: []string{"broken.yaml:7"}},
	"helm":           {diagnostics: []string{"templates/deployment.yaml:5"}},
	"alias-bomb":     {rules: []string{"k8s-privileged"}, diagnostics: []string{"bombs.yaml:17", "bombs.yaml:2", "bombs.yaml:46"}},
	"skipped-kinds":  {rules: []string{"k8s-privileged", "k8s-host-network", "k8s-removed-api", "k8s-beta-api"}},
	"binary":         {},
	"not-kubernetes": {},
	"all-rules": {severities: map[string]finding.Severity{
		"legacy.yaml:3 k8s-network-policy-missing": finding.Medium, // prod has a policy: legacy was forgotten
		"legacy.yaml:18 k8s-selinux-options":       finding.High,
		"legacy.yaml:29 k8s-capabilities-added":    finding.High,
		"legacy.yaml:32 k8s-host-path":             finding.Critical,
	}},
	"k8s-host-path": {rules: []string{"k8s-host-path"}, severities: map[string]finding.Severity{
		"host-path.yaml:14 k8s-host-path": finding.Critical,
		"host-path.yaml:17 k8s-host-path": finding.Critical,
		"host-path.yaml:20 k8s-host-path": finding.Critical,
		"host-path.yaml:23 k8s-host-path": finding.Critical,
		"host-path.yaml:26 k8s-host-path": finding.Critical,
		"host-path.yaml:29 k8s-host-path": finding.Critical,
		"host-path.yaml:32 k8s-host-path": finding.Critical,
		"host-path.yaml:35 k8s-host-path": finding.High,
		"host-path.yaml:38 k8s-host-path": finding.High,
	}},
	"k8s-capabilities-added": {rules: []string{"k8s-capabilities-added"}, severities: map[string]finding.Severity{
		"capabilities.yaml:13 k8s-capabilities-added": finding.High,
		"capabilities.yaml:14 k8s-capabilities-added": finding.High,
		"capabilities.yaml:15 k8s-capabilities-added": finding.Medium,
		"capabilities.yaml:16 k8s-capabilities-added": finding.Low,
		"capabilities.yaml:17 k8s-capabilities-added": finding.Medium,
		"capabilities.yaml:22 k8s-capabilities-added": finding.High,
	}},
	"k8s-selinux-options": {rules: []string{"k8s-selinux-options"}, severities: map[string]finding.Severity{
		"selinux.yaml:15 k8s-selinux-options": finding.High,
		"selinux.yaml:19 k8s-selinux-options": finding.High,
		"selinux.yaml:24 k8s-selinux-options": finding.Medium,
		"selinux.yaml:25 k8s-selinux-options": finding.Medium,
		"selinux.yaml:26 k8s-selinux-options": finding.Medium,
	}},
	"k8s-network-policy-missing": {rules: []string{"k8s-network-policy-missing"}, severities: map[string]finding.Severity{
		"shop.yaml:24 k8s-network-policy-missing":           finding.Medium,
		"unset-namespace.yaml:3 k8s-network-policy-missing": finding.Medium,
	}},
}

// TestFixtures scans every testdata directory and compares findings with its want comments.
// A directory named after a rule runs that rule alone; the others are described in topics.
func TestFixtures(t *testing.T) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	ruleIDs := map[string]bool{}
	for _, r := range k8s.New().Rules() {
		ruleIDs[r.ID] = true
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		name := e.Name()
		t.Run(name, func(t *testing.T) {
			tc, ok := topics[name]
			switch {
			case ok:
			case ruleIDs[name]:
				tc = topic{rules: []string{name}}
			default:
				t.Fatalf("testdata/%s is neither a rule id nor listed in topics", name)
			}
			dir := filepath.Join("testdata", name)
			scanner := onlyRules{Scanner: k8s.New(), ids: tc.rules}
			findings := fixturetest.Run(t, scanner, dir)

			gotSeverities := map[string]finding.Severity{}
			for _, f := range findings {
				key := fmt.Sprintf("%s:%d %s", f.Path, f.StartLine, f.RuleID)
				if _, pinned := tc.severities[key]; pinned {
					gotSeverities[key] = f.Severity
				}
			}
			if diff := cmp.Diff(tc.severities, gotSeverities, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("severities (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.diagnostics, diagnosticPlaces(t, scanner, dir), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
		})
	}
}

func diagnosticPlaces(t *testing.T, s engine.Scanner, dir string) []string {
	t.Helper()
	res := scan(t, s, dir, 0)
	var out []string
	for _, d := range res.Diagnostics {
		if d.Scanner != "kubernetes" || d.Message == "" {
			t.Errorf("diagnostic %+v lacks its scanner or message", d)
		}
		out = append(out, fmt.Sprintf("%s:%d", d.Path, d.Line))
	}
	slices.Sort(out)
	return out
}

func scan(t *testing.T, s engine.Scanner, dir string, maxFileSize int64) *engine.Result {
	t.Helper()
	tree, _, err := engine.OpenTree(dir, func(p string) bool { return strings.HasSuffix(p, ".want") })
	if err != nil {
		t.Fatal(err)
	}
	if maxFileSize > 0 {
		tree.MaxFileSize = maxFileSize
	}
	res, err := s.Scan(context.Background(), &engine.Request{Tree: tree, Enabled: func(string) bool { return true }, Progress: &engine.Progress{}})
	if err != nil {
		t.Fatalf("scan %s: %v", dir, err)
	}
	return res
}

func TestRules(t *testing.T) {
	fixturetest.CheckRules(t, k8s.New(), "testdata")
	for _, r := range k8s.New().Rules() {
		if r.Layer != finding.Cluster || !strings.HasPrefix(r.ID, "k8s-") {
			t.Errorf("rule %s: layer %s, want cluster and a k8s- prefix", r.ID, r.Layer)
		}
	}
}

// TestMessagesAndFixes pins the text users read and the fixes they apply.
func TestMessagesAndFixes(t *testing.T) {
	type got struct {
		Message string
		Fix     *finding.Fix
	}
	// Each directory is scanned on its own with every rule, as a repository would be.
	byPlace := map[string]got{}
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		for _, f := range scan(t, k8s.New(), filepath.Join("testdata", e.Name()), 0).Findings {
			byPlace[fmt.Sprintf("%s/%s:%d:%d %s", e.Name(), f.Path, f.StartLine, f.StartColumn, f.RuleID)] = got{f.Message, f.Fix}
		}
	}
	tests := []struct {
		place string
		want  got
	}{
		{"k8s-privileged/privileged.yaml:11:21 k8s-privileged", got{
			`container "app" in Pod "bad" is privileged: it has every capability and the host's devices`,
			&finding.Fix{Description: "Set privileged to false", StartLine: 11, EndLine: 11, Replacement: "        privileged: false # want k8s-privileged"},
		}},
		{"k8s-privileged/privileged.yaml:18:37 k8s-privileged", got{
			`container "quoted" in Pod "bad" is privileged: it has every capability and the host's devices`,
			&finding.Fix{Description: "Set privileged to false", StartLine: 18, EndLine: 18, Replacement: `      securityContext: {privileged: "false"} # want k8s-privileged`},
		}},
		{"crlf/crlf.yaml:10:21 k8s-privileged", got{
			`container "app" in Pod "crlf" is privileged: it has every capability and the host's devices`,
			&finding.Fix{Description: "Set privileged to false", StartLine: 10, EndLine: 10, Replacement: "        privileged: false # want k8s-privileged"},
		}},
		{"bom/bom.yaml:10:21 k8s-privileged", got{
			`container "app" in Pod "bom" is privileged: it has every capability and the host's devices`,
			&finding.Fix{Description: "Set privileged to false", StartLine: 10, EndLine: 10, Replacement: "        privileged: false # want k8s-privileged"},
		}},
		{"json/stream.json:5:165 k8s-privileged", got{
			`container "app" in Pod "third" is privileged: it has every capability and the host's devices`,
			&finding.Fix{Description: "Set privileged to false", StartLine: 5, EndLine: 5,
				Replacement: `{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "third"}, "spec": {"containers": [{"name": "app", "image": "nginx:1.27", "securityContext": {"privileged": false}}]}}`},
		}},
		{"k8s-allow-privilege-escalation/escalation.yaml:13:11 k8s-allow-privilege-escalation", got{
			`container "missing" in Deployment "web" does not set securityContext.allowPrivilegeEscalation: false`, nil,
		}},
		{"k8s-allow-privilege-escalation/escalation.yaml:27:11 k8s-allow-privilege-escalation", got{
			`unnamed init container in Deployment "web" does not set securityContext.allowPrivilegeEscalation: false`, nil,
		}},
		{"k8s-run-as-root-user/root.yaml:25:20 k8s-run-as-root-user", got{
			`the pod securityContext of StatefulSet "db" sets runAsUser: 0, so it runs as root`, nil,
		}},
		{"k8s-seccomp-unconfined/seccomp.yaml:15:17 k8s-seccomp-unconfined", got{
			`the pod securityContext of Deployment "web" sets seccompProfile type Unconfined`,
			&finding.Fix{Description: "Use the runtime's default seccomp profile", StartLine: 15, EndLine: 15, Replacement: "          type: RuntimeDefault # want k8s-seccomp-unconfined"},
		}},
		{"k8s-seccomp-unconfined/seccomp.yaml:10:61 k8s-seccomp-unconfined", got{
			`Deployment "web" disables seccomp with annotation container.seccomp.security.alpha.kubernetes.io/app: unconfined`,
			&finding.Fix{Description: "Use the runtime's default seccomp profile", StartLine: 10, EndLine: 10, Replacement: `        container.seccomp.security.alpha.kubernetes.io/app: "runtime/default" # want k8s-seccomp-unconfined`},
		}},
		{"k8s-secret-in-env/env.yaml:13:22 k8s-secret-in-env", got{
			`container "api" in Deployment "api" sets environment variable DB_PASSWORD to a literal value; it looks like a secret`, nil,
		}},
		{"k8s-network-policy-missing/shop.yaml:24:7 k8s-network-policy-missing", got{
			`namespace "billing" has workloads (first: Deployment "invoices") but no NetworkPolicy among the scanned files`, nil,
		}},
		{"k8s-host-path/host-path.yaml:17:19 k8s-host-path", got{
			`DaemonSet "collector" mounts the node's /var/run/docker.sock through hostPath volume "docker", which gives control of the node`, nil,
		}},
		{"k8s-removed-api/removed.yaml:1:13 k8s-removed-api", got{
			`extensions/v1beta1 Deployment is no longer served since Kubernetes 1.16; use apps/v1`, nil,
		}},
		{"k8s-automount-service-account-token/workloads.yaml:22:5 k8s-automount-service-account-token", got{
			`Deployment "inherits-on" does not set automountServiceAccountToken: false, so its containers get an API token for service account "chatty"`, nil,
		}},
	}
	for _, tt := range tests {
		got, ok := byPlace[tt.place]
		if !ok {
			t.Errorf("no finding at %s; the rule's findings in that file are at %v", tt.place, placesLike(byPlace, tt.place))
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.place, diff)
		}
	}
}

// placesLike lists the places of findings in the same file and of the same rule as place.
func placesLike[V any](byPlace map[string]V, place string) []string {
	file, rule, _ := strings.Cut(place, ":")
	_, rule, _ = strings.Cut(rule, " ")
	var out []string
	for p := range byPlace {
		if strings.HasPrefix(p, file+":") && strings.HasSuffix(p, " "+rule) {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

// TestLargeManifest scans a 10 MB manifest generated on the spot: it must finish in bounded
// time and find every problem in it. At the tree's default size limit the file is skipped with
// a diagnostic instead.
func TestLargeManifest(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	const doc = `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-%d
  namespace: bulk
spec:
  template:
    spec:
      containers:
        - name: app
          image: registry.example.com/web:1.%d
          env:
            - {name: LOG_LEVEL, value: info}
            - {name: REGION, value: eu-west-1}
          securityContext:
            privileged: true
`
	n := 0
	for ; b.Len() < 10<<20; n++ {
		fmt.Fprintf(&b, doc, n, n)
	}
	if err := os.WriteFile(filepath.Join(dir, "bulk.yaml"), []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	scanner := onlyRules{Scanner: k8s.New(), ids: []string{"k8s-privileged"}}

	start := time.Now()
	res := scan(t, scanner, dir, 16<<20)
	bound := 30 * time.Second // about 1.5 s on an idle 2-core machine
	if raceEnabled {
		bound *= 10
	}
	if elapsed := time.Since(start); elapsed > bound {
		t.Errorf("scanning 10 MB took %v, over %v", elapsed, bound)
	}
	if len(res.Findings) != n || len(res.Diagnostics) != 0 {
		t.Fatalf("got %d findings and %v, want %d findings and no diagnostics", len(res.Findings), res.Diagnostics, n)
	}
	if last := res.Findings[n-1]; last.StartLine != 17*n || last.RuleID != "k8s-privileged" {
		t.Errorf("last finding %s at line %d, want k8s-privileged at line %d", last.RuleID, last.StartLine, 17*n)
	}

	res = scan(t, scanner, dir, 0)
	if len(res.Findings) != 0 || len(res.Diagnostics) != 1 || !strings.Contains(res.Diagnostics[0].Message, "size limit") {
		t.Errorf("at the default size limit: got %d findings and %+v, want one size-limit diagnostic", len(res.Findings), res.Diagnostics)
	}
}

// TestCancel stops a scan when its context ends and reports why.
func TestCancel(t *testing.T) {
	tree, _, err := engine.OpenTree("testdata", nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = k8s.New().Scan(ctx, &engine.Request{Tree: tree, Progress: &engine.Progress{}})
	if err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Errorf("Scan with a cancelled context: error %v, want context canceled", err)
	}
}

// FuzzScan feeds arbitrary bytes to the scanner as a manifest: it must never panic (a panic in
// a worker would kill the process) nor report an internal error.
func FuzzScan(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*/*.yaml")
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("apiVersion: v1\nkind: List\nitems: &i [*i]\n"))
	f.Add([]byte("apiVersion: v1\nkind: Pod\nspec: {containers: [{securityContext: {capabilities: {add: [1, [], {}]}}}]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "m.yaml"), data, 0o600); err != nil {
			t.Fatal(err)
		}
		res := scan(t, k8s.New(), dir, 0)
		for _, d := range res.Diagnostics {
			if strings.Contains(d.Message, "internal error") {
				t.Fatalf("internal error on %q: %s", data, d.Message)
			}
		}
	})
}
