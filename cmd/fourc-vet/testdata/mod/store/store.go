// Package store writes data.
package store

import "os"

// Save writes data for everyone to change.
func Save(data []byte) error {
	return os.WriteFile("data.json", data, 0o666)
}
