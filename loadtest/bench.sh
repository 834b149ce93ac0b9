#!/usr/bin/env bash
# Core API benchmark of Tributary.
#
# Starts target/tributary.jar in its own JVM on free 127.0.0.1 ports (data under a fresh temp dir,
# auth.mode=shape, no stream-creation delay), waits for /ready, runs io.tributary.bench.ApiBenchmark
# (test scope) against it in a second JVM, writes loadtest/results/core-api.md and stops the server.
# Everything stays on 127.0.0.1 and is bounded in time (about 75 s of load by default; the client is
# killed after CLIENT_TIMEOUT_S).
#
# Usage: loadtest/bench.sh [extra ApiBenchmark options, e.g. --duration 10 --protocol h2c]
# Environment:
#   BENCH_OUT          results file (default loadtest/results/core-api.md)
#   BENCH_STORAGE      server storage: file (default, the server's default) or memory
#   BENCH_FSYNC        server fsync policy: always (default, the server's default), interval:<ms>, never
#   SERVER_JVM_OPTS    server JVM flags. Defaults: for file storage a 2 GiB heap with ParallelGC and a
#                      1 GiB young generation (measured a little faster here than 1 GiB heaps or G1);
#                      for memory storage 6 GiB, since the heap then holds every record put (a default
#                      run puts ~12 million, ~3 GiB live; raise it if the server gets faster).
#                      MetaspaceSize avoids an early full GC when class metadata first grows.
#   CLIENT_JVM_OPTS    client JVM flags
#   SERVER_EVENT_LOOPS server event loops (TRIBUTARY_EVENT_LOOPS; default 0 = one per processor)
#   CLIENT_TIMEOUT_S   hard limit on the client run (default 150)
#   BENCH_REBUILD=1    rebuild the jar and test classes even if present
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=${BENCH_OUT:-$ROOT/loadtest/results/core-api.md}
BENCH_STORAGE=${BENCH_STORAGE:-file}
BENCH_FSYNC=${BENCH_FSYNC:-always}
if [[ $BENCH_STORAGE == memory ]]; then
  DEFAULT_SERVER_JVM_OPTS="-Xms6g -Xmx6g -Xmn1g -XX:MetaspaceSize=128m -XX:+UseParallelGC -XX:+AlwaysPreTouch"
else
  DEFAULT_SERVER_JVM_OPTS="-Xms2g -Xmx2g -Xmn1g -XX:MetaspaceSize=128m -XX:+UseParallelGC -XX:+AlwaysPreTouch"
fi
SERVER_JVM_OPTS=${SERVER_JVM_OPTS:-$DEFAULT_SERVER_JVM_OPTS}
CLIENT_JVM_OPTS=${CLIENT_JVM_OPTS:--Xms512m -Xmx512m -XX:+UseParallelGC}
SERVER_EVENT_LOOPS=${SERVER_EVENT_LOOPS:-0}
CLIENT_TIMEOUT_S=${CLIENT_TIMEOUT_S:-150}

LOG_TAG=bench.sh
# shellcheck source=lib/bench-common.sh
source "$ROOT/loadtest/lib/bench-common.sh"

build_bench_client ApiBenchmark

# ---- server ------------------------------------------------------------------------------------------
start_bench_server bench TRIBUTARY_EVENT_LOOPS="$SERVER_EVENT_LOOPS" TRIBUTARY_STORAGE="$BENCH_STORAGE" TRIBUTARY_FSYNC="$BENCH_FSYNC"

SERVER_JAVA=$(java -version 2>&1 | head -1)
LOOPS_TEXT=$SERVER_EVENT_LOOPS
[[ $SERVER_EVENT_LOOPS == 0 ]] && LOOPS_TEXT="$(nproc) (one per processor)"
SERVER_INFO="commit $(commit_info), separate JVM, $SERVER_JAVA, flags: $SERVER_JVM_OPTS, event loops: $LOOPS_TEXT, auth.mode=shape, storage=$BENCH_STORAGE, fsync=$BENCH_FSYNC, data dir on $(stat -f -c %T "$WORK" 2>/dev/null || echo '?') in $(dirname "$WORK")"

# ---- client ------------------------------------------------------------------------------------------
run_bench_client ApiBenchmark bench.sh "$@"
