package bolt_test

import (
	"path/filepath"
	"testing"

	"github.com/fourcsec/fourc/shared/store"
	"github.com/fourcsec/fourc/shared/store/bolt"
	"github.com/fourcsec/fourc/shared/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := bolt.Open(filepath.Join(t.TempDir(), "fourc.db"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
