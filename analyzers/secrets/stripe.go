package secrets

import (
	"fmt"

	"github.com/fourcsec/fourc/shared/finding"
)

var (
	ruleStripeLiveKey = finding.Rule{
		ID:       "secret-stripe-live-key",
		Title:    "Stripe live secret key in source",
		Layer:    finding.Code,
		Severity: finding.Critical,
		Description: "A Stripe live-mode secret key (sk_live_) is committed. It has full access to the " +
			"Stripe account: charges, refunds, payouts, customers' data.",
		Remediation: "Roll the key in the Stripe dashboard now, review the account's logs for its use, " +
			"remove it from the repository history, and load it from a secret store.",
		References: []string{"CWE-798", "https://docs.stripe.com/keys"},
	}
	ruleStripeRestrictedKey = finding.Rule{
		ID:       "secret-stripe-restricted-key",
		Title:    "Stripe live restricted key in source",
		Layer:    finding.Code,
		Severity: finding.High,
		Description: "A Stripe live-mode restricted key (rk_live_) is committed. It can do whatever its " +
			"permissions allow on the live account, often reading customers' data or creating charges.",
		Remediation: "Roll the key in the Stripe dashboard, remove it from the repository history, and " +
			"load it from a secret store.",
		References: []string{"CWE-798", "https://docs.stripe.com/keys#limit-access"},
	}
	ruleStripeTestKey = finding.Rule{
		ID:       "secret-stripe-test-key",
		Title:    "Stripe test-mode secret key in source",
		Layer:    finding.Code,
		Severity: finding.Low,
		Description: "A Stripe test-mode key (sk_test_ or rk_test_) is committed. It cannot move money, " +
			"but it reads and changes the account's test data and tells an attacker which account to " +
			"aim at; keys committed in tests tend to be followed by live ones.",
		Remediation: "Roll the key in the Stripe dashboard if the repository is public, and read it from " +
			"the environment in tests.",
		References: []string{"CWE-798", "https://docs.stripe.com/keys#test-live-modes"},
	}
)

const (
	// Stripe keys are a prefix and 24 (older accounts) to 99 base62 bytes.
	stripeMinBody = 20
	stripeMaxBody = 247
)

func stripeDetector() *detector {
	return &detector{
		rules:   []*finding.Rule{&ruleStripeLiveKey, &ruleStripeRestrictedKey, &ruleStripeTestKey},
		anchors: []anchor{{needle: "k_live_"}, {needle: "k_test_"}},
		match:   matchStripe,
	}
}

// matchStripe is called at the k of sk_live_/rk_live_/sk_test_/rk_test_; the key starts one byte
// earlier. Publishable keys (pk_) are meant to be public and not reported.
func matchStripe(f *fileScan, at int) {
	data := f.data
	start := at - 1
	var rule *finding.Rule
	var prefix string
	for _, k := range []struct {
		prefix string
		rule   *finding.Rule
	}{
		{"sk_live_", &ruleStripeLiveKey},
		{"rk_live_", &ruleStripeRestrictedKey},
		{"sk_test_", &ruleStripeTestKey},
		{"rk_test_", &ruleStripeTestKey},
	} {
		if start >= 0 && hasPrefixAt(data, start, k.prefix) {
			rule, prefix = k.rule, k.prefix
		}
	}
	if rule == nil || isAlnum(byteAt(data, start-1)) {
		return
	}
	bodyStart := start + len(prefix)
	n := runLength(data, bodyStart, stripeMaxBody+1, isAlnum)
	if n < stripeMinBody || n > stripeMaxBody || isBase64URL(byteAt(data, bodyStart+n)) {
		return
	}
	key := string(data[start : bodyStart+n])
	if !looksRandom(key[len(prefix):]) {
		return
	}
	f.add(rule, start, bodyStart+n, key, fmt.Sprintf("Stripe key %s is hard-coded", redact(key, len(prefix))))
}
