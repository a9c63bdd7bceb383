# Casekeep: two commands on a fresh Debian/Ubuntu machine.
#   make run    installs what is missing, builds, and starts Casekeep (default vault location)
#   make test   installs what is missing, then runs every check and test
.PHONY: setup run test build lint rust-test

setup:
	@bash scripts/setup.sh

build: setup
	cargo build --release --locked

run: build
	@bash scripts/run.sh

lint: setup
	cargo fmt --all --check
	cargo clippy --locked --all-targets -- -D warnings

rust-test: setup
	cargo test --locked --all-targets

test: lint rust-test
	@echo "make test: all checks passed"
