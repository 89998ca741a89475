#!/usr/bin/env bash
# run.sh BUILD SECONDS — run every fuzzer in BUILD for SECONDS each (make fuzz).
# Exits non-zero when any fuzzer finds a crash (input in tests/fuzz/crashes/).
set -uo pipefail
build="$1"; secs="$2"
here="$(cd "$(dirname "$0")" && pwd)"
status=0
for f in "$build"/tests/fuzz/fuzz_*; do
  [ -x "$f" ] || continue
  echo "fuzz: $(basename "$f") for ${secs}s"
  "$here/run-one.sh" "$f" "$secs" || status=1
done
exit $status
