#!/usr/bin/env bash
# Replication benchmark of Tributary: PutRecords through three clustered nodes with replication.factor=1 and
# with replication.factor=3, same nodes, same load.
#
# Per round (--rounds, default 2), factor 1 first, then factor 3: starts three clustered nodes at once from
# target/tributary.jar (TRIBUTARY_REPLICATION_FACTOR=F, everything else default) on free 127.0.0.1 ports, waits
# until every one is ready, then runs against them, each on a fresh stream:
#   1. io.tributary.bench.SdkBenchmark: the AWS SDK for Java v2 (one KinesisAsyncClient per node, the calls in
#      flight spread evenly over the three), PutRecords for a warm-up and a fixed duration, then a GetRecords
#      drain that must return every record acknowledged;
#   2. io.tributary.bench.ClusterBenchmark --cases spread,latency: the lean client of cluster-bench.sh (event
#      loop i to node i), the same PutRecords load and drain; then sequential PutRecord / GetRecords calls
#      through node 1 to a shard node 1 serves and to one another node serves (the commit round trip);
# then stops the nodes and counts the Raft warnings in their logs. Finally io.tributary.bench.ReplicationReport
# writes loadtest/results/replication.md from the runs' figures (kept in target/replication-bench/*.txt; node
# logs as target/replication-bench-fF-rR-nodeN-server.log).
# All nodes and the clients run on this machine and share its cores and its disk. A node that does not start
# ends the script (its log is printed and kept).
# Bounded in time: about 2.5 minutes per factor and round with the defaults (start-up, two put phases and their
# drains, the sequential calls), 10 minutes in all; each client is killed after CLIENT_TIMEOUT_S.
#
# Usage: loadtest/replication-bench.sh [--rounds N] [--warmup S] [--duration S] [--shards N]
#          [--records-per-call N] [--record-bytes MIN-MAX] [--concurrency N] [--latency-calls N]
#          [--latency-warmup N]
#   Defaults: 2 rounds, 3 s warm-up + 15 s measured per put phase, 12 shards, 500 records of 100-1000 B per
#   call, 24 calls in flight, 1000 sequential calls (after 100) per shard and operation.
#   A quick check: loadtest/replication-bench.sh --rounds 1 --warmup 1 --duration 3 --latency-calls 200 --latency-warmup 20
# Environment:
#   BENCH_OUT          results file (default loadtest/results/replication.md)
#   BENCH_CONDITIONS   a sentence on the conditions of the run, written into the report
#   SERVER_JVM_OPTS    flags of every node's JVM (default: 1 GiB heap, ParallelGC)
#   CLIENT_JVM_OPTS    client JVM flags
#   CLIENT_TIMEOUT_S   hard limit on each client run (default 300)
#   BENCH_REBUILD=1    rebuild the jar and test classes even if present
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=${BENCH_OUT:-$ROOT/loadtest/results/replication.md}
SERVER_JVM_OPTS=${SERVER_JVM_OPTS:--Xms1g -Xmx1g -XX:MetaspaceSize=128m -XX:+UseParallelGC}
CLIENT_JVM_OPTS=${CLIENT_JVM_OPTS:--Xms512m -Xmx512m -XX:+UseParallelGC}
CLIENT_TIMEOUT_S=${CLIENT_TIMEOUT_S:-300}

ROUNDS=2 WARMUP=3 DURATION=15 SHARDS=12 PER_CALL=500 RECORD_BYTES=100-1000 CONCURRENCY=24
LATENCY_CALLS=1000 LATENCY_WARMUP=100
COMMAND="loadtest/replication-bench.sh${*:+ $*}"
while (($#)); do
  case $1 in
    --rounds) ROUNDS=$2 ;;
    --warmup) WARMUP=$2 ;;
    --duration) DURATION=$2 ;;
    --shards) SHARDS=$2 ;;
    --records-per-call) PER_CALL=$2 ;;
    --record-bytes) RECORD_BYTES=$2 ;;
    --concurrency) CONCURRENCY=$2 ;;
    --latency-calls) LATENCY_CALLS=$2 ;;
    --latency-warmup) LATENCY_WARMUP=$2 ;;
    *) echo "unknown option $1 (see the head of $0)" >&2; exit 2 ;;
  esac
  shift 2
done
# The options both clients and the report share.
LOAD=(--warmup "$WARMUP" --duration "$DURATION" --shards "$SHARDS" --records-per-call "$PER_CALL"
  --record-bytes "$RECORD_BYTES")

LOG_TAG=replication-bench.sh
# shellcheck source=lib/bench-common.sh
source "$ROOT/loadtest/lib/bench-common.sh"

build_bench_client SdkBenchmark ClusterBenchmark ReplicationReport
SUMMARIES=target/replication-bench
rm -rf "$SUMMARIES"; mkdir -p "$SUMMARIES"
SERVER_JAVA=$(java -version 2>&1 | head -1)
STATUS=0
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)

# Runs io.tributary.bench.CLASS with the given options; a failed run fails the script at the end.
client() {  # CLASS OPTIONS...
  local class=$1; shift
  # shellcheck disable=SC2086
  timeout "$CLIENT_TIMEOUT_S" java $CLIENT_JVM_OPTS -cp "$CLIENT_CP" "io.tributary.bench.$class" --host 127.0.0.1 "$@" \
    || { STATUS=$?; log "$class: errors (see above) or failed (status $STATUS)"; }
}

# Counts of Raft warnings in the kept logs of one run's nodes, as key=value lines for the report: followers'
# INCONSISTENCY replies to a leader's appends, leaders' log appenders that failed (and were restarted),
# leaderships lost (any group: the metadata group's too).
raft_log_counts() {  # NAME
  local logs=(target/"$1"-node*-server.log)
  echo "logs.inconsistency=$(cat "${logs[@]}" | grep -c 'received INCONSISTENCY' || true)"
  echo "logs.appender_failed=$(cat "${logs[@]}" | grep -c 'LogAppenderDaemon failed' || true)"
  echo "logs.leadership_lost=$(cat "${logs[@]}" | grep -c 'Lost leadership' || true)"
}

trap stop_cluster_nodes EXIT
for ROUND in $(seq 1 "$ROUNDS"); do
  for FACTOR in 1 3; do
    log "round $ROUND of $ROUNDS, replication.factor=$FACTOR"
    start_cluster_nodes "replication-bench-f$FACTOR-r$ROUND" TRIBUTARY_REPLICATION_FACTOR="$FACTOR"
    PIDS=$(comma_list "${NODE_PIDS[@]}")
    client SdkBenchmark --port "$(comma_list "${NODE_APIS[@]}")" --server-pid "$PIDS" "${LOAD[@]}" \
      --put-records-concurrency "$CONCURRENCY" --summary-out "$SUMMARIES/f$FACTOR-r$ROUND-sdk.txt"
    client ClusterBenchmark --mode cluster --cases spread,latency --nodes "$(node_list)" --server-pids "$PIDS" \
      "${LOAD[@]}" --concurrency "$CONCURRENCY" --latency-calls "$LATENCY_CALLS" --latency-warmup "$LATENCY_WARMUP" \
      --summary-out "$SUMMARIES/f$FACTOR-r$ROUND-lean.txt"
    report_node_errors
    stop_cluster_nodes
    raft_log_counts "replication-bench-f$FACTOR-r$ROUND" >"$SUMMARIES/f$FACTOR-r$ROUND-logs.txt"
  done
done

CONDITIONS="ran from $STARTED to $(date -u +%Y-%m-%dT%H:%M:%SZ); load average (1, 5, 15 min) $LOAD_BEFORE before, $(cut -d' ' -f1-3 /proc/loadavg) after."
[[ -n ${BENCH_CONDITIONS:-} ]] && CONDITIONS="$BENCH_CONDITIONS; $CONDITIONS"
client ReplicationReport --out "$OUT" --summaries "$SUMMARIES" --rounds "$ROUNDS" "${LOAD[@]}" \
  --concurrency "$CONCURRENCY" --latency-calls "$LATENCY_CALLS" --latency-warmup "$LATENCY_WARMUP" \
  --command "$COMMAND" --conditions "$CONDITIONS" \
  --server-info "commit $(commit_info); each node a separate JVM: $SERVER_JAVA, flags: $SERVER_JVM_OPTS; default settings (storage=file, fsync=always, event loops: one per processor, cluster.failover.timeout.ms=5000, replication.commit.timeout.ms=10000), auth.mode=shape; cluster: Hazelcast TCP-IP members, the metadata Raft group and (factor 3) the shard groups' Raft servers on 127.0.0.1"
log "results: $OUT"
exit $STATUS
