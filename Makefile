# fourc — see README.md. `make run` and `make test` are all a fresh machine needs.
SHELL := /bin/bash
GO ?= go
export GOTOOLCHAIN := local
BIN := $(CURDIR)/bin
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)

.PHONY: all build run test lint bench fmt clean docs lambdas build-WebhookFunction build-SummaryFunction

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/fourc ./cmd/fourc
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/fourc-vet ./cmd/fourc-vet

# Lambda bootstraps for provided.al2023 on arm64. `sam build` calls build-<LogicalId> with
# ARTIFACTS_DIR set; `make lambdas` builds them for this machine into bin/lambda for the tests.
LAMBDA_ENV := CGO_ENABLED=0
LAMBDA_FLAGS := -tags lambda.norpc -trimpath -ldflags '$(LDFLAGS)'
build-WebhookFunction:
	$(LAMBDA_ENV) GOOS=linux GOARCH=arm64 $(GO) build $(LAMBDA_FLAGS) -o $(ARTIFACTS_DIR)/bootstrap ./functions/webhook
build-SummaryFunction:
	$(LAMBDA_ENV) GOOS=linux GOARCH=arm64 $(GO) build $(LAMBDA_FLAGS) -o $(ARTIFACTS_DIR)/bootstrap ./functions/summary
lambdas:
	for f in webhook scan summary; do $(LAMBDA_ENV) $(GO) build $(LAMBDA_FLAGS) -o $(BIN)/lambda/$$f/bootstrap ./functions/$$f || exit 1; done

# Scans the bundled example and prints its findings. fourc exits 1 when it finds something at or
# above fail_on, which is the point of the example, so that exit code counts as success here.
# The Go vulnerability snapshot beside the repository, when present; else the live database.
VULNDB ?= $(wildcard $(CURDIR)/../shared/vulndb/osv)
run: build
	@$(BIN)/fourc scan --all $(if $(VULNDB),--vulndb $(VULNDB)) examples/demo; code=$$?; if [ $$code -gt 1 ]; then exit $$code; fi

test: lint
	$(GO) test -race -count=1 ./...

lint:
	@unformatted=$$(gofmt -l $$(git ls-files -co --exclude-standard '*.go' | grep -v /testdata/)); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed on:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

# docs/rules.md is generated from the rule catalogue; a test fails when it is stale.
docs:
	$(GO) test ./analyzers -run TestRulesDoc -update

fmt:
	gofmt -w $$(git ls-files -co --exclude-standard '*.go' | grep -v /testdata/)

# The Go benchmarks, then docs/bench.md and docs/bench-pr-size.svg (test/bench/prsize.sh): scan
# time by pull-request size on a real repository, webhook latency, and the peer comparisons read
# from the reports in .cache/bench. BENCH_PEERS=1 re-runs every peer script first (each installs
# its tool on first use; long), BENCH_PEERS=0 only reads; BENCH_RUNS sets the runs per scenario.
bench: build
	$(GO) test -run '^$$' -bench . -benchmem ./shared/... ./analyzers/...
	bash test/bench/prsize.sh

# Every fuzz target, one after another (test/fuzz.sh finds them): fuzz-short is what CI can run,
# fuzz the longer hunt. A failure names the target; its input is left in testdata/fuzz/ to keep.
.PHONY: fuzz fuzz-short
fuzz:
	FUZZTIME=60s GO="$(GO)" bash test/fuzz.sh

fuzz-short:
	FUZZTIME=10s GO="$(GO)" bash test/fuzz.sh

# The load tests at full size and without the race detector (`make test` runs them short): the
# webhook endpoint under 500 requests/s for 60 s of valid, forged and re-sent deliveries on each
# store, and the worker draining a burst of 200 jobs under GitHub's rate limits. LOAD_RATE and
# LOAD_DURATION change the webhook load; the report is printed and kept in .cache/load/.
.PHONY: load
LOAD_REPORT := $(CURDIR)/.cache/load/report.md
load:
	@mkdir -p $(dir $(LOAD_REPORT)) && rm -f $(LOAD_REPORT)
	@FOURC_LOAD_RATE=$(or $(LOAD_RATE),500) FOURC_LOAD_DURATION=$(or $(LOAD_DURATION),60s) FOURC_LOAD_REPORT=$(LOAD_REPORT) \
		$(GO) test -count=1 -timeout 20m -run '^(TestWebhookLoad|TestWorkerBurst)$$' ./test/; \
		status=$$?; cat $(LOAD_REPORT) 2>/dev/null; exit $$status

# fourc on its own repository — every layer, dependencies against the snapshot beside the
# repository when it is there — must pass: CI runs it (.github/fourc.yml says what is excluded).
.PHONY: selfscan
selfscan: build
	$(BIN)/fourc scan --quiet $(if $(VULNDB),--vulndb $(VULNDB)) .

clean:
	rm -rf $(BIN)
