// Package awsapp wires the App to real AWS services for the Lambda functions: DynamoDB, SQS and
// Secrets Manager, built once per container so warm invocations reuse clients and secrets.
package awsapp

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/fourcsec/fourc/shared/app"
	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/githubapp"
	sqsqueue "github.com/fourcsec/fourc/shared/queue/sqs"
	ddbstore "github.com/fourcsec/fourc/shared/store/dynamodb"
)

// Settings are the functions' environment, as template.yaml sets it.
type Settings struct {
	Table               string // FOURC_TABLE
	QueueURL            string // FOURC_QUEUE_URL
	GitHubURL           string // FOURC_GITHUB_URL
	AppID               int64  // FOURC_APP_ID
	PrivateKeySecretARN string // FOURC_PRIVATE_KEY_SECRET_ARN
	WebhookSecretARN    string // FOURC_WEBHOOK_SECRET_ARN
}

// SettingsFromEnv reads and checks the environment.
func SettingsFromEnv(getenv func(string) string) (Settings, error) {
	s := Settings{
		Table: getenv("FOURC_TABLE"), QueueURL: getenv("FOURC_QUEUE_URL"), GitHubURL: getenv("FOURC_GITHUB_URL"),
		PrivateKeySecretARN: getenv("FOURC_PRIVATE_KEY_SECRET_ARN"), WebhookSecretARN: getenv("FOURC_WEBHOOK_SECRET_ARN"),
	}
	id, err := strconv.ParseInt(getenv("FOURC_APP_ID"), 10, 64)
	if err != nil || id <= 0 {
		return s, fmt.Errorf("FOURC_APP_ID must be the App's numeric id")
	}
	s.AppID = id
	for name, v := range map[string]string{"FOURC_TABLE": s.Table, "FOURC_PRIVATE_KEY_SECRET_ARN": s.PrivateKeySecretARN} {
		if v == "" {
			return s, fmt.Errorf("%s is not set", name)
		}
	}
	if s.GitHubURL == "" {
		s.GitHubURL = "https://api.github.com"
	}
	return s, nil
}

// New builds the App with real clients. The webhook function needs the queue and webhook secret;
// the others may leave them empty.
func New(ctx context.Context, s Settings, scanners []engine.Scanner, version string) (*app.App, error) {
	cfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("AWS config: %w", err)
	}
	secrets := secretsmanager.NewFromConfig(cfg)
	key, err := secretString(ctx, secrets, s.PrivateKeySecretARN)
	if err != nil {
		return nil, fmt.Errorf("read the App's private key: %w", err)
	}
	gh, err := githubapp.New(githubapp.Options{BaseURL: s.GitHubURL, AppID: s.AppID, PrivateKey: []byte(key), UserAgent: "fourc/" + version})
	if err != nil {
		return nil, fmt.Errorf("GitHub client: %w", err)
	}
	a := &app.App{
		GitHub:   gh,
		Store:    ddbstore.New(dynamodb.NewFromConfig(cfg), s.Table),
		Queue:    sqsqueue.NewSender(sqs.NewFromConfig(cfg), s.QueueURL),
		Log:      slog.New(slog.NewJSONHandler(os.Stdout, nil)),
		Scanners: scanners,
		Version:  version,
		WorkDir:  os.TempDir(),
	}
	if s.WebhookSecretARN != "" {
		cache := &secretCache{client: secrets, arn: s.WebhookSecretARN, ttl: 5 * time.Minute}
		if _, err := cache.load(ctx); err != nil {
			return nil, fmt.Errorf("read the webhook secret: %w", err)
		}
		a.WebhookSecrets = func() [][]byte { return cache.get(a.Log) }
	} else {
		a.WebhookSecrets = func() [][]byte { return nil }
	}
	if err := a.Init(); err != nil {
		return nil, err
	}
	return a, nil
}

func secretString(ctx context.Context, c *secretsmanager.Client, arn string) (string, error) {
	out, err := c.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(arn)})
	if err != nil {
		return "", err
	}
	if out.SecretString == nil {
		return string(out.SecretBinary), nil
	}
	return *out.SecretString, nil
}

// secretCache keeps the webhook secrets for a few minutes, so a rotation in Secrets Manager
// reaches warm containers without a redeploy and without a call per webhook.
type secretCache struct {
	client  *secretsmanager.Client
	arn     string
	ttl     time.Duration
	mu      sync.Mutex
	secrets [][]byte
	fetched time.Time
}

func (c *secretCache) load(ctx context.Context) ([][]byte, error) {
	v, err := secretString(ctx, c.client, c.arn)
	if err != nil {
		return nil, err
	}
	secrets := githubapp.ParseSecrets(v)
	c.mu.Lock()
	c.secrets, c.fetched = secrets, time.Now()
	c.mu.Unlock()
	return secrets, nil
}

func (c *secretCache) get(log *slog.Logger) [][]byte {
	c.mu.Lock()
	secrets, stale := c.secrets, time.Since(c.fetched) > c.ttl
	c.mu.Unlock()
	if stale {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if fresh, err := c.load(ctx); err == nil {
			return fresh
		} else {
			log.Warn("webhook secret refresh failed; using the cached one", "error", err.Error())
		}
	}
	return secrets
}
