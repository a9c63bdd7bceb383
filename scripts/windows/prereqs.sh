# Sourced by scripts/windows.sh and scripts/windows-test.sh: installs what a Windows
# cross-build needs (the apt packages named as arguments, and Rust's Windows target).
TARGET=x86_64-pc-windows-gnu
bash scripts/setup.sh "$@"
if ! rustup target list --installed | grep -qx "$TARGET"; then
  echo "windows: adding the Rust target $TARGET"
  rustup target add "$TARGET"
fi
