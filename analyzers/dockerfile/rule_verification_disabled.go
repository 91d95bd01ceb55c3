package dockerfile

import (
	"fmt"
	"strings"

	"github.com/fourcsec/fourc/analyzers/internal/shell"
	"github.com/fourcsec/fourc/shared/finding"
)

var ruleVerificationDisabled = finding.Rule{
	ID:       "docker-download-verification-disabled",
	Title:    "Package signature or TLS verification disabled",
	Layer:    finding.Container,
	Severity: finding.High,
	Description: "A RUN step switches off the check that makes a download trustworthy: " +
		"`apk add --allow-untrusted`, `apt-get --allow-unauthenticated`/`--force-yes` or an APT " +
		"source marked `[trusted=yes]`, `yum/dnf --nogpgcheck`, `rpm --nosignature`, " +
		"`pip --trusted-host`, `curl -k`, `wget --no-check-certificate`, npm `strict-ssl false` " +
		"or git `http.sslVerify false`. Whoever controls the network or the mirror then chooses " +
		"what is installed in the image.",
	Remediation: "Remove the option and fix the cause instead: import the repository's signing key, install the CA certificate the proxy uses, or serve the index over valid HTTPS.",
	References:  []string{"CIS-Docker-4.11", "CWE-295", "CWE-347", "CWE-494"},
}

// verificationOffFlags lists, per program, the flags that turn verification off.
var verificationOffFlags = map[string][]string{
	"apk":      {"--allow-untrusted"},
	"apt-get":  {"--allow-unauthenticated", "--allow-insecure-repositories", "--force-yes"},
	"apt":      {"--allow-unauthenticated", "--allow-insecure-repositories", "--force-yes"},
	"aptitude": {"--allow-untrusted"},
	"yum":      {"--nogpgcheck"},
	"dnf":      {"--nogpgcheck"},
	"microdnf": {"--nogpgcheck"},
	"tdnf":     {"--nogpgcheck"},
	"zypper":   {"--no-gpg-checks"},
	"rpm":      {"--nosignature", "--nodigest"},
	"pip":      {"--trusted-host"},
	"pip3":     {"--trusted-host"},
	"uv":       {"--trusted-host", "--allow-insecure-host"},
	"curl":     {"--insecure"},
	"wget":     {"--no-check-certificate"},
	"npm":      {"--strict-ssl=false"},
	"yarn":     {"--strict-ssl=false"},
}

// insecureSettings are option values that disable verification wherever they appear
// (apt-get -o …, yum --setopt=…, an APT source line).
var insecureSettings = []string{
	"allowunauthenticated=true", "allowinsecurerepositories=true", "verify-peer=false",
	"verify-host=false", "trusted=yes", "gpgcheck=0", "sslverify=false", "sslverify=0",
}

func checkVerificationDisabled(df *dockerfile, r *report) {
	for rc := range runCommands(df) {
		name, args := packageManager(rc.cmd)
		report := func(w shell.Word, what string) {
			r.add(r.atShellWord(&ruleVerificationDisabled, rc, w, fmt.Sprintf("%s %s", name, what)))
		}
		if name == "curl" && shell.HasFlag(args, 'k', curlOptionsWithValue) {
			for _, a := range args {
				if len(a.Value) > 1 && a.Value[0] == '-' && a.Value[1] != '-' && strings.IndexByte(a.Value, 'k') > 0 {
					report(a, "skips TLS certificate verification (-k)")
					break
				}
			}
		}
		for i, a := range args {
			v := strings.ToLower(a.Value)
			flag, _, _ := strings.Cut(v, "=")
			for _, off := range verificationOffFlags[name] {
				if v == off || flag == off && !strings.Contains(off, "=") {
					report(a, "disables verification with "+a.Value)
				}
			}
			if strings.Contains(v, "=") {
				compact := strings.ReplaceAll(v, " ", "")
				for _, s := range insecureSettings {
					if strings.Contains(compact, s) {
						report(a, "sets "+s+", which turns verification off")
						break
					}
				}
			}
			// npm config set strict-ssl false, git config http.sslVerify false
			if (v == "strict-ssl" || v == "http.sslverify") && i+1 < len(args) && strings.EqualFold(args[i+1].Value, "false") {
				report(a, "turns off TLS verification with "+a.Value+" false")
			}
		}
		for _, a := range rc.cmd.Assignments {
			if n, v, _ := strings.Cut(a.Value, "="); n == "GIT_SSL_NO_VERIFY" && v != "" && v != "0" && v != "false" {
				report(a, "runs with GIT_SSL_NO_VERIFY set")
			}
		}
	}
}
