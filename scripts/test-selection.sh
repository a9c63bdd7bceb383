# Sourced by scripts/test.sh and scripts/windows-test.sh: the one package and feature
# selection every Linux test build of `make test` uses. Built together, the core's tests and
# the shell's resolve one set of features, so each dependency is compiled once (built apart,
# ≈ 50 crates, the PDF and font stack among them, were compiled twice), and the later
# `cargo test … --test it` of the Windows journey reuses the test binary rather than
# rebuilding it. The app that ships (and the e2e's) is built on its own, without the core's
# test features (`make rust-test` checks its dependency tree).
TEST_SELECTION=(-p casekeep -p casekeep-app -p casekeep-winsec --features casekeep-app/custom-protocol)
