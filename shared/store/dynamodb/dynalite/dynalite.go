// Package dynalite starts dynalite, a DynamoDB-compatible server from the npm registry, on a free
// loopback port for tests, so the DynamoDB code is tested against a real server. It installs the
// version pinned in infra/package.json on first use.
package dynalite

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// Server is a running dynalite.
type Server struct {
	URL    string
	Client *dynamodb.Client
}

// Infra returns the absolute path of infra/ once its npm packages (dynalite, the webhook examples
// and signing methods) are installed, installing them on first use.
func Infra() (string, error) {
	infra, err := infraDir()
	if err != nil {
		return "", err
	}
	modules := filepath.Join(infra, "node_modules")
	markers := []string{
		filepath.Join(modules, "dynalite", "cli.js"),
		filepath.Join(modules, "@octokit", "webhooks-examples", "api.github.com", "index.json"),
		filepath.Join(modules, "@octokit", "webhooks-methods", "package.json"),
	}
	if err := ensureInstalled(infra, markers...); err != nil {
		return "", fmt.Errorf("install infra/ npm packages: %w", err)
	}
	return infra, nil
}

// Start runs dynalite for the duration of the test.
func Start(t testing.TB) *Server {
	t.Helper()
	infra, err := Infra()
	if err != nil {
		t.Fatal(err)
	}
	cli := filepath.Join(infra, "node_modules", "dynalite", "cli.js")
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", cli, "--host", "127.0.0.1", "--port", fmt.Sprint(port),
		"--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0")
	cmd.SysProcAttr = sysProcAttr()
	if testing.Verbose() {
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start dynalite (is node installed?): %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("dynalite did not listen on %s within 20s: %v", addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	url := "http://" + addr
	return &Server{URL: url, Client: NewClient(url)}
}

// NewClient returns a DynamoDB client for a local endpoint. dynalite checks that requests are
// signed but not by whom, so any static credentials do.
func NewClient(url string) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(url),
		// fourc:ignore go-hardcoded-credential -- dynalite checks only that requests are signed; "local" opens no AWS account
		Credentials: credentials.NewStaticCredentialsProvider("local", "local", ""),
	})
}

// CreateTableName returns a table name unique to the test.
func CreateTableName(testing.TB) string {
	return fmt.Sprintf("fourc-test-%d", time.Now().UnixNano())
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// infraDir finds infra/ from this source file, so tests work from any package directory.
func infraDir() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", fmt.Errorf("locate the dynalite package source")
	}
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "..", "infra")
	if _, err := os.Stat(filepath.Join(dir, "package.json")); err != nil {
		return "", fmt.Errorf("infra/package.json not found from %s: %w", file, err)
	}
	return filepath.Abs(dir)
}

// ensureInstalled runs `npm ci` in infra/ once, under a file lock: test binaries of several
// packages start in parallel.
func ensureInstalled(infra string, markers ...string) error {
	installed := func() bool {
		for _, m := range markers {
			if _, err := os.Stat(m); err != nil {
				return false
			}
		}
		return true
	}
	if installed() {
		return nil
	}
	lock, err := os.OpenFile(filepath.Join(infra, ".npm-install.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return fmt.Errorf("lock infra/: %w", err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if installed() {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund", "--prefix", infra)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("npm ci in %s: %w\n%s", infra, err, out)
	}
	return nil
}
