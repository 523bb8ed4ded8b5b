#!/bin/sh
# Install Debian's Chromium and its driver when they are missing (the browser
# test of `chronoflow-tui --serve` drives /usr/bin/chromium). Idempotent: does
# nothing when both are there. Needs root (or sudo) and a Debian package mirror.
# CHROMIUM and CHROMEDRIVER name other paths to look for (the tests use them).
set -eu
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
if [ -x "$CHROMIUM" ] && [ -x "$CHROMEDRIVER" ]; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "tools/ensure_chromium.sh: Chromium is missing and installing it needs root (apt-get install chromium chromium-driver)" >&2
    exit 1
fi
echo "installing Debian's chromium and chromium-driver (browser test of chronoflow-tui --serve)" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
