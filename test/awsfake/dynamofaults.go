package awsfake

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DynamoDB's error types, as the "__type" of its error bodies names them.
const (
	ProvisionedThroughputExceeded = "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException"
	Throttling                    = "com.amazon.coral.availability#ThrottlingException"
	InternalServerError           = "com.amazonaws.dynamodb.v20120810#InternalServerError"
)

var dynamoMessages = map[string]string{
	ProvisionedThroughputExceeded: "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.",
	Throttling:                    "Rate of requests exceeds the allowed throughput.",
	InternalServerError:           "Internal server error",
}

// DynamoFaults is a reverse proxy in front of a DynamoDB endpoint (dynalite) that misbehaves as
// DynamoDB does under load, on the operations a test chooses by their X-Amz-Target name
// ("PutItem", "BatchWriteItem", …): it refuses requests with DynamoDB's throttling errors, has
// BatchWriteItem write only part of a batch and hand the rest back as UnprocessedItems, or
// applies a request and then answers 500. Everything else passes through unchanged. Point a
// DynamoDB client at URL.
type DynamoFaults struct {
	URL string

	target string
	client *http.Client
	ln     net.Listener
	http   *http.Server

	mu          sync.Mutex
	refusals    []*dynamoRefusal
	partials    []*partialBatch
	calls       map[string]int
	refused     map[string]int
	unprocessed int
}

type dynamoRefusal struct {
	op, errType string
	remaining   int
	// applyFirst forwards the request before refusing it: the answer is lost, not the write.
	applyFirst bool
}

type partialBatch struct {
	keep, remaining int
}

// StartDynamoFaults proxies to target ("http://127.0.0.1:PORT") from a loopback port.
func StartDynamoFaults(target string) (*DynamoFaults, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("dynamodb fault proxy listen: %w", err)
	}
	p := &DynamoFaults{
		URL: "http://" + ln.Addr().String(), target: strings.TrimRight(target, "/"), ln: ln,
		client: &http.Client{Timeout: time.Minute}, calls: map[string]int{}, refused: map[string]int{},
	}
	p.http = &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = p.http.Serve(ln) }()
	return p, nil
}

// Close stops the proxy.
func (p *DynamoFaults) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return p.http.Shutdown(ctx)
}

// Refuse answers the next n calls of op with errType (ProvisionedThroughputExceeded or
// Throttling: HTTP 400, nothing applied), as DynamoDB refuses requests over capacity.
func (p *DynamoFaults) Refuse(op, errType string, n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.refusals = append(p.refusals, &dynamoRefusal{op: op, errType: errType, remaining: n})
}

// ApplyThenFail forwards the next n calls of op, then answers InternalServerError (HTTP 500)
// instead of the result: the write happened, the client cannot know it.
func (p *DynamoFaults) ApplyThenFail(op string, n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.refusals = append(p.refusals, &dynamoRefusal{op: op, errType: InternalServerError, remaining: n, applyFirst: true})
}

// LeaveUnprocessed makes the next n BatchWriteItem calls write only the first keep requests of
// each table and return the others as UnprocessedItems, unwritten, as DynamoDB does when a
// partition is over capacity.
func (p *DynamoFaults) LeaveUnprocessed(n, keep int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.partials = append(p.partials, &partialBatch{keep: keep, remaining: n})
}

// Calls counts the requests of op the proxy received, refused ones included.
func (p *DynamoFaults) Calls(op string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.calls[op]
}

// Refused counts the requests answered with errType.
func (p *DynamoFaults) Refused(errType string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.refused[errType]
}

// Unprocessed counts the write requests handed back unwritten as UnprocessedItems.
func (p *DynamoFaults) Unprocessed() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.unprocessed
}

// plan decides what to do with one call of op.
func (p *DynamoFaults) plan(op string) (*dynamoRefusal, *partialBatch) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls[op]++
	for _, r := range p.refusals {
		if r.remaining > 0 && r.op == op {
			r.remaining--
			p.refused[r.errType]++
			return r, nil
		}
	}
	if op != "BatchWriteItem" {
		return nil, nil
	}
	for _, b := range p.partials {
		if b.remaining > 0 {
			b.remaining--
			return nil, b
		}
	}
	return nil, nil
}

func (p *DynamoFaults) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "read request: "+err.Error(), http.StatusBadRequest)
		return
	}
	_, op, _ := strings.Cut(r.Header.Get("X-Amz-Target"), ".")
	refusal, partial := p.plan(op)
	switch {
	case refusal != nil && !refusal.applyFirst:
		writeDynamoError(w, refusal.errType)
	case refusal != nil:
		if _, _, _, err := p.forward(r, body); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		writeDynamoError(w, refusal.errType)
	case partial != nil:
		p.serveInPart(w, r, body, partial.keep)
	default:
		status, header, answer, err := p.forward(r, body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		copyHeader(w.Header(), header)
		w.WriteHeader(status)
		_, _ = w.Write(answer)
	}
}

// serveInPart forwards the first keep write requests of each table and answers with the rest
// added to the result's UnprocessedItems.
func (p *DynamoFaults) serveInPart(w http.ResponseWriter, r *http.Request, body []byte, keep int) {
	var whole map[string]json.RawMessage
	var items map[string][]json.RawMessage
	if err := json.Unmarshal(body, &whole); err != nil {
		http.Error(w, "BatchWriteItem body: "+err.Error(), http.StatusBadRequest)
		return
	}
	if err := json.Unmarshal(whole["RequestItems"], &items); err != nil {
		http.Error(w, "BatchWriteItem RequestItems: "+err.Error(), http.StatusBadRequest)
		return
	}
	sent, held := map[string][]json.RawMessage{}, map[string][]json.RawMessage{}
	heldCount := 0
	for table, reqs := range items {
		n := min(keep, len(reqs))
		if n > 0 {
			sent[table] = reqs[:n]
		}
		if len(reqs) > n {
			held[table] = reqs[n:]
			heldCount += len(reqs) - n
		}
	}
	var result map[string]json.RawMessage
	if len(sent) == 0 {
		// DynamoDB refuses an empty batch, so nothing is forwarded: the whole batch comes back.
		result = map[string]json.RawMessage{}
	} else {
		forwarded, err := json.Marshal(sent)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		whole["RequestItems"] = forwarded
		reduced, err := json.Marshal(whole)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		status, header, answer, err := p.forward(r, reduced)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		if status != http.StatusOK {
			copyHeader(w.Header(), header)
			w.WriteHeader(status)
			_, _ = w.Write(answer)
			return
		}
		if err := json.Unmarshal(answer, &result); err != nil {
			http.Error(w, "BatchWriteItem result: "+err.Error(), http.StatusBadGateway)
			return
		}
	}
	var unprocessed map[string][]json.RawMessage
	if raw, ok := result["UnprocessedItems"]; ok {
		if err := json.Unmarshal(raw, &unprocessed); err != nil {
			http.Error(w, "BatchWriteItem UnprocessedItems: "+err.Error(), http.StatusBadGateway)
			return
		}
	}
	if unprocessed == nil {
		unprocessed = map[string][]json.RawMessage{}
	}
	for table, reqs := range held {
		unprocessed[table] = append(unprocessed[table], reqs...)
	}
	merged, err := json.Marshal(unprocessed)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	result["UnprocessedItems"] = merged
	answer, err := json.Marshal(result)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	p.mu.Lock()
	p.unprocessed += heldCount
	p.mu.Unlock()
	writeDynamo(w, http.StatusOK, answer)
}

// forward sends body to the target as r was sent, and returns the target's answer.
func (p *DynamoFaults) forward(r *http.Request, body []byte) (int, http.Header, []byte, error) {
	// DynamoDB's API has a single path; the operation is in the X-Amz-Target header.
	// fourc:ignore go-ssrf -- the target is fixed when the proxy starts; taint reaches it only through p.plan(op) on the same receiver
	req, err := http.NewRequestWithContext(r.Context(), r.Method, p.target+"/", bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, fmt.Errorf("proxy request: %w", err)
	}
	copyHeader(req.Header, r.Header)
	req.Header.Del("Content-Length")
	resp, err := p.client.Do(req)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("forward %s: %w", r.Header.Get("X-Amz-Target"), err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("read answer to %s: %w", r.Header.Get("X-Amz-Target"), err)
	}
	return resp.StatusCode, resp.Header, answer, nil
}

func copyHeader(dst, src http.Header) {
	for k, vs := range src {
		if strings.EqualFold(k, "Content-Length") {
			continue
		}
		dst[k] = append([]string(nil), vs...)
	}
}

// writeDynamoError answers as DynamoDB does: HTTP 400 for client-side errors such as
// throttling, 500 for its own failures, with the error's type and message in a JSON body.
func writeDynamoError(w http.ResponseWriter, errType string) {
	status := http.StatusBadRequest
	if errType == InternalServerError {
		status = http.StatusInternalServerError
	}
	body, _ := json.Marshal(map[string]string{"__type": errType, "message": dynamoMessages[errType]})
	writeDynamo(w, status, body)
}

// writeDynamo sends a DynamoDB answer with the headers the SDK checks: its CRC32 among them.
func writeDynamo(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.Header().Set("X-Amz-Crc32", strconv.FormatUint(uint64(crc32.ChecksumIEEE(body)), 10))
	w.Header().Set("X-Amzn-Requestid", rand.Text())
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
