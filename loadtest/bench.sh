#!/usr/bin/env bash
# Core API benchmark of Tributary.
#
# Starts target/tributary.jar in its own JVM on free 127.0.0.1 ports (data under a fresh temp dir,
# auth.mode=shape, no stream-creation delay), waits for /ready, runs io.tributary.bench.ApiBenchmark
# (test scope) against it in a second JVM, writes loadtest/results/core-api.md and stops the server.
# Everything stays on 127.0.0.1 and is bounded in time (about 75 s of load by default; the client is
# killed after CLIENT_TIMEOUT_S).
#
# Usage: loadtest/bench.sh [extra ApiBenchmark options, e.g. --duration 10 --protocol h2c --format json]
#        loadtest/bench.sh --compare-formats [--rounds N] [--clients "lean sdk"] [extra benchmark options]
#
# --format json|cbor picks the wire format of the lean client's bodies (default cbor, as the Java SDK).
# --compare-formats runs PutRecords and the GetRecords drain in JSON and in CBOR back to back, alternating
# which goes first, for N rounds (default 3), each run against a freshly started server, with the lean
# client (ApiBenchmark) and with the AWS SDK for Java v2 (SdkBenchmark); it writes the records/s of each,
# their ratio per round and the server CPU per million records into a section of the results file
# (io.tributary.bench.FormatComparison), keeping the rest of the file. Defaults there: 3 s warm-up, 10 s
# measured.
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

if [[ ${1:-} == --compare-formats ]]; then
  shift
  ROUNDS=3
  CLIENTS="lean sdk"
  EXTRA=(--warmup 3 --duration 10)
  while (($#)); do
    case $1 in
      --rounds) ROUNDS=$2; shift 2 ;;
      --clients) CLIENTS=$2; shift 2 ;;
      *) EXTRA+=("$1"); shift ;;
    esac
  done
  build_bench_client ApiBenchmark SdkBenchmark FormatComparison
  SUMMARIES=$(mktemp -d -t tributary-formats.XXXXXX)
  for round in $(seq 1 "$ROUNDS"); do
    order="json cbor"
    (( round % 2 == 0 )) && order="cbor json"
    for client in $CLIENTS; do
      for format in $order; do
        start_bench_server "formats-$client-$format" TRIBUTARY_EVENT_LOOPS="$SERVER_EVENT_LOOPS" \
          TRIBUTARY_STORAGE="$BENCH_STORAGE" TRIBUTARY_FSYNC="$BENCH_FSYNC"
        class=ApiBenchmark
        [[ $client == sdk ]] && class=SdkBenchmark
        log "round $round: $client client, $format"
        # shellcheck disable=SC2086
        timeout "$CLIENT_TIMEOUT_S" java $CLIENT_JVM_OPTS -cp "$CLIENT_CP" "io.tributary.bench.$class" \
          --host 127.0.0.1 --port "$API_PORT" --server-pid "$SERVER_PID" --format "$format" \
          --phases put-records,get-records --out "$SUMMARIES/r$round-$client-$format.md" \
          --summary-out "$SUMMARIES/r$round-$client-$format.txt" "${EXTRA[@]}" || log "the $class run failed"
        report_server_errors
        stop_bench_server
        SERVER_PID=""
        WORK=""
      done
    done
  done
  LOOPS_TEXT=$SERVER_EVENT_LOOPS
  [[ $SERVER_EVENT_LOOPS == 0 ]] && LOOPS_TEXT="$(nproc) (one per processor)"
  # shellcheck disable=SC2086
  java $CLIENT_JVM_OPTS -cp "$CLIENT_CP" io.tributary.bench.FormatComparison --summaries "$SUMMARIES" \
    --rounds "$ROUNDS" --clients "$CLIENTS" --out "$OUT" \
    --command "loadtest/bench.sh --compare-formats --rounds $ROUNDS --clients \"$CLIENTS\"" \
    --server-info "commit $(commit_info), separate JVM, flags: $SERVER_JVM_OPTS, event loops: $LOOPS_TEXT, auth.mode=shape, storage=$BENCH_STORAGE, fsync=$BENCH_FSYNC"
  rm -rf "$SUMMARIES"
  log "results: $OUT"
  exit 0
fi

build_bench_client ApiBenchmark

# ---- server ------------------------------------------------------------------------------------------
start_bench_server bench TRIBUTARY_EVENT_LOOPS="$SERVER_EVENT_LOOPS" TRIBUTARY_STORAGE="$BENCH_STORAGE" TRIBUTARY_FSYNC="$BENCH_FSYNC"

SERVER_JAVA=$(java -version 2>&1 | head -1)
LOOPS_TEXT=$SERVER_EVENT_LOOPS
[[ $SERVER_EVENT_LOOPS == 0 ]] && LOOPS_TEXT="$(nproc) (one per processor)"
SERVER_INFO="commit $(commit_info), separate JVM, $SERVER_JAVA, flags: $SERVER_JVM_OPTS, event loops: $LOOPS_TEXT, auth.mode=shape, storage=$BENCH_STORAGE, fsync=$BENCH_FSYNC, data dir on $(stat -f -c %T "$WORK" 2>/dev/null || echo '?') in $(dirname "$WORK")"

# ---- client ------------------------------------------------------------------------------------------
run_bench_client ApiBenchmark bench.sh "$@"
