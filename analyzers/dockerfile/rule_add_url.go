package dockerfile

import (
	"fmt"

	"github.com/fourcsec/fourc/shared/finding"
)

var ruleAddURL = finding.Rule{
	ID:       "docker-add-url",
	Title:    "ADD downloads a remote file without a checksum",
	Layer:    finding.Container,
	Severity: finding.Medium,
	Description: "ADD with a URL puts whatever the server returns into the image, unverified: a " +
		"compromised or hijacked download host, or a changed release asset, ends up in every " +
		"image built afterwards. ADD --checksum (Dockerfile 1.6+) and Git sources pinned to a " +
		"commit are verified and not reported.",
	Remediation: "Verify the download: use `ADD --checksum=sha256:… URL dest`, or `RUN curl -fsSLo file URL && echo \"SHA256  file\" | sha256sum -c -`; for files from the build context use COPY.",
	References:  []string{"CIS-Docker-4.9", "CIS-Docker-4.11", "CWE-494"},
}

func checkAddURL(df *dockerfile, r *report) {
	for _, inst := range df.insts {
		if inst.keyword != "add" || hasFlag(inst, "checksum") {
			continue
		}
		for _, src := range addSources(df, inst) {
			switch {
			case isGitSource(src.value) && (gitRefIsCommit(src.value) || gitRefIsVariable(src.value)):
				continue // pinned, or chosen by a build argument this rule cannot see
			case isGitSource(src.value):
				r.add(r.at(&ruleAddURL, inst.args, src.off, len(src.value),
					fmt.Sprintf("ADD clones %s at a movable reference; pin it to a commit id", src.value)))
			case isURL(src.value):
				r.add(r.at(&ruleAddURL, inst.args, src.off, len(src.value),
					fmt.Sprintf("ADD downloads %s without verifying a checksum", src.value)))
			}
		}
	}
}
