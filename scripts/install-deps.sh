#!/usr/bin/env bash
# install-deps.sh — install every Debian package heed's build, tests and
# benchmarks need, skipping what is present. Idempotent; safe to run often.
# Needs root or sudo for apt-get when something is missing.
set -euo pipefail

PACKAGES=(
  gcc make pkg-config meson ninja-build
  libmicrohttpd-dev libjansson-dev libsqlite3-dev libsodium-dev libcmocka-dev
  libgmime-3.0-dev libcurl4-openssl-dev libpq-dev
  clang libclang-rt-14-dev
  sqlite3 wrk curl ca-certificates
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v node >/dev/null 2>&1; then
  echo "install-deps: node (20 or newer) is required for the tests and the web app" >&2
  exit 1
fi
