// Package webhooks builds webhook deliveries for the end-to-end tests from GitHub's real example
// payloads (npm @octokit/webhooks-examples, pinned in infra/package.json): a test picks an
// example, rewrites only the fields its scenario needs (installation, repository, SHAs) on the
// decoded JSON, re-encodes it and signs it as GitHub does. Bodies are never typed by hand, so
// the App is exercised with every field GitHub sends. Node with @octokit/webhooks-methods, an
// implementation independent of the App's, cross-checks the signatures.
package webhooks

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fourcsec/fourc/shared/store/dynamodb/dynalite"
)

var loadIndex = sync.OnceValues(func() (map[string][]json.RawMessage, error) {
	infra, err := dynalite.Infra()
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(filepath.Join(infra, "node_modules", "@octokit", "webhooks-examples", "api.github.com", "index.json"))
	if err != nil {
		return nil, fmt.Errorf("read webhook examples: %w", err)
	}
	var raw []struct {
		Name     string            `json:"name"`
		Examples []json.RawMessage `json:"examples"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("decode webhook examples: %w", err)
	}
	out := map[string][]json.RawMessage{}
	for _, e := range raw {
		out[e.Name] = append(out[e.Name], e.Examples...)
	}
	return out, nil
})

// Examples returns fresh decoded copies of every example of event (e.g. "pull_request").
func Examples(event string) ([]map[string]any, error) {
	idx, err := loadIndex()
	if err != nil {
		return nil, err
	}
	raws, ok := idx[event]
	if !ok {
		return nil, fmt.Errorf("no webhook examples for event %q", event)
	}
	out := make([]map[string]any, 0, len(raws))
	for _, raw := range raws {
		m, err := decode(raw)
		if err != nil {
			return nil, fmt.Errorf("decode %s example: %w", event, err)
		}
		out = append(out, m)
	}
	return out, nil
}

// Example returns a fresh copy of the first example of event whose action is action and which
// has every one of the dotted paths in need (e.g. "installation.id"), so a rewrite of those
// fields cannot silently add what GitHub does not send.
func Example(event, action string, need ...string) (map[string]any, error) {
	all, err := Examples(event)
	if err != nil {
		return nil, err
	}
next:
	for _, m := range all {
		if m["action"] != action {
			continue
		}
		for _, p := range need {
			if _, err := Get(m, p); err != nil {
				continue next
			}
		}
		return m, nil
	}
	return nil, fmt.Errorf("no %s.%s example has %s", event, action, strings.Join(need, ", "))
}

// decode keeps numbers as json.Number, so ids and counts re-encode exactly as GitHub sent them.
func decode(raw []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	return m, nil
}

// walk follows a dotted path ("pull_request.head.sha", "repositories.0.full_name") to the
// container holding its last element.
func walk(m map[string]any, path string) (parent any, last string, err error) {
	parts := strings.Split(path, ".")
	var cur any = m
	for i, p := range parts[:len(parts)-1] {
		next, err := child(cur, p)
		if err != nil {
			return nil, "", fmt.Errorf("%s: %w", strings.Join(parts[:i+1], "."), err)
		}
		cur = next
	}
	return cur, parts[len(parts)-1], nil
}

func child(cur any, key string) (any, error) {
	switch c := cur.(type) {
	case map[string]any:
		v, ok := c[key]
		if !ok {
			return nil, fmt.Errorf("no field %q", key)
		}
		return v, nil
	case []any:
		i, err := strconv.Atoi(key)
		if err != nil || i < 0 || i >= len(c) {
			return nil, fmt.Errorf("no element %q in a list of %d", key, len(c))
		}
		return c[i], nil
	default:
		return nil, fmt.Errorf("%T has no field %q", cur, key)
	}
}

// Get returns the value at a dotted path.
func Get(m map[string]any, path string) (any, error) {
	parent, last, err := walk(m, path)
	if err != nil {
		return nil, err
	}
	v, err := child(parent, last)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}

// Set replaces the value at a dotted path. The field must exist in the example: a rewrite
// changes what GitHub sent, it never adds to it.
func Set(m map[string]any, path string, v any) error {
	parent, last, err := walk(m, path)
	if err != nil {
		return err
	}
	if _, err := child(parent, last); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	switch c := parent.(type) {
	case map[string]any:
		c[last] = normalise(v)
	case []any:
		i, _ := strconv.Atoi(last)
		c[i] = normalise(v)
	}
	return nil
}

// normalise turns Go integers into json.Number so the payload stays uniform.
func normalise(v any) any {
	switch n := v.(type) {
	case int:
		return json.Number(strconv.Itoa(n))
	case int64:
		return json.Number(strconv.FormatInt(n, 10))
	}
	return v
}

// Rewrite applies Set for each path → value, failing on the first path the example lacks.
func Rewrite(m map[string]any, fields map[string]any) error {
	for p, v := range fields {
		if err := Set(m, p, v); err != nil {
			return err
		}
	}
	return nil
}

// Encode re-encodes a payload as GitHub sends it: compact JSON.
func Encode(m map[string]any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// Sign returns the X-Hub-Signature-256 value of body under secret. It is this package's own
// HMAC, not the App's, and Node cross-checks it (CrossCheck).
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Delivery is one webhook as GitHub sends it.
type Delivery struct {
	Event     string // X-GitHub-Event
	ID        string // X-GitHub-Delivery
	Body      []byte
	Signature string // X-Hub-Signature-256
}

// New encodes and signs payload as a delivery of event.
func New(secret, event, id string, payload map[string]any) (Delivery, error) {
	body, err := Encode(payload)
	if err != nil {
		return Delivery{}, err
	}
	return Delivery{Event: event, ID: id, Body: body, Signature: Sign(secret, body)}, nil
}

// Headers are the delivery's headers as GitHub sets them.
func (d Delivery) Headers() map[string]string {
	return map[string]string{
		"Content-Type":        "application/json",
		"User-Agent":          "GitHub-Hookshot/044aadd",
		"X-GitHub-Event":      d.Event,
		"X-GitHub-Delivery":   d.ID,
		"X-GitHub-Hook-ID":    "292430182",
		"X-Hub-Signature-256": d.Signature,
	}
}

// Request builds the POST of the delivery to url.
func (d Delivery) Request(ctx context.Context, url string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(d.Body))
	if err != nil {
		return nil, err
	}
	for k, v := range d.Headers() {
		req.Header.Set(k, v)
	}
	return req, nil
}

// NodeResult is what @octokit/webhooks-methods says of one body.
type NodeResult struct {
	// Signature is sign(secret, body).
	Signature string `json:"signature"`
	// Verified is verify(secret, body, the signature given).
	Verified bool `json:"verified"`
}

// nodeScript signs and verifies each line of stdin ({secret, body (base64), signature}) with
// @octokit/webhooks-methods, resolved from infra/ (the working directory).
const nodeScript = `
import { sign, verify } from "@octokit/webhooks-methods";
import { createInterface } from "node:readline";
for await (const line of createInterface({ input: process.stdin })) {
  const r = JSON.parse(line);
  const body = Buffer.from(r.body, "base64").toString("utf8");
  const signature = await sign(r.secret, body);
  const verified = r.signature ? await verify(r.secret, body, r.signature) : false;
  process.stdout.write(JSON.stringify({ signature, verified }) + "\n");
}
`

// Node is a running Node process with @octokit/webhooks-methods that signs and verifies
// deliveries on request, so a test binary pays for one Node start however many it checks.
type Node struct {
	mu     sync.Mutex
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout *bufio.Reader
	stderr *bytes.Buffer
}

// StartNode starts the Node process. It ends when Close is called or the test binary exits
// (its stdin closes).
func StartNode() (*Node, error) {
	infra, err := dynalite.Infra()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("node", "--input-type=module", "-e", nodeScript)
	cmd.Dir = infra
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	n := &Node{cmd: cmd, stdin: stdin, stdout: bufio.NewReader(stdout), stderr: &bytes.Buffer{}}
	cmd.Stderr = n.stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start node (is it installed?): %w", err)
	}
	return n, nil
}

// Check signs d.Body with secret and verifies d.Signature, both with @octokit/webhooks-methods.
func (n *Node) Check(secret string, d Delivery) (NodeResult, error) {
	line, err := json.Marshal(map[string]string{"secret": secret, "body": base64.StdEncoding.EncodeToString(d.Body), "signature": d.Signature})
	if err != nil {
		return NodeResult{}, err
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if _, err := n.stdin.Write(append(line, '\n')); err != nil {
		return NodeResult{}, fmt.Errorf("write to node: %w (stderr: %s)", err, n.stderr.Bytes())
	}
	answer, err := n.stdout.ReadBytes('\n')
	if err != nil {
		return NodeResult{}, fmt.Errorf("read from node: %w (stderr: %s)", err, n.stderr.Bytes())
	}
	var r NodeResult
	if err := json.Unmarshal(answer, &r); err != nil {
		return NodeResult{}, fmt.Errorf("decode node answer %q: %w", answer, err)
	}
	return r, nil
}

// Close ends the Node process.
func (n *Node) Close() error {
	n.stdin.Close()
	done := make(chan error, 1)
	go func() { done <- n.cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		_ = n.cmd.Process.Kill()
		return <-done
	}
}

// CrossCheck checks deliveries with a Node process of its own.
func CrossCheck(ds []Delivery, secret string) ([]NodeResult, error) {
	n, err := StartNode()
	if err != nil {
		return nil, err
	}
	defer n.Close()
	out := make([]NodeResult, 0, len(ds))
	for _, d := range ds {
		r, err := n.Check(secret, d)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}
