// Package dynamodb is the store for the Lambda functions: one DynamoDB table, single-table design.
//
// Items (PK, SK; GSI1PK, GSI1SK where set):
//
//	delivery      DELIVERY#<id>              #                 expires_at (epoch s; TTL attribute)
//	installation  INSTALLATIONS              INST#<id, 20 digits>
//	repo          INST#<id>                  REPO#<owner/name>
//	scan          REPO#<owner/name>          SCAN#<sha>#<variant>   GSI1: WEEK#<inst>#<yyyy-Www>, SCAN#<repo>#<sha>#<variant>
//	finding       FINDINGS#<repo>#<sha>#<variant>  F#<fingerprint>
//	summary       INST#<id>                  SUMMARY#<yyyy-Www>
//
// A week's digest queries GSI1 for the week's scans, then each scan's findings partition: key
// lookups and range reads only. Idempotency comes from conditional single-item writes (dynalite,
// the local stand-in, has no transactions), and an item whose expires_at has passed counts as
// absent because DynamoDB deletes expired items late.
package dynamodb

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	mathrand "math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fourcsec/fourc/shared/store"
)

// API is the part of the DynamoDB client the store uses; tests wrap it to inject faults.
type API interface {
	GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem(context.Context, *dynamodb.PutItemInput, ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	DeleteItem(context.Context, *dynamodb.DeleteItemInput, ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
	Query(context.Context, *dynamodb.QueryInput, ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	BatchWriteItem(context.Context, *dynamodb.BatchWriteItemInput, ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error)
}

// Store is a store.Store on one DynamoDB table.
type Store struct {
	api   API
	table string
	// batchRetries bounds retries of a batch's unprocessed items.
	batchRetries int
}

var _ store.Store = (*Store)(nil)

// New returns a store on table through api.
func New(api API, table string) *Store {
	return &Store{api: api, table: table, batchRetries: 8}
}

// Close is a no-op: the client's connections are shared and closed with the process.
func (s *Store) Close() error { return nil }

const (
	attrPK, attrSK         = "PK", "SK"
	attrGSI1PK, attrGSI1SK = "GSI1PK", "GSI1SK"
	attrExpires            = "expires_at"
	gsi1                   = "GSI1"
)

func encode(v any) (map[string]types.AttributeValue, error) {
	return attributevalue.MarshalMapWithOptions(v, func(o *attributevalue.EncoderOptions) { o.TagKey = "json" })
}

func decode(item map[string]types.AttributeValue, v any) error {
	return attributevalue.UnmarshalMapWithOptions(item, v, func(o *attributevalue.DecoderOptions) { o.TagKey = "json" })
}

func str(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

func instID(id int64) string { return fmt.Sprintf("%020d", id) }

// item encodes v and adds its keys.
func item(v any, keys ...string) (map[string]types.AttributeValue, error) {
	m, err := encode(v)
	if err != nil {
		return nil, fmt.Errorf("encode item: %w", err)
	}
	for i := 0; i+1 < len(keys); i += 2 {
		m[keys[i]] = str(keys[i+1])
	}
	return m, nil
}

func (s *Store) put(ctx context.Context, what string, it map[string]types.AttributeValue) error {
	_, err := s.api.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.table, Item: it})
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

func (s *Store) get(ctx context.Context, what, pk, sk string, v any) error {
	out, err := s.api.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: &s.table, ConsistentRead: aws.Bool(true),
		Key: map[string]types.AttributeValue{attrPK: str(pk), attrSK: str(sk)},
	})
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if out.Item == nil {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	if err := decode(out.Item, v); err != nil {
		return fmt.Errorf("%s: decode: %w", what, err)
	}
	return nil
}

// query reads every page of a key condition, on the table or an index.
func (s *Store) query(ctx context.Context, in *dynamodb.QueryInput, each func(map[string]types.AttributeValue) error) error {
	in.TableName = &s.table
	p := dynamodb.NewQueryPaginator(s.api, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, it := range page.Items {
			if err := each(it); err != nil {
				return err
			}
		}
	}
	return nil
}

func partition(pk, skPrefix string) *dynamodb.QueryInput {
	return &dynamodb.QueryInput{
		ConsistentRead:            aws.Bool(true),
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :sk)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(pk), ":sk": str(skPrefix)},
	}
}

func (s *Store) RecordDelivery(ctx context.Context, id string, now time.Time, ttl time.Duration) (bool, error) {
	first, err := s.putIfAbsent(ctx, &dynamodb.PutItemInput{
		TableName: &s.table,
		Item: map[string]types.AttributeValue{
			attrPK: str("DELIVERY#" + id), attrSK: str("#"),
			attrExpires: &types.AttributeValueMemberN{Value: strconv.FormatInt(now.Add(ttl).Unix(), 10)},
		},
		ConditionExpression:       aws.String("attribute_not_exists(PK) OR expires_at <= :now"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":now": &types.AttributeValueMemberN{Value: strconv.FormatInt(now.Unix(), 10)}},
	})
	if err != nil {
		return false, fmt.Errorf("record delivery %s: %w", id, err)
	}
	return first, nil
}

// attrWriteToken carries a random token of the conditional write that made the item.
const attrWriteToken = "write_token"

// putIfAbsent makes a conditional write and reports whether it wrote. The SDK retries a write
// whose answer was lost (a 500, a timeout) although DynamoDB may have applied it; the retry
// then fails its condition on the item the first attempt wrote. So a failed condition is
// checked against the item: when it carries this call's token, this call wrote it.
func (s *Store) putIfAbsent(ctx context.Context, in *dynamodb.PutItemInput) (bool, error) {
	token := rand.Text()
	in.Item[attrWriteToken] = str(token)
	_, err := s.api.PutItem(ctx, in)
	var failed *types.ConditionalCheckFailedException
	if !errors.As(err, &failed) {
		return err == nil, err
	}
	out, err := s.api.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: in.TableName, ConsistentRead: aws.Bool(true),
		Key:                      map[string]types.AttributeValue{attrPK: in.Item[attrPK], attrSK: in.Item[attrSK]},
		ProjectionExpression:     aws.String("#token"),
		ExpressionAttributeNames: map[string]string{"#token": attrWriteToken},
	})
	if err != nil {
		return false, fmt.Errorf("read back the item a condition refused: %w", err)
	}
	held, ok := out.Item[attrWriteToken].(*types.AttributeValueMemberS)
	return ok && held.Value == token, nil
}

func (s *Store) ForgetDelivery(ctx context.Context, id string) error {
	return s.delete(ctx, "forget delivery "+id, "DELIVERY#"+id, "#")
}

func (s *Store) PutInstallation(ctx context.Context, in store.Installation) error {
	it, err := item(in, attrPK, "INSTALLATIONS", attrSK, "INST#"+instID(in.ID))
	if err != nil {
		return err
	}
	return s.put(ctx, "put installation", it)
}

func (s *Store) GetInstallation(ctx context.Context, id int64) (store.Installation, error) {
	var in store.Installation
	err := s.get(ctx, fmt.Sprintf("get installation %d", id), "INSTALLATIONS", "INST#"+instID(id), &in)
	return in, err
}

func (s *Store) DeleteInstallation(ctx context.Context, id int64) error {
	repos, err := s.ListRepos(ctx, id)
	if err != nil {
		return err
	}
	for _, r := range repos {
		if err := s.DeleteRepo(ctx, id, r.FullName); err != nil {
			return err
		}
	}
	return s.delete(ctx, "delete installation", "INSTALLATIONS", "INST#"+instID(id))
}

func (s *Store) delete(ctx context.Context, what, pk, sk string) error {
	_, err := s.api.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName: &s.table, Key: map[string]types.AttributeValue{attrPK: str(pk), attrSK: str(sk)},
	})
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

func (s *Store) ListInstallations(ctx context.Context) ([]store.Installation, error) {
	var out []store.Installation
	err := s.query(ctx, partition("INSTALLATIONS", "INST#"), func(it map[string]types.AttributeValue) error {
		var in store.Installation
		if err := decode(it, &in); err != nil {
			return err
		}
		out = append(out, in)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list installations: %w", err)
	}
	return out, nil
}

func (s *Store) PutRepo(ctx context.Context, r store.Repo) error {
	it, err := item(r, attrPK, "INST#"+instID(r.InstallationID), attrSK, "REPO#"+r.FullName)
	if err != nil {
		return err
	}
	return s.put(ctx, "put repo", it)
}

func (s *Store) GetRepo(ctx context.Context, installationID int64, fullName string) (store.Repo, error) {
	var r store.Repo
	err := s.get(ctx, "get repo "+fullName, "INST#"+instID(installationID), "REPO#"+fullName, &r)
	return r, err
}

func (s *Store) DeleteRepo(ctx context.Context, installationID int64, fullName string) error {
	return s.delete(ctx, "delete repo", "INST#"+instID(installationID), "REPO#"+fullName)
}

func (s *Store) ListRepos(ctx context.Context, installationID int64) ([]store.Repo, error) {
	var out []store.Repo
	err := s.query(ctx, partition("INST#"+instID(installationID), "REPO#"), func(it map[string]types.AttributeValue) error {
		var r store.Repo
		if err := decode(it, &r); err != nil {
			return err
		}
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list repos of installation %d: %w", installationID, err)
	}
	return out, nil
}

func scanSK(k store.ScanKey) string { return "SCAN#" + k.SHA + "#" + k.Variant }

func findingsPK(k store.ScanKey) string { return "FINDINGS#" + k.Repo + "#" + k.SHA + "#" + k.Variant }

func (s *Store) PutScan(ctx context.Context, sc store.Scan) error {
	if err := sc.Key.Validate(); err != nil {
		return err
	}
	keys := []string{attrPK, "REPO#" + sc.Key.Repo, attrSK, scanSK(sc.Key)}
	if !sc.CompletedAt.IsZero() {
		keys = append(keys, attrGSI1PK, "WEEK#"+instID(sc.InstallationID)+"#"+sc.Week(),
			attrGSI1SK, "SCAN#"+sc.Key.Repo+"#"+sc.Key.SHA+"#"+sc.Key.Variant)
	}
	it, err := item(sc, keys...)
	if err != nil {
		return err
	}
	return s.put(ctx, "put scan "+sc.Key.String(), it)
}

func (s *Store) GetScan(ctx context.Context, k store.ScanKey) (store.Scan, error) {
	var sc store.Scan
	err := s.get(ctx, "get scan "+k.String(), "REPO#"+k.Repo, scanSK(k), &sc)
	return sc, err
}

func (s *Store) PutFindings(ctx context.Context, sc store.Scan, fs []store.StoredFinding) error {
	if err := sc.Key.Validate(); err != nil {
		return err
	}
	pk := findingsPK(sc.Key)
	// A batch may not name the same key twice.
	seen := map[string]bool{}
	var reqs []types.WriteRequest
	for i := range fs {
		id := store.FindingID(&fs[i])
		if seen[id] {
			continue
		}
		seen[id] = true
		it, err := item(fs[i], attrPK, pk, attrSK, "F#"+id)
		if err != nil {
			return err
		}
		reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: it}})
	}
	for start := 0; start < len(reqs); start += 25 {
		if err := s.batchWrite(ctx, reqs[start:min(start+25, len(reqs))]); err != nil {
			return fmt.Errorf("put findings of %s: %w", sc.Key, err)
		}
	}
	return nil
}

// batchWrite writes one batch, retrying the items DynamoDB leaves unprocessed under throttling
// with jittered exponential backoff.
func (s *Store) batchWrite(ctx context.Context, reqs []types.WriteRequest) error {
	pending := map[string][]types.WriteRequest{s.table: reqs}
	for attempt := 0; ; attempt++ {
		out, err := s.api.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: pending})
		if err != nil {
			return err
		}
		pending = out.UnprocessedItems
		if len(pending[s.table]) == 0 {
			return nil
		}
		if attempt >= s.batchRetries {
			return fmt.Errorf("%d items still unprocessed after %d attempts", len(pending[s.table]), attempt+1)
		}
		backoff := time.Duration(float64(20*time.Millisecond<<min(attempt, 6)) * (0.5 + mathrand.Float64()))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
	}
}

func (s *Store) Findings(ctx context.Context, k store.ScanKey) ([]store.StoredFinding, error) {
	var out []store.StoredFinding
	err := s.query(ctx, partition(findingsPK(k), "F#"), func(it map[string]types.AttributeValue) error {
		var f store.StoredFinding
		if err := decode(it, &f); err != nil {
			return err
		}
		out = append(out, f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("findings of %s: %w", k, err)
	}
	store.SortFindings(out)
	return out, nil
}

func (s *Store) Week(ctx context.Context, installationID int64, week string) ([]store.Scan, map[store.ScanKey][]store.StoredFinding, error) {
	var scans []store.Scan
	err := s.query(ctx, &dynamodb.QueryInput{
		IndexName:                 aws.String(gsi1),
		KeyConditionExpression:    aws.String("GSI1PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str("WEEK#" + instID(installationID) + "#" + week)},
	}, func(it map[string]types.AttributeValue) error {
		var sc store.Scan
		if err := decode(it, &sc); err != nil {
			return err
		}
		scans = append(scans, sc)
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("week %s of installation %d: %w", week, installationID, err)
	}
	findings := map[store.ScanKey][]store.StoredFinding{}
	for _, sc := range scans {
		fs, err := s.Findings(ctx, sc.Key)
		if err != nil {
			return nil, nil, err
		}
		findings[sc.Key] = fs
	}
	store.SortScans(scans)
	return scans, findings, nil
}

func (s *Store) PutSummaryIssue(ctx context.Context, si store.SummaryIssue, onlyIfAbsent bool) error {
	it, err := item(si, attrPK, "INST#"+instID(si.InstallationID), attrSK, "SUMMARY#"+si.Week)
	if err != nil {
		return err
	}
	in := &dynamodb.PutItemInput{TableName: &s.table, Item: it}
	if !onlyIfAbsent {
		return s.put(ctx, "put summary issue", it)
	}
	in.ConditionExpression = aws.String("attribute_not_exists(PK)")
	written, err := s.putIfAbsent(ctx, in)
	if err != nil {
		return fmt.Errorf("put summary issue: %w", err)
	}
	if !written {
		return fmt.Errorf("summary issue for %s: %w", si.Week, store.ErrConflict)
	}
	return nil
}

func (s *Store) GetSummaryIssue(ctx context.Context, installationID int64, week string) (store.SummaryIssue, error) {
	var si store.SummaryIssue
	err := s.get(ctx, "get summary issue", "INST#"+instID(installationID), "SUMMARY#"+week, &si)
	return si, err
}

// CreateTable makes the table with its index, as template.yaml declares it in AWS; for local use
// and tests. An existing table is left alone.
func CreateTable(ctx context.Context, client *dynamodb.Client, table string) error {
	s := func(name string) types.AttributeDefinition {
		return types.AttributeDefinition{AttributeName: aws.String(name), AttributeType: types.ScalarAttributeTypeS}
	}
	key := func(hash, rng string) []types.KeySchemaElement {
		return []types.KeySchemaElement{{AttributeName: aws.String(hash), KeyType: types.KeyTypeHash}, {AttributeName: aws.String(rng), KeyType: types.KeyTypeRange}}
	}
	_, err := client.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(table),
		BillingMode:          types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{s(attrPK), s(attrSK), s(attrGSI1PK), s(attrGSI1SK)},
		KeySchema:            key(attrPK, attrSK),
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{
			IndexName: aws.String(gsi1), KeySchema: key(attrGSI1PK, attrGSI1SK),
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		}},
	})
	var inUse *types.ResourceInUseException
	if err != nil && !errors.As(err, &inUse) && !strings.Contains(err.Error(), "already exists") {
		return fmt.Errorf("create table %s: %w", table, err)
	}
	w := dynamodb.NewTableExistsWaiter(client, func(o *dynamodb.TableExistsWaiterOptions) { o.MinDelay = 50 * time.Millisecond })
	if err := w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)}, 30*time.Second); err != nil {
		return fmt.Errorf("wait for table %s: %w", table, err)
	}
	return nil
}
