#!/usr/bin/env bash
# Kafka bridge benchmark: mirroring throughput of 100-byte records, stream -> topic and topic -> stream.
# A backlog of BRIDGE_BENCH_RECORDS records is written to one side, then a mirror is created and timed
# until it has mirrored them all; the comparison endpoint then checks that both sides match. Writes
# loadtest/results/bridge.md (machine facts, parameters, figures, CPU and load average).
#
# Everything runs on 127.0.0.1: a Kafka broker (KRaft, one node, child JVM on free ports, fresh log dir)
# and the server inside the benchmark JVM (io.tributary.bench.BridgeBenchmark, test scope) with its data
# in a fresh temp dir. Bounded: the benchmark JVM is killed after BRIDGE_BENCH_TIMEOUT_S; each mirror gets
# at most 5 minutes. About 1 minute on a quiet 2-core machine.
#
# Usage: loadtest/bridge-bench.sh
# Environment:
#   BRIDGE_BENCH_RECORDS    records per direction (default 1000000)
#   BRIDGE_BENCH_OUT        results file (default loadtest/results/bridge.md)
#   BRIDGE_BENCH_TIMEOUT_S  bound on the whole run (default 600)
#   BENCH_JVM_OPTS          flags of the benchmark JVM (default -Xms3g -Xmx3g -XX:+UseParallelGC)
#   BENCH_REBUILD=1         recompile even if the classes look current
set -euo pipefail

cd "$(dirname "$0")/.."
RECORDS=${BRIDGE_BENCH_RECORDS:-1000000}
OUT=${BRIDGE_BENCH_OUT:-loadtest/results/bridge.md}
TIMEOUT_S=${BRIDGE_BENCH_TIMEOUT_S:-600}
BENCH_JVM_OPTS=${BENCH_JVM_OPTS:--Xms3g -Xmx3g -XX:+UseParallelGC}

log() { echo "[bridge-bench $(date -u +%H:%M:%S)] $*"; }

BENCH_CLASS=target/test-classes/io/tributary/bench/BridgeBenchmark.class
stale=0
[[ -f $BENCH_CLASS ]] || stale=1
for src in $(find src/main/java src/test/java -name '*.java'); do [[ $src -nt $BENCH_CLASS ]] && stale=1 && break; done
if [[ "${BENCH_REBUILD:-0}" == 1 || $stale == 1 ]]; then
  log "compiling"
  mvn -B -q test-compile
fi
CP_FILE=target/bench-classpath.txt
if [[ ! -s $CP_FILE || pom.xml -nt $CP_FILE ]]; then
  mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" >/dev/null
fi

log "mirroring $RECORDS records each way; report: $OUT"
REPORT=$(mktemp)
timeout "$TIMEOUT_S" java $BENCH_JVM_OPTS -cp "target/test-classes:target/classes:$(cat "$CP_FILE")" \
  io.tributary.bench.BridgeBenchmark "$REPORT" "$RECORDS"
{
  cat "$REPORT"
  echo
  echo "Reproduce: \`loadtest/bridge-bench.sh\` (BRIDGE_BENCH_RECORDS=$RECORDS)."
  echo
  echo "Measured: commit $(git rev-parse --short HEAD) ($(git log -1 --format=%s))."
} > "$OUT"
rm -f "$REPORT"
log "done: $OUT"
