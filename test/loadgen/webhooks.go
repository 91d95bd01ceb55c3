package loadgen

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/fourcsec/fourc/test/webhooks"
)

// Kind is what a delivery of a webhook mix is.
type Kind int

const (
	// Valid is a genuine delivery with a delivery id of its own.
	Valid Kind = iota
	// Forged carries a signature that does not match its body and secret.
	Forged
	// Duplicate re-sends a valid delivery already answered, byte for byte and with the same
	// delivery id, as GitHub's redeliveries do.
	Duplicate
)

func (k Kind) String() string {
	switch k {
	case Valid:
		return "valid"
	case Forged:
		return "forged"
	case Duplicate:
		return "duplicate"
	}
	return fmt.Sprintf("kind %d", int(k))
}

// Template is a webhook body the mix sends many times, each valid send with its own delivery
// id. Its signature is computed once.
type Template struct {
	Event string
	Body  []byte
}

// Delivery is one request of a mix and its answer.
type Delivery struct {
	Kind     Kind
	ID       string // X-GitHub-Delivery
	Template int    // index in the mix's templates
	// Forgery names how a forged delivery is forged.
	Forgery string
	Status  int // 0 when no answer came
	Body    string
	Err     error
	Latency time.Duration // from the scheduled send to the answer
}

// Forgeries are the ways a forged delivery is made, used in turn.
var Forgeries = []string{"wrong secret", "body altered after signing", "no signature", "SHA-1 signature", "truncated signature"}

// WebhookMix builds deliveries to a webhook endpoint: by default genuine ones, each template in
// turn; a share of them forged, and a share re-sending a valid delivery already answered. Build
// it with NewWebhookMix; Request is an OpenLoop Builder and Record its answered callback.
type WebhookMix struct {
	url, secret string
	templates   []Template
	signatures  []string
	forged, dup float64
	idPrefix    string

	mu         sync.Mutex
	rng        *rand.Rand
	deliveries []Delivery
	position   map[int]int // a request's index in the run → its place in deliveries
	nextValid  int
	forgeries  int
	// answered are the indexes of valid deliveries answered 2xx, which duplicates re-send: a
	// re-send of one still in flight would race its original for the dedupe record.
	answered []int
}

// MixOptions configure a webhook mix.
type MixOptions struct {
	URL    string // the webhook endpoint
	Secret string // the App's webhook secret
	// ForgedShare and DuplicateShare are the shares (0..1) of forged and duplicate deliveries.
	ForgedShare, DuplicateShare float64
	// IDPrefix starts every delivery id, so runs against one store never share ids.
	IDPrefix string
	// Seed makes the sequence of kinds repeatable.
	Seed uint64
}

// NewWebhookMix makes a mix over templates.
func NewWebhookMix(o MixOptions, templates []Template) (*WebhookMix, error) {
	if len(templates) == 0 {
		return nil, fmt.Errorf("loadgen: a webhook mix needs a template")
	}
	if o.ForgedShare < 0 || o.DuplicateShare < 0 || o.ForgedShare+o.DuplicateShare >= 1 {
		return nil, fmt.Errorf("loadgen: forged %.2f and duplicate %.2f shares must leave room for valid deliveries", o.ForgedShare, o.DuplicateShare)
	}
	m := &WebhookMix{url: o.URL, secret: o.Secret, templates: templates, forged: o.ForgedShare, dup: o.DuplicateShare,
		idPrefix: o.IDPrefix, rng: rand.New(rand.NewPCG(o.Seed, 0x6c6f6164)), position: map[int]int{}}
	for _, t := range templates {
		m.signatures = append(m.signatures, webhooks.Sign(o.Secret, t.Body))
	}
	return m, nil
}

// Request builds the delivery of the run's i-th request.
func (m *WebhookMix) Request(ctx context.Context, i int) (*http.Request, error) {
	m.mu.Lock()
	if _, ok := m.position[i]; ok {
		m.mu.Unlock()
		return nil, fmt.Errorf("loadgen: delivery %d requested twice", i)
	}
	d := Delivery{Kind: Valid, ID: fmt.Sprintf("%s%08d", m.idPrefix, i)}
	switch r := m.rng.Float64(); {
	case r < m.forged:
		d.Kind = Forged
	case r < m.forged+m.dup && len(m.answered) > 0:
		d = m.deliveries[m.answered[m.rng.IntN(len(m.answered))]]
		d.Kind, d.Status, d.Body, d.Err, d.Latency = Duplicate, 0, "", nil, 0
	}
	if d.Kind != Duplicate {
		d.Template = m.nextValid % len(m.templates)
		m.nextValid++
	}
	if d.Kind == Forged {
		d.Forgery = Forgeries[m.forgeries%len(Forgeries)]
		m.forgeries++
	}
	m.position[i] = len(m.deliveries)
	m.deliveries = append(m.deliveries, d)
	m.mu.Unlock()

	tmpl := m.templates[d.Template]
	body, signature := tmpl.Body, m.signatures[d.Template]
	if d.Kind == Forged {
		body, signature = forge(d.Forgery, m.secret, tmpl.Body, signature)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	wh := webhooks.Delivery{Event: tmpl.Event, ID: d.ID, Body: body, Signature: signature}
	for k, v := range wh.Headers() {
		if v != "" {
			req.Header.Set(k, v)
		}
	}
	return req, nil
}

// forge returns the body and signature of a forged delivery.
func forge(how, secret string, body []byte, signature string) ([]byte, string) {
	switch how {
	case "wrong secret":
		return body, webhooks.Sign(secret+" (guessed)", body)
	case "body altered after signing":
		altered := bytes.Replace(body, []byte(`"action":"`), []byte(`"action":"x`), 1)
		if bytes.Equal(altered, body) {
			altered = append(bytes.Clone(body), ' ')
		}
		return altered, signature
	case "no signature":
		return body, ""
	case "SHA-1 signature":
		return body, "sha1=" + strings.TrimPrefix(signature, "sha256=")[:40]
	default: // truncated signature
		return body, signature[:len(signature)-2]
	}
}

// Record stores an answer; it is OpenLoop's answered callback.
func (m *WebhookMix) Record(a Answer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	pos, ok := m.position[a.Index]
	if !ok {
		return
	}
	d := &m.deliveries[pos]
	d.Status, d.Body, d.Err, d.Latency = a.Status, a.Body, a.Err, a.Latency
	if d.Kind == Valid && a.Status >= 200 && a.Status < 300 {
		m.answered = append(m.answered, pos)
	}
}

// Deliveries returns every delivery built so far with its answer, in the order sent.
func (m *WebhookMix) Deliveries() []Delivery {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Delivery(nil), m.deliveries...)
}

// Tally counts a mix's answers as a report states them.
type Tally struct {
	Sent map[Kind]int
	// Accepted are valid deliveries answered 2xx.
	Accepted int
	// Rejected are forged deliveries answered 401 or 403.
	Rejected int
	// Suppressed are duplicates answered 200 as a duplicate delivery; DuplicatesOther the
	// duplicates answered otherwise (2xx for events the App ignores without deduplicating).
	Suppressed, DuplicatesOther int
	// ServerErrors are 5xx answers; NoAnswer requests that got none.
	ServerErrors, NoAnswer int
}

// Tally counts the answers so far.
func (m *WebhookMix) Tally() Tally {
	t := Tally{Sent: map[Kind]int{}}
	for _, d := range m.Deliveries() {
		t.Sent[d.Kind]++
		switch {
		case d.Status == 0:
			t.NoAnswer++
		case d.Status >= 500:
			t.ServerErrors++
		case d.Kind == Valid && d.Status >= 200 && d.Status < 300:
			t.Accepted++
		case d.Kind == Forged && (d.Status == http.StatusUnauthorized || d.Status == http.StatusForbidden):
			t.Rejected++
		case d.Kind == Duplicate && d.Status == http.StatusOK && d.Body == "duplicate delivery":
			t.Suppressed++
		case d.Kind == Duplicate:
			t.DuplicatesOther++
		}
	}
	return t
}
