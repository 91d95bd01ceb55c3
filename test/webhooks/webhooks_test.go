package webhooks_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/fourcsec/fourc/test/webhooks"
)

func TestRewrite(t *testing.T) {
	for _, tc := range []struct {
		name    string
		fields  map[string]any
		wantErr string
		check   func(t *testing.T, m map[string]any)
	}{
		{
			name:   "nested fields and numbers",
			fields: map[string]any{"installation.id": int64(4242), "pull_request.head.sha": "abc", "number": 7},
			check: func(t *testing.T, m map[string]any) {
				body, err := webhooks.Encode(m)
				if err != nil {
					t.Fatal(err)
				}
				for _, want := range []string{`"installation":{"id":4242`, `"number":7,`, `"sha":"abc"`} {
					if !strings.Contains(string(body), want) {
						t.Errorf("encoded payload lacks %s", want)
					}
				}
			},
		},
		{
			name:   "list element",
			fields: map[string]any{"pull_request.labels.0.name": "security"},
			check: func(t *testing.T, m map[string]any) {
				if v, err := webhooks.Get(m, "pull_request.labels.0.name"); err != nil || v != "security" {
					t.Errorf("label = %v, %v", v, err)
				}
			},
		},
		{name: "field GitHub does not send", fields: map[string]any{"pull_request.head.invented": 1}, wantErr: `no field "invented"`},
		{name: "missing parent", fields: map[string]any{"nope.id": 1}, wantErr: `nope: no field "nope"`},
		{name: "index out of range", fields: map[string]any{"pull_request.labels.9.name": "x"}, wantErr: "no element"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := webhooks.Example("pull_request", "opened", "installation.id", "pull_request.labels.0.name")
			if err != nil {
				t.Fatal(err)
			}
			err = webhooks.Rewrite(m, tc.fields)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Rewrite error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, m)
		})
	}
}

// TestEncodeKeepsNumbers checks that a decoded example re-encodes its ids exactly (no float
// rounding of large integers).
func TestEncodeKeepsNumbers(t *testing.T) {
	all, err := webhooks.Examples("installation")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range all {
		id, err := webhooks.Get(m, "installation.id")
		if err != nil {
			t.Fatal(err)
		}
		body, err := webhooks.Encode(m)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(body), `"id":`+string(id.(json.Number))) {
			t.Errorf("installation id %s not re-encoded as is", id)
		}
	}
}

// TestNodeAgrees signs bodies with this package and with @octokit/webhooks-methods.
func TestNodeAgrees(t *testing.T) {
	bodies := []string{`{"zen":"Keep it logically awesome."}`, `{"emoji":"✅ ünïcödé"}`, "Hello, World!"}
	var ds []webhooks.Delivery
	for _, b := range bodies {
		ds = append(ds, webhooks.Delivery{Body: []byte(b), Signature: webhooks.Sign("It's a Secret to Everybody", []byte(b))})
	}
	ds = append(ds, webhooks.Delivery{Body: []byte(bodies[0]), Signature: webhooks.Sign("wrong", []byte(bodies[0]))})
	res, err := webhooks.CrossCheck(ds, "It's a Secret to Everybody")
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res[:len(bodies)] {
		if r.Signature != ds[i].Signature || !r.Verified {
			t.Errorf("body %d: octokit %s (verified %v), ours %s", i, r.Signature, r.Verified, ds[i].Signature)
		}
	}
	if res[len(bodies)].Verified {
		t.Error("octokit verified a signature made with another secret")
	}
	// GitHub's documented test vector.
	if got := webhooks.Sign("It's a Secret to Everybody", []byte("Hello, World!")); got != "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17" {
		t.Errorf("test vector: %s", got)
	}
}
