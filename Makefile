# 同城 — build, demo and test. `make demo` and `make test` install what they need themselves.
GO      ?= go
BIN     := bin/tongcheng
DEMO_DB ?= data/demo.db
ADDR    ?= 127.0.0.1:8080
VENDOR  := internal/web/static/vendor

.PHONY: demo test assets build vet bench clean

# Front-end libraries pinned in package-lock.json, copied into the binary's embedded static folder.
assets: $(VENDOR)/echarts.min.js $(VENDOR)/htmx.min.js

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(VENDOR)/echarts.min.js: node_modules/.package-lock.json
	cp node_modules/echarts/dist/echarts.min.js $@

$(VENDOR)/htmx.min.js: node_modules/.package-lock.json
	cp node_modules/htmx.org/dist/htmx.min.js $@

build: assets
	$(GO) build -o $(BIN) ./cmd/tongcheng

# Build, create the demo database (small scale, deterministic) and serve it.
demo: build
	./$(BIN) demo --force --db $(DEMO_DB)
	@echo
	@echo "打开 / open  http://$(ADDR)/  用上面的演示账号登录，例如 admin / tongcheng-demo"
	./$(BIN) serve --db $(DEMO_DB) --addr $(ADDR)

vet:
	$(GO) vet ./...

# Every test: unit, store suite (SQLite always; PostgreSQL when TONGCHENG_TEST_POSTGRES is set),
# HTTP and headless-Chromium browser tests.
test: assets vet
	$(GO) test -count=1 -timeout 30m ./...

bench: assets
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin node_modules $(VENDOR)/*.js
