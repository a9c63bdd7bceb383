# Casekeep: two commands on a fresh Debian/Ubuntu machine.
#   make run    installs what is missing, builds, and starts the Casekeep app (default vault location)
#   make test   installs what is missing, then runs every check and test
.PHONY: setup run test build lint lint-quick rust-test app-test ui-deps ui-build ui-test app tauri-driver e2e symbols deb deb-check bench-app guide-shots windows windows-test

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
lint: setup ui-build lint-quick
	cargo clippy --locked --workspace --all-targets -- -D warnings
	bash scripts/deny.sh

# What `make test` runs of the lint policy besides clippy (which runs inside its builds,
# scripts/test.sh) and cargo-deny (in the background beside the Windows build).
lint-quick: setup ui-build
	bash scripts/guide-shots.sh --check
	cargo fmt --all --check
	cd ui && npm run lint --silent

# The test targets build with clippy-driver as the workspace's compiler wrapper and warnings
# denied: clippy lints every workspace crate as it compiles for the tests, the app (built
# for the e2e) and the Windows exe, with no separate check build of every dependency
# (scripts/test.sh). A build without them (`make run`, plain `cargo`) recompiles only the
# workspace's own crates.
LINTED := test rust-test app-test e2e windows-test
$(LINTED): export RUSTC_WORKSPACE_WRAPPER = $(shell rustup which clippy-driver)
$(LINTED): export CLIPPY_ARGS = -Dwarnings

# The workspace's Rust tests, core and shell in one build (scripts/test-selection.sh); the
# shell embeds ui/dist, so the UI is built first.
rust-test: setup ui-build
	bash scripts/test.sh rust

# The shell's own unit tests alone (the lock signals on a private D-Bus bus, the idle clock);
# `make test` runs them with the core's (rust-test). The app embeds ui/dist.
app-test: setup ui-build
	cargo test --locked -p casekeep-app --features custom-protocol

# A debug build: it only relays WebDriver calls to WebKitWebDriver, and builds in 20 s where
# the release build takes 34 s of the e2e's time on a clean clone (docs/BENCHMARKS.md).
tauri-driver: setup
	@test -x build/tools/bin/tauri-driver || cargo install tauri-driver --locked --debug --root build/tools

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

# Every check and test: scripts/test.sh, step by step. The Windows cross-build's packages
# are installed here with the others, in one go.
test:
	@bash scripts/setup.sh gcc-mingw-w64-x86-64 wine64 wine
	bash scripts/test.sh
