// Package credentials is a stub of github.com/aws/aws-sdk-go-v2/credentials for tests.
package credentials

type StaticCredentialsProvider struct{ Key, Secret, Session string }

func NewStaticCredentialsProvider(key, secret, session string) StaticCredentialsProvider {
	return StaticCredentialsProvider{key, secret, session}
}
