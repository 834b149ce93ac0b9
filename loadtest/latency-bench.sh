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

log() { echo "[latency-bench.sh] $*"; }

# ---- build (only what is missing) ------------------------------------------------------------------
if [[ "${BENCH_REBUILD:-0}" == 1 || ! -f target/tributary.jar ]]; then
  log "building target/tributary.jar"
  mvn -B -q -DskipTests package
fi
BENCH_CLASS=target/test-classes/io/tributary/bench/LatencyBenchmark.class
stale=0
[[ -f $BENCH_CLASS ]] || stale=1
for src in src/test/java/io/tributary/bench/*.java; do [[ $src -nt $BENCH_CLASS ]] && stale=1; done
if [[ "${BENCH_REBUILD:-0}" == 1 || $stale == 1 ]]; then
  log "compiling the benchmark client"
  mvn -B -q test-compile
fi
CP_FILE=target/bench-classpath.txt
if [[ ! -s $CP_FILE || pom.xml -nt $CP_FILE ]]; then
  mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" >/dev/null
fi
CLIENT_CP="target/test-classes:target/classes:$(cat "$CP_FILE")"

# ---- free ports on 127.0.0.1 -------------------------------------------------------------------------
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
TAKEN=" "
free_port() {  # a random port in 20000-59999 that nothing listens on and that was not handed out yet
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 40000))
    if [[ $TAKEN != *" $p "* ]] && ! port_in_use "$p"; then echo "$p"; return 0; fi
  done
  echo "no free port found" >&2; return 1
}
API_PORT=$(free_port); TAKEN+="$API_PORT "
TLS_PORT=$(free_port); TAKEN+="$TLS_PORT "
MGMT_PORT=$(free_port); TAKEN+="$MGMT_PORT "

# ---- server ------------------------------------------------------------------------------------------
WORK=$(mktemp -d -t tributary-latency.XXXXXX)
SERVER_PID=""
cleanup() {
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  cp "$WORK/server.log" "$ROOT/target/latency-bench-server.log" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

log "starting server: java $SERVER_JVM_OPTS -jar target/tributary.jar (api $API_PORT, management $MGMT_PORT)"
# shellcheck disable=SC2086
TRIBUTARY_HOST=127.0.0.1 \
TRIBUTARY_AUTH_MODE=shape \
TRIBUTARY_STREAM_CREATE_DELAY_MS=0 \
TRIBUTARY_STREAM_DELETE_DELAY_MS=0 \
TRIBUTARY_FSYNC=$BENCH_FSYNC \
TRIBUTARY_DATA_DIR="$WORK/data" \
  java $SERVER_JVM_OPTS -jar target/tributary.jar \
    --port "$API_PORT" --tls-port "$TLS_PORT" --management-port "$MGMT_PORT" \
    >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

ready=0
for _ in $(seq 1 300); do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then break; fi
  if curl -fsS --max-time 1 "http://127.0.0.1:$MGMT_PORT/ready" >/dev/null 2>&1; then ready=1; break; fi
  sleep 0.1
done
if [[ $ready != 1 ]]; then
  log "server did not become ready; its log:"; cat "$WORK/server.log" >&2
  exit 1
fi
log "server ready (pid $SERVER_PID)"

SERVER_JAVA=$(java -version 2>&1 | head -1)
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ $COMMIT != unknown && -n $(git status --porcelain -- src/main pom.xml 2>/dev/null) ]]; then
  COMMIT+=" + uncommitted changes in src/main or pom.xml"
fi
SERVER_INFO="commit $COMMIT, separate JVM, $SERVER_JAVA, flags: ${SERVER_JVM_OPTS:-none (JVM defaults)}, default settings (event loops: one per processor, storage=file), auth.mode=shape, fsync=$BENCH_FSYNC, data dir on $(stat -f -c %T "$WORK" 2>/dev/null || echo '?') in $(dirname "$WORK")"

# ---- client ------------------------------------------------------------------------------------------
mkdir -p "$(dirname "$OUT")"
status=0
# shellcheck disable=SC2086
timeout "$CLIENT_TIMEOUT_S" java $CLIENT_JVM_OPTS -cp "$CLIENT_CP" io.tributary.bench.LatencyBenchmark \
  --host 127.0.0.1 --port "$API_PORT" --out "$OUT" --server-info "$SERVER_INFO" \
  --server-pid "$SERVER_PID" \
  --command "loadtest/latency-bench.sh${*:+ $*}" "$@" || status=$?
if grep -q "ERROR\|Exception" "$WORK/server.log"; then
  log "server log has errors (whole log kept in target/latency-bench-server.log):"
  grep -m 20 "ERROR\|Exception" "$WORK/server.log" >&2
fi
log "results: $OUT"
exit $status
