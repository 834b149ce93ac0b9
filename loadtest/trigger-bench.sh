#!/usr/bin/env bash
# Trigger benchmark of Tributary: records/s delivered to a fast local function, and the delay from PutRecord
# to invocation at a low rate.
#
# Starts target/tributary.jar in its own JVM on free 127.0.0.1 ports with the server's default settings
# (file storage, fsync=always; data under a fresh temp dir), waits for /ready, and runs
# io.tributary.bench.TriggerBenchmark (test scope) against it in a second JVM, which also serves the
# function (a Vert.x HTTP server answering 200 {} at once). Writes loadtest/results/triggers.md and stops the
# server. Everything stays on 127.0.0.1 and is bounded in time (the client is killed after CLIENT_TIMEOUT_S).
#
# Usage: loadtest/trigger-bench.sh [extra TriggerBenchmark options, e.g. --records 50000 --rate 20 --duration 20]
# Environment:
#   BENCH_OUT          results file (default loadtest/results/triggers.md)
#   SERVER_JVM_OPTS    server JVM flags (default: none, the JVM's defaults)
#   CLIENT_JVM_OPTS    client JVM flags
#   CLIENT_TIMEOUT_S   hard limit on the client run (default 600)
#   BENCH_REBUILD=1    rebuild the jar and test classes even if present
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=${BENCH_OUT:-$ROOT/loadtest/results/triggers.md}
SERVER_JVM_OPTS=${SERVER_JVM_OPTS:-}
CLIENT_JVM_OPTS=${CLIENT_JVM_OPTS:--Xms256m -Xmx512m}
CLIENT_TIMEOUT_S=${CLIENT_TIMEOUT_S:-600}

LOG_TAG=trigger-bench.sh
# shellcheck source=lib/bench-common.sh
source "$ROOT/loadtest/lib/bench-common.sh"

build_bench_client TriggerBenchmark
start_bench_server trigger-bench

SERVER_JAVA=$(java -version 2>&1 | head -1)
SERVER_INFO="commit $(commit_info), separate JVM, $SERVER_JAVA, flags: ${SERVER_JVM_OPTS:-none (JVM defaults)}, default settings (storage=file, fsync=always), auth.mode=shape"

mkdir -p "$(dirname "$OUT")"
status=0
# shellcheck disable=SC2086
timeout "$CLIENT_TIMEOUT_S" java $CLIENT_JVM_OPTS -cp "$CLIENT_CP" io.tributary.bench.TriggerBenchmark \
  --host 127.0.0.1 --port "$API_PORT" --management-port "$MGMT_PORT" --out "$OUT" --server-info "$SERVER_INFO" \
  --command "loadtest/trigger-bench.sh${*:+ $*}" "$@" || status=$?
report_server_errors
log "results: $OUT"
exit $status
