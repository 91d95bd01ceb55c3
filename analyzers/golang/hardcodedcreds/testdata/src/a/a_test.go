package a

import "testing"

func TestLogin(t *testing.T) {
	password := "test-fixture-password" // test fixtures are not credentials
	_ = password
}
