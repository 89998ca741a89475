#!/usr/bin/env bash
# install-deps.sh — install every Debian package heed's build, tests and
# benchmarks need, skipping what is present. Idempotent; safe to run often.
# Needs root or sudo for apt-get when something is missing.
set -euo pipefail

PACKAGES=(
  gcc make pkg-config meson ninja-build
  libmicrohttpd-dev libjansson-dev libsqlite3-dev libsodium-dev libcmocka-dev
  libgmime-3.0-dev libcurl4-openssl-dev libpq-dev libxml2-dev
  clang libclang-rt-14-dev
  sqlite3 wrk curl ca-certificates
  # the web app's browser tests (playwright-core drives it headless)
  chromium
  # e-mail channel tests run their own private instances of these (never
  # the system services, which are stopped and disabled below)
  dovecot-core dovecot-imapd postfix openssl
)

# Services whose system instance must not run: the tests start their own.
SERVICES=(dovecot postfix)

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
  # postfix asks debconf for a mailer type: preseed "No configuration" so it
  # installs without prompting and without writing a system main.cf.
  echo "postfix postfix/main_mailer_type select No configuration" |
    $SUDO debconf-set-selections
  # Keep maintainer scripts from starting services during the install
  # (policy-rc.d exit 101 = "action forbidden"), unless one is already there.
  policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    policy=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\n# install-deps.sh: no service starts during apt-get install\nexit 101\n' |
      $SUDO tee "$policy" >/dev/null
    $SUDO chmod 755 "$policy"
    trap '$SUDO rm -f "$policy"' EXIT
  fi
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${missing[@]}" >/dev/null
  if [ -n "$policy" ]; then $SUDO rm -f "$policy"; trap - EXIT; fi

  # Stop and disable the system instances just installed (with or without
  # systemd); a service that was there before is left as it was.
  for svc in "${SERVICES[@]}"; do
    case " ${missing[*]} " in *" $svc "*|*" $svc-"*) ;; *) continue ;; esac
    if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
      $SUDO systemctl disable --now "$svc" >/dev/null 2>&1 || true
    elif [ -x "/etc/init.d/$svc" ]; then
      $SUDO service "$svc" stop >/dev/null 2>&1 || $SUDO "/etc/init.d/$svc" stop >/dev/null 2>&1 || true
      if command -v update-rc.d >/dev/null 2>&1; then
        $SUDO update-rc.d "$svc" disable >/dev/null 2>&1 || true
      fi
    fi
  done
fi

if ! command -v node >/dev/null 2>&1; then
  echo "install-deps: node (20 or newer) is required for the tests and the web app" >&2
  exit 1
fi
