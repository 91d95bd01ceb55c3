// Package lambdaruntime is a loopback stand-in for the AWS Lambda Runtime API, the HTTP
// interface a custom runtime (a Go `bootstrap` on provided.al2023) polls for events. It lets
// the end-to-end tests and benchmarks run the real built bootstrap binaries unmodified: start
// one with AWS_LAMBDA_RUNTIME_API set to Server.Addr, then Invoke events and read the
// function's responses.
//
// Served, as documented at https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html:
//
//	GET  /2018-06-01/runtime/invocation/next          the next event (blocks until there is one)
//	POST /2018-06-01/runtime/invocation/{id}/response the function's result
//	POST /2018-06-01/runtime/invocation/{id}/error    the function's error
//	POST /2018-06-01/runtime/init/error               a failed initialisation
//
// Events go out with the Lambda-Runtime-Aws-Request-Id, Lambda-Runtime-Deadline-Ms,
// Lambda-Runtime-Invoked-Function-Arn and Lambda-Runtime-Trace-Id headers.
package lambdaruntime

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

const prefix = "/2018-06-01/runtime"

// maxPayload is Lambda's limit on a synchronous event and response (6 MB).
const maxPayload = 6 << 20

// FunctionError is what a function reports on /error or /init/error.
type FunctionError struct {
	Type       string   `json:"errorType"`
	Message    string   `json:"errorMessage"`
	StackTrace []string `json:"stackTrace,omitempty"`
}

func (e *FunctionError) Error() string { return e.Type + ": " + e.Message }

// Result is the outcome of one invocation.
type Result struct {
	RequestID string
	// Payload is the function's response; nil when it reported an error.
	Payload []byte
	// Err is the function's reported error, if any.
	Err *FunctionError
}

type invocation struct {
	id       string
	payload  []byte
	deadline time.Time
	result   chan Result
}

// Options configure a Server.
type Options struct {
	// FunctionARN goes out in Lambda-Runtime-Invoked-Function-Arn.
	FunctionARN string
	// Timeout is the function's timeout, from which each event's deadline is computed
	// (default 30 s).
	Timeout time.Duration
}

// Server is a running Runtime API.
type Server struct {
	opts Options
	ln   net.Listener
	http *http.Server

	queue chan *invocation

	mu        sync.Mutex
	inflight  map[string]*invocation
	firstNext time.Time
	ready     chan struct{} // closed on the first GET next: the function finished its init
	initErr   *FunctionError
	initFail  chan struct{} // closed when the function reports an init error
	closed    chan struct{}
	closeOnce sync.Once
	protocol  []string // breaches of the protocol by the function
}

// Start listens on a free loopback port.
func Start(opts Options) (*Server, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	if opts.FunctionARN == "" {
		opts.FunctionARN = "arn:aws:lambda:us-east-1:123456789012:function:fourc"
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("runtime API listen: %w", err)
	}
	s := &Server{
		opts: opts, ln: ln, queue: make(chan *invocation, 64), inflight: map[string]*invocation{},
		ready: make(chan struct{}), initFail: make(chan struct{}), closed: make(chan struct{}),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+prefix+"/invocation/next", s.next)
	mux.HandleFunc("POST "+prefix+"/invocation/{id}/response", s.response)
	mux.HandleFunc("POST "+prefix+"/invocation/{id}/error", s.invocationError)
	mux.HandleFunc("POST "+prefix+"/init/error", s.initError)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.breach("unknown endpoint %s %s", r.Method, r.URL.Path)
		writeJSON(w, http.StatusNotFound, map[string]string{"errorType": "NotFound", "errorMessage": "no such endpoint"})
	})
	s.http = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.http.Serve(ln) }()
	return s, nil
}

// Addr is the value for AWS_LAMBDA_RUNTIME_API (host:port).
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Ready is closed when the function first asks for an event, that is when its init is done.
func (s *Server) Ready() <-chan struct{} { return s.ready }

// ReadyAt is when the function first asked for an event (zero before).
func (s *Server) ReadyAt() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.firstNext
}

// InitFailed is closed when the function reports an init error; InitError returns it.
func (s *Server) InitFailed() <-chan struct{} { return s.initFail }

// InitError is the error the function reported on /init/error, if any.
func (s *Server) InitError() *FunctionError {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.initErr
}

// Breaches lists the function's requests that broke the protocol (unknown request ids, a
// second answer to one event, unknown endpoints).
func (s *Server) Breaches() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.protocol...)
}

func (s *Server) breach(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.protocol = append(s.protocol, fmt.Sprintf(format, args...))
}

// Invoke queues payload as an event and waits for the function's answer or ctx's end.
func (s *Server) Invoke(ctx context.Context, payload []byte) (Result, error) {
	if len(payload) > maxPayload {
		return Result{}, fmt.Errorf("event of %d bytes is over Lambda's %d", len(payload), maxPayload)
	}
	inv := &invocation{id: requestID(), payload: append([]byte(nil), payload...), result: make(chan Result, 1)}
	select {
	case s.queue <- inv:
	case <-ctx.Done():
		return Result{}, ctx.Err()
	case <-s.closed:
		return Result{}, errors.New("runtime API closed")
	}
	select {
	case r := <-inv.result:
		return r, nil
	case <-ctx.Done():
		return Result{}, fmt.Errorf("invocation %s: %w", inv.id, ctx.Err())
	case <-s.initFail:
		return Result{}, fmt.Errorf("function failed its init: %v", s.InitError())
	case <-s.closed:
		return Result{}, errors.New("runtime API closed")
	}
}

// Close stops the server; a function blocked on next gets an error and exits, as when Lambda
// shuts an execution environment down.
func (s *Server) Close() error {
	s.closeOnce.Do(func() { close(s.closed) })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return s.http.Shutdown(ctx)
}

func (s *Server) next(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.firstNext.IsZero() {
		s.firstNext = time.Now()
		close(s.ready)
	}
	s.mu.Unlock()
	var inv *invocation
	select {
	case inv = <-s.queue:
	case <-r.Context().Done():
		return
	case <-s.closed:
		writeJSON(w, http.StatusGone, map[string]string{"errorType": "Runtime.Shutdown", "errorMessage": "shutting down"})
		return
	}
	inv.deadline = time.Now().Add(s.opts.Timeout)
	s.mu.Lock()
	s.inflight[inv.id] = inv
	s.mu.Unlock()
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
	h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(inv.deadline.UnixMilli(), 10))
	h.Set("Lambda-Runtime-Invoked-Function-Arn", s.opts.FunctionARN)
	h.Set("Lambda-Runtime-Trace-Id", "Root=1-"+strconv.FormatInt(time.Now().Unix(), 16)+"-"+inv.id[:24]+";Parent=0000000000000000;Sampled=0")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(inv.payload)
}

// take removes the in-flight invocation id, recording a breach when there is none.
func (s *Server) take(w http.ResponseWriter, r *http.Request) (*invocation, bool) {
	id := r.PathValue("id")
	s.mu.Lock()
	inv, ok := s.inflight[id]
	delete(s.inflight, id)
	s.mu.Unlock()
	if !ok {
		s.breach("%s for request id %q, which is not in flight", r.URL.Path, id)
		writeJSON(w, http.StatusBadRequest, map[string]string{"errorType": "InvalidRequestID", "errorMessage": "unknown request id"})
	}
	return inv, ok
}

func (s *Server) response(w http.ResponseWriter, r *http.Request) {
	inv, ok := s.take(w, r)
	if !ok {
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxPayload+1))
	if err != nil {
		inv.result <- Result{RequestID: inv.id, Err: &FunctionError{Type: "Runtime.ResponseReadFailed", Message: err.Error()}}
		writeJSON(w, http.StatusBadRequest, map[string]string{"errorType": "ReadFailed", "errorMessage": err.Error()})
		return
	}
	if len(body) > maxPayload {
		inv.result <- Result{RequestID: inv.id, Err: &FunctionError{Type: "Function.ResponseSizeTooLarge", Message: "response over 6 MB"}}
		writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"errorType": "RequestEntityTooLarge", "errorMessage": "response over 6 MB"})
		return
	}
	inv.result <- Result{RequestID: inv.id, Payload: body}
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "OK"})
}

func (s *Server) invocationError(w http.ResponseWriter, r *http.Request) {
	inv, ok := s.take(w, r)
	if !ok {
		return
	}
	inv.result <- Result{RequestID: inv.id, Err: readError(r)}
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "OK"})
}

func (s *Server) initError(w http.ResponseWriter, r *http.Request) {
	fe := readError(r)
	s.mu.Lock()
	first := s.initErr == nil
	if first {
		s.initErr = fe
	}
	s.mu.Unlock()
	if first {
		close(s.initFail)
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "OK"})
}

func readError(r *http.Request) *FunctionError {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	fe := &FunctionError{}
	if err := json.Unmarshal(body, fe); err != nil || fe.Type == "" && fe.Message == "" {
		fe = &FunctionError{Type: r.Header.Get("Lambda-Runtime-Function-Error-Type"), Message: string(body)}
	}
	return fe
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// requestID makes an id shaped like Lambda's (a UUID).
func requestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// Function is a bootstrap binary running against a Server.
type Function struct {
	Cmd *exec.Cmd
	// Started is when the process was started.
	Started time.Time
	output  *lockedBuffer
	done    chan struct{}
	err     error
}

// StartFunction runs the bootstrap bin with env plus AWS_LAMBDA_RUNTIME_API (and nothing else
// from this process's environment).
func (s *Server) StartFunction(bin string, env []string) (*Function, error) {
	cmd := exec.Command(bin)
	cmd.Env = append(append([]string{}, env...), "AWS_LAMBDA_RUNTIME_API="+s.Addr())
	f := &Function{Cmd: cmd, output: &lockedBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = f.output, f.output
	cmd.SysProcAttr = sysProcAttr()
	f.Started = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	go func() {
		f.err = cmd.Wait()
		close(f.done)
	}()
	return f, nil
}

// Output is what the function wrote to stdout and stderr so far (Lambda sends both to logs).
func (f *Function) Output() string { return f.output.String() }

// Exited is closed when the process has exited; Err then tells how.
func (f *Function) Exited() <-chan struct{} { return f.done }

// Err is the process's exit error, after Exited.
func (f *Function) Err() error { return f.err }

// Stop ends the process (SIGKILL, as Lambda ends an environment) and waits for it.
func (f *Function) Stop() {
	select {
	case <-f.done:
		return
	default:
	}
	_ = f.Cmd.Process.Kill()
	<-f.done
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Environ returns the variables a function needs to run here beyond its own settings: dummy
// AWS credentials and region, and nothing from ~/.aws or the instance metadata service.
func Environ() []string {
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"TMPDIR=" + os.TempDir(),
		"AWS_REGION=us-east-1",
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_ACCESS_KEY_ID=AKIDLOCALSTANDIN",
		"AWS_SECRET_ACCESS_KEY=local-stand-in-secret",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=" + filepath.Join(os.TempDir(), "fourc-no-aws-config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(os.TempDir(), "fourc-no-aws-credentials"),
		"AWS_LAMBDA_FUNCTION_NAME=fourc",
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256",
	}
}
