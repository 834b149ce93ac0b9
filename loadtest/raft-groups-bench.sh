#!/usr/bin/env bash
# What many Raft groups per node cost with Apache Ratis 3.1.3 (groundwork for per-shard replication).
#
# Per run (a Ratis settings profile and a number of groups N): io.tributary.bench.RaftGroupsBenchmark starts
# three Ratis servers, each a JVM of its own (io.tributary.bench.RaftGroupsNode) on 127.0.0.1, each carrying
# the N groups of the three of them; times the start until every group has a leader; measures threads, heap,
# direct memory and RSS per JVM, idle CPU over 30 s, then 20 s of writes (12 writers, 1 KiB entries,
# round-robin over the groups): entries/s, p50/p99. Each run takes 1-3 minutes (a run whose groups do not all
# have a leader within --election-timeout, 150 s, stops there and reports how far it got) and is killed after
# RUN_TIMEOUT_S. Then RaftGroupsBenchmark --mode report writes the figures into loadtest/results/raft-groups.md
# between its markers, keeping the findings written around them.
# Everything runs under `nice -n 10` (the machine is shared); each run's figures stay in
# target/raft-groups-bench/PROFILE-N.txt, the nodes' logs beside them.
#
# Usage: loadtest/raft-groups-bench.sh [extra RaftGroupsBenchmark options, e.g. --idle 10 --duration 10]
# Environment:
#   RAFT_GROUPS_RUNS   space-separated PROFILE:N runs (profiles: defaults, small-buffers, slow-heartbeats, bounded);
#                      empty: no run, only the report from RAFT_GROUPS_REPORT_RUNS
#   NODE_JVM_OPTS      flags of each node's JVM (default: -Xmx768m -XX:MaxDirectMemorySize=2g)
#   CLIENT_JVM_OPTS    flags of the benchmark's own JVM (default: -Xmx256m)
#   RUN_TIMEOUT_S      hard limit on each run (default 300)
#   BENCH_OUT          results file (default loadtest/results/raft-groups.md)
#   RAFT_GROUPS_REPORT_RUNS  the runs the report shows (default: RAFT_GROUPS_RUNS), from their figures in
#                      target/raft-groups-bench, so that a run can be repeated alone and the report still show all
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=${BENCH_OUT:-$ROOT/loadtest/results/raft-groups.md}
RUNS=${RAFT_GROUPS_RUNS-"defaults:1 defaults:100 small-buffers:100 slow-heartbeats:100 bounded:1 bounded:100 bounded:250 bounded:500"}
NODE_JVM_OPTS=${NODE_JVM_OPTS:--Xmx768m -XX:MaxDirectMemorySize=2g}
CLIENT_JVM_OPTS=${CLIENT_JVM_OPTS:--Xmx256m}
RUN_TIMEOUT_S=${RUN_TIMEOUT_S:-300}

LOG_TAG=raft-groups-bench.sh
# shellcheck source=lib/bench-common.sh
source "$ROOT/loadtest/lib/bench-common.sh"

# The benchmark is test code only: it needs the test classes and the test class path, not the server jar.
if [[ "${BENCH_REBUILD:-0}" == 1 || ! -f target/test-classes/io/tributary/bench/RaftGroupsBenchmark.class \
      || -n $(find src/test/java/io/tributary/bench src/main -newer target/test-classes/io/tributary/bench/RaftGroupsBenchmark.class -name '*.java' | head -1) ]]; then
  log "compiling the test classes"
  mvn -B -q test-compile
fi
bench_classpath
CP=$CLIENT_CP
SUMMARIES=target/raft-groups-bench
mkdir -p "$SUMMARIES"
STATUS=0
NAMES=()
for run in $RUNS; do
  profile=${run%%:*}; groups=${run##*:}
  NAMES+=("$profile-$groups")
  log "run $profile, $groups groups"
  # shellcheck disable=SC2086
  timeout "$RUN_TIMEOUT_S" nice -n 10 java $CLIENT_JVM_OPTS -cp "$CP" io.tributary.bench.RaftGroupsBenchmark \
    --mode run --profile "$profile" --groups "$groups" --node-jvm-opts "$NODE_JVM_OPTS" \
    --summary-out "$SUMMARIES/$profile-$groups.txt" "$@" \
    || { STATUS=$?; log "run $profile-$groups failed or had errors (status $STATUS); see $SUMMARIES/$profile-$groups-n*.log"; }
done

if [[ -n ${RAFT_GROUPS_REPORT_RUNS:-} ]]; then
  NAMES=()
  for run in $RAFT_GROUPS_REPORT_RUNS; do NAMES+=("${run%%:*}-${run##*:}"); done
fi
# shellcheck disable=SC2086
java $CLIENT_JVM_OPTS -cp "$CP" io.tributary.bench.RaftGroupsBenchmark --mode report --out "$OUT" \
  --summaries "$SUMMARIES" --runs "$(IFS=,; echo "${NAMES[*]}")" \
  --command "loadtest/raft-groups-bench.sh${*:+ $*}" \
  --machine-info "commit $(commit_info) when the report was written; the benchmark JVM: $CLIENT_JVM_OPTS; runs shown: ${NAMES[*]}"
log "results: $OUT"
exit $STATUS
