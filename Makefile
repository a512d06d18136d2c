# Settle: `make run` serves the demo, `make test` runs every check. Both install what is
# missing (pinned versions, package registries only).
SHELL := /bin/bash
CARGO_LEPTOS_VERSION := 0.3.10
CARGO_FUZZ_VERSION := 0.13.2
# Seconds each fuzz target runs in `make fuzz` (and so in `make test`).
FUZZ_SECONDS ?= 15
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/{getline; gsub(/"/,"",$$3); print $$3; exit}' Cargo.lock)
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/end2end/node_modules/.bin:$(PATH)
export LEPTOS_SITE_ROOT ?= target/site
# Postgres for the second test pass: the given URL, else a local server if one answers.
LOCAL_PG := postgres://postgres:settle@127.0.0.1:5432/postgres

.PHONY: run build test tools npm fmt-check clippy wasm-check test-sqlite test-postgres e2e bench demo clean-testdbs fuzz soak

tools:
	@rustup target list --installed | grep -q wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@cargo leptos --version 2>/dev/null | grep -q "$(CARGO_LEPTOS_VERSION)" || cargo install --locked cargo-leptos --version $(CARGO_LEPTOS_VERSION)
	@wasm-bindgen --version 2>/dev/null | grep -q "$(WASM_BINDGEN_VERSION)" || cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)

npm:
	@[ -x end2end/node_modules/.bin/playwright ] && [ -x end2end/node_modules/.bin/wasm-opt ] || (cd end2end && npm ci --no-audit --no-fund)

site: tools
	cargo leptos build

run: site
	@mkdir -p data
	target/debug/settle demo
	target/debug/settle serve

demo:
	target/debug/settle demo

build: tools npm
	cargo leptos build --release
	@echo "Built target/release/settle and target/site; run: target/release/settle serve"

fmt-check:
	cargo fmt --all -- --check

clippy:
	cargo clippy --workspace --all-targets -- -D warnings

wasm-check: tools
	cargo check -p settle-app --target wasm32-unknown-unknown --no-default-features --features hydrate

test-sqlite:
	cargo test --workspace

test-postgres:
	@url="$${SETTLE_TEST_POSTGRES_URL:-}"; \
	if [ -z "$$url" ] && command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then url="$(LOCAL_PG)"; fi; \
	if [ -z "$$url" ]; then \
	  if [ "$${CI:-}" = "true" ]; then echo "Postgres tests: no server (set SETTLE_TEST_POSTGRES_URL); failing because CI=true"; exit 1; fi; \
	  echo "Postgres tests SKIPPED: no SETTLE_TEST_POSTGRES_URL and no server on 127.0.0.1:5432"; exit 0; \
	fi; \
	echo "Postgres tests against $${url%%@*}@..."; \
	for db in $$(psql "$$url" -Atc "select datname from pg_database where datname like 'settle_test_%'" 2>/dev/null); do \
	  psql "$$url" -qc "drop database if exists $$db with (force)" >/dev/null; done; \
	SETTLE_TEST_POSTGRES_URL="$$url" SETTLE_TEST_BACKEND=postgres cargo test -p settle-server --test integration

e2e: site npm
	cd end2end && npx playwright test

# Every fuzz target for FUZZ_SECONDS on the stable toolchain, starting from the corpus kept in
# fuzz/corpus (new finds go to fuzz/target/found, not into the repository). A crash stops the
# run; its input is in fuzz/artifacts/<target>/: fix the cause and keep the input in
# fuzz/regressions/<target>/, which `cargo test` replays from then on.
fuzz:
	@cargo fuzz --version 2>/dev/null | grep -q "$(CARGO_FUZZ_VERSION)" || cargo install --locked cargo-fuzz --version $(CARGO_FUZZ_VERSION)
	@cd fuzz && cargo fuzz build -s none
	@cd fuzz && for t in $$(cargo fuzz list); do \
	  mkdir -p target/found/$$t; \
	  if cargo fuzz run -s none $$t target/found/$$t corpus/$$t -- -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 > target/fuzz-$$t.log 2>&1; then \
	    echo "fuzz $$t: $$(grep -o 'Done [0-9]* runs.*' target/fuzz-$$t.log | tail -n 1)"; \
	  else \
	    tail -n 40 target/fuzz-$$t.log; echo "fuzz $$t FAILED: the input is in fuzz/artifacts/$$t/"; exit 1; \
	  fi; \
	done

# The soak (end2end/soak.mjs): steady load on a fresh demo for SOAK_MINUTES (30 by default,
# 1 with CI=true; `make test` runs a 1-minute one); fails on any error, memory growth or
# latency drift, and leaves its table in target/soak-report.md.
soak: site npm
	cd end2end && node soak.mjs

test: tools fmt-check clippy wasm-check test-sqlite test-postgres fuzz e2e
	@$(MAKE) --no-print-directory soak SOAK_MINUTES=$${SOAK_MINUTES:-1}

bench: site
	@url="$${SETTLE_BENCH_POSTGRES_URL:-$${SETTLE_TEST_POSTGRES_URL:-}}"; \
	if [ -z "$$url" ] && command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then url="$(LOCAL_PG)"; fi; \
	if [ -z "$$url" ]; then echo "Postgres figures SKIPPED: no SETTLE_BENCH_POSTGRES_URL and no server on 127.0.0.1:5432"; fi; \
	SETTLE_BENCH_POSTGRES_URL="$$url" cargo run --release -p settle-server --features bench --bin settle-bench -- $(if $(ONLY),--only $(ONLY),)
