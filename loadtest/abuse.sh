#!/usr/bin/env bash
# Abusive clients against Tributary, each section while a probe client measures its own latency.
#
# Starts target/tributary.jar in its own JVM on free 127.0.0.1 ports (with -XX:+ExitOnOutOfMemoryError, as
# every benchmark server), runs io.tributary.bench.AbuseBenchmark (test scope) against it in a second JVM,
# writes loadtest/results/abuse.md with, per section, the probe's p50/p99/max, the server's peak RSS and
# gauges, and whether an OutOfMemoryError was logged, and stops the server. The abuse comes from 127.0.0.2
# and up, the probe from 127.0.0.1; everything stays on loopback, bounded by CLIENT_TIMEOUT_S.
#
# Sections (--sections, comma list; add one as a method of AbuseBenchmark and a case in its run()):
#   large-bodies      --body-clients N (50) clients each sending a --body-mib (15) MiB PutRecords body, again and again
#   stalled-readers   --readers N (300) SubscribeToShard readers that never read, on shards of --shard-mb MB
#   slowloris         --slowloris N (20000) connections trickling header bytes, from --slowloris-addresses (2)
#   tls-handshakes    as many connections to the TLS port that never start their TLS handshake
#   management-body   --management-bodies N (4) attempts to send 1 GiB to PUT /faults (declared and chunked)
# Each section holds its abuse for --hold seconds (30).
#
# Usage: loadtest/abuse.sh [--sections large-bodies,stalled-readers,slowloris,tls-handshakes,management-body] [--readers 300] [--slowloris 20000] [--hold 30]
# Environment:
#   BENCH_OUT          results file (default loadtest/results/abuse.md)
#   SERVER_JVM_OPTS    server JVM flags (default -Xmx1g)
#   CLIENT_JVM_OPTS    client JVM flags
#   CLIENT_TIMEOUT_S   hard limit on the client run (default 600)
#   BENCH_REBUILD=1    rebuild the jar and test classes even if present
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=${BENCH_OUT:-$ROOT/loadtest/results/abuse.md}
SERVER_JVM_OPTS=${SERVER_JVM_OPTS:--Xmx1g}
CLIENT_JVM_OPTS=${CLIENT_JVM_OPTS:--Xmx512m}
CLIENT_TIMEOUT_S=${CLIENT_TIMEOUT_S:-600}

LOG_TAG=abuse.sh
# shellcheck source=lib/bench-common.sh
source "$ROOT/loadtest/lib/bench-common.sh"

# 20,000 slowloris sockets need as many descriptors in the client, and the server its own; raise the soft
# limit as far as the hard limit allows (both JVMs inherit it).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
log "open files limit: $(ulimit -n)"

build_bench_client AbuseBenchmark

start_bench_server abuse TRIBUTARY_CONSUMER_CREATE_DELAY_MS=0

SERVER_JAVA=$(java -version 2>&1 | head -1)
SERVER_INFO="commit $(commit_info), separate JVM, $SERVER_JAVA, flags: -XX:+ExitOnOutOfMemoryError $SERVER_JVM_OPTS, default settings (limits.connections 10000, limits.connections.per.address 1000, limits.header.timeout.ms 10000, limits.tls.handshake.timeout.ms 10000, limits.subscription.buffer.bytes an eighth of the heap), auth.mode=shape, open files limit $(ulimit -n)"

status=0
run_bench_client AbuseBenchmark abuse.sh --management-port "$MGMT_PORT" --tls-port "$TLS_PORT" "$@" || status=$?

oom=$(grep -c "OutOfMemoryError" "$WORK/server.log" || true)
alive=yes
kill -0 "$SERVER_PID" 2>/dev/null || alive=no
{
  echo
  echo "## Server log"
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| lines mentioning OutOfMemoryError | $oom |"
  echo "| server process alive at the end | $alive |"
} >>"$OUT"
log "OutOfMemoryError lines in the server log: $oom; server alive: $alive"
exit $status
