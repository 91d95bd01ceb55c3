package lambdaruntime_test

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fourcsec/fourc/test/lambdaruntime"
)

// TestProtocol plays the function's side of the Runtime API by hand: next, then a response or
// an error, with the headers a runtime relies on.
func TestProtocol(t *testing.T) {
	rt, err := lambdaruntime.Start(lambdaruntime.Options{FunctionARN: "arn:aws:lambda:us-east-1:123456789012:function:f", Timeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	base := "http://" + rt.Addr() + "/2018-06-01/runtime"
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	for _, tc := range []struct {
		name, answer, body string
		wantErr            bool
	}{
		{"response", "response", `{"ok":true}`, false},
		{"error", "error", `{"errorType":"Boom","errorMessage":"it broke"}`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			type outcome struct {
				r   lambdaruntime.Result
				err error
			}
			done := make(chan outcome, 1)
			go func() {
				r, err := rt.Invoke(ctx, []byte(`{"event":"`+tc.name+`"}`))
				done <- outcome{r, err}
			}()
			resp, err := http.Get(base + "/invocation/next")
			if err != nil {
				t.Fatal(err)
			}
			payload, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			id := resp.Header.Get("Lambda-Runtime-Aws-Request-Id")
			deadline, _ := strconv.ParseInt(resp.Header.Get("Lambda-Runtime-Deadline-Ms"), 10, 64)
			if id == "" || resp.Header.Get("Lambda-Runtime-Invoked-Function-Arn") != "arn:aws:lambda:us-east-1:123456789012:function:f" ||
				time.Until(time.UnixMilli(deadline)) <= 0 || time.Until(time.UnixMilli(deadline)) > 3*time.Second {
				t.Fatalf("next headers %v", resp.Header)
			}
			if string(payload) != `{"event":"`+tc.name+`"}` {
				t.Fatalf("payload %q", payload)
			}
			post, err := http.Post(base+"/invocation/"+id+"/"+tc.answer, "application/json", strings.NewReader(tc.body))
			if err != nil || post.StatusCode != http.StatusAccepted {
				t.Fatalf("post %s: %v %v", tc.answer, post, err)
			}
			post.Body.Close()
			o := <-done
			if o.err != nil || o.r.RequestID != id {
				t.Fatalf("Invoke: %+v %v", o.r, o.err)
			}
			if tc.wantErr != (o.r.Err != nil) || !tc.wantErr && string(o.r.Payload) != tc.body {
				t.Errorf("result %+v (error %v)", o.r, o.r.Err)
			}
			if tc.wantErr && (o.r.Err.Type != "Boom" || o.r.Err.Message != "it broke") {
				t.Errorf("error %+v", o.r.Err)
			}
		})
	}
	if b := rt.Breaches(); len(b) != 0 {
		t.Errorf("breaches: %v", b)
	}
	// A second answer to a finished invocation is a breach; so is an init error, reported.
	post, err := http.Post(base+"/invocation/not-in-flight/response", "application/json", strings.NewReader("{}"))
	if err != nil || post.StatusCode != http.StatusBadRequest {
		t.Fatalf("answer for an unknown id: %v %v", post, err)
	}
	post.Body.Close()
	if b := rt.Breaches(); len(b) != 1 {
		t.Errorf("breaches %v, want the unknown id", b)
	}
	post, err = http.Post(base+"/init/error", "application/json", strings.NewReader(`{"errorType":"Runtime.ExitError","errorMessage":"no config"}`))
	if err != nil || post.StatusCode != http.StatusAccepted {
		t.Fatalf("init error: %v %v", post, err)
	}
	post.Body.Close()
	select {
	case <-rt.InitFailed():
	case <-time.After(time.Second):
		t.Fatal("init error not reported")
	}
	if e := rt.InitError(); e == nil || e.Message != "no config" {
		t.Errorf("init error %+v", e)
	}
}
