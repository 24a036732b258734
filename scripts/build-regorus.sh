#!/usr/bin/env bash
# Builds drready's regorus extension (native/regorus: PyO3 over the pinned crates.io regorus) into the
# virtualenv with maturin, when cargo is installed. Cargo's build folder is kept under ~/.cache (or
# CARGO_TARGET_DIR), so a fresh clone on the same machine rebuilds in seconds. Without cargo drready
# uses rego-cpp and says so.
set -uo pipefail

BIN="${1:?usage: build-regorus.sh VENV_BIN}"
BIN="$(cd "$BIN" && pwd)"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
note() { echo "build-regorus: $*" >&2; }

if ! command -v cargo >/dev/null 2>&1; then
  note "cargo is not installed: the regorus engine is not built (drready uses rego-cpp; tests that need regorus skip)"
  exit 0
fi
"$BIN/pip" install --quiet "maturin>=1.7,<2" || { note "maturin could not be installed"; exit 0; }
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/drready/cargo-target}"
VIRTUAL_ENV="$(dirname "$BIN")" "$BIN/maturin" develop --release --locked --quiet \
  --manifest-path "$ROOT/native/regorus/Cargo.toml" || note "the regorus extension could not be built"
