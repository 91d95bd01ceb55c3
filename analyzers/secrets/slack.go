package secrets

import (
	"fmt"
	"strings"

	"github.com/fourcsec/fourc/shared/finding"
)

var (
	ruleSlackToken = finding.Rule{
		ID:       "secret-slack-token",
		Title:    "Slack token in source",
		Layer:    finding.Code,
		Severity: finding.High,
		Description: "A Slack API token (bot xoxb-, user xoxp-, app xoxa-, refresh xoxr-) is committed. It " +
			"reads and posts messages, lists users and channels, and downloads files of the workspace " +
			"with the token's scopes.",
		Remediation: "Revoke the token (auth.revoke, or reinstall the app), remove it from the repository " +
			"history, and load it from a secret store or an environment variable.",
		References: []string{"CWE-798", "https://api.slack.com/authentication/token-types"},
	}
	ruleSlackWebhook = finding.Rule{
		ID:       "secret-slack-webhook",
		Title:    "Slack incoming webhook URL in source",
		Layer:    finding.Code,
		Severity: finding.Medium,
		Description: "A Slack incoming webhook URL is committed. Anyone who has it can post messages, " +
			"links included, into the channel it belongs to, which makes it a ready-made phishing tool.",
		Remediation: "Remove the webhook in the Slack app's settings and create a new one, and keep the " +
			"URL in a secret store or an environment variable.",
		References: []string{"CWE-798", "https://api.slack.com/messaging/webhooks"},
	}
)

var slackTokenKinds = map[byte]string{'b': "bot token", 'p': "user token", 'a': "app token", 'r': "refresh token"}

const (
	slackTokenMaxLen = 256
	// A real token is at least xoxb-, two numeric ids and a random part: 40-odd bytes.
	slackTokenMinBody = 20
	slackWebhookHost  = "hooks.slack.com/"
)

func slackDetector() *detector {
	return &detector{
		rules:   []*finding.Rule{&ruleSlackToken, &ruleSlackWebhook},
		anchors: []anchor{{needle: "xox"}, {needle: "ks.slack.com/", back: len("hoo")}},
		match:   matchSlack,
	}
}

func matchSlack(f *fileScan, at int) {
	if hasPrefixAt(f.data, at, slackWebhookHost) {
		matchSlackWebhook(f, at)
		return
	}
	matchSlackToken(f, at)
}

// matchSlackToken accepts xox?-, then dash-separated groups of which the first is a numeric id
// and the last a random part: xoxb-<team>-<bot>-<secret>, xoxp-<team>-<user>-<id>-<secret>.
func matchSlackToken(f *fileScan, at int) {
	data := f.data
	kind, ok := slackTokenKinds[byteAt(data, at+3)]
	if !ok || !hasPrefixAt(data, at, "xox") || byteAt(data, at+4) != '-' || isAlnum(byteAt(data, at-1)) {
		return
	}
	bodyStart := at + 5
	n := runLength(data, bodyStart, slackTokenMaxLen, func(c byte) bool { return isAlnum(c) || c == '-' })
	body := strings.TrimRight(string(data[bodyStart:bodyStart+n]), "-")
	groups := strings.Split(body, "-")
	if len(body) < slackTokenMinBody || len(groups) < 3 || !allDigits(groups[0]) {
		return
	}
	if last := groups[len(groups)-1]; len(last) < 8 || !looksRandom(last) {
		return
	}
	token := string(data[at:bodyStart]) + body
	f.add(&ruleSlackToken, at, bodyStart+len(body), token,
		fmt.Sprintf("Slack %s %s is hard-coded", kind, redact(token, 5)))
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// matchSlackWebhook accepts https://hooks.slack.com/services/T…/B…/<24 random bytes>, and the
// workflow and trigger webhooks, whose path is one random token.
func matchSlackWebhook(f *fileScan, at int) {
	data := f.data
	pathStart := at + len(slackWebhookHost)
	var secretPart string
	var end int
	switch {
	case hasPrefixAt(data, pathStart, "services/"):
		p := pathStart + len("services/")
		team := runLength(data, p, 16, isAlnum)
		if team < 8 || data[p] != 'T' || byteAt(data, p+team) != '/' {
			return
		}
		p += team + 1
		bot := runLength(data, p, 16, isAlnum)
		if bot < 8 || data[p] != 'B' || byteAt(data, p+bot) != '/' {
			return
		}
		p += bot + 1
		n := runLength(data, p, 64, isAlnum)
		if n < 24 || isBase64URL(byteAt(data, p+n)) {
			return
		}
		secretPart, end = string(data[p:p+n]), p+n
	case hasPrefixAt(data, pathStart, "workflows/"), hasPrefixAt(data, pathStart, "triggers/"):
		p := pathStart + len("workflows/")
		if data[pathStart] == 't' {
			p = pathStart + len("triggers/")
		}
		n := runLength(data, p, 128, func(c byte) bool { return isAlnum(c) || c == '/' })
		if n < 40 {
			return
		}
		secretPart, end = string(data[p:p+n]), p+n
	default:
		return
	}
	if !looksRandom(secretPart) {
		return
	}
	start := at
	for _, scheme := range []string{"https://", "http://"} {
		if at >= len(scheme) && string(data[at-len(scheme):at]) == scheme {
			start = at - len(scheme)
		}
	}
	url := string(data[start:end])
	// The host and the kind of webhook are public; the ids and the token after them are not shown.
	public := pathStart + strings.IndexByte(string(data[pathStart:end]), '/') + 1 - start
	f.add(&ruleSlackWebhook, start, end, url,
		fmt.Sprintf("Slack webhook URL %s is hard-coded", redactPublicPrefix(url, public)))
}
