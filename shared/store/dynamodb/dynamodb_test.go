package dynamodb_test

import (
	"context"
	"testing"

	"github.com/fourcsec/fourc/shared/store"
	"github.com/fourcsec/fourc/shared/store/dynamodb"
	"github.com/fourcsec/fourc/shared/store/dynamodb/dynalite"
	"github.com/fourcsec/fourc/shared/store/storetest"
)

func TestConformance(t *testing.T) {
	srv := dynalite.Start(t)
	storetest.Run(t, func(t *testing.T) store.Store {
		table := dynalite.CreateTableName(t)
		if err := dynamodb.CreateTable(context.Background(), srv.Client, table); err != nil {
			t.Fatal(err)
		}
		return dynamodb.New(srv.Client, table)
	})
}
