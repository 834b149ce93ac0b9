#!/usr/bin/env bash
# Cluster benchmark of Tributary: PutRecords and GetRecords through one node and through three.
#
# 1. Starts one node (not clustered: the baseline) from target/tributary.jar on free 127.0.0.1 ports, waits
#    for /ready, runs io.tributary.bench.ClusterBenchmark --mode single (lean client, a 12-shard stream) and
#    io.tributary.bench.SdkBenchmark (AWS SDK for Java v2) against it, stops it.
# 2. Per round (CLUSTER_BENCH_ROUNDS, default 2): starts three clustered nodes at once (Hazelcast members and the
#    metadata Raft group on 127.0.0.1), waits until every one is ready, runs SdkBenchmark through node 1 (first
#    round only), then ClusterBenchmark --mode cluster: every call through node 1, then calls spread over the
#    three, the forwarded share of shard requests from each node's /metrics, and sequential PutRecord /
#    GetRecords pairs through node 1 to a shard it owns and to one another node owns; stops the nodes; then one
#    node alone again (ClusterBenchmark --mode single), so every cluster run has a single-node run on each side
#    and the report shows how far the machine's figures moved meanwhile.
# 3. ClusterBenchmark --mode report writes loadtest/results/cluster.md from the runs' figures.
# All nodes run on this machine and share its cores. Server logs are kept as target/cluster-bench-*.log, the
# figures of each run as target/cluster-bench/*.txt.
# Bounded in time: 13 s per put phase by default; each client is killed after CLIENT_TIMEOUT_S.
#
# Usage: loadtest/cluster-bench.sh [extra ClusterBenchmark options, e.g. --duration 20 --latency-calls 5000]
# Environment:
#   BENCH_OUT          results file (default loadtest/results/cluster.md)
#   SERVER_JVM_OPTS    flags of every node's JVM (default: 1 GiB heap, ParallelGC)
#   CLIENT_JVM_OPTS    client JVM flags
#   CLIENT_TIMEOUT_S   hard limit on each client run (default 180)
#   CLUSTER_BENCH_ROUNDS  cluster rounds (default 2; each about 80 s)
#   BENCH_REBUILD=1    rebuild the jar and test classes even if present
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=${BENCH_OUT:-$ROOT/loadtest/results/cluster.md}
SERVER_JVM_OPTS=${SERVER_JVM_OPTS:--Xms1g -Xmx1g -XX:MetaspaceSize=128m -XX:+UseParallelGC}
CLIENT_JVM_OPTS=${CLIENT_JVM_OPTS:--Xms512m -Xmx512m -XX:+UseParallelGC}
CLIENT_TIMEOUT_S=${CLIENT_TIMEOUT_S:-180}
ROUNDS=${CLUSTER_BENCH_ROUNDS:-2}
SDK_OPTS=(--shards 12 --warmup 3 --duration 10 --put-records-concurrency 24)

LOG_TAG=cluster-bench.sh
# shellcheck source=lib/bench-common.sh
source "$ROOT/loadtest/lib/bench-common.sh"

build_bench_client ClusterBenchmark SdkBenchmark
# Each run's figures, kept (ClusterBenchmark --mode report can write the report from them again).
SUMMARIES=target/cluster-bench
rm -rf "$SUMMARIES"; mkdir -p "$SUMMARIES"
SERVER_JAVA=$(java -version 2>&1 | head -1)
EXTRA=("$@")
STATUS=0

# Runs ClusterBenchmark with the given options and the script's own; a failed run fails the script at the end.
cluster_client() {
  # shellcheck disable=SC2086
  timeout "$CLIENT_TIMEOUT_S" java $CLIENT_JVM_OPTS -cp "$CLIENT_CP" io.tributary.bench.ClusterBenchmark \
    --host 127.0.0.1 "$@" "${EXTRA[@]}" || { STATUS=$?; log "ClusterBenchmark $1 $2: errors (see above) or failed"; }
}

sdk_client() {  # PORT PID SUMMARY
  # shellcheck disable=SC2086
  timeout "$CLIENT_TIMEOUT_S" java $CLIENT_JVM_OPTS -cp "$CLIENT_CP" io.tributary.bench.SdkBenchmark \
    --host 127.0.0.1 --port "$1" --server-pid "$2" "${SDK_OPTS[@]}" --summary-out "$3" \
    || log "the SDK run ($3) failed"
}

# One node alone, the lean run (and the SDK run when SDK_SUMMARY is set), figures to $SUMMARIES/single-N.txt.
single_node() {  # N
  start_bench_server "cluster-bench-single-$1"
  cluster_client --mode single --nodes "$API_PORT:$MGMT_PORT" --server-pids "$SERVER_PID" \
    --summary-out "$SUMMARIES/single-$1.txt"
  [[ -n ${SDK_SUMMARY:-} ]] && sdk_client "$API_PORT" "$SERVER_PID" "$SDK_SUMMARY"
  report_server_errors
  stop_bench_server
  SERVER_PID=""
  WORK=""
}

trap 'stop_cluster_nodes; stop_bench_server' EXIT

# ---- 1. one node, not clustered ------------------------------------------------------------------------
SDK_SUMMARY="$SUMMARIES/sdk-single.txt" single_node 0
trap 'stop_cluster_nodes; stop_bench_server' EXIT  # start_bench_server sets its own

# ---- 2. rounds: three clustered nodes, then one node alone again ---------------------------------------
for ROUND in $(seq 1 "$ROUNDS"); do
  start_cluster_nodes "cluster-bench-round$ROUND" TRIBUTARY_REPLICATION_FACTOR=1
  if ((ROUND == 1)); then sdk_client "${NODE_APIS[0]}" "${NODE_PIDS[0]}" "$SUMMARIES/sdk-cluster.txt"; fi
  cluster_client --mode cluster --server-pids "$(comma_list "${NODE_PIDS[@]}")" --nodes "$(node_list)" \
    --summary-out "$SUMMARIES/cluster-$ROUND.txt"
  report_node_errors
  stop_cluster_nodes
  single_node "$ROUND"
  trap 'stop_cluster_nodes; stop_bench_server' EXIT
done

# ---- 3. the report -------------------------------------------------------------------------------------
cluster_client --mode report --out "$OUT" --summaries "$SUMMARIES" --rounds "$ROUNDS" \
  --command "loadtest/cluster-bench.sh${*:+ $*}" \
  --server-info "commit $(commit_info); each node a separate JVM: $SERVER_JAVA, flags: $SERVER_JVM_OPTS; default settings (storage=file, fsync=always, event loops: one per processor), auth.mode=shape; cluster: Hazelcast TCP-IP members and the metadata Raft group on 127.0.0.1"
log "results: $OUT"
exit $STATUS
