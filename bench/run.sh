#!/usr/bin/env bash
# run.sh HEED — heed's benchmarks (make bench). Seeds bench/data with
# 1,000,000 tickets and 5,000,000 messages once (TICKETS/MESSAGES override),
# serves it on 127.0.0.1 and measures with wrk: GET ticket, POST ticket
# (durable), a team's queue, full-text search; then start-up time and RSS.
# Figures are printed and appended to bench/results/<date>.txt.
set -euo pipefail
heed="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
here="$(cd "$(dirname "$0")" && pwd)"
data="${BENCH_DATA:-$here/data}"
tickets="${TICKETS:-1000000}"
messages="${MESSAGES:-5}"
duration="${DURATION:-15s}"
conns="${CONNS:-64}"
port="${PORT:-18080}"
mkdir -p "$here/results"
out="$here/results/$(date -u +%Y%m%dT%H%M%SZ).txt"

if [ ! -f "$data/seeded-$tickets-$messages" ]; then
  rm -rf "$data"
  "$heed" init --data "$data" >/dev/null
  time "$heed" seed --data "$data" --tickets "$tickets" --messages "$messages"
  touch "$data/seeded-$tickets-$messages"
  sync # the seed leaves GBs of dirty pages; the first fsyncs would wait for them
fi
token=$("$heed" token create --data "$data" --name bench | tail -1)
# Measure the steady state of a running desk, whose database is in the OS
# page cache: read the file once (a cold VM disk makes the first minutes of
# random reads 10x slower and the figures meaningless).
cat "$data/heed.db" > /dev/null

start_server() {
  "$heed" serve --data "$data" --listen "127.0.0.1:$port" >"$here/results/serve.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do
    grep -q "serving on" "$here/results/serve.log" 2>/dev/null && break
    sleep 0.05
  done
}
stop_server() { kill "$pid"; wait "$pid" 2>/dev/null || true; }
rss() { awk '/VmRSS/ {print $2/1024 " MB"}' "/proc/$pid/status"; }

{
  echo "heed bench $(date -u +%FT%TZ) on $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB"
  echo "database: $tickets tickets, $((tickets * messages)) messages, $(du -sh "$data/heed.db" | cut -f1)"
  echo "wrk: 2 threads, $conns connections, $duration per test (client and server share the cores)"
} | tee "$out"

start_server
echo "start-up: $(grep -o 'ready in [0-9]* ms' "$here/results/serve.log")  RSS after start: $(rss)" | tee -a "$out"
run() {
  local name="$1" script="$2"
  # 3 s of warm-up, not counted: the pages this test touches come into the
  # caches (new tickets land on pages no earlier test read).
  TOKEN="$token" MAX_ID="$tickets" wrk -t2 -c"$conns" -d3s -s "$here/$script" \
    "http://127.0.0.1:$port" >/dev/null 2>&1
  echo "== $name ($conns connections)" | tee -a "$out"
  TOKEN="$token" MAX_ID="$tickets" wrk -t2 -c"$conns" -d"$duration" --latency \
    -s "$here/$script" "http://127.0.0.1:$port" 2>&1 |
    grep -E 'Requests/sec|Latency  |50%|99%|Non-2xx|Socket errors' | tee -a "$out"
}
run "GET /api/v1/tickets/{id}" get_ticket.lua
run "GET /api/v1/tickets?team=N&status=active (queue)" list_queue.lua
run "GET /api/v1/search?q=two+words" search.lua
run "POST /api/v1/tickets (durable, with ack + events)" create_ticket.lua
conns=16 run "GET /api/v1/tickets/{id}" get_ticket.lua
conns=16 run "GET /api/v1/tickets?team=N&status=active (queue)" list_queue.lua
conns=16 run "GET /api/v1/search?q=two+words" search.lua
echo "RSS after all tests: $(rss)" | tee -a "$out"
stop_server
echo "results in $out"
