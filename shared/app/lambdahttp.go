package app

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// LambdaHTTP adapts an http.Handler to API Gateway HTTP API (payload format 2.0) events, the
// same shape Function URLs use, so the webhook Lambda serves the handler `fourc serve` serves.
func LambdaHTTP(h http.Handler) func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	return func(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		body := []byte(ev.Body)
		if ev.IsBase64Encoded {
			decoded, err := base64.StdEncoding.DecodeString(ev.Body)
			if err != nil {
				return events.APIGatewayV2HTTPResponse{StatusCode: http.StatusBadRequest, Body: "body is not valid base64\n"}, nil
			}
			body = decoded
		}
		path := ev.RawPath
		if path == "" {
			path = "/"
		}
		if ev.RawQueryString != "" {
			path += "?" + ev.RawQueryString
		}
		method := ev.RequestContext.HTTP.Method
		if method == "" {
			method = http.MethodPost
		}
		req, err := http.NewRequestWithContext(ctx, method, path, bytes.NewReader(body))
		if err != nil {
			return events.APIGatewayV2HTTPResponse{}, fmt.Errorf("build request: %w", err)
		}
		for k, v := range ev.Headers {
			// API Gateway joins repeated headers with commas and lower-cases names.
			req.Header.Set(k, v)
		}
		req.RemoteAddr = ev.RequestContext.HTTP.SourceIP
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		headers := map[string]string{}
		for k, v := range rec.Header() {
			headers[k] = strings.Join(v, ", ")
		}
		return events.APIGatewayV2HTTPResponse{StatusCode: rec.Code, Headers: headers, Body: rec.Body.String()}, nil
	}
}
