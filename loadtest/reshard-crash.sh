#!/usr/bin/env bash
# Resharding crash run, the long form of ReshardCrashTest (which CI runs with 8 rounds): SplitShard,
# MergeShards and UpdateShardCount in a loop under continuous PutRecords, the server (its own JVM, real
# AWS SDK clients) killed with SIGKILL at a random moment of every round, and in every other round 30 % of
# the stream catalog's writes failing as on a full disk. After each restart and at the end, every
# acknowledged record must be readable exactly once on the shard and with the sequence number it was
# acknowledged with, the lineage whole, and no shard id reused. Writes loadtest/results/reshard-crash.md.
#
# Usage: loadtest/reshard-crash.sh [rounds] [seed]     (default 30 rounds, seed 20261202; about 2-4 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-30}
seed=${2:-20261202}
out=loadtest/results/reshard-crash.md
log=$(mktemp)
started=$(date +%s)
status=passed
mvn -B -q test -Dtest=ReshardCrashTest#acknowledgedRecordsAndLineageSurviveCrashesDuringResharding \
  -Dsurefire.failIfNoSpecifiedTests=false -Dreshard.crash.rounds="$rounds" -Dreshard.crash.seed="$seed" >"$log" 2>&1 \
  || status=failed
summary=$(grep -h 'rounds:' target/surefire-reports/io.tributary.durability.ReshardCrashTest-output.txt 2>/dev/null | tail -1)
{
  echo "# Resharding crash run"
  echo
  echo "\`loadtest/reshard-crash.sh $rounds $seed\` on $(date -u +%Y-%m-%d), $(nproc) cores: **$status** in $(( $(date +%s) - started )) s."
  echo
  echo "- ${summary:-no summary line; see the Maven output}"
  echo "- Every round: 2 producers (PutRecords of 25 records, sync CBOR client), one resharder (random SplitShard,"
  echo "  MergeShards or UpdateShardCount once the stream is ACTIVE, 1-6 open shards), fsync=always,"
  echo "  stream.update.delay.ms drawn from 0-149 ms, SIGKILL after 0.6-2.4 s; odd rounds with"
  echo "  faults.catalog.write.failure=0.3."
  echo "- Checked after every restart: acknowledged records present exactly once with their shard and sequence"
  echo "  number, sequence numbers increasing per shard, parents listed and closed, split children inside their"
  echo "  parent, open shards tiling the hash key space, each shard id always naming the same shard."
} >"$out"
cat "$out"
[ "$status" = passed ] || { tail -50 "$log"; exit 1; }
