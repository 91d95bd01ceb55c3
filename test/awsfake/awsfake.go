// Package awsfake is a loopback stand-in for the two AWS APIs the Lambda functions call besides
// DynamoDB (dynalite stands in for that): SQS SendMessage and Secrets Manager GetSecretValue.
// Both speak the AWS JSON protocol the SDK in go.mod uses — SQS AWS JSON 1.0 with
// X-Amz-Target "AmazonSQS.SendMessage", Secrets Manager AWS JSON 1.1 with
// "secretsmanager.GetSecretValue" — so point AWS_ENDPOINT_URL_SQS and
// AWS_ENDPOINT_URL_SECRETS_MANAGER at Server.URL. Every other operation is refused and recorded.
package awsfake

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Message is one message sent to the queue.
type Message struct {
	ID       string
	QueueURL string
	Body     string
	SentAt   time.Time
}

// Server is a running stand-in.
type Server struct {
	URL string

	queueURL string
	secrets  map[string]string
	ln       net.Listener
	http     *http.Server

	mu         sync.Mutex
	messages   []Message
	secretGets map[string]int
	problems   []string
}

// Start serves queueURL as the one existing queue and secrets (ARN → value).
func Start(queueURL string, secrets map[string]string) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("aws stand-in listen: %w", err)
	}
	s := &Server{URL: "http://" + ln.Addr().String(), queueURL: queueURL, secrets: secrets, ln: ln, secretGets: map[string]int{}}
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.http.Serve(ln) }()
	return s, nil
}

// Close stops the server.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return s.http.Shutdown(ctx)
}

// Messages returns the messages sent so far, oldest first.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// SecretReads returns how many times each secret was read.
func (s *Server) SecretReads() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.secretGets))
	for k, v := range s.secretGets {
		out[k] = v
	}
	return out
}

// Problems lists requests the stand-in refused: unsigned, unknown operations, unknown queues or
// secrets. A correctly wired function causes none.
func (s *Server) Problems() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.problems...)
}

func (s *Server) problem(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.problems = append(s.problems, fmt.Sprintf(format, args...))
}

// awsError answers in the AWS JSON error shape; SQS also names the error for query-compatible
// clients.
func awsError(w http.ResponseWriter, contentType string, status int, code, msg string) {
	w.Header().Set("Content-Type", contentType)
	if strings.HasPrefix(code, "AWS.SimpleQueueService") || code == "QueueDoesNotExist" {
		w.Header().Set("X-Amzn-Query-Error", code+";Sender")
	}
	w.WriteHeader(status)
	body, _ := json.Marshal(map[string]string{"__type": code, "message": msg})
	_, _ = w.Write(body)
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	target := r.Header.Get("X-Amz-Target")
	contentType := r.Header.Get("Content-Type")
	if r.Method != http.MethodPost || r.URL.Path != "/" {
		s.problem("%s %s: not an AWS JSON request", r.Method, r.URL.Path)
		awsError(w, "application/x-amz-json-1.0", http.StatusNotFound, "UnknownOperationException", "not an AWS JSON request")
		return
	}
	if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ") {
		s.problem("%s: request not signed with SigV4", target)
		awsError(w, contentType, http.StatusForbidden, "MissingAuthenticationTokenException", "Missing Authentication Token")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		awsError(w, contentType, http.StatusBadRequest, "SerializationException", err.Error())
		return
	}
	switch target {
	case "AmazonSQS.SendMessage":
		s.sendMessage(w, contentType, body)
	case "secretsmanager.GetSecretValue":
		s.getSecretValue(w, contentType, body)
	default:
		s.problem("unsupported operation %q", target)
		awsError(w, contentType, http.StatusBadRequest, "UnknownOperationException", "the stand-in does not serve "+target)
	}
}

func (s *Server) sendMessage(w http.ResponseWriter, contentType string, body []byte) {
	if contentType != "application/x-amz-json-1.0" {
		s.problem("SendMessage with content type %q, want application/x-amz-json-1.0", contentType)
	}
	var in struct {
		QueueURL    string `json:"QueueUrl"`
		MessageBody string `json:"MessageBody"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		awsError(w, contentType, http.StatusBadRequest, "SerializationException", err.Error())
		return
	}
	if in.QueueURL != s.queueURL {
		s.problem("SendMessage to unknown queue %q", in.QueueURL)
		awsError(w, contentType, http.StatusBadRequest, "QueueDoesNotExist", "The specified queue does not exist.")
		return
	}
	if in.MessageBody == "" || len(in.MessageBody) > 256<<10 {
		s.problem("SendMessage with a body of %d bytes", len(in.MessageBody))
		awsError(w, contentType, http.StatusBadRequest, "InvalidParameterValue", "message body must be 1 byte to 256 KiB")
		return
	}
	id := uuid()
	s.mu.Lock()
	s.messages = append(s.messages, Message{ID: id, QueueURL: in.QueueURL, Body: in.MessageBody, SentAt: time.Now()})
	s.mu.Unlock()
	checksum := md5.Sum([]byte(in.MessageBody)) // SQS's MD5OfMessageBody
	writeJSON(w, contentType, map[string]string{"MessageId": id, "MD5OfMessageBody": hex.EncodeToString(checksum[:])})
}

func (s *Server) getSecretValue(w http.ResponseWriter, contentType string, body []byte) {
	if contentType != "application/x-amz-json-1.1" {
		s.problem("GetSecretValue with content type %q, want application/x-amz-json-1.1", contentType)
	}
	var in struct {
		SecretID string `json:"SecretId"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		awsError(w, contentType, http.StatusBadRequest, "SerializationException", err.Error())
		return
	}
	value, ok := s.secrets[in.SecretID]
	s.mu.Lock()
	s.secretGets[in.SecretID]++
	s.mu.Unlock()
	if !ok {
		s.problem("GetSecretValue of unknown secret %q", in.SecretID)
		awsError(w, contentType, http.StatusBadRequest, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
		return
	}
	name := in.SecretID
	if i := strings.LastIndex(name, ":secret:"); i >= 0 {
		name = name[i+len(":secret:"):]
	}
	writeJSON(w, contentType, map[string]any{
		"ARN": in.SecretID, "Name": name, "SecretString": value, "VersionId": uuid(),
		"VersionStages": []string{"AWSCURRENT"}, "CreatedDate": float64(time.Now().Unix()),
	})
}

func writeJSON(w http.ResponseWriter, contentType string, v any) {
	body, _ := json.Marshal(v)
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("X-Amzn-RequestId", uuid())
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

func uuid() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
