package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// kubeScoreMapping says which fourc rules report what a kube-score check (or, for checks that
// mix concerns, one kind of its comments) reports.
var kubeScoreMapping = map[string][]string{
	"container-security-context-privileged":                    {"k8s-privileged"},
	"container-security-context-readonlyrootfilesystem":        {"k8s-writable-root-filesystem"},
	"container-security-context-user-group-id/no-context":      {"k8s-run-as-non-root", "k8s-run-as-root-user"},
	"container-security-context-user-group-id/low-user-id":     {"k8s-run-as-non-root", "k8s-run-as-root-user"},
	"container-security-context-user-group-id/low-group-id":    {"k8s-run-as-non-root", "k8s-run-as-root-user"},
	"container-resources/cpu-limit":                            {"k8s-no-cpu-limit"},
	"container-resources/memory-limit":                         {"k8s-no-memory-limit"},
	"container-image-tag":                                      {"k8s-image-tag"},
	"pod-networkpolicy":                                        {"k8s-network-policy-missing"},
	"service-type":                                             {"k8s-service-node-port"},
	"stable-version":                                           {"k8s-removed-api", "k8s-beta-api"},
	"container-security-context-user-group-id/unknown-comment": {"k8s-run-as-non-root", "k8s-run-as-root-user"},
}

// outOfScope are kube-score checks about reliability, scheduling or manifest consistency, not
// security, with the reason.
var outOfScope = map[string]string{
	"container-resources/no-containers":                              "manifest validity",
	"container-resources/cpu-request":                                "requests size scheduling; limits bound abuse",
	"container-resources/memory-request":                             "requests size scheduling; limits bound abuse",
	"container-ephemeral-storage-request-and-limit":                  "disk capacity planning (borderline: a missing limit lets a pod fill the node's disk)",
	"container-image-pull-policy":                                    "cache behaviour; pinned tags or digests make it moot, AlwaysPullImages admission covers the credential case",
	"environment-variable-key-duplication":                           "configuration consistency",
	"pod-probes":                                                     "availability",
	"pod-probes-identical":                                           "availability",
	"deployment-has-host-podantiaffinity":                            "availability",
	"statefulset-has-host-podantiaffinity":                           "availability",
	"deployment-has-poddisruptionbudget":                             "availability",
	"statefulset-has-poddisruptionbudget":                            "availability",
	"poddisruptionbudget-has-policy":                                 "availability",
	"deployment-strategy":                                            "availability",
	"deployment-replicas":                                            "availability",
	"deployment-targeted-by-hpa-does-not-have-replicas-configured":   "autoscaling consistency",
	"horizontalpodautoscaler-has-target":                             "manifest consistency",
	"horizontalpodautoscaler-replicas":                               "availability",
	"statefulset-has-servicename":                                    "manifest consistency",
	"service-targets-pod":                                            "manifest consistency",
	"ingress-targets-service":                                        "manifest consistency",
	"networkpolicy-targets-pod":                                      "manifest consistency",
	"cronjob-has-deadline":                                           "reliability",
	"cronjob-restartpolicy":                                          "reliability",
	"label-values":                                                   "manifest validity",
	"pod-topology-spread-constraints":                                "availability",
	"deployment-pod-selector-labels-match-template-metadata-labels":  "manifest consistency",
	"statefulset-pod-selector-labels-match-template-metadata-labels": "manifest consistency",
}

// ksObject is one object of kube-score's JSON (v2) output.
type ksObject struct {
	TypeMeta struct {
		Kind string `json:"kind"`
	} `json:"type_meta"`
	ObjectMeta struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"object_meta"`
	Checks []struct {
		Check struct {
			ID string `json:"id"`
		} `json:"check"`
		Grade    int  `json:"grade"`
		Skipped  bool `json:"skipped"`
		Comments []struct {
			Path    string `json:"path"`
			Summary string `json:"summary"`
		} `json:"comments"`
	} `json:"checks"`
	FileName string `json:"file_name"`
	FileRow  int    `json:"file_row"`
}

// unit is one finding of either tool reduced to what both can name: the object, the container
// ("" for the object itself) and the check or rule.
type unit struct {
	module, object, container, check string
}

// fourcFinding is a fourc finding placed on its object.
type fourcFinding struct {
	unit
	namespace, path, message, severity string
	line                               int
}

func runCompare(args []string) error {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	work := fs.String("work", "", "benchmark work directory (corpus/, results/)")
	sampleOut := fs.String("samples", "", "write triage samples to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var manifest corpusManifest
	if err := readJSON(filepath.Join(*work, "corpus", "corpus.json"), &manifest); err != nil {
		return err
	}

	var ksUnits []unit
	ksNamespace := map[unit]string{}
	var fourc []fourcFinding
	documents, files := 0, 0
	diagnostics := 0
	for _, m := range manifest.Modules {
		corpusDir := filepath.Join(*work, "corpus", m.Label)
		objects, docs, err := indexObjects(corpusDir)
		if err != nil {
			return err
		}
		documents += docs
		files += m.Files

		var ks []ksObject
		if err := readJSON(filepath.Join(*work, "results", "kube-score", m.Label+".json"), &ks); err != nil {
			return err
		}
		for _, o := range ks {
			ns := o.ObjectMeta.Namespace
			if ns == "" {
				ns = "default"
			}
			key := objectKey(o.TypeMeta.Kind, ns, o.ObjectMeta.Name)
			for _, c := range o.Checks {
				if c.Skipped || c.Grade >= 10 {
					continue
				}
				if len(c.Comments) == 0 {
					u := unit{m.Label, key, "", c.Check.ID}
					ksUnits = append(ksUnits, u)
					ksNamespace[u] = ns
				}
				for _, cm := range c.Comments {
					u := unit{m.Label, key, cm.Path, subCheck(c.Check.ID, cm.Summary)}
					ksUnits = append(ksUnits, u)
					ksNamespace[u] = ns
				}
			}
		}

		var out scanOutput
		if err := readJSON(filepath.Join(*work, "results", "fourc", m.Label+".json"), &out); err != nil {
			return err
		}
		diagnostics += len(out.Diagnostics)
		for _, f := range out.Findings {
			obj, ok := objects.at(f.Path, f.StartLine)
			if !ok {
				return fmt.Errorf("%s/%s:%d: finding outside any object", m.Label, f.Path, f.StartLine)
			}
			fourc = append(fourc, fourcFinding{
				unit:      unit{m.Label, obj.key, containerOf(f.Message), f.RuleID},
				namespace: obj.namespace, path: m.Label + "/" + f.Path, line: f.StartLine,
				message: f.Message, severity: f.Severity.String(),
			})
		}
	}
	ksUnits = dedupeUnits(ksUnits)

	// Index fourc's findings the ways kube-score's units are matched: per container, per
	// object (pod-level findings cover every container), per namespace (NetworkPolicies).
	byContainer := map[unit]bool{}
	namespacesReported := map[string]bool{}
	for _, f := range fourc {
		byContainer[f.unit] = true
		if f.check == "k8s-network-policy-missing" {
			namespacesReported[f.module+"/"+f.namespace] = true
		}
	}
	recalled := func(u unit, rule string) bool {
		if rule == "k8s-network-policy-missing" {
			return namespacesReported[u.module+"/"+ksNamespace[u]]
		}
		return byContainer[unit{u.module, u.object, u.container, rule}] || byContainer[unit{u.module, u.object, "", rule}]
	}

	type tally struct{ units, recalled int }
	perCheck := map[string]*tally{}
	outOfScopeCounts := map[string]int{}
	unmapped := map[string]int{}
	var missed []unit
	for _, u := range ksUnits {
		rules, inScope := kubeScoreMapping[u.check]
		if !inScope {
			if _, known := outOfScope[u.check]; known {
				outOfScopeCounts[u.check]++
			} else {
				unmapped[u.check]++
			}
			continue
		}
		t := perCheck[u.check]
		if t == nil {
			t = &tally{}
			perCheck[u.check] = t
		}
		t.units++
		hit := false
		for _, r := range rules {
			hit = hit || recalled(u, r)
		}
		if hit {
			t.recalled++
		} else {
			missed = append(missed, u)
		}
	}

	// fourc findings kube-score lacks: on a check both tools have, or beyond kube-score's checks.
	ksByObject := map[unit]bool{} // (module, object, container, rule) kube-score implies
	ksAnyContainer := map[unit]bool{}
	for _, u := range ksUnits {
		for _, r := range kubeScoreMapping[u.check] {
			ksByObject[unit{u.module, u.object, u.container, r}] = true
			ksAnyContainer[unit{u.module, u.object, "", r}] = true
		}
	}
	sharedRules := map[string]bool{}
	for _, rules := range kubeScoreMapping {
		for _, r := range rules {
			sharedRules[r] = true
		}
	}
	perRuleExtra := map[string]int{}
	perRuleSkippedKind := map[string]int{}
	perRuleTotal := map[string]int{}
	var extraShared []fourcFinding
	for _, f := range fourc {
		perRuleTotal[f.check]++
		kind, _, _ := strings.Cut(f.object, "/")
		switch {
		case !sharedRules[f.check]:
			perRuleExtra[f.check]++
		case f.check == "k8s-network-policy-missing":
			// Matched per namespace above; kube-score reports the same namespaces per pod.
		case f.container == "" && ksAnyContainer[f.unit], f.container != "" && ksByObject[f.unit]:
		case kubeScoreSkipsKind(kind, f.check), strings.Contains(f.message, `ephemeral container "`):
			perRuleExtra[f.check]++
			perRuleSkippedKind[f.check]++
		default:
			perRuleExtra[f.check]++
			extraShared = append(extraShared, f)
		}
	}

	timings, err := readTimings(filepath.Join(*work, "results"))
	if err != nil {
		return err
	}
	printReport(os.Stdout, reportData{
		files: files, documents: documents, diagnostics: diagnostics, timings: timings, modules: manifest.Modules,
		perCheck: func() map[string][2]int {
			out := map[string][2]int{}
			for k, t := range perCheck {
				out[k] = [2]int{t.units, t.recalled}
			}
			return out
		}(),
		outOfScope: outOfScopeCounts, unmapped: unmapped,
		perRuleTotal: perRuleTotal, perRuleExtra: perRuleExtra, perRuleSkippedKind: perRuleSkippedKind, sharedRules: sharedRules,
	})
	if *sampleOut != "" {
		return writeSamples(*sampleOut, missed, extraShared)
	}
	return nil
}

// kubeScorePodKinds are the workload kinds kube-score decodes; it ignores ReplicaSet,
// ReplicationController and PodTemplate (and ephemeral containers in the kinds it reads).
var kubeScorePodKinds = map[string]bool{"Pod": true, "Job": true, "CronJob": true, "Deployment": true, "StatefulSet": true, "DaemonSet": true}

// kubeScoreSkipsKind reports a fourc finding on an object kube-score never looks at for that
// check.
func kubeScoreSkipsKind(kind, rule string) bool {
	switch rule {
	case "k8s-service-node-port":
		return kind != "Service"
	case "k8s-removed-api", "k8s-beta-api":
		return false
	}
	return !kubeScorePodKinds[kind]
}

// subCheck splits kube-score checks that report several things under one id.
func subCheck(id, summary string) string {
	switch id {
	case "container-resources":
		switch {
		case strings.HasPrefix(summary, "CPU limit"):
			return id + "/cpu-limit"
		case strings.HasPrefix(summary, "Memory limit"):
			return id + "/memory-limit"
		case strings.HasPrefix(summary, "CPU request"):
			return id + "/cpu-request"
		case strings.HasPrefix(summary, "Memory request"):
			return id + "/memory-request"
		case strings.HasPrefix(summary, "No containers"):
			return id + "/no-containers"
		}
	case "container-security-context-user-group-id":
		switch {
		case strings.Contains(summary, "no configured security context"):
			return id + "/no-context"
		case strings.Contains(summary, "low user ID"):
			return id + "/low-user-id"
		case strings.Contains(summary, "low group ID"):
			return id + "/low-group-id"
		default:
			return id + "/unknown-comment"
		}
	}
	return id
}

var containerInMessage = regexp.MustCompile(`(?:^|[^a-z])(?:container|init container|ephemeral container) "([^"]*)" in `)

// containerOf reads the container a fourc message names; "" for pod- and object-level findings.
func containerOf(message string) string {
	if m := containerInMessage.FindStringSubmatch(message); m != nil {
		return m[1]
	}
	return ""
}

func objectKey(kind, namespace, name string) string { return kind + "/" + namespace + "/" + name }

func dedupeUnits(us []unit) []unit {
	seen := map[unit]bool{}
	out := us[:0]
	for _, u := range us {
		if !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	return out
}

// objectIndex finds the object a line of a file belongs to.
type objectIndex map[string][]indexedObject

type indexedObject struct {
	line           int
	key, namespace string
}

func (ix objectIndex) at(path string, line int) (indexedObject, bool) {
	objs := ix[path]
	i := sort.Search(len(objs), func(i int) bool { return objs[i].line > line })
	if i == 0 {
		return indexedObject{}, false
	}
	return objs[i-1], true
}

// indexObjects parses every manifest under dir, recording where each object (List items
// included) starts, and counts the objects.
func indexObjects(dir string) (objectIndex, int, error) {
	ix := objectIndex{}
	count := 0
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		dec := yaml.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
		prevEnd := 1
		for {
			var doc yaml.Node
			err := dec.Decode(&doc)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil // fourc reports a diagnostic for it; no findings to place
			}
			if len(doc.Content) == 0 {
				continue
			}
			var add func(n *yaml.Node, start int)
			add = func(n *yaml.Node, start int) {
				if n.Kind != yaml.MappingNode {
					return
				}
				kind, name, ns := field(n, "kind"), field(field(n, "metadata"), "name"), field(field(n, "metadata"), "namespace")
				if kind == nil {
					return
				}
				if items := field(n, "items"); items != nil && strings.HasSuffix(kind.Value, "List") {
					for _, it := range items.Content {
						add(it, it.Line)
					}
					return
				}
				namespace := "default"
				if ns != nil && ns.Value != "" {
					namespace = ns.Value
				}
				objName := ""
				if name != nil {
					objName = name.Value
				}
				count++
				ix[rel] = append(ix[rel], indexedObject{line: start, key: objectKey(kind.Value, namespace, objName), namespace: namespace})
			}
			// A document owns the lines from the end of the previous one, so that comments and
			// the --- separator above its first key belong to it.
			add(doc.Content[0], prevEnd)
			prevEnd = lastLine(doc.Content[0]) + 1
		}
		sort.SliceStable(ix[rel], func(i, j int) bool { return ix[rel][i].line < ix[rel][j].line })
		return nil
	})
	return ix, count, err
}

func field(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func lastLine(n *yaml.Node) int {
	last := n.Line
	for _, c := range n.Content {
		if l := lastLine(c); l > last {
			last = l
		}
	}
	return last
}

func readJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("decode %s: %w", path, err)
	}
	return nil
}

// timing is one measured run of a tool over the whole corpus.
type timing struct {
	wallSeconds, cpuSeconds float64
	maxRSSKiB               int
}

var timingFile = regexp.MustCompile(`^time-(.+)-(\d+)\.txt$`)

// readTimings parses the `/usr/bin/time -v` reports named time-TOOL-N.txt.
func readTimings(dir string) (map[string][]timing, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read timings: %w", err)
	}
	out := map[string][]timing{}
	for _, e := range entries {
		m := timingFile.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		t, err := parseTimeReport(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out[m[1]] = append(out[m[1]], t)
	}
	return out, nil
}

func parseTimeReport(path string) (timing, error) {
	f, err := os.Open(path)
	if err != nil {
		return timing{}, fmt.Errorf("open timing: %w", err)
	}
	defer f.Close()
	var t timing
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, value, ok := strings.Cut(strings.TrimSpace(sc.Text()), ": ")
		if !ok {
			continue
		}
		switch {
		case key == "User time (seconds)" || key == "System time (seconds)":
			v, _ := strconv.ParseFloat(value, 64)
			t.cpuSeconds += v
		case key == "Maximum resident set size (kbytes)":
			t.maxRSSKiB, _ = strconv.Atoi(value)
		case strings.HasPrefix(key, "Elapsed (wall clock) time"):
			t.wallSeconds = parseClock(value)
		}
	}
	return t, sc.Err()
}

// parseClock reads h:mm:ss or m:ss.ss.
func parseClock(s string) float64 {
	total := 0.0
	for _, part := range strings.Split(s, ":") {
		v, _ := strconv.ParseFloat(part, 64)
		total = total*60 + v
	}
	return total
}
