#!/bin/sh
# Install the system packages the browser tests need (Debian's chromium), idempotently.
# Called by `make test` before pytest. Safe to run again: does nothing when all is there.
set -eu

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    echo "install-system-test-deps: $CHROMIUM already present ($("$CHROMIUM" --version 2>/dev/null || echo 'version unknown')); nothing to do."
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "install-system-test-deps: $CHROMIUM is missing and we are neither root nor able to sudo;" >&2
    echo "  install it with: apt-get install -y --no-install-recommends chromium" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-system-test-deps: $CHROMIUM is missing and apt-get is not available (not Debian/Ubuntu?)." >&2
    exit 1
fi

echo "install-system-test-deps: $CHROMIUM missing; running: ${SUDO:+$SUDO }apt-get update && apt-get install -y --no-install-recommends chromium"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium

if [ -x "$CHROMIUM" ]; then
    echo "install-system-test-deps: installed $("$CHROMIUM" --version 2>/dev/null || echo chromium)."
else
    echo "install-system-test-deps: apt-get finished but $CHROMIUM is still missing." >&2
    exit 1
fi
