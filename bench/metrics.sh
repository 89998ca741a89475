#!/usr/bin/env bash
# metrics.sh HEED — the metrics API's latency (make bench-metrics).
#
# Seeds bench/data/metrics once with 1,000,000 tickets worked over the last
# 30 days (`heed seed --days 30 --messages 1`: replies, solves, reopens,
# closes, SLA clocks, promises; TICKETS and DAYS override), serves the data on
# 127.0.0.1 and times every /api/v1/metrics route, with and without
# grouping, over the 30 days up to the seed: RUNS (7) requests each, one
# at a time, after 2 unmeasured ones, and prints the median and the maximum.
# Figures are appended to bench/results/metrics-<time>.txt.
set -euo pipefail
heed="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
here="$(cd "$(dirname "$0")" && pwd)"
data="${BENCH_DATA:-$here/data/metrics}"
tickets="${TICKETS:-1000000}"
days="${DAYS:-30}"
runs="${RUNS:-7}"
port="${PORT:-18082}"
mkdir -p "$here/results"
out="$here/results/metrics-$(date -u +%Y%m%dT%H%M%SZ).txt"
marker="$data/seeded-$tickets-$days"

if [ ! -f "$marker" ]; then
  rm -rf "$data"
  "$heed" init --data "$data" >/dev/null
  time "$heed" seed --data "$data" --tickets "$tickets" --messages 1 --days "$days"
  date +%s%3N > "$marker" # the seed's "now": the period ends there
  sync
fi
to_ms=$(cat "$marker")
iso() { date -u -d "@$(($1 / 1000))" +%Y-%m-%dT%H:%M:%SZ; }
period="from=$(iso $((to_ms - days * 86400000)))&to=$(iso "$to_ms")"
token=$("$heed" token create --data "$data" --name bench-metrics | tail -1)
cat "$data/heed.db" > /dev/null # a running desk's database is in the page cache

"$heed" serve --data "$data" --listen "127.0.0.1:$port" >"$here/results/serve-metrics.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  grep -q "serving on" "$here/results/serve-metrics.log" 2>/dev/null && break
  sleep 0.05
done

{
  echo "heed metrics bench $(date -u +%FT%TZ) on $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "database: $tickets tickets over $days days, $(du -sh "$data/heed.db" | cut -f1); period: $period"
  echo "$runs requests each, one at a time, after 2 unmeasured; ms"
  printf '%-44s %8s %8s %9s\n' "GET /api/v1/metrics/..." median max bytes
} | tee "$out"

measure() {
  local url="http://127.0.0.1:$port/api/v1/metrics/$1" times=() bytes=0 t
  for _ in 1 2; do
    curl -sf -o /dev/null -H "Authorization: Bearer $token" "$url"
  done
  for _ in $(seq 1 "$runs"); do
    read -r t bytes < <(curl -sf -o /dev/null -w '%{time_total} %{size_download}\n' \
      -H "Authorization: Bearer $token" "$url")
    times+=("$t")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v name="$2" -v bytes="$bytes" '
    { v[NR] = $1 * 1000 }
    END { printf "%-44s %8.1f %8.1f %9d\n", name, v[int((NR + 1) / 2)], v[NR], bytes }'
}

for route in summary first_response next_response resolution sla reopens closes promises; do
  for group in "" team agent day; do
    measure "$route?$period${group:+&group_by=$group}" "$route${group:+ by $group}"
  done | tee -a "$out"
done
for group in "" team agent priority; do
  measure "backlog?${group:+group_by=$group}" "backlog${group:+ by $group}"
done | tee -a "$out"
measure "summary?$period&team=1" "summary, one team" | tee -a "$out"
measure "summary?$period&time=calendar" "summary, calendar time" | tee -a "$out"
echo "results in $out"
