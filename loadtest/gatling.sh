#!/usr/bin/env bash
# Gatling load test of Tributary: starts target/tributary.jar in its own JVM on free 127.0.0.1 ports
# (default settings: file storage, fsync=always; data under a fresh temp dir), runs a simulation of
# loadtest/src/test/java against it with `mvn -f loadtest/pom.xml gatling:test`, and stops the server.
# Gatling's HTML report lands in loadtest/target/gatling/; its summary is appended to
# loadtest/results/gatling.md.
#
# Usage: loadtest/gatling.sh [-Dname=value ...]   simulation parameters, e.g.
#   loadtest/gatling.sh -DputRate=400 -DdurationSeconds=120
#   (see ProduceAndConsumeSimulation for all of them; -Dsimulation=... picks another simulation)
# Environment:
#   SERVER_JVM_OPTS    server JVM flags (default: none, the JVM's defaults)
#   GATLING_OUT        summary file (default loadtest/results/gatling.md)
#   BENCH_REBUILD=1    rebuild the server jar even if present
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=${GATLING_OUT:-$ROOT/loadtest/results/gatling.md}
SERVER_JVM_OPTS=${SERVER_JVM_OPTS:-}

LOG_TAG=gatling.sh
# shellcheck source=lib/bench-common.sh
source "$ROOT/loadtest/lib/bench-common.sh"

build_server_jar
start_bench_server gatling

status=0
mvn -B -f loadtest/pom.xml gatling:test -Dendpoint="http://127.0.0.1:$API_PORT" "$@" \
  | tee "$WORK/gatling.log" || status=$?
report_server_errors

mkdir -p "$(dirname "$OUT")"
{
  echo
  echo "## $(date -u +%Y-%m-%dT%H:%M:%SZ): loadtest/gatling.sh $*"
  echo
  echo "Server: commit $(commit_info), $(nproc) cores, flags: ${SERVER_JVM_OPTS:-none (JVM defaults)}, default settings (storage=file, fsync=always). Gatling in a second JVM on the same machine."
  echo
  echo '```'
  sed -n '/---- Global Information/,/^=====/p' "$WORK/gatling.log"
  grep -E "^Global:|Please open the following file" "$WORK/gatling.log" || true
  echo '```'
} >> "$OUT"
log "summary appended to $OUT; exit status $status"
exit $status
