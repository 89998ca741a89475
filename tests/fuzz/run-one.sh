#!/usr/bin/env bash
# run-one.sh FUZZER SECONDS — one fuzzer from its seed corpus, in a scratch
# corpus directory; crash inputs go to tests/fuzz/crashes/.
set -uo pipefail
f="$1"; secs="$2"
here="$(cd "$(dirname "$0")" && pwd)"
name=$(basename "$f")
work="$here/corpus-run/$name"
mkdir -p "$work" "$here/corpus/$name" "$here/crashes"
"$f" -max_total_time="$secs" -max_len=65536 -artifact_prefix="$here/crashes/$name-" \
  -print_final_stats=0 "$work" "$here/corpus/$name" 2>&1 | tail -40
