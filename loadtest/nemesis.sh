#!/usr/bin/env bash
# Jepsen-style fault injection against replicated shard logs (replication.factor=3), the long form of
# ReplicationNemesisTest. io.tributary.bench.NemesisRun starts three clustered node JVMs on 127.0.0.1
# (cluster.failover.timeout.ms=4000, a snapshot of each shard group every 200 entries), creates a 6-shard stream and runs one producer per node (AWS SDK for Java
# v2 sync client, retries off, PutRecord or PutRecords of 2-5 records, each record's data a unique id) while a
# nemesis, every 5 s of calm, SIGKILLs a node that leads shards and restarts it on its data directory, or
# SIGSTOPs it and SIGCONTs it, 8 s later; one node at a time, so a majority always stays. It measures each
# failover (until a survivor's GET /cluster names a live leader for every shard the node led). At the end every
# node is brought back and every shard read from TRIM_HORIZON through every node: no acknowledged record may
# be lost, none duplicated, none out of sequence order, and the nodes must agree. Writes
# loadtest/results/nemesis.md; exits non-zero if a check failed. About 3-4 minutes for the default 120 s.
# The nodes' data directories and logs (node-<i>-server.log) stay in NEMESIS_DIR for a look afterwards.
#
# Usage: loadtest/nemesis.sh [NemesisRun options, e.g. --duration 300 --interval 3 --fault-length 10
#                             --order alternate --seed 42 --producers-per-node 2 --batch 1 --shards 12]
# Environment:
#   BENCH_OUT          results file (default loadtest/results/nemesis.md)
#   NEMESIS_DIR        the nodes' data and logs (default target/nemesis; emptied first)
#   CLIENT_JVM_OPTS    flags of NemesisRun's own JVM (default -Xmx512m; each node has -Xmx512m)
#   RUN_TIMEOUT_S      hard limit on the run (default 900)
#   BENCH_REBUILD=1    recompile the test classes even if they look current
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=${BENCH_OUT:-$ROOT/loadtest/results/nemesis.md}
DIR=${NEMESIS_DIR:-$ROOT/target/nemesis}
CLIENT_JVM_OPTS=${CLIENT_JVM_OPTS:--Xmx512m}
RUN_TIMEOUT_S=${RUN_TIMEOUT_S:-900}

LOG_TAG=nemesis.sh
# shellcheck source=lib/bench-common.sh
source "$ROOT/loadtest/lib/bench-common.sh"

# Test code only: the nodes run from target/classes on the test class path, as the tests start them.
if [[ "${BENCH_REBUILD:-0}" == 1 || ! -f target/test-classes/io/tributary/bench/NemesisRun.class \
      || -n $(find src/test/java/io/tributary/bench src/test/java/io/tributary/support src/main \
              -newer target/test-classes/io/tributary/bench/NemesisRun.class -name '*.java' | head -1) ]]; then
  log "compiling the test classes"
  mvn -B -q test-compile
fi
bench_classpath
CP=$CLIENT_CP

rm -rf "$DIR"
mkdir -p "$DIR" "$(dirname "$OUT")"
STATUS=0
# shellcheck disable=SC2086
timeout "$RUN_TIMEOUT_S" java $CLIENT_JVM_OPTS -cp "$CP" io.tributary.bench.NemesisRun \
  --dir "$DIR" --duration 120 --out "$OUT" --commit "$(commit_info)" \
  --command "loadtest/nemesis.sh${*:+ $*}" "$@" || STATUS=$?
if ((STATUS != 0)); then
  log "the run failed or found violations (status $STATUS); the nodes' logs: $DIR/node-*-server.log"
fi
log "results: $OUT"
exit $STATUS
