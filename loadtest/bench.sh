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

log() { echo "[bench.sh] $*"; }

# ---- build (only what is missing) ------------------------------------------------------------------
if [[ "${BENCH_REBUILD:-0}" == 1 || ! -f target/tributary.jar ]]; then
  log "building target/tributary.jar"
  mvn -B -q -DskipTests package
fi
BENCH_CLASS=target/test-classes/io/tributary/bench/ApiBenchmark.class
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
WORK=$(mktemp -d -t tributary-bench.XXXXXX)
SERVER_PID=""
cleanup() {
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  cp "$WORK/server.log" "$ROOT/target/bench-server.log" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

log "starting server: java $SERVER_JVM_OPTS -jar target/tributary.jar (api $API_PORT, management $MGMT_PORT)"
# shellcheck disable=SC2086
TRIBUTARY_HOST=127.0.0.1 \
TRIBUTARY_AUTH_MODE=shape \
TRIBUTARY_STREAM_CREATE_DELAY_MS=0 \
TRIBUTARY_STREAM_DELETE_DELAY_MS=0 \
TRIBUTARY_EVENT_LOOPS=$SERVER_EVENT_LOOPS \
TRIBUTARY_STORAGE=$BENCH_STORAGE \
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
LOOPS_TEXT=$SERVER_EVENT_LOOPS
[[ $SERVER_EVENT_LOOPS == 0 ]] && LOOPS_TEXT="$(nproc) (one per processor)"
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ $COMMIT != unknown && -n $(git status --porcelain -- src/main pom.xml 2>/dev/null) ]]; then
  COMMIT+=" + uncommitted changes in src/main or pom.xml"
fi
SERVER_INFO="commit $COMMIT, separate JVM, $SERVER_JAVA, flags: $SERVER_JVM_OPTS, event loops: $LOOPS_TEXT, auth.mode=shape, storage=$BENCH_STORAGE, fsync=$BENCH_FSYNC, data dir on $(stat -f -c %T "$WORK" 2>/dev/null || echo '?') in $(dirname "$WORK")"

# ---- client ------------------------------------------------------------------------------------------
mkdir -p "$(dirname "$OUT")"
status=0
# shellcheck disable=SC2086
timeout "$CLIENT_TIMEOUT_S" java $CLIENT_JVM_OPTS -cp "$CLIENT_CP" io.tributary.bench.ApiBenchmark \
  --host 127.0.0.1 --port "$API_PORT" --out "$OUT" --server-info "$SERVER_INFO" \
  --server-pid "$SERVER_PID" \
  --command "loadtest/bench.sh${*:+ $*}" "$@" || status=$?
if grep -q "ERROR\|Exception" "$WORK/server.log"; then
  log "server log has errors (whole log kept in target/bench-server.log):"
  grep -m 20 "ERROR\|Exception" "$WORK/server.log" >&2
fi
log "results: $OUT"
exit $status
