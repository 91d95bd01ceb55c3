package a

import (
	"database/sql"
	"os"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/oauth2"
)

const apiKey = "sk_live_4eC39HqLyjWDarjtT1zdp7dc" // want `apiKey is set to a hard-coded credential`

const (
	PasswordField = "password" // a form field name
	TokenHeader   = "X-Auth-Token"
	tokenURL      = "https://oauth.example.com/token"
)

var dbPassword = "s3cr3t-Pa55" // want `dbPassword is set to a hard-coded credential`

type Config struct {
	User     string
	Password string
	APIToken string
}

func configs() []Config {
	return []Config{
		{User: "admin", Password: "hunter22"},                  // want `Password is set to a hard-coded credential`
		{User: "admin", Password: os.Getenv("PASS")},           // from the environment: fine
		{User: "admin", Password: ""},                          // empty: fine
		{User: "admin", Password: "changeme"},                  // placeholder: fine
		{User: "admin", Password: "${DB_PASSWORD}"},            // template: fine
		{APIToken: "ghp_16C7e42F292c6912E7710c838347Ae178B4a"}, // want `APIToken is set to a hard-coded credential`
	}
}

func assign(c *Config) {
	c.Password = "P@ssw0rd!"          // want `Password is set to a hard-coded credential`
	secret := "correct-horse-battery" // want `secret is set to a hard-coded credential`
	_ = secret
	message := "invalid password for user" // not a credential name, and a sentence
	_ = message
	passwordPrompt := "Enter password:" // describes a password
	_ = passwordPrompt
}

func compare(password string) bool {
	return password == "letmein123" // want `password is set to a hard-coded credential`
}

func maps() map[string]string {
	return map[string]string{
		"password": "qwerty12345", // want `password is set to a hard-coded credential`
		"username": "admin",
	}
}

func dsns() {
	sql.Open("postgres", "postgres://app:Sup3rS3cret@db.internal:5432/app") // want `the connection string contains an inline password`
	sql.Open("mysql", "app:pw@tcp(localhost:3306)/app")                     // want `the connection string contains an inline password`
	sql.Open("postgres", "host=db user=app password=hunter2 dbname=app")    // want `the connection string contains an inline password`
	sql.Open("postgres", "postgres://app@db.internal:5432/app")             // no password: fine
	sql.Open("postgres", "postgres://app:${DB_PASS}@db/app")                // template: fine
	sql.Open("postgres", "postgres://user:password@localhost/app")          // documentation placeholder: fine
	sql.Open("mysql", "user:pass@tcp(localhost:3306)/app")                  // documentation placeholder: fine
	sql.Open("postgres", "host=db user=app password=… dbname=app")          // elided: fine
	sql.Open("postgres", os.Getenv("DATABASE_URL"))
}

func aws() {
	credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY", "") // want `AWS credentials are hard-coded`
	credentials.NewStaticCredentialsProvider(os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY"), "")
}

func oauth() *oauth2.Config {
	return &oauth2.Config{
		ClientID:     "my-client",
		ClientSecret: "GOCSPX-1a2b3c4d5e6f7g8h", // want `ClientSecret is set to a hard-coded credential`
		Endpoint:     oauth2.Endpoint{TokenURL: tokenURL},
	}
}

var signingKey = []byte("jwt-signing-secret") // want `signingKey is set to a hard-coded credential`

var hmacMaterial = []byte("not-named-like-a-key") // want `the JWT signing key is a hard-coded string`

func sign(claims jwt.MapClaims) (string, string) {
	a, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(signingKey) // reported at the declaration
	b, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(hmacMaterial)
	return a, b
}

func signInline(claims jwt.MapClaims) string {
	s, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte("inline")) // want `the JWT signing key is a hard-coded string`
	return s
}

func verify(s string) {
	jwt.Parse(s, func(t *jwt.Token) (interface{}, error) {
		return []byte("verify-me"), nil // want `the JWT verification key is a hard-coded string`
	})
}
