package test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/fourcsec/fourc/test/fakegithub"
	"github.com/fourcsec/fourc/test/webhooks"
)

// testServe runs the built fourc binary as `fourc serve` against the fake GitHub: a signed real
// pull_request webhook ends in a completed check, and SIGTERM stops it gracefully, letting a
// scan already running finish first.
func testServe(t *testing.T, bin string) {
	gh := newWorld(t)
	openPullRequest(gh, vulnSHA)
	dir := t.TempDir()
	keyFile, secretFile, data := filepath.Join(dir, "app.pem"), filepath.Join(dir, "webhook-secret"), filepath.Join(dir, "data")
	if err := os.WriteFile(keyFile, gh.PrivateKeyPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(secretFile, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p := startProcess(t, bin, []string{"FOURC_APP_ID=" + fmt.Sprint(gh.AppID)}, "serve", "--addr", "127.0.0.1:0",
		"--github-url", gh.URL, "--private-key", keyFile, "--webhook-secret-file", secretFile, "--data", data, "--workers", "1")
	serving := regexp.MustCompile(`msg="fourc serving" addr=(127\.0\.0\.1:\d+)`)
	var addr string
	waitFor(t, 30*time.Second, "fourc serve listening", func() bool {
		m := serving.FindStringSubmatch(p.output.String())
		if m != nil {
			addr = m[1]
		}
		return m != nil
	})
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %v %v", resp, err)
	}
	resp.Body.Close()

	post := func(action, head string) {
		t.Helper()
		d, err := webhooks.New(secret, "pull_request", deliveryID(), prPayload(t, action, head))
		if err != nil {
			t.Fatal(err)
		}
		crossCheck(t, d)
		if status, body := postDelivery(t, "http://"+addr+"/webhook", d); status != http.StatusAccepted {
			t.Fatalf("%s webhook: HTTP %d %q", action, status, body)
		}
	}
	checkRun := func(sha string) (fakegithub.CheckRun, bool) {
		for _, run := range gh.CheckRuns(repoFull) {
			if run.HeadSHA == sha {
				return run, true
			}
		}
		return fakegithub.CheckRun{}, false
	}
	post("opened", vulnSHA)
	waitFor(t, 60*time.Second, "check on the pull request completed", func() bool {
		run, ok := checkRun(vulnSHA)
		return ok && run.Status == "completed"
	})
	run, _ := checkRun(vulnSHA)
	assertVulnCheck(t, run)

	// The author pushes the fix; its archive is slow to come, and fourc is told to stop while
	// the scan waits for it. The scan must still complete before the process exits.
	const slow = time.Second
	gh.DelayNext("GET", "/_codeload/acme/widgets/*", slow, 1)
	openPullRequest(gh, fixedSHA)
	post("synchronize", fixedSHA)
	waitFor(t, 30*time.Second, "scan of the fix in progress", func() bool {
		run, ok := checkRun(fixedSHA)
		return ok && run.Status == "in_progress"
	})
	stopAt := time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := p.wait(t, 45*time.Second); err != nil {
		t.Fatalf("fourc serve exited with %v after SIGTERM", err)
	}
	fixed, _ := checkRun(fixedSHA)
	if fixed.Status != "completed" || fixed.Conclusion != "success" {
		t.Errorf("scan running at SIGTERM: %s/%s, want completed/success", fixed.Status, fixed.Conclusion)
	}
	if !regexp.MustCompile(`msg="shutting down"`).MatchString(p.output.String()) {
		t.Error("no shutdown logged")
	}
	t.Logf("stopped %s after SIGTERM", time.Since(stopAt).Round(time.Millisecond))
	if _, err := os.Stat(filepath.Join(data, "fourc.db")); err != nil {
		t.Errorf("store file: %v", err)
	}
	assertClean(t, gh, repoFull)
}
