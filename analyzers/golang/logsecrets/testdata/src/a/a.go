package a

import (
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"os"
	"strings"

	"go.uber.org/zap"
	"golang.org/x/oauth2"
)

type Config struct {
	Addr       string
	DBPassword string
	TokenURL   string
}

func login(user, password string) {
	log.Printf("login %s with %s", user, password) // want `secret written to a log: password \(a\.go:21\) reaches log\.Printf \(a\.go:22\)`
	log.Printf("login %s (password length %d)", user, len(password))
	log.Println("password set:", password != "")
}

func field(cfg *Config) {
	log.Println("connecting with", cfg.DBPassword) // want `Config\.DBPassword \(a\.go:28\) reaches log\.Println`
	log.Println("listening on", cfg.Addr, "token endpoint", cfg.TokenURL)
}

func header(r *http.Request) {
	auth := r.Header.Get("Authorization")
	slog.Info("request", "auth", auth) // want `header Authorization \(a\.go:33\) reaches slog\.Info`
	slog.Info("request", "user_agent", r.Header.Get("User-Agent"))
}

func environment() {
	key := os.Getenv("STRIPE_API_KEY")
	fmt.Println("using key " + key) // want `environment variable STRIPE_API_KEY .* reaches fmt\.Println`
}

func localName() {
	apiToken := strings.TrimSpace(readFile())
	fmt.Fprintf(os.Stderr, "token: %s\n", apiToken) // want `apiToken \(a\.go:44\) reaches fmt\.Fprintf to standard output`
	fmt.Fprintf(os.Stderr, "token loaded (%d bytes)\n", len(apiToken))
}

func readFile() string { return "" }

func redact(s string) string {
	if len(s) < 4 {
		return "****"
	}
	return s[:2] + "****"
}

func redacted(secret string) {
	log.Printf("secret=%s", redact(secret))
}

func keyValue(pw string) {
	slog.Info("user created", "password", pw)            // want `a value logged under the key "password" by slog\.Info`
	slog.Warn("token rotated", slog.String("token", pw)) // want `logged under the key "token" by slog\.Warn`
	slog.Info("token rotated", "token_id", pw, "password_set", true)
}

func zapLogger(l *zap.Logger, refreshToken string) {
	l.Info("refreshed", zap.String("value", refreshToken)) // want `refreshToken .* reaches \(\*zap\.Logger\)\.Info`
	l.Info("refreshed", zap.Int("token_count", 3))
}

func wholeStruct(cfg Config, tok *oauth2.Token) {
	log.Printf("config: %+v", cfg) // want `a a\.Config value \(field DBPassword\) logged whole by log\.Printf`
	log.Printf("token: %v", tok)   // want `a oauth2\.Token value \(AccessToken\) logged whole`
}

type Credentials struct{ Secret string }

func (Credentials) String() string { return "Credentials{redacted}" }

func stringer(c Credentials) {
	log.Printf("creds: %v", c) // String hides the secret
}

func accessToken(tok *oauth2.Token) {
	log.Println("got", tok.AccessToken) // want `Token\.AccessToken .* reaches log\.Println`
	log.Println("type", tok.TokenType)
}

type APIKey string

func typed(k APIKey) {
	log.Print("key: " + string(k)) // want `value of type APIKey .* reaches log\.Print`
}

// logIt logs its parameter; callers that pass a secret are reported here.
func logIt(msg string) {
	log.Println(msg) // want `secret \(a\.go:102\) reaches log\.Println`
}

func viaHelper(secret string) {
	logIt("secret is " + secret)
	logIt("nothing to see")
}

func pageToken(nextPageToken string) {
	log.Printf("fetching page %s", nextPageToken)
}
