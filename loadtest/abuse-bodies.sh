#!/usr/bin/env bash
# Large-body abuse measurement of Tributary.
#
# Starts target/tributary.jar in its own JVM on free 127.0.0.1 ports (storage=memory, auth.mode=shape,
# heap set by SERVER_JVM_OPTS), waits for /ready, and runs io.tributary.bench.AbuseBodiesBenchmark (test
# scope) against it in a second JVM: 50 clients each send a 15 MiB PutRecords body at once, again and again
# for 20 s, while a probe client makes 20 small PutRecord calls/s and measures its own latency before,
# during and after. Writes loadtest/results/abuse-bodies.md (server RSS before/peak/after, probe p50/p99,
# OutOfMemoryError and blocked-thread lines in the server log) and stops the server. Everything stays on
# 127.0.0.1 and is bounded in time (about 30 s of load; the client is killed after CLIENT_TIMEOUT_S).
#
# Usage: loadtest/abuse-bodies.sh [extra AbuseBodiesBenchmark options, e.g. --clients 20 --duration 10]
# Environment:
#   BENCH_OUT          results file (default loadtest/results/abuse-bodies.md)
#   SERVER_JVM_OPTS    server JVM flags (default -Xmx1g: the budgets are fractions of the heap)
#   CLIENT_JVM_OPTS    client JVM flags
#   CLIENT_TIMEOUT_S   hard limit on the client run (default 240)
#   BENCH_REBUILD=1    rebuild the jar and test classes even if present
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=${BENCH_OUT:-$ROOT/loadtest/results/abuse-bodies.md}
SERVER_JVM_OPTS=${SERVER_JVM_OPTS--Xmx1g}
CLIENT_JVM_OPTS=${CLIENT_JVM_OPTS:--Xms256m -Xmx512m}
CLIENT_TIMEOUT_S=${CLIENT_TIMEOUT_S:-240}

LOG_TAG=abuse-bodies.sh
# shellcheck source=lib/bench-common.sh
source "$ROOT/loadtest/lib/bench-common.sh"

build_bench_client AbuseBodiesBenchmark

# ---- server ------------------------------------------------------------------------------------------
start_bench_server abuse-bodies TRIBUTARY_STORAGE=memory

SERVER_JAVA=$(java -version 2>&1 | head -1)
SERVER_INFO="commit $(commit_info), separate JVM, $SERVER_JAVA, flags: ${SERVER_JVM_OPTS:-none (JVM defaults)}, default settings (memory budgets from the heap), storage=memory, auth.mode=shape"

# ---- client ------------------------------------------------------------------------------------------
export BENCH_SERVER_LOG="$WORK/server.log"
run_bench_client AbuseBodiesBenchmark abuse-bodies.sh "$@"
