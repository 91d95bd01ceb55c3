package fakegithub

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
)

// lostAnswer handles the next matching requests, then loses their answers.
type lostAnswer struct {
	method, pattern string
	status          int
	remaining       int
}

// ApplyThenFail handles the next n requests matching method ("" for any) and pathPattern (as
// in FailNext) — GitHub applies them: a check run is created, annotations are appended — and
// then, instead of their answer, sends status with GitHub's error body for it, as a proxy that
// failed after the request went through would. With status 0 it sends nothing and holds the
// connection until the client gives up, as an answer lost on the way back. Either way the
// client cannot tell whether its request took effect.
func (s *Server) ApplyThenFail(method, pathPattern string, status, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lostAnswers = append(s.lostAnswers, &lostAnswer{method: method, pattern: pathPattern, status: status, remaining: n})
}

func (s *Server) takeLostAnswer(r *http.Request, apiPath string) *lostAnswer {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range s.lostAnswers {
		if l.remaining > 0 && matches(l.method, l.pattern, r, apiPath) {
			l.remaining--
			return l
		}
	}
	return nil
}

// serveLosingAnswer routes the request as usual, into a recorder that nobody reads, then
// answers as l says.
func (s *Server) serveLosingAnswer(w http.ResponseWriter, r *http.Request, apiPath string, info *requestInfo, l *lostAnswer) {
	unread := httptest.NewRecorder()
	if strings.HasPrefix(r.URL.Path, codeloadPath) {
		s.serveCodeload(unread, r)
	} else {
		s.route(unread, r, apiPath, info)
	}
	if l.status == 0 {
		readBodyAhead(r)
		<-r.Context().Done()
		return
	}
	writeFault(w, &fault{status: l.status})
}

// readBodyAhead reads the request body into memory, leaving it readable from the start. Go's
// server notices a client that hangs up, and cancels the request's context, only once the body
// is read: a request held before its body is read would otherwise be handled after the client
// gave up on it.
func readBodyAhead(r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
}
