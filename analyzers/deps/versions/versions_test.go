package versions_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/fourcsec/fourc/analyzers/deps/osv"
	"github.com/fourcsec/fourc/analyzers/deps/versions"
)

// realAffected reads the affected objects of a package from an advisory of the Go vulnerability
// database copied into testdata.
func realAffected(t *testing.T, id, pkg string) []*osv.Affected {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "osv", id+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var e osv.Entry
	if err := json.Unmarshal(data, &e); err != nil {
		t.Fatalf("%s: %v", id, err)
	}
	aff := e.AffectedFor(osv.Go, pkg)
	if len(aff) == 0 {
		t.Fatalf("%s has no affected object for %s", id, pkg)
	}
	return aff
}

func verdictOf(t *testing.T, ecosystem, version string, affected []*osv.Affected) versions.Verdict {
	t.Helper()
	out := versions.NotAffected
	for _, a := range affected {
		v, err := versions.Affects(ecosystem, version, a)
		if v == versions.Affected {
			return v
		}
		if v == versions.Unknown {
			t.Logf("unknown: %v", err)
			out = versions.Unknown
		}
	}
	return out
}

func TestAffectsRealGoAdvisories(t *testing.T) {
	tests := []struct {
		name, id, module, version string
		want                      versions.Verdict
	}{
		// GO-2021-0113: introduced 0, fixed 0.3.7.
		{"below the fix", "GO-2021-0113", "golang.org/x/text", "v0.3.6", versions.Affected},
		{"at the fix", "GO-2021-0113", "golang.org/x/text", "v0.3.7", versions.NotAffected},
		{"above the fix", "GO-2021-0113", "golang.org/x/text", "v0.4.0", versions.NotAffected},
		{"pseudo-version before the fix", "GO-2021-0113", "golang.org/x/text", "v0.3.7-0.20210503195748-5c7c50ebbd4f", versions.Affected},
		{"version without the v prefix", "GO-2021-0113", "golang.org/x/text", "0.3.5", versions.Affected},
		// GO-2022-0344: three ranges [0,1.4.13) [1.5.0,1.5.10) [1.6.0,1.6.1).
		{"first range", "GO-2022-0344", "github.com/containerd/containerd", "v1.4.12", versions.Affected},
		{"gap after the first range", "GO-2022-0344", "github.com/containerd/containerd", "v1.4.13", versions.NotAffected},
		{"second range opens", "GO-2022-0344", "github.com/containerd/containerd", "v1.5.0", versions.Affected},
		{"second range fixed", "GO-2022-0344", "github.com/containerd/containerd", "v1.5.10", versions.NotAffected},
		{"third range", "GO-2022-0344", "github.com/containerd/containerd", "v1.6.0", versions.Affected},
		{"prerelease before the third range", "GO-2022-0344", "github.com/containerd/containerd", "v1.6.0-rc.1", versions.NotAffected},
		{"after every range", "GO-2022-0344", "github.com/containerd/containerd", "v1.6.1", versions.NotAffected},
		// GO-2020-0004: a range between two pseudo-versions.
		{"before the introducing commit", "GO-2020-0004", "github.com/nanobox-io/golang-nanoauth", "v0.0.0-20160101000000-000000000000", versions.NotAffected},
		{"the introducing commit", "GO-2020-0004", "github.com/nanobox-io/golang-nanoauth", "v0.0.0-20160722212129-ac0cc4484ad4", versions.Affected},
		{"between the commits", "GO-2020-0004", "github.com/nanobox-io/golang-nanoauth", "v0.0.0-20190101000000-abcdefabcdef", versions.Affected},
		{"the fixing commit", "GO-2020-0004", "github.com/nanobox-io/golang-nanoauth", "v0.0.0-20200131131040-063a3fb69896", versions.NotAffected},
		// GO-2021-0072: fixed 2.7.0-rc.0+incompatible; build metadata does not order.
		{"+incompatible below the fix", "GO-2021-0072", "github.com/docker/distribution", "v2.6.2+incompatible", versions.Affected},
		{"+incompatible at the fix", "GO-2021-0072", "github.com/docker/distribution", "v2.7.0-rc.0+incompatible", versions.NotAffected},
		{"+incompatible release", "GO-2021-0072", "github.com/docker/distribution", "v2.7.1+incompatible", versions.NotAffected},
		// GO-2022-0969 stdlib: [0,1.18.6) [1.19.0-0,1.19.1).
		{"stdlib go1.18.5", "GO-2022-0969", "stdlib", versions.GoSemver("go1.18.5"), versions.Affected},
		{"stdlib go1.18.6", "GO-2022-0969", "stdlib", versions.GoSemver("go1.18.6"), versions.NotAffected},
		{"stdlib go 1.19 line", "GO-2022-0969", "stdlib", versions.GoSemver("1.19"), versions.Affected},
		{"stdlib go1.19rc2", "GO-2022-0969", "stdlib", versions.GoSemver("go1.19rc2"), versions.Affected},
		{"stdlib go1.19.1", "GO-2022-0969", "stdlib", versions.GoSemver("go1.19.1"), versions.NotAffected},
		// The same advisory, for golang.org/x/net: fixed at a pseudo-version.
		{"x/net before the fixing commit", "GO-2022-0969", "golang.org/x/net", "v0.0.0-20220822000000-000000000000", versions.Affected},
		{"x/net release after it", "GO-2022-0969", "golang.org/x/net", "v0.1.0", versions.NotAffected},
		// GO-2026-6089 stdlib: three branches, one fixed at a release candidate.
		{"go1.26.5", "GO-2026-6089", "stdlib", "v1.26.5", versions.Affected},
		{"go1.26.6", "GO-2026-6089", "stdlib", "v1.26.6", versions.NotAffected},
		{"go1.27rc2", "GO-2026-6089", "stdlib", versions.GoSemver("go1.27rc2"), versions.Affected},
		{"go1.27rc3", "GO-2026-6089", "stdlib", versions.GoSemver("go1.27rc3"), versions.NotAffected},
		// GO-2026-4871 toolchain.
		{"toolchain go1.26.1", "GO-2026-4871", "toolchain", versions.GoSemver("go1.26.1"), versions.Affected},
		{"toolchain go1.26.2", "GO-2026-4871", "toolchain", versions.GoSemver("go1.26.2"), versions.NotAffected},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := verdictOf(t, osv.Go, tc.version, realAffected(t, tc.id, tc.module)); got != tc.want {
				t.Errorf("%s %s under %s: %v, want %v", tc.module, tc.version, tc.id, got, tc.want)
			}
		})
	}
}

// The Go snapshot has no last_affected, limit, ECOSYSTEM range or versions list: these are
// written by hand, as npm and PyPI advisories use them.
func TestAffectsRangeSemantics(t *testing.T) {
	ev := func(events ...osv.Event) []osv.Range { return []osv.Range{{Type: osv.RangeSemver, Events: events}} }
	in, fix, last, limit := func(v string) osv.Event { return osv.Event{Introduced: v} },
		func(v string) osv.Event { return osv.Event{Fixed: v} },
		func(v string) osv.Event { return osv.Event{LastAffected: v} },
		func(v string) osv.Event { return osv.Event{Limit: v} }
	tests := []struct {
		name      string
		ecosystem string
		affected  osv.Affected
		version   string
		want      versions.Verdict
	}{
		{"last_affected includes its version", osv.NPM, osv.Affected{Ranges: ev(in("1.0.0"), last("1.2.0"))}, "1.2.0", versions.Affected},
		{"last_affected excludes the next", osv.NPM, osv.Affected{Ranges: ev(in("1.0.0"), last("1.2.0"))}, "1.2.1", versions.NotAffected},
		{"open range", osv.NPM, osv.Affected{Ranges: ev(in("2.0.0"))}, "9.9.9", versions.Affected},
		{"below an open range", osv.NPM, osv.Affected{Ranges: ev(in("2.0.0"))}, "1.9.9", versions.NotAffected},
		{"limit caps an open range", osv.NPM, osv.Affected{Ranges: ev(in("0"), limit("3.0.0"))}, "3.0.0", versions.NotAffected},
		{"below the limit", osv.NPM, osv.Affected{Ranges: ev(in("0"), limit("3.0.0"))}, "2.9.0", versions.Affected},
		{"events out of order are sorted", osv.NPM, osv.Affected{Ranges: ev(fix("1.5.0"), in("1.0.0"))}, "1.4.0", versions.Affected},
		{"npm prerelease sorts before its release", osv.NPM, osv.Affected{Ranges: ev(in("0"), fix("2.0.0"))}, "2.0.0-beta.2", versions.Affected},
		{"npm numeric prerelease identifiers compare as numbers", osv.NPM, osv.Affected{Ranges: ev(in("1.0.0-alpha.2"), fix("1.0.0-alpha.10"))}, "1.0.0-alpha.9", versions.Affected},
		{"npm build metadata is ignored", osv.NPM, osv.Affected{Ranges: ev(in("0"), fix("1.2.3"))}, "1.2.3+build.7", versions.NotAffected},
		{"versions list", osv.NPM, osv.Affected{Versions: []string{"1.0.1", "1.0.3"}}, "1.0.3", versions.Affected},
		{"not in the versions list", osv.NPM, osv.Affected{Versions: []string{"1.0.1", "1.0.3"}}, "1.0.2", versions.NotAffected},
		{"PyPI ECOSYSTEM range", osv.PyPI, osv.Affected{Ranges: []osv.Range{{Type: osv.RangeEcosystem, Events: []osv.Event{in("2.3.0"), fix("2.31.0")}}}}, "2.28.1", versions.Affected},
		{"PEP 440 orders 2.31.0 above 2.4", osv.PyPI, osv.Affected{Ranges: []osv.Range{{Type: osv.RangeEcosystem, Events: []osv.Event{in("2.3.0"), fix("2.31.0")}}}}, "2.4", versions.Affected},
		{"PEP 440 release candidate before the release", osv.PyPI, osv.Affected{Ranges: []osv.Range{{Type: osv.RangeEcosystem, Events: []osv.Event{in("0"), fix("3.1.3")}}}}, "3.1.3rc1", versions.Affected},
		{"PEP 440 post release after the fix", osv.PyPI, osv.Affected{Ranges: []osv.Range{{Type: osv.RangeEcosystem, Events: []osv.Event{in("0"), fix("3.1.3")}}}}, "3.1.3.post1", versions.NotAffected},
		{"PEP 440 normalizes spelling", osv.PyPI, osv.Affected{Versions: []string{"1.0.0a1"}}, "1.0.0-alpha1", versions.Affected},
		{"GIT ranges are skipped", osv.NPM, osv.Affected{Ranges: []osv.Range{{Type: "GIT", Events: []osv.Event{in("abc123")}}}}, "1.0.0", versions.NotAffected},
		{"unparsable event", osv.NPM, osv.Affected{Ranges: ev(in("0"), fix("not-a-version"))}, "1.0.0", versions.Unknown},
		{"event without a version", osv.NPM, osv.Affected{Ranges: ev(in("0"), osv.Event{})}, "1.0.0", versions.Unknown},
		{"unparsable version in use", osv.NPM, osv.Affected{Ranges: ev(in("0"))}, "latest", versions.Unknown},
		{"npm version with two parts is not a version", osv.NPM, osv.Affected{Ranges: ev(in("0"))}, "1.2", versions.Unknown},
		{"unknown ecosystem", "Hex", osv.Affected{Ranges: ev(in("0"))}, "1.0.0", versions.Unknown},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := versions.Affects(tc.ecosystem, tc.version, &tc.affected)
			if got != tc.want {
				t.Errorf("Affects(%s, %s) = %v (%v), want %v", tc.ecosystem, tc.version, got, err, tc.want)
			}
			if got == versions.Unknown && err == nil {
				t.Error("an unknown verdict must say why")
			}
		})
	}
}

func TestSmallestFix(t *testing.T) {
	xtext := append(append(realAffected(t, "GO-2021-0113", "golang.org/x/text"), realAffected(t, "GO-2022-1059", "golang.org/x/text")...),
		realAffected(t, "GO-2026-5970", "golang.org/x/text")...)
	containerd := realAffected(t, "GO-2022-0344", "github.com/containerd/containerd")
	stdlib := append(realAffected(t, "GO-2022-0969", "stdlib"), realAffected(t, "GO-2026-6089", "stdlib")...)
	tests := []struct {
		name, ecosystem, current string
		affected                 []*osv.Affected
		want                     string
		ok                       bool
	}{
		{"one fix for three advisories", osv.Go, "v0.3.5", xtext, "v0.39.0", true},
		{"the fix of the current branch", osv.Go, "v1.5.3", containerd, "v1.5.10", true},
		{"the first branch", osv.Go, "v1.4.0", containerd, "v1.4.13", true},
		{"stdlib on an old line moves to the first clean release", osv.Go, "v1.18.0", stdlib, "v1.25.13", true},
		{"stdlib on a current line", osv.Go, "v1.26.0", stdlib, "v1.26.6", true},
		{"no fix above an open range", osv.NPM, "2.0.0", []*osv.Affected{{Ranges: []osv.Range{{Type: osv.RangeSemver, Events: []osv.Event{{Introduced: "0"}}}}}}, "", false},
		{"a fix undone by a later range", osv.NPM, "1.0.0", []*osv.Affected{
			{Ranges: []osv.Range{{Type: osv.RangeSemver, Events: []osv.Event{{Introduced: "0"}, {Fixed: "1.1.0"}}}}},
			{Ranges: []osv.Range{{Type: osv.RangeSemver, Events: []osv.Event{{Introduced: "1.1.0"}, {Fixed: "1.3.0"}}}}},
		}, "1.3.0", true},
		{"PyPI", osv.PyPI, "2.28.1", []*osv.Affected{{Ranges: []osv.Range{{Type: osv.RangeEcosystem, Events: []osv.Event{{Introduced: "2.3.0"}, {Fixed: "2.31.0"}}}}}}, "2.31.0", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := versions.SmallestFix(tc.ecosystem, tc.current, tc.affected)
			if got != tc.want || ok != tc.ok {
				t.Errorf("SmallestFix(%s) = %q, %v; want %q, %v", tc.current, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestGoSemverAndRelease(t *testing.T) {
	tests := []struct{ in, semver, release string }{
		{"1.21", "v1.21.0", "go1.21.0"},
		{"1.21.3", "v1.21.3", "go1.21.3"},
		{"go1.21.3", "v1.21.3", "go1.21.3"},
		{"1.20", "v1.20.0", "go1.20"},
		{"1.21rc2", "v1.21.0-rc.2", "go1.21rc2"},
		{"go1.9beta1", "v1.9.0-beta.1", "go1.9beta1"},
		{"go1.22.0-custom", "v1.22.0", "go1.22.0"},
		{"go1.22.1+auto", "v1.22.1", "go1.22.1"},
		{"banana", "", ""},
		{"", "", ""},
	}
	for _, tc := range tests {
		got := versions.GoSemver(tc.in)
		if got != tc.semver {
			t.Errorf("GoSemver(%q) = %q, want %q", tc.in, got, tc.semver)
		}
		if got != "" {
			if rel := versions.GoRelease(got); rel != tc.release {
				t.Errorf("GoRelease(%q) = %q, want %q", got, rel, tc.release)
			}
		}
	}
	if got := versions.GoRelease("v1.26.0-0"); got != "go1.26.0" {
		t.Errorf(`GoRelease("v1.26.0-0") = %q, want go1.26.0 (the line's opening bound)`, got)
	}
}

func FuzzAffects(f *testing.F) {
	f.Add("npm", "1.2.3", "0", "1.2.4")
	f.Add("PyPI", "1.0.post1", "1.0", "1.0.1")
	f.Add("Go", "v0.0.0-20200101000000-abcdefabcdef+incompatible", "0", "1.0.0")
	f.Fuzz(func(t *testing.T, ecosystem, version, introduced, fixed string) {
		a := &osv.Affected{Ranges: []osv.Range{{Type: osv.RangeEcosystem, Events: []osv.Event{{Introduced: introduced}, {Fixed: fixed}}}}, Versions: []string{fixed}}
		_, _ = versions.Affects(ecosystem, version, a)
		_, _ = versions.SmallestFix(ecosystem, version, []*osv.Affected{a})
	})
}
