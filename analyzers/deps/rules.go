package deps

import "github.com/fourcsec/fourc/shared/finding"

// The rules of the scanner. A Go module gets one finding per reachability level on the line that
// requires it, listing every advisory at that level; npm and PyPI packages one finding per
// lockfile entry or requirement line. See the package documentation for why.
var (
	ruleGoCalled = finding.Rule{
		ID:       "dep-go-vulnerable-called",
		Title:    "Code calls a vulnerable function of a Go dependency",
		Layer:    finding.Code,
		Severity: finding.High,
		Description: "A module in the build list is affected by a Go vulnerability database advisory, and a chain of calls " +
			"from the module's entry points (main and init of commands, exported functions of libraries) reaches one of " +
			"the vulnerable functions the advisory names. The message shows one shortest call path, with the file and " +
			"line of each call.",
		Remediation: "Upgrade the dependency to a fixed version (the message names the smallest one that fixes every known advisory of the module), or stop calling the vulnerable function.",
		HelpURL:     "https://go.dev/security/vuln/",
	}
	ruleGoImported = finding.Rule{
		ID:       "dep-go-vulnerable-imported",
		Title:    "Code imports a vulnerable package of a Go dependency",
		Layer:    finding.Code,
		Severity: finding.Medium,
		Description: "A package of the module imports, directly or through other packages, a package named by a Go " +
			"vulnerability database advisory, but no call path from the module's entry points reaches the vulnerable " +
			"functions. A later change can start calling them without touching go.mod.",
		Remediation: "Upgrade the dependency to a fixed version; the message names the smallest one that fixes every known advisory of the module.",
		HelpURL:     "https://go.dev/security/vuln/",
	}
	ruleGoRequired = finding.Rule{
		ID:       "dep-go-vulnerable-required",
		Title:    "Build list contains a vulnerable Go module",
		Layer:    finding.Code,
		Severity: finding.Low,
		Description: "A module in the build list (or the Go release that go.mod's go or toolchain line selects) is " +
			"affected by a Go vulnerability database advisory, but no package of this module imports the vulnerable " +
			"packages. Downstream users of a library may still import them through it.",
		Remediation: "Upgrade the dependency to a fixed version when convenient; the message names the smallest one that fixes every known advisory of the module.",
		HelpURL:     "https://go.dev/security/vuln/",
	}
	ruleNPM = finding.Rule{
		ID:       "dep-npm-vulnerable",
		Title:    "Lockfile installs a vulnerable npm package",
		Layer:    finding.Code,
		Severity: finding.Medium,
		Description: "An npm lockfile (package-lock.json, npm-shrinkwrap.json) installs a package version that an OSV " +
			"advisory affects. The finding's severity is the advisory's (GitHub's rating) when it has one.",
		Remediation: "Upgrade the package (npm update, or raise the version range in package.json for a direct dependency, or add an override for a transitive one) to the fixed version the message names, and commit the new lockfile.",
		HelpURL:     "https://docs.npmjs.com/cli/commands/npm-audit",
	}
	rulePyPI = finding.Rule{
		ID:       "dep-pypi-vulnerable",
		Title:    "Requirements pin a vulnerable PyPI package",
		Layer:    finding.Code,
		Severity: finding.Medium,
		Description: "A requirements file pins (==) a package version that an OSV advisory affects. The finding's " +
			"severity is the advisory's (GitHub's rating) when it has one.",
		Remediation: "Pin the fixed version the message names (and regenerate hashes if the file uses them).",
		HelpURL:     "https://osv.dev/",
	}
	rulePyPIUnpinned = finding.Rule{
		ID:       "dep-pypi-unpinned",
		Title:    "Requirement is not pinned to one version",
		Layer:    finding.Code,
		Severity: finding.Low,
		Description: "A requirements file names a package without pinning it with ==, so each install may resolve a " +
			"different version — one nobody reviewed, possibly a vulnerable or a compromised one — and the vulnerability " +
			"check cannot tell which version runs.",
		Remediation: "Pin the version with == (pip-compile or pip freeze produce fully pinned files, with --generate-hashes for integrity).",
		HelpURL:     "https://pip.pypa.io/en/stable/topics/repeatable-installs/",
	}
)

// allRules lists the scanner's rules in documentation order.
var allRules = []*finding.Rule{&ruleGoCalled, &ruleGoImported, &ruleGoRequired, &ruleNPM, &rulePyPI, &rulePyPIUnpinned}
