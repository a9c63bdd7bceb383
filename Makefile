# Casekeep: two commands on a fresh Debian/Ubuntu machine.
#   make run    installs what is missing, builds, and starts the Casekeep app (default vault location)
#   make test   installs what is missing, then runs every check and test
.PHONY: setup run test build lint rust-test app-test ui-deps ui-build ui-test app tauri-driver e2e symbols deb deb-check bench-app guide-shots windows windows-test

APP := target/debug/casekeep-app

setup:
	@bash scripts/setup.sh

ui/node_modules/.package-lock.json: ui/package.json ui/package-lock.json
	# npm ci refuses lock files written under this machine's npm settings (optional platform
	# packages are left out), so install from the committed lock with npm install.
	cd ui && npm install --no-audit --no-fund --loglevel=error
ui-deps: setup ui/node_modules/.package-lock.json

ui-build: ui-deps
	cd ui && npm run build --silent

ui-test: ui-deps
	cd ui && npm run typecheck --silent && npm test --silent

# The app embeds ui/dist; `custom-protocol` makes it serve that rather than a dev server.
app: ui-build
	cargo build --locked -p casekeep-app --features custom-protocol

build: app
	cargo build --locked -p casekeep

run: app build
	@bash scripts/run.sh

# The lint policy (docs/ARCHITECTURE.md, "Lint policy"): [workspace.lints] and clippy.toml
# through clippy, deny.toml through cargo-deny, ui/eslint.config.js through eslint.
lint: setup ui-build
	bash scripts/guide-shots.sh --check
	cargo fmt --all --check
	cargo clippy --locked --workspace --all-targets -- -D warnings
	bash scripts/deny.sh
	cd ui && npm run lint --silent

rust-test: setup
	cargo test --locked -p casekeep --all-targets
	@# The benchmarks must compile (docs/BENCHMARKS.md). The dev profile reuses what the tests
	@# just built; `cargo bench` itself builds them optimised.
	cargo bench --locked -p casekeep --no-run --profile dev
	@# Test hooks (feature `test-hooks`: a cheaper KDF, the raw database connection) and the
	@# unkeyed-database code (feature `bench`) must never reach what ships: the app, or the CLI
	@# as built without the tests (normal and build dependencies only).
	@for pkg in casekeep-app casekeep; do \
	  if cargo tree --locked -p $$pkg -e features,normal,build -i casekeep | grep -E 'feature "(bench|test-hooks)"'; then \
	    echo "FAIL: $$pkg enables a test-only feature of casekeep"; exit 1; fi; done
	@echo "ok   neither the app nor the CLI enables test-hooks or bench"
	@# The tests regenerate ui/src/bindings from the Rust types, and ui/src/commands.ts and
	@# src-tauri/commands.json from the IPC contract: they must be committed as is.
	@if [ -n "$$(git status --porcelain -- ui/src/bindings ui/src/commands.ts src-tauri/commands.json)" ]; then \
	  echo "FAIL: ui/src/bindings, ui/src/commands.ts or src-tauri/commands.json differ from the Rust types; commit the regenerated files"; \
	  git status --short -- ui/src/bindings ui/src/commands.ts src-tauri/commands.json; exit 1; fi

# The shell's own unit tests (the lock signals on a private D-Bus bus, the idle clock). The app
# embeds ui/dist, so the UI is built first.
app-test: setup ui-build
	cargo test --locked -p casekeep-app --features custom-protocol

tauri-driver: setup
	@test -x build/tools/bin/tauri-driver || cargo install tauri-driver --locked --root build/tools

# The app must not export SQLCipher's sqlite3_* symbols (WebKitGTK loads the system SQLite).
symbols: app
	@n=$$(nm -D --defined-only $(APP) | grep -c ' sqlite3_' || true); \
	  if [ "$$n" != "0" ]; then echo "FAIL: $(APP) exports $$n sqlite3_ symbols"; exit 1; fi; \
	  echo "ok   $(APP) exports no sqlite3_ symbol"

e2e: app tauri-driver symbols
	CASEKEEP_APP=$(APP) node tests/e2e/run.mjs

# The Debian package (release build, offline): target/release/bundle/deb/*.deb
# Stripped: the symbol tables are ≈ 15 % of a release binary and no use to the people it ships to.
# It holds the app and the administrators' `casekeep` CLI (built first: the bundler copies it
# in) and the AppStream metainfo (packaging/); `make deb-check` runs lintian on it.
deb: ui-build
	CARGO_PROFILE_RELEASE_STRIP=symbols cargo build --release --locked --bin casekeep
	mkdir -p target/packaging && gzip -9nc packaging/changelog > target/packaging/changelog.gz
	CARGO_PROFILE_RELEASE_STRIP=symbols ui/node_modules/.bin/tauri build --bundles deb --ci

deb-check: deb
	bash scripts/deb-check.sh

# The screenshots in docs/GUIDE.md and docs/ADMIN.md, refreshed from the last e2e run
# (target/e2e-shots) into docs/img under stable names; not part of test.
guide-shots:
	bash scripts/guide-shots.sh

# App start-up and memory next to a bare Tauri window (docs/BENCHMARKS.md); not part of test.
bench-app: ui-build tauri-driver
	bash scripts/bench-app.sh

# The Windows CLI, cross-built with mingw-w64 and run under Wine: the administrators' journey
# and the owner-only ACLs (scripts/windows-test.sh; docs/WINDOWS.md).
windows-test: setup
	bash scripts/windows-test.sh

# The Windows build: casekeep.exe (the CLI), casekeep-app.exe and its MSI installer, in
# target/windows/ (scripts/windows.sh; docs/WINDOWS.md). Not part of test: a cold
# cross-build of the app takes longer than CI allows.
windows: ui-build
	bash scripts/windows.sh

test: lint rust-test app-test ui-test e2e windows-test
	@echo "make test: all checks passed"
