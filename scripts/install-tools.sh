#!/usr/bin/env bash
# The tools the tests use beyond Python, at pinned versions, installed into the virtualenv's bin folder
# (make test and .ci/run both call this): OPA and Regal built with `go install`, Microsoft's SARIF
# multitool from npm, Debian's Chromium with apt-get. A tool that cannot be installed here (no Go, no
# npm, not root) is reported, and the tests that need it skip saying why (unless DRREADY_REQUIRE_OPA
# is set, as in CI, where they fail).
set -uo pipefail

BIN="${1:?usage: install-tools.sh VENV_BIN}"
OPA_VERSION=v1.22.3
REGAL_VERSION=v0.35.1
SARIF_MULTITOOL_VERSION=5.7.0
mkdir -p "$BIN"
BIN="$(cd "$BIN" && pwd)"

note() { echo "install-tools: $*" >&2; }

if "$BIN/opa" version 2>/dev/null | grep -q "^Version: ${OPA_VERSION#v}$"; then
  :
elif command -v go >/dev/null 2>&1; then
  note "building opa ${OPA_VERSION} with go install"
  GOBIN="$BIN" go install "github.com/open-policy-agent/opa@${OPA_VERSION}" || note "opa could not be built"
else
  note "Go is not installed: opa is not built, and the tests that need it skip"
fi

# Regal v0.35.1 (github.com/styrainc/regal, built on OPA 1.6, Rego v1) is the newest release the Go
# module proxy serves here, and it refuses the version list that `go install ...@VERSION` reads for its
# deprecation check. So it is built from a throwaway module that requires the pinned version, with the
# version stamped in as Regal's release builds do.
if "$BIN/regal" version 2>/dev/null | grep -q "^Version: *${REGAL_VERSION#v}$"; then
  :
elif command -v go >/dev/null 2>&1; then
  note "building regal ${REGAL_VERSION}"
  regal_mod="$(mktemp -d)"
  (
    cd "$regal_mod" &&
      go mod init drready-ci-regal >/dev/null 2>&1 &&
      go get "github.com/styrainc/regal@${REGAL_VERSION}" &&
      GOBIN="$BIN" go install -ldflags "-X github.com/styrainc/regal/pkg/version.Version=${REGAL_VERSION#v}" \
        github.com/styrainc/regal
  ) || note "regal could not be built"
  rm -rf "$regal_mod"
fi

tools="$BIN/../tools/sarif-multitool-${SARIF_MULTITOOL_VERSION}"
if [ ! -x "$tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool" ]; then
  if command -v npm >/dev/null 2>&1 && [ "$(uname -s)" = Linux ]; then
    note "installing @microsoft/sarif-multitool-linux@${SARIF_MULTITOOL_VERSION}"
    mkdir -p "$tools"
    (cd "$tools" && npm install --silent --no-audit --no-fund "@microsoft/sarif-multitool-linux@${SARIF_MULTITOOL_VERSION}") ||
      note "the SARIF multitool could not be installed"
  else
    note "npm is not installed (or this is not Linux): the SARIF multitool test skips"
  fi
fi
if [ -x "$tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool" ]; then
  ln -sf "$(cd "$tools" && pwd)/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool" "$BIN/Sarif.Multitool"
fi

if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    note "installing Debian's chromium"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null ||
      note "chromium could not be installed"
  else
    note "chromium is not installed (apt-get needs root): the browser tests skip"
  fi
fi
exit 0
