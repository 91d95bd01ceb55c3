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

# Benchmarks print Markdown tables; the peer comparisons install their tools on first use.
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./shared/... ./analyzers/...
	@for s in test/bench/*.sh; do [ -f "$$s" ] && bash "$$s"; done

# Every fuzz target, one after another (test/fuzz.sh finds them): fuzz-short is what CI can run,
# fuzz the longer hunt. A failure names the target; its input is left in testdata/fuzz/ to keep.
.PHONY: fuzz fuzz-short
fuzz:
	FUZZTIME=60s GO="$(GO)" bash test/fuzz.sh

fuzz-short:
	FUZZTIME=10s GO="$(GO)" bash test/fuzz.sh

clean:
	rm -rf $(BIN)
