#!/usr/bin/env bash
# Producer-to-consumer latency benchmark of Tributary.
#
# Starts target/tributary.jar in its own JVM on free 127.0.0.1 ports with the server's default settings
# (file storage, fsync=always; data under a fresh temp dir, auth.mode=shape, no stream-creation delay),
# waits for /ready, runs io.tributary.bench.LatencyBenchmark (test scope) against it in a second JVM:
# 1,000 PutRecord calls/s to a 2-shard stream, read (a) through SubscribeToShard with the AWS SDK v2 async
# client and (b) by GetRecords every 50 ms per shard. Writes loadtest/results/latency.md and stops the
# server. Everything stays on 127.0.0.1 and is bounded in time (about 2 x 30 s of load by default; the
# client is killed after CLIENT_TIMEOUT_S).
#
# Usage: loadtest/latency-bench.sh [extra LatencyBenchmark options, e.g. --rate 500 --duration 10
#                                   --poll-interval 50 --phases subscribe,poll]
# Environment:
#   BENCH_OUT          results file (default loadtest/results/latency.md)
#   BENCH_FSYNC        server fsync policy: always (default, the server's default), interval:<ms>, never
#   SERVER_JVM_OPTS    server JVM flags (default: none, the JVM's defaults)
#   CLIENT_JVM_OPTS    client JVM flags
#   CLIENT_TIMEOUT_S   hard limit on the client run (default 150)
#   BENCH_REBUILD=1    rebuild the jar and test classes even if present
# Producer: --producer vertx (default; the core benchmark's light Vert.x HTTP/1.1 client, so that on 2 cores
# the client JVM is not what delays records) or --producer sdk (the AWS SDK v2 async client over h2c).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=${BENCH_OUT:-$ROOT/loadtest/results/latency.md}
BENCH_FSYNC=${BENCH_FSYNC:-always}
SERVER_JVM_OPTS=${SERVER_JVM_OPTS:-}
CLIENT_JVM_OPTS=${CLIENT_JVM_OPTS:--Xms512m -Xmx512m -XX:+UseParallelGC}
CLIENT_TIMEOUT_S=${CLIENT_TIMEOUT_S:-150}

LOG_TAG=latency-bench.sh
# shellcheck source=lib/bench-common.sh
source "$ROOT/loadtest/lib/bench-common.sh"

build_bench_client LatencyBenchmark

# ---- server ------------------------------------------------------------------------------------------
start_bench_server latency-bench TRIBUTARY_FSYNC="$BENCH_FSYNC"

SERVER_JAVA=$(java -version 2>&1 | head -1)
SERVER_INFO="commit $(commit_info), separate JVM, $SERVER_JAVA, flags: ${SERVER_JVM_OPTS:-none (JVM defaults)}, default settings (event loops: one per processor, storage=file), auth.mode=shape, fsync=$BENCH_FSYNC, data dir on $(stat -f -c %T "$WORK" 2>/dev/null || echo '?') in $(dirname "$WORK")"

# ---- client ------------------------------------------------------------------------------------------
run_bench_client LatencyBenchmark latency-bench.sh "$@"
