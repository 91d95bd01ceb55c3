package awsfake_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/fourcsec/fourc/test/awsfake"
)

const queue = "https://sqs.us-east-1.amazonaws.com/123456789012/q"

// TestSDKClients drives the stand-in with the SDK clients of go.mod, as the functions do.
func TestSDKClients(t *testing.T) {
	srv, err := awsfake.Start(queue, map[string]string{"arn:aws:secretsmanager:us-east-1:123456789012:secret:app-key-AbCdEf": "PEM"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")}
	ctx := context.Background()

	q := sqs.NewFromConfig(cfg, func(o *sqs.Options) { o.BaseEndpoint = aws.String(srv.URL) })
	out, err := q.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(queue), MessageBody: aws.String(`{"kind":"branch"}`)})
	if err != nil {
		t.Fatalf("SendMessage: %v", err)
	}
	sum := md5.Sum([]byte(`{"kind":"branch"}`))
	if aws.ToString(out.MD5OfMessageBody) != hex.EncodeToString(sum[:]) || aws.ToString(out.MessageId) == "" {
		t.Errorf("SendMessage answer %+v", out)
	}
	if _, err := q.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(queue + "-missing"), MessageBody: aws.String("x")}); err == nil {
		t.Error("SendMessage to an unknown queue succeeded")
	}
	if msgs := srv.Messages(); len(msgs) != 1 || msgs[0].Body != `{"kind":"branch"}` {
		t.Errorf("messages %+v", msgs)
	}

	sm := secretsmanager.NewFromConfig(cfg, func(o *secretsmanager.Options) { o.BaseEndpoint = aws.String(srv.URL) })
	v, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("arn:aws:secretsmanager:us-east-1:123456789012:secret:app-key-AbCdEf")})
	if err != nil || aws.ToString(v.SecretString) != "PEM" || aws.ToString(v.Name) != "app-key-AbCdEf" {
		t.Fatalf("GetSecretValue: %+v %v", v, err)
	}
	_, err = sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("missing")})
	var nf *smtypes.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("GetSecretValue of a missing secret: %v, want ResourceNotFoundException", err)
	}
	if p := srv.Problems(); len(p) != 2 {
		t.Errorf("problems %v, want the unknown queue and the missing secret", p)
	}
}
