#!/usr/bin/env bash
# Soak run of Tributary: minutes of load at a share of measured capacity, with abusive clients mixed in,
# checking that the server's resident memory and p99 latency stay flat. Not part of CI.
#
# Starts target/tributary.jar in its own JVM on free 127.0.0.1 ports (default settings: file storage,
# fsync=always; data under a fresh temp dir), then in a second JVM:
#   1. capacity: io.tributary.bench.ApiBenchmark --phases put-records (500 x 100 B records per call,
#      32 calls in flight, 4 shards) for 20 s after a 5 s warm-up: the records/s the server sustains;
#   2. soak: io.tributary.bench.SoakBenchmark at SOAK_SHARE of that rate for SOAK_DURATION_S, PutRecords
#      scheduled evenly (open model) with a GetRecords poller per shard, and AbusiveClients beside them
#      (slow headers, slow bodies, oversized bodies, garbage, connection churn, clients that never read).
# Writes loadtest/results/soak.md (per-minute throughput, p50/p99/max, errors, server RSS, heap, threads,
# file descriptors, CPU; what the server did with each kind of abuse; the verdict).
#
# Usage: loadtest/soak.sh [extra SoakBenchmark options, e.g. --window 30 --abuse false]
# Environment:
#   SOAK_DURATION_S    soak length in seconds (default 600)
#   SOAK_SHARE         share of the measured capacity to run at (default 0.8)
#   SOAK_OUT           results file (default loadtest/results/soak.md)
#   SERVER_JVM_OPTS    server JVM flags (default -Xmx1g: a bounded heap, not touched in advance, so RSS
#                      shows what the server really uses)
#   CLIENT_JVM_OPTS    client JVM flags
#   BENCH_REBUILD=1    rebuild the jar and test classes even if present
# Disk: every record put stays for the 24 h retention; at 80 % of ~580,000 records/s a 10-minute run writes
# about 35 GB, removed with the server's temp dir at the end. The script checks for the space first.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=${SOAK_OUT:-$ROOT/loadtest/results/soak.md}
SOAK_DURATION_S=${SOAK_DURATION_S:-600}
SOAK_SHARE=${SOAK_SHARE:-0.8}
SERVER_JVM_OPTS=${SERVER_JVM_OPTS:--Xmx1g}
CLIENT_JVM_OPTS=${CLIENT_JVM_OPTS:--Xms1g -Xmx1g -XX:+UseParallelGC}

LOG_TAG=soak.sh
# shellcheck source=lib/bench-common.sh
source "$ROOT/loadtest/lib/bench-common.sh"

build_bench_client ApiBenchmark SoakBenchmark
start_bench_server soak

SERVER_INFO="commit $(commit_info), separate JVM, $(java -version 2>&1 | head -1), flags: $SERVER_JVM_OPTS, default settings (storage=file, fsync=always, limits.enforce off), data dir on $(stat -f -c %T "$WORK" 2>/dev/null || echo '?')"

log "measuring capacity: PutRecords, closed loop, 5 s warm-up + 20 s"
# shellcheck disable=SC2086
timeout 120 java $CLIENT_JVM_OPTS -cp "$CLIENT_CP" io.tributary.bench.ApiBenchmark \
  --host 127.0.0.1 --port "$API_PORT" --server-pid "$SERVER_PID" --phases put-records --warmup 5 --duration 20 \
  --out "$WORK/capacity.md" --summary-out "$WORK/capacity.txt" >"$WORK/capacity.log"
CAPACITY=$(sed -n 's/^put-records.records_per_s=//p' "$WORK/capacity.txt")
RATE=$(awk -v c="$CAPACITY" -v s="$SOAK_SHARE" 'BEGIN { printf "%d", c * s }')
SHARE_TEXT=$(awk -v s="$SOAK_SHARE" 'BEGIN { printf "%d %%", s * 100 }')
log "capacity $CAPACITY records/s; soaking at $RATE records/s ($SHARE_TEXT) for $SOAK_DURATION_S s"

need_kib=$(awk -v r="$RATE" -v d="$SOAK_DURATION_S" 'BEGIN { printf "%d", r * d * 150 / 1024 + 5 * 1024 * 1024 }')
free_kib=$(df -Pk "$WORK" | awk 'NR == 2 { print $4 }')
if (( free_kib < need_kib )); then
  log "not enough disk in $(dirname "$WORK"): $((free_kib / 1024 / 1024)) GiB free, about $((need_kib / 1024 / 1024)) GiB needed"
  exit 1
fi

mkdir -p "$(dirname "$OUT")"
status=0
# shellcheck disable=SC2086
timeout $((SOAK_DURATION_S + 180)) java $CLIENT_JVM_OPTS -cp "$CLIENT_CP" io.tributary.bench.SoakBenchmark \
  --host 127.0.0.1 --port "$API_PORT" --management-port "$MGMT_PORT" --server-pid "$SERVER_PID" \
  --rate "$RATE" --capacity "$(printf '%.0f' "$CAPACITY")" --capacity-share "$SHARE_TEXT" --duration "$SOAK_DURATION_S" \
  --server-info "$SERVER_INFO" --out "$OUT" --command "loadtest/soak.sh${*:+ $*}" "$@" || status=$?
report_server_errors
log "results: $OUT (exit status $status)"
exit $status
