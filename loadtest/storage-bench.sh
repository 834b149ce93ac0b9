#!/usr/bin/env bash
# Storage benchmark of Tributary: what durable shard logs cost against in-memory storage, how much memory
# a server needs whatever the amount of data it holds, and how long a 1 GiB shard log takes to recover
# after a SIGKILL. Writes loadtest/results/storage.md.
#
#   1. PutRecords throughput (500 x 100 B records per call, 4 shards, 32 calls in flight, CBOR: the load of
#      loadtest/bench.sh) for storage=memory, file with fsync=always and file with fsync=never, a fresh
#      server per run, through io.tributary.bench.ApiBenchmark --phases put-records. The three run in
#      interleaved rounds (order rotated each round) so that a machine shared with other work disturbs them
#      alike, and a run that other processes disturbed anyway is run once more; medians over the rounds
#      are reported, and the ratio to memory is taken within each round.
#   2. Resident memory of a server run as it would be deployed (256 MiB heap, G1): after startup, after
#      each million of 5 million 100-byte records (fsync=always), after a GetRecords drain of all of them,
#      and its peak; heap from /metrics, native memory from NMT. Repeated last with ParallelGC.
#   3. Recovery of a 1 GiB shard log: one shard filled past 1 GiB, the server SIGKILLed mid-write and
#      restarted on the same data; restarts after an idle SIGKILL with the log in the page cache and with
#      it evicted; restarts on a data directory without streams as the baseline.
#
# Every server is target/tributary.jar in its own JVM on free 127.0.0.1 ports with data in a fresh temp
# dir; load comes from a second JVM (ApiBenchmark, StorageTool: test scope). Bounded in time: about 6
# minutes on a quiet machine, 8 at most on a busy one (waits for quiet and repeated runs stop at
# TP_RETRY_UNTIL_S; every step has its own timeout; steps that would start after STORAGE_BENCH_BUDGET_S
# are skipped and reported as such).
#
# Usage: loadtest/storage-bench.sh
# Environment:
#   STORAGE_BENCH_OUT       results file (default loadtest/results/storage.md)
#   STORAGE_BENCH_BUDGET_S  no step starts after the run has taken this long (default 400)
#   PHASES                  parts to run (default "throughput memory recovery")
#   TP_ROUNDS               rounds of the three throughput runs (default 3)
#   WARMUP_S, DURATION_S    per throughput run: warm-up and measured window, seconds (default 5 and 10)
#   TP_RETRY_UNTIL_S        a throughput run disturbed by other processes is run once more, unless the whole
#                           run has taken this long already (default 170 s)
#   BUSY_OTHER_CORES        CPU of other processes (cores) above which a run counts as disturbed (0.25)
#   FILE_JVM_OPTS           server flags of the file-storage throughput runs (default: bench.sh's)
#   MEMORY_JVM_OPTS         server flags of the memory-storage runs (default: bench.sh's, 6 GiB heap)
#   DEPLOY_JVM_OPTS         server flags of parts 2 and 3, a deployment's: 256 MiB heap, G1, bounded
#                           metaspace and direct memory (part 2 adds -XX:NativeMemoryTracking=summary)
#   MEMORY_ALT_JVM_OPTS     part 2 again, last, with these flags (default: DEPLOY_JVM_OPTS with ParallelGC
#                           instead of G1); empty to skip
#   CLIENT_JVM_OPTS         client flags
#   MEMORY_STEPS            cumulative record counts at which part 2 measures (default 1 to 5 million by 1 million)
#   RECOVERY_LOG_BYTES      .log bytes the shard holds at least when it is killed (default 1073741824 = 1 GiB)
#   RECOVERY_RECORD_BYTES   record data size of the fill (default 100)
#   BENCH_REBUILD=1         rebuild the jar and test classes even if they look current (they are rebuilt
#                           anyway when older than their sources)
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=${STORAGE_BENCH_OUT:-$ROOT/loadtest/results/storage.md}
BUDGET_S=${STORAGE_BENCH_BUDGET_S:-400}
PHASES=${PHASES:-throughput memory recovery}
TP_ROUNDS=${TP_ROUNDS:-3}
WARMUP_S=${WARMUP_S:-5}
DURATION_S=${DURATION_S:-10}
FILE_JVM_OPTS=${FILE_JVM_OPTS:--Xms2g -Xmx2g -Xmn1g -XX:MetaspaceSize=128m -XX:+UseParallelGC -XX:+AlwaysPreTouch}
MEMORY_JVM_OPTS=${MEMORY_JVM_OPTS:--Xms6g -Xmx6g -Xmn1g -XX:MetaspaceSize=128m -XX:+UseParallelGC -XX:+AlwaysPreTouch}
DEPLOY_JVM_OPTS=${DEPLOY_JVM_OPTS:--Xms256m -Xmx256m -XX:+UseG1GC -XX:MaxMetaspaceSize=128m -XX:MaxDirectMemorySize=128m -XX:+ExitOnOutOfMemoryError}
MEMORY_ALT_JVM_OPTS=${MEMORY_ALT_JVM_OPTS-${DEPLOY_JVM_OPTS/-XX:+UseG1GC/-XX:+UseParallelGC}}
NMT_OPT="-XX:NativeMemoryTracking=summary"
CLIENT_JVM_OPTS=${CLIENT_JVM_OPTS:--Xms512m -Xmx512m -XX:+UseParallelGC}
MEMORY_STEPS=${MEMORY_STEPS:-1000000 2000000 3000000 4000000 5000000}
RECOVERY_LOG_BYTES=${RECOVERY_LOG_BYTES:-1073741824}
RECOVERY_RECORD_BYTES=${RECOVERY_RECORD_BYTES:-100}
SEGMENT_BYTES=${TRIBUTARY_LOG_SEGMENT_BYTES:-$(sed -n 's/^log.segment.bytes=//p' conf/tributary.properties)}
BUSY_OTHER_CORES=${BUSY_OTHER_CORES:-0.25}   # "other" CPU above this in a measured window marks the run as taken on a busy machine
TP_RETRY_UNTIL_S=${TP_RETRY_UNTIL_S:-170}
ARTIFACTS=$ROOT/target/storage-bench   # server logs, per-run ApiBenchmark reports, NMT and jcmd output

# shellcheck source=lib/bench-common.sh
source "$ROOT/loadtest/lib/bench-common.sh"
START_S=$SECONDS
SKIPPED=""
PROBLEMS=""
log() { echo "[storage-bench $(date -u +%H:%M:%S)] $*"; }
problem() { log "PROBLEM: $*"; PROBLEMS+="- $*\n"; }
within_budget() {  # true while the run is inside its time budget; otherwise notes the skipped step
  if (( SECONDS - START_S > BUDGET_S )); then
    log "time budget of ${BUDGET_S} s used up: skipping $1"
    SKIPPED+="- $1: skipped, the run had used its ${BUDGET_S} s budget.\n"
    return 1
  fi
}

build_bench_client ApiBenchmark StorageTool
COMMIT=$(commit_info)
COMMIT_SUBJECT=$(git log -1 --format=%s 2>/dev/null || echo "")

# ---- ports, work dir, server control -------------------------------------------------------------------
WORK=$(mktemp -d -t tributary-storage.XXXXXX)
rm -rf "$ARTIFACTS"; mkdir -p "$ARTIFACTS"
SERVER_PID=""
CLIENT_BG_PID=""
cleanup() {
  if [[ -n $CLIENT_BG_PID ]] && kill -0 "$CLIENT_BG_PID" 2>/dev/null; then kill "$CLIENT_BG_PID" 2>/dev/null || true; fi
  stop_server || true
  cp "$WORK"/*.log "$WORK"/*.summary "$ARTIFACTS"/ 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# start_server NAME STORAGE FSYNC DATA_DIR JVM_OPTS: launches a server and waits for /ready. Sets
# SERVER_PID, API_PORT, MGMT_PORT, SERVER_LOG, LAUNCH_NS (taken just before the launch) and READY_MS
# (launch to the first HTTP 200 of /ready, polled every 10 ms). A server that exits before it is ready
# (on a shared machine, most likely because another process took one of its ports between the check and
# the bind) is started again on new ports, twice at most; the report lists such retries.
start_server() {
  local name=$1 attempt
  for attempt in 1 2 3; do
    if launch_server "$@"; then return 0; fi
    cp "$SERVER_LOG" "$ARTIFACTS/server-$name-failed-start-$attempt.log" 2>/dev/null || true
    if kill -0 "$SERVER_PID" 2>/dev/null; then break; fi   # alive but never ready: give up
    problem "server $name exited before it was ready (attempt $attempt; its output: target/storage-bench/server-$name-failed-start-$attempt.log); started again on new ports"
  done
  log "server $name did not become ready; its log:"; cat "$SERVER_LOG" >&2
  return 1
}

launch_server() {
  local name=$1 storage=$2 fsync=$3 data=$4 opts=$5 tls_port deadline
  API_PORT=$(free_port); TAKEN_PORTS+="$API_PORT "
  tls_port=$(free_port); TAKEN_PORTS+="$tls_port "
  MGMT_PORT=$(free_port); TAKEN_PORTS+="$MGMT_PORT "
  SERVER_LOG=$WORK/server-$name.log
  LAUNCH_NS=$(date +%s%N)
  # shellcheck disable=SC2086
  TRIBUTARY_HOST=127.0.0.1 \
  TRIBUTARY_AUTH_MODE=shape \
  TRIBUTARY_STREAM_CREATE_DELAY_MS=0 \
  TRIBUTARY_STREAM_DELETE_DELAY_MS=0 \
  TRIBUTARY_EVENT_LOOPS=0 \
  TRIBUTARY_STORAGE=$storage \
  TRIBUTARY_FSYNC=$fsync \
  TRIBUTARY_DATA_DIR=$data \
    java $opts -jar target/tributary.jar \
      --port "$API_PORT" --tls-port "$tls_port" --management-port "$MGMT_PORT" >"$SERVER_LOG" 2>&1 &
  SERVER_PID=$!
  deadline=$((SECONDS + 60))
  while (( SECONDS < deadline )); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then wait "$SERVER_PID" 2>/dev/null || true; return 1; fi
    if curl -fsS --max-time 1 "http://127.0.0.1:$MGMT_PORT/ready" >/dev/null 2>&1; then
      READY_MS=$(( ($(date +%s%N) - LAUNCH_NS) / 1000000 ))
      return 0
    fi
    sleep 0.01
  done
  return 1
}

stop_server() {  # SIGTERM, then SIGKILL after 10 s
  [[ -n $SERVER_PID ]] || return 0
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

kill9_server() {
  kill -9 "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

client() {  # client TIMEOUT_S COMMAND OPTIONS...: a StorageTool command against the running server
  local limit=$1; shift
  # shellcheck disable=SC2086
  timeout "$limit" java $CLIENT_JVM_OPTS -cp "$CLIENT_CP" io.tributary.bench.StorageTool "$@" --port "$API_PORT"
}

# ---- small helpers ---------------------------------------------------------------------------------------
kv() { grep -m1 "^$2=" "$1" 2>/dev/null | cut -d= -f2- || true; }   # kv FILE KEY
fmt0() {  # 1234567.8 -> 1,234,568
  awk -v v="${1:-}" 'BEGIN { if (v == "" || v == "NaN") { print "n/a"; exit }
    s = sprintf("%.0f", v); neg = substr(s, 1, 1) == "-"; if (neg) s = substr(s, 2)
    o = ""; while (length(s) > 3) { o = "," substr(s, length(s) - 2) o; s = substr(s, 1, length(s) - 3) }
    print (neg ? "-" : "") s o }'
}
fmt2() { awk -v v="${1:-}" 'BEGIN { if (v == "" || v == "NaN") print "n/a"; else printf "%.2f", v }'; }
mib() { awk -v b="${1:-0}" 'BEGIN { printf "%.1f", b / 1048576 }'; }
kib_mib() { awk -v k="${1:-0}" 'BEGIN { printf "%.1f", k / 1024 }'; }
ratio() { awk -v a="${1:-}" -v b="${2:-}" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print ""; else printf "%.4f", a / b }'; }
pct() { awk -v r="${1:-}" 'BEGIN { if (r == "") print "n/a"; else printf "%.1f %%", r * 100 }'; }
median() { tr ', ' '\n\n' <<<"$*" | awk 'NF' | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
max_of() { tr ', ' '\n\n' <<<"$*" | awk 'NF { if (n == 0 || $1 + 0 > m) m = $1 + 0; n++ } END { if (n) print m }'; }
met() { awk -v v="${1:-}" -v t="$2" -v op="$3" 'BEGIN { if (v == "") { print "n/a"; exit }
  if ((op == ">=" && v + 0 >= t + 0) || (op == "<" && v + 0 < t + 0)) print "yes"; else print "**no**" }'; }
status_kib() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
loadavg() { cut -d' ' -f1 /proc/loadavg; }

# Sum of a Prometheus metric family's samples whose labels contain a filter (e.g. area="heap").
metric_sum() {
  curl -fsS --max-time 5 "http://127.0.0.1:$MGMT_PORT/metrics" 2>/dev/null \
    | awk -v name="$1" -v filter="$2" 'index($0, name "{") == 1 && index($0, filter) > 0 { s += $NF } END { printf "%.0f", s }'
}

# CPU ticks per thread of a process: "tid name ticks"; thread numbers dropped from names
# (GC Thread#0 -> GC Thread#, vert.x-eventloop-thread-1 -> vert.x-eventloo, as /proc truncates to 15 chars).
thread_ticks() {
  local t
  for t in /proc/"$1"/task/*/stat; do cat "$t" 2>/dev/null || true; done | awk '{
    i = index($0, "("); j = length($0); while (j > i && substr($0, j, 1) != ")") j--
    name = substr($0, i + 1, j - i - 1); rest = substr($0, j + 2); split(rest, f, " ")
    gsub(/#[0-9]+/, "#", name); gsub(/ /, "_", name)
    print substr($0, 1, i - 2), name, f[12] + f[13] }'
}

# Busy cores per thread group between two thread_ticks snapshots taken SPAN seconds apart, >= 0.01 only.
thread_cpu() {
  awk -v span="$3" 'FNR == NR { start[$1] = $3; next } { d = $3 - ($1 in start ? start[$1] : 0); g[$2] += d }
    END { for (k in g) if (g[k] / 100 / span >= 0.005) printf "%s %.2f\n", k, g[k] / 100 / span }' "$1" "$2" \
    | sort -k2 -rn | head -7 | awk '{ gsub(/_/, " ", $1); printf "%s%s %s", sep, $1, $2; sep = ", " }'
}

# ---- machine facts -------------------------------------------------------------------------------------
DATA_FS=$(stat -f -c %T "$WORK" 2>/dev/null || echo '?')
DATA_MOUNT_POINT=$(df -P "$WORK" | awk 'NR == 2 { print $6 }')
DATA_DEVICE=$(df -P "$WORK" | awk 'NR == 2 { print $1 }')
MOUNT_TYPE=$(awk -v m="$DATA_MOUNT_POINT" '$2 == m { t = $3 " (" $4 ")" } END { print t }' /proc/mounts)
DSYNC_TEXT=$(dd if=/dev/zero of="$WORK/dsync-probe" bs=64k count=300 oflag=dsync 2>&1 | tail -1 \
  | awk '{ printf "%.2f ms per 64 KiB write with O_DSYNC (dd, 300 writes, %s %s)", $(NF-3) * 1000 / 300, $(NF-1), $NF }' || echo "n/a")
rm -f "$WORK/dsync-probe"
JAVA_VERSION=$(java -version 2>&1 | head -1)
JAVA_VM=$(java -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.vm.name/ { n = $2 } /java.runtime.version/ { v = $2 } END { print n " " v }')
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
log "commit $COMMIT; data dir on $DATA_FS ($MOUNT_TYPE); $DSYNC_TEXT; load average $LOAD_START"

# ============================================================================================================
# 1. PutRecords throughput: memory, file fsync=always, file fsync=never, in interleaved rounds
# ============================================================================================================
TP_CONFIGS=(memory file-always file-never)
declare -A TP_FLAGS TP_STORAGE TP_FSYNC
TP_FLAGS[memory]=$MEMORY_JVM_OPTS; TP_STORAGE[memory]=memory; TP_FSYNC[memory]=always
TP_FLAGS[file-always]=$FILE_JVM_OPTS; TP_STORAGE[file-always]=file; TP_FSYNC[file-always]=always
TP_FLAGS[file-never]=$FILE_JVM_OPTS; TP_STORAGE[file-never]=file; TP_FSYNC[file-never]=never
TP_RUN_ROWS=""
TP_ROUNDS_DONE=0
declare -i TP_RETRIED=0

# run_throughput CFG ROUND ATTEMPT: a fresh server and one ApiBenchmark put-records run against it. Figures
# go to $WORK/tp-CFG-ROUND-ATTEMPT.summary: ApiBenchmark's put-records.* lines plus threads=, disk_mib_s=
# and status=.
run_throughput() {
  local cfg=$1 round="$2-$3" summary opts info status=0 io_a io_b span_start span
  opts=${TP_FLAGS[$cfg]}
  summary=$WORK/tp-$cfg-$round.summary
  log "throughput round $2, $cfg (attempt $3): server storage=${TP_STORAGE[$cfg]} fsync=${TP_FSYNC[$cfg]} ($opts)"
  start_server "tp-$cfg-$round" "${TP_STORAGE[$cfg]}" "${TP_FSYNC[$cfg]}" "$WORK/data-tp" "$opts"
  info="commit $COMMIT, $JAVA_VERSION, flags: $opts, storage=${TP_STORAGE[$cfg]}, fsync=${TP_FSYNC[$cfg]}"
  # shellcheck disable=SC2086
  timeout $((WARMUP_S + DURATION_S + 60)) java $CLIENT_JVM_OPTS -cp "$CLIENT_CP" io.tributary.bench.ApiBenchmark \
    --host 127.0.0.1 --port "$API_PORT" --phases put-records --warmup "$WARMUP_S" --duration "$DURATION_S" \
    --out "$ARTIFACTS/put-records-$cfg-$round.md" --summary-out "$summary" --server-pid "$SERVER_PID" \
    --server-info "$info" --command "loadtest/storage-bench.sh" > "$WORK/client-tp-$cfg-$round.log" 2>&1 &
  CLIENT_BG_PID=$!
  # Server CPU per thread group and bytes written to storage inside the measured window (from about 1 s
  # after it opens to 1-2 s before it closes), from /proc: no agent, nothing that disturbs the run.
  sleep $((WARMUP_S + 2))   # the client JVM's start and the stream's creation take about a second
  thread_ticks "$SERVER_PID" > "$WORK/threads-a"; io_a=$(awk '/^write_bytes/ { print $2 }' "/proc/$SERVER_PID/io")
  span_start=$(date +%s%N)
  sleep $((DURATION_S - 3))
  thread_ticks "$SERVER_PID" > "$WORK/threads-b"; io_b=$(awk '/^write_bytes/ { print $2 }' "/proc/$SERVER_PID/io")
  span=$(awk -v a="$span_start" -v b="$(date +%s%N)" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
  wait "$CLIENT_BG_PID" || status=$?; CLIENT_BG_PID=""
  grep -E 'records/s|PutRecords:' "$WORK/client-tp-$cfg-$round.log" || true
  {
    echo "threads=$(thread_cpu "$WORK/threads-a" "$WORK/threads-b" "$span")"
    echo "disk_mib_s=$(awk -v a="$io_a" -v b="$io_b" -v s="$span" 'BEGIN { printf "%.0f", (b - a) / 1048576 / s }')"
    echo "status=$status"
  } >> "$summary"
  stop_server
  rm -rf "$WORK/data-tp"
  [[ $status == 0 ]] || problem "throughput round $round, $cfg: ApiBenchmark exited with $status (see target/storage-bench/client-tp-$cfg-$round.log)"
}

# Busy cores of the whole machine over 2 s (from /proc/stat); between runs nothing of ours is running, so
# this is what other processes use.
machine_busy() {
  local a b c d e f g h t1 i1 t2 i2
  read -r _ a b c d e f g h _ < /proc/stat; t1=$((a + b + c + d + e + f + g + h)); i1=$((d + e))
  sleep 2
  read -r _ a b c d e f g h _ < /proc/stat; t2=$((a + b + c + d + e + f + g + h)); i2=$((d + e))
  awk -v t=$((t2 - t1)) -v i=$((i2 - i1)) -v n="$(nproc)" 'BEGIN { printf "%.2f", (t > 0 ? n * (t - i) / t : 0) }'
}
# Waits (up to 10 s, and only until TP_RETRY_UNTIL_S into the run) for other processes to leave the
# machine nearly idle.
wait_quiet() {
  local busy deadline=$((SECONDS + 10))
  while true; do
    busy=$(machine_busy)
    awk -v b="$busy" -v m="$BUSY_OTHER_CORES" 'BEGIN { exit !(b + 0 <= m + 0) }' && return 0
    if (( SECONDS >= deadline || SECONDS - START_S >= TP_RETRY_UNTIL_S )); then
      log "other processes keep $busy cores busy; running anyway"; return 0
    fi
  done
}

if [[ " $PHASES " == *" throughput "* ]]; then
  for round in $(seq 1 "$TP_ROUNDS"); do
    within_budget "throughput round $round" || break
    # Rotate the order: round 1 memory, always, never; round 2 always, never, memory; ...
    for k in 0 1 2; do
      cfg=${TP_CONFIGS[$(( (k + round - 1) % 3 ))]}
      # A run that other processes disturbed (more than BUSY_OTHER_CORES in its window) is run once more,
      # time allowing; the less disturbed of the two counts, and both are listed.
      for attempt in 1 2; do
        wait_quiet
        run_throughput "$cfg" "$round" "$attempt"
        f=$WORK/tp-$cfg-$round-$attempt.summary
        rps=$(kv "$f" put-records.records_per_s); cs=$(kv "$f" put-records.cpu_server); other=$(kv "$f" put-records.cpu_other)
        TP_RUN_ROWS+="| $round | $cfg | $attempt | $(fmt0 "$rps") | $(fmt2 "$(kv "$f" put-records.p50_ms)") | $(fmt2 "$(kv "$f" put-records.p99_ms)") | $(fmt2 "$(kv "$f" put-records.max_ms)") | $(kv "$f" put-records.errors) | $(fmt2 "$cs") | $(fmt2 "$(kv "$f" put-records.cpu_client)") | $(fmt2 "$other") | $(fmt0 "$(ratio "$rps" "$cs")") | $(kv "$f" disk_mib_s) | $(kv "$f" threads) |"$'\n'
        if [[ $attempt == 1 ]] || awk -v a="$other" -v b="$(kv "$WORK/tp-$cfg-$round.summary" put-records.cpu_other)" 'BEGIN { exit !(a + 0 < b + 0) }'; then
          cp "$f" "$WORK/tp-$cfg-$round.summary"
        fi
        awk -v o="$other" -v m="$BUSY_OTHER_CORES" 'BEGIN { exit !(o + 0 > m + 0) }' || break
        [[ $attempt == 1 ]] && (( SECONDS - START_S < TP_RETRY_UNTIL_S )) || break
        log "throughput round $round, $cfg: other processes used $other cores during the window; once more"
        TP_RETRIED+=1
      done
    done
    TP_ROUNDS_DONE=$round
  done
fi

# Medians per configuration, and ratios to memory taken within each round.
declare -A TP_RPS TP_P50 TP_P99 TP_ERRORS TP_OTHER TP_PER_CORE
for cfg in "${TP_CONFIGS[@]}"; do
  rps=""; p50=""; p99=""; errors=0; other=""; per_core=""
  for round in $(seq 1 "$TP_ROUNDS_DONE"); do
    f=$WORK/tp-$cfg-$round.summary
    [[ -f $f && -n $(kv "$f" put-records.records_per_s) ]] || continue
    rps+=" $(kv "$f" put-records.records_per_s)"; p50+=" $(kv "$f" put-records.p50_ms)"; p99+=" $(kv "$f" put-records.p99_ms)"
    errors=$((errors + $(kv "$f" put-records.errors))); other+=" $(kv "$f" put-records.cpu_other)"
    per_core+=" $(ratio "$(kv "$f" put-records.records_per_s)" "$(kv "$f" put-records.cpu_server)")"
  done
  TP_RPS[$cfg]=$(median $rps); TP_P50[$cfg]=$(median $p50); TP_P99[$cfg]=$(median $p99)
  TP_ERRORS[$cfg]=$errors; TP_OTHER[$cfg]=$(max_of $other); TP_PER_CORE[$cfg]=$(median $per_core)
done
round_ratios() {  # round_ratios CFG KEY: CFG / memory per round, for records/s (KEY=rps) or per busy core (KEY=core)
  local cfg=$1 key=$2 out="" a b
  for round in $(seq 1 "$TP_ROUNDS_DONE"); do
    a=$WORK/tp-$cfg-$round.summary; b=$WORK/tp-memory-$round.summary
    [[ -f $a && -f $b ]] || continue
    if [[ $key == rps ]]; then
      out+=" $(ratio "$(kv "$a" put-records.records_per_s)" "$(kv "$b" put-records.records_per_s)")"
    else
      out+=" $(ratio "$(ratio "$(kv "$a" put-records.records_per_s)" "$(kv "$a" put-records.cpu_server)")" \
        "$(ratio "$(kv "$b" put-records.records_per_s)" "$(kv "$b" put-records.cpu_server)")")"
    fi
  done
  echo "$out"
}
ALWAYS_RATIOS=$(round_ratios file-always rps); NEVER_RATIOS=$(round_ratios file-never rps)
ALWAYS_CORE_RATIOS=$(round_ratios file-always core); NEVER_CORE_RATIOS=$(round_ratios file-never core)
RATIO_ALWAYS=$(median $ALWAYS_RATIOS); RATIO_NEVER=$(median $NEVER_RATIOS)
RATIO_ALWAYS_CORE=$(median $ALWAYS_CORE_RATIOS); RATIO_NEVER_CORE=$(median $NEVER_CORE_RATIOS)
pct_list() { local out="" r; for r in $1; do out+="${out:+, }$(pct "$r")"; done; echo "${out:-n/a}"; }
TP_BUSY=$(max_of "${TP_OTHER[@]}")

# ============================================================================================================
# 2. Resident memory of a deployed server across 5 million records
# ============================================================================================================
declare -A M   # part 2 results by "<tag>.<key>": tag deploy = DEPLOY_JVM_OPTS, alt = MEMORY_ALT_JVM_OPTS

# memory_row TAG LABEL: one sample of the running server, appended to M[TAG.rows]; sets LAST_RSS/HWM/HEAP_MIB.
memory_row() {
  local tag=$1 label=$2 rss anon file hwm heap heapc nonheap direct
  rss=$(status_kib "$SERVER_PID" VmRSS); anon=$(status_kib "$SERVER_PID" RssAnon)
  file=$(status_kib "$SERVER_PID" RssFile); hwm=$(status_kib "$SERVER_PID" VmHWM)
  heap=$(metric_sum jvm_memory_used_bytes 'area="heap"')
  heapc=$(metric_sum jvm_memory_committed_bytes 'area="heap"')
  nonheap=$(metric_sum jvm_memory_used_bytes 'area="nonheap"')
  direct=$(metric_sum jvm_buffer_memory_used_bytes 'id="direct"')
  LAST_RSS_MIB=$(kib_mib "$rss"); LAST_HWM_MIB=$(kib_mib "$hwm"); LAST_HEAP_MIB=$(mib "$heap")
  M[$tag.rows]+="| $label | $LAST_RSS_MIB | $(kib_mib "$anon") | $(kib_mib "$file") | $LAST_HWM_MIB | $LAST_HEAP_MIB | $(mib "$heapc") | $(mib "$nonheap") | $(mib "$direct") |"$'\n'
}

# run_memory TAG FLAGS: the whole of part 2 with one set of server flags (NMT added).
run_memory() {
  local tag=$1 flags="$2 $NMT_OPT" put_total=0 step n status acked s
  M[$tag.flags]=$flags
  log "memory ($tag): server storage=file fsync=always ($flags)"
  start_server "memory-$tag" file always "$WORK/data-memory" "$flags"
  sleep 2
  memory_row "$tag" "after startup (ready + 2 s, no stream yet)"
  M[$tag.startup]=$LAST_RSS_MIB
  client 60 create --stream mem --shards 4 > "$WORK/client-memory-$tag.log" 2>&1 || problem "memory ($tag): CreateStream failed"
  for step in $MEMORY_STEPS; do
    n=$((step - put_total)); status=0
    s=$WORK/mem-$tag-put-$step.summary
    client 120 put --stream mem --records "$n" --max-seconds 100 --summary-out "$s" \
      >> "$WORK/client-memory-$tag.log" 2>&1 || status=$?
    acked=$(kv "$s" acked_records)
    put_total=$((put_total + ${acked:-0}))
    [[ $status == 0 && ${acked:-0} == "$n" ]] || problem "memory ($tag): a put of $n records acknowledged ${acked:-?} (status $status)"
    M[$tag.notes]+="- put to $(fmt0 "$put_total"): $(fmt0 "$(kv "$s" records_per_s)") records/s, p50 $(fmt2 "$(kv "$s" p50_ms)") ms, p99 $(fmt2 "$(kv "$s" p99_ms)") ms, errors $(kv "$s" errors).\n"
    sleep 1
    memory_row "$tag" "after $(fmt0 "$put_total") records put"
    [[ -n ${M[$tag.first]:-} ]] || M[$tag.first]="$LAST_RSS_MIB MiB at $(fmt0 "$put_total")"
    M[$tag.last]="$LAST_RSS_MIB MiB at $(fmt0 "$put_total")"
    M[$tag.after_put]=$LAST_RSS_MIB; M[$tag.heap_put]=$LAST_HEAP_MIB
  done
  M[$tag.put_total]=$(fmt0 "$put_total")
  M[$tag.disk]=$(du -sh "$WORK/data-memory" | cut -f1)
  status=0
  s=$WORK/mem-$tag-drain.summary
  client 120 drain --stream mem --expect "$put_total" --summary-out "$s" >> "$WORK/client-memory-$tag.log" 2>&1 || status=$?
  [[ $status == 0 ]] || problem "memory ($tag): the drain of $put_total records returned $(kv "$s" drained_records) (status $status)"
  M[$tag.notes]+="- GetRecords drain: $(fmt0 "$(kv "$s" drained_records)") of $(fmt0 "$put_total") records in $(kv "$s" seconds) s ($(fmt0 "$(kv "$s" records_per_s)") records/s, Limit 10000, 4 shards concurrently, $(kv "$s" calls) calls), errors $(kv "$s" errors).\n"
  sleep 1
  memory_row "$tag" "after the GetRecords drain of all of them"
  M[$tag.after_drain]=$LAST_RSS_MIB; M[$tag.heap_drain]=$LAST_HEAP_MIB
  # Where the memory is: NMT (committed, by category) and the heap, before the full GC below.
  jcmd "$SERVER_PID" VM.native_memory summary > "$ARTIFACTS/memory-$tag-nmt.txt" 2>&1 || true
  jcmd "$SERVER_PID" GC.heap_info > "$ARTIFACTS/memory-$tag-heap-info.txt" 2>&1 || true
  M[$tag.nmt_total]=$(awk '/^Total:/ { match($0, /committed=[0-9]+KB/); printf "%.1f", substr($0, RSTART + 10, RLENGTH - 12) / 1024 }' "$ARTIFACTS/memory-$tag-nmt.txt" 2>/dev/null || true)
  M[$tag.heap_info]=$(grep -v '^[0-9]*:$' "$ARTIFACTS/memory-$tag-heap-info.txt" 2>/dev/null | sed 's/^ *//' || true)
  # Live heap: what survives a full collection (the server keeps no record data in its heap).
  jcmd "$SERVER_PID" GC.run >/dev/null 2>&1 || true
  sleep 1
  memory_row "$tag" "after jcmd GC.run (a diagnostic after the measurements: the live heap)"
  M[$tag.live_heap]=$LAST_HEAP_MIB
  M[$tag.peak]=$LAST_HWM_MIB
  stop_server
  rm -rf "$WORK/data-memory"
}

# "| category | MiB |" rows of an NMT summary (committed, 0.5 MiB and more)
nmt_rows() {
  awk '/^-  *[A-Za-z]/ && /committed=/ { line = $0; sub(/^- */, "", line); name = line; sub(/ *\(reserved.*/, "", name)
      match(line, /committed=[0-9]+KB/); v = substr(line, RSTART + 10, RLENGTH - 12)
      if (v / 1024 >= 0.5) printf "%s\t%.1f\n", name, v / 1024 }' "$1" 2>/dev/null || true
}

if [[ " $PHASES " == *" memory "* ]] && within_budget "memory"; then
  run_memory deploy "$DEPLOY_JVM_OPTS"
fi

# ============================================================================================================
# 3. Recovery of a 1 GiB shard log after SIGKILL
# ============================================================================================================
REC_ROWS=""; REC_NOTES=""
REC_CRASH_READY=""; REC_CRASH_RECOVERY=""; REC_WARM_RECOVERY=""; REC_WARM_READY=""
REC_COLD_RECOVERY=""; REC_COLD_READY=""; REC_BASE_READY=""; REC_FIRST_READY=""; REC_DIR_SIZE=""; REC_LOG_BYTES=""; REC_ACTIVE_BYTES=""
log_bytes() { find "$1" -name '*.log' -printf '%s\n' 2>/dev/null | awk '{ s += $1 } END { printf "%.0f", s }'; }
active_bytes() { find "$1" -name '*.log' 2>/dev/null | sort | tail -1 | xargs -r stat -c %s; }
log_ms() {  # the server-clock time of a log line (2026-01-01T00:00:00.000+0000 ...), epoch ms
  [[ -n $1 ]] || return 0
  date -d "$(cut -d' ' -f1 <<<"$1" | sed 's/\([0-9]\{2\}\)\([0-9]\{2\}\)$/\1:\2/')" +%s%3N 2>/dev/null || true
}
# recovery_row LABEL: after start_server, the row of one restart (from /ready and the server's log),
# appended to REC_ROWS; sets LAST_RECOVERED_MS and LAST_END_OFFSET.
recovery_row() {
  local label=$1 opened ready_line offsets cut t_opened t_ready launch_ms
  opened=$(grep -m1 'FileShardLog - Opened' "$SERVER_LOG" || true)
  ready_line=$(grep -m1 'Tributary ready' "$SERVER_LOG" || true)
  LAST_RECOVERED_MS=$(sed -n 's/.*recovered in \([0-9]*\) ms.*/\1/p' <<<"$opened")
  LAST_END_OFFSET=$(sed -n 's/.*: offsets [0-9]* to \([0-9]*\) in.*/\1/p' <<<"$opened")
  offsets=$(sed -n 's/.*: offsets \([0-9]*\) to \([0-9]*\) in \([0-9]*\) segments.*/\1 to \2, \3 segments/p' <<<"$opened")
  cut=$(sed -n 's/.*Recovery of .* cut \([0-9]*\) bytes.*/\1/p' "$SERVER_LOG" | head -1)
  launch_ms=$((LAUNCH_NS / 1000000))
  t_opened=$(log_ms "$opened"); t_ready=$(log_ms "$ready_line")
  REC_ROWS+="| $label | $READY_MS | ${LAST_RECOVERED_MS:-n/a} | $([[ -n $t_opened ]] && echo $((t_opened - launch_ms)) || echo n/a) | $([[ -n $t_ready ]] && echo $((t_ready - launch_ms)) || echo n/a) | ${offsets:-no shard log} | $([[ -n $cut ]] && echo "$cut bytes cut" || echo "none") | $(loadavg) |"$'\n'
}
if [[ " $PHASES " == *" recovery "* ]] && within_budget "recovery"; then
  DATA=$WORK/data-recovery
  log "recovery: filling one shard past $(mib "$RECOVERY_LOG_BYTES") MiB of .log data ($DEPLOY_JVM_OPTS)"
  start_server recovery-fill file always "$DATA" "$DEPLOY_JVM_OPTS"
  client 60 create --stream rec --shards 1 > "$WORK/client-recovery.log" 2>&1 || problem "recovery: CreateStream failed"
  # The kill comes once the shard holds RECOVERY_LOG_BYTES of .log data AND its active segment is at least
  # 90 % full: recovery CRC-scans the active segment, so that is close to its worst case (1 GiB is exactly
  # 8 default segments: stopping at 1 GiB would leave an almost empty active segment to scan). The client
  # is given 15 % more records than that, so the kill always lands mid-write.
  per_record=$((6 + 16 + RECOVERY_RECORD_BYTES))   # on disk: key length, key, data length, data
  records=$(( ((RECOVERY_LOG_BYTES + SEGMENT_BYTES) * 23 / 20 / per_record / 500 + 1) * 500 ))
  client 180 put --stream rec --records "$records" --record-bytes "$RECOVERY_RECORD_BYTES" --max-seconds 170 \
    --summary-out "$WORK/rec-put.summary" >> "$WORK/client-recovery.log" 2>&1 &
  CLIENT_BG_PID=$!
  fill_started=$SECONDS
  shard_dir=""
  while kill -0 "$CLIENT_BG_PID" 2>/dev/null && (( SECONDS - fill_started < 180 )); do
    [[ -n $shard_dir ]] || shard_dir=$(find "$DATA/shards" -mindepth 2 -maxdepth 2 -type d 2>/dev/null | head -1)
    if [[ -n $shard_dir ]] && (( $(log_bytes "$shard_dir") >= RECOVERY_LOG_BYTES )) \
        && (( $(active_bytes "$shard_dir") * 10 >= SEGMENT_BYTES * 9 )); then
      break
    fi
    sleep 0.05
  done
  fill_s=$((SECONDS - fill_started))
  writing=no; kill -0 "$CLIENT_BG_PID" 2>/dev/null && writing=yes
  kill9_server
  log "recovery: SIGKILLed the server after ${fill_s} s of writing (client still writing: $writing)"
  wait "$CLIENT_BG_PID" || true; CLIENT_BG_PID=""
  acked=$(kv "$WORK/rec-put.summary" acked_records)
  [[ $writing == yes ]] || problem "recovery: the fill stopped before the shard held $(mib "$RECOVERY_LOG_BYTES") MiB with a 90 % full active segment; the kill came after it"
  REC_LOG_BYTES=$(log_bytes "$shard_dir"); REC_ACTIVE_BYTES=$(active_bytes "$shard_dir")
  REC_DIR_SIZE="$(fmt0 "$(du -sb "$shard_dir" | cut -f1)") bytes (du -sb; $(du -sh "$shard_dir" | cut -f1) allocated): $(find "$shard_dir" -name '*.log' | wc -l) segment files holding $(fmt0 "$REC_LOG_BYTES") bytes of .log, the active (last) one $(fmt0 "$REC_ACTIVE_BYTES") bytes, plus their .index and .timeindex files"
  ls -l "$shard_dir" > "$ARTIFACTS/recovery-shard-dir.txt"
  REC_NOTES+="- Fill: $(fmt0 "${acked:-0}") records of $RECOVERY_RECORD_BYTES B acknowledged in ${fill_s} s ($(fmt0 "$(kv "$WORK/rec-put.summary" records_per_s)") records/s to one shard, 500 per call, 32 in flight); after the kill the client saw $(kv "$WORK/rec-put.summary" errors) transport errors (the calls in flight) and stopped.\n"

  # The restart after the mid-write kill.
  start_server recovery-1 file always "$DATA" "$DEPLOY_JVM_OPTS"
  recovery_row "after SIGKILL mid-write (page cache warm)"
  REC_CRASH_READY=$READY_MS; REC_CRASH_RECOVERY=$LAST_RECOVERED_MS
  if [[ -n ${acked:-} && -n ${LAST_END_OFFSET:-} ]]; then
    if (( LAST_END_OFFSET >= acked )); then
      REC_NOTES+="- Durability check: the recovered log ends at offset $(fmt0 "$LAST_END_OFFSET"), at or past the $(fmt0 "$acked") records acknowledged before the kill ($(fmt0 $((LAST_END_OFFSET - acked))) more were written but not yet acknowledged when it came).\n"
    else
      problem "recovery: the recovered log ends at offset $LAST_END_OFFSET, below the $acked records acknowledged"
    fi
  fi
  # Two restarts after a SIGKILL while idle, the log in the page cache.
  for i in 1 2; do
    kill9_server
    start_server "recovery-warm-$i" file always "$DATA" "$DEPLOY_JVM_OPTS"
    recovery_row "after SIGKILL idle (page cache warm) #$i"
    REC_WARM_RECOVERY+="${REC_WARM_RECOVERY:+, }$LAST_RECOVERED_MS"; REC_WARM_READY+="${REC_WARM_READY:+, }$READY_MS"
  done
  # Two restarts after a SIGKILL while idle with the shard's files evicted from the page cache first
  # (sync, then POSIX_FADV_DONTNEED through dd iflag=nocache count=0): the log is read from the device.
  for i in 1 2; do
    kill9_server
    sync
    for f in "$shard_dir"/*; do dd if="$f" iflag=nocache count=0 status=none 2>/dev/null || true; done
    cached=$(fincore -b -n -o RES "$shard_dir"/* 2>/dev/null | awk '{ s += $1 } END { printf "%.1f MiB", s / 1048576 }' || echo "?")
    start_server "recovery-evicted-$i" file always "$DATA" "$DEPLOY_JVM_OPTS"
    recovery_row "after SIGKILL idle, shard files evicted from the page cache ($cached left) #$i"
    REC_COLD_RECOVERY+="${REC_COLD_RECOVERY:+, }$LAST_RECOVERED_MS"; REC_COLD_READY+="${REC_COLD_READY:+, }$READY_MS"
  done
  kill9_server
  cp "$WORK"/server-recovery-*.log "$ARTIFACTS"/ 2>/dev/null || true
  rm -rf "$DATA"
  # Baseline: the same server and flags on a data directory that holds no stream. Its first start makes
  # the TLS certificate and the iterator key (kept in the data directory), which a restart does not, so
  # the baseline is two restarts after that first start.
  BASE=$WORK/data-baseline
  start_server baseline-first file always "$BASE" "$DEPLOY_JVM_OPTS"
  recovery_row "first start on an empty data directory (makes the TLS certificate and iterator key)"
  REC_FIRST_READY=$READY_MS
  stop_server
  for i in 1 2; do
    start_server "baseline-$i" file always "$BASE" "$DEPLOY_JVM_OPTS"
    recovery_row "restart on a data directory without streams (baseline) #$i"
    REC_BASE_READY+="${REC_BASE_READY:+, }$READY_MS"
    stop_server
  done
  rm -rf "$BASE"
fi

# ============================================================================================================
# 2b. The memory of part 2 with another collector (MEMORY_ALT_JVM_OPTS), for comparison; skipped if empty
# ============================================================================================================
if [[ -n $MEMORY_ALT_JVM_OPTS && " $PHASES " == *" memory "* ]] && within_budget "memory with MEMORY_ALT_JVM_OPTS"; then
  run_memory alt "$MEMORY_ALT_JVM_OPTS"
fi

# ============================================================================================================
# The report
# ============================================================================================================
WARM_WORST=$(max_of "$REC_CRASH_RECOVERY" "$REC_WARM_RECOVERY")
COLD_WORST=$(max_of "$REC_COLD_RECOVERY")
BASE_MEDIAN=$(median "$REC_BASE_READY")
RESTORE_EXTRA=$(awk -v a="$(median "$REC_CRASH_READY" "$REC_WARM_READY")" -v b="$BASE_MEDIAN" 'BEGIN { if (a != "" && b != "") printf "%.0f", a - b }')
ELAPSED=$((SECONDS - START_S))
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

mkdir -p "$(dirname "$OUT")"
{
  echo "# Tributary storage benchmark"
  echo
  echo "Generated by \`loadtest/storage-bench.sh\` (clients: \`io.tributary.bench.ApiBenchmark\` and \`io.tributary.bench.StorageTool\`; every server is \`target/tributary.jar\` in its own JVM, started fresh on free 127.0.0.1 ports with its data in a fresh temp dir). Clients and server share the machine. The run took ${ELAPSED} s."
  echo
  echo "Reproduce: \`loadtest/storage-bench.sh\` (server logs, each run's ApiBenchmark report, NMT and heap output: \`target/storage-bench/\`)"
  echo
  echo "Measured: commit $COMMIT ($COMMIT_SUBJECT)."
  echo
  echo "## Summary"
  echo
  echo "| measurement | value | target | met |"
  echo "| --- | ---: | --- | --- |"
  for cfg in "${TP_CONFIGS[@]}"; do
    [[ -n ${TP_RPS[$cfg]:-} ]] || continue
    echo "| PutRecords records/s, $cfg (median of $TP_ROUNDS_DONE; p50 / p99 $(fmt2 "${TP_P50[$cfg]}") / $(fmt2 "${TP_P99[$cfg]}") ms) | $(fmt0 "${TP_RPS[$cfg]}") | | |"
  done
  if (( TP_ROUNDS_DONE > 0 )); then
    echo "| PutRecords file fsync=always / memory (median of per-round ratios: $(pct_list "$ALWAYS_RATIOS")) | $(pct "$RATIO_ALWAYS") | >= 70 % | $(met "$RATIO_ALWAYS" 0.70 '>=') |"
    echo "| PutRecords file fsync=never / memory (per round: $(pct_list "$NEVER_RATIOS")) | $(pct "$RATIO_NEVER") | | |"
    echo "| same ratios per busy server core (fsync=always, never) | $(pct "$RATIO_ALWAYS_CORE"), $(pct "$RATIO_NEVER_CORE") | | |"
  fi
  if [[ -n ${M[deploy.startup]:-} ]]; then
    echo "| server RSS after startup, MiB | ${M[deploy.startup]:-n/a} | | |"
    echo "| server RSS after ${M[deploy.put_total]:-n/a} x 100 B records put (fsync=always), MiB | ${M[deploy.after_put]:-n/a} | < 400 | $(met "${M[deploy.after_put]:-}" 400 '<') |"
    echo "| server RSS after a GetRecords drain of all of them, MiB | ${M[deploy.after_drain]:-n/a} | < 400 | $(met "${M[deploy.after_drain]:-}" 400 '<') |"
    echo "| server peak RSS (VmHWM at the end, including a forced full GC after the measurements), MiB | ${M[deploy.peak]:-n/a} | < 400 | $(met "${M[deploy.peak]:-}" 400 '<') |"
    echo "| RSS with data: first step vs last step | ${M[deploy.first]:-n/a} vs ${M[deploy.last]:-n/a} records | no growth with data | see part 2 |"
    echo "| heap used (/metrics) after the puts / after the drain / live after a full GC, MiB | ${M[deploy.heap_put]:-n/a} / ${M[deploy.heap_drain]:-n/a} / ${M[deploy.live_heap]:-n/a} | | |"
  fi
  if [[ -n ${M[alt.peak]:-} ]]; then
    echo "| same server with \`${MEMORY_ALT_JVM_OPTS}\`: RSS after the puts / after the drain / peak, MiB | ${M[alt.after_put]:-n/a} / ${M[alt.after_drain]:-n/a} / ${M[alt.peak]:-n/a} | < 400 | $(met "${M[alt.peak]:-}" 400 '<') |"
  fi
  if [[ -n $REC_LOG_BYTES ]]; then
    echo "| shard log at the kill: .log bytes (active segment) | $(fmt0 "${REC_LOG_BYTES:-}") ($(fmt0 "${REC_ACTIVE_BYTES:-}")) | >= 1 GiB | $(met "${REC_LOG_BYTES:-}" "$RECOVERY_LOG_BYTES" '>=') |"
    echo "| log recovery after SIGKILL mid-write, server's own timing, ms | ${REC_CRASH_RECOVERY:-n/a} | < 5000 | $(met "$REC_CRASH_RECOVERY" 5000 '<') |"
    echo "| log recovery after idle SIGKILL: page cache warm; shard files evicted, ms | ${REC_WARM_RECOVERY:-n/a}; ${REC_COLD_RECOVERY:-n/a} | < 5000 | $(met "$(max_of "$WARM_WORST" "$COLD_WORST")" 5000 '<') |"
    echo "| process start to /ready: after mid-write kill; warm; evicted, ms | ${REC_CRASH_READY:-n/a}; ${REC_WARM_READY:-n/a}; ${REC_COLD_READY:-n/a} | | |"
    echo "| process start to /ready without streams: restarts; first start (makes the TLS certificate), ms | ${REC_BASE_READY:-n/a}; ${REC_FIRST_READY:-n/a} | | |"
    echo "| start to /ready with the 1 GiB log minus without streams (medians of restarts, warm cache), ms | ${RESTORE_EXTRA:-n/a} | | |"
  fi
  echo
  if [[ -n $PROBLEMS || -n $SKIPPED ]]; then
    echo "Problems in this run:"
    echo
    printf '%b' "$PROBLEMS$SKIPPED"
    echo
  fi
  if awk -v o="${TP_BUSY:-0}" -v m="$BUSY_OTHER_CORES" 'BEGIN { exit !(o + 0 > m + 0) }'; then
    echo "**The machine was shared while this ran**: other processes used up to $(fmt2 "$TP_BUSY") of its $(nproc) cores during the throughput windows (column \"other\" in part 1; load average $LOAD_START at the start, $LOAD_END at the end). Absolute figures are lower and noisier than on an idle machine; the configurations ran interleaved so that they shared the disturbance, and the ratios are taken within each round. The per-busy-core ratios are the least sensitive to it."
    echo
  fi
  echo "## Machine"
  echo
  echo "| fact | value |"
  echo "| --- | --- |"
  echo "| date (UTC) | $(date -u +%Y-%m-%dT%H:%M:%SZ) |"
  echo "| nproc | $(nproc) |"
  echo "| CPU | $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo) |"
  echo "| memory | $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) |"
  echo "| OS | $(uname -srm) |"
  echo "| java | $JAVA_VERSION ($JAVA_VM), servers and clients |"
  echo "| data directories | in $(dirname "$WORK"): $DATA_DEVICE on $DATA_MOUNT_POINT, $MOUNT_TYPE (statfs: $DATA_FS) |"
  echo "| disk sync latency | $DSYNC_TEXT, before the runs |"
  echo "| load average (1, 5, 15 min) | $LOAD_START at the start, $LOAD_END at the end |"
  echo "| server settings | auth.mode=shape, event.loops=0 (one per processor), stream create/delete delay 0, log.segment.bytes $SEGMENT_BYTES ($((SEGMENT_BYTES / 1048576)) MiB), other settings default |"
  echo
  echo "## 1. PutRecords throughput: memory vs file storage"
  echo
  echo "Method: $TP_ROUNDS_DONE rounds; in each, one run per configuration (memory; file with fsync=always; file with fsync=never), the order rotated from round to round. A run is a fresh server (storage and fsync from TRIBUTARY_STORAGE / TRIBUTARY_FSYNC) and \`ApiBenchmark --phases put-records --warmup $WARMUP_S --duration $DURATION_S\`: PutRecords of 500 records x 100 B (random 16-character partition keys; CBOR bodies encoded before the run), 32 calls in flight over 2 client event loops on HTTP/1.1 keep-alive, to a new 4-shard stream: the load of \`loadtest/bench.sh\`. ${WARMUP_S} s warm-up, then ${DURATION_S} s measured. Every answer is checked (HTTP 200, FailedRecordCount 0). Latency is per call, issue to whole answer, client queueing included. Reported: per configuration the median over the rounds; the ratio to memory is computed within each round and its median taken. Server flags: file storage \`$FILE_JVM_OPTS\` and memory storage \`$MEMORY_JVM_OPTS\` (bench.sh's: the memory server holds every record put in its heap, ~200 B each)."
  echo
  echo "| storage | fsync | records/s (median) | p50 ms | p99 ms | errors | vs memory (median of rounds) | records/s per busy server core (median) |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
  for cfg in "${TP_CONFIGS[@]}"; do
    [[ -n ${TP_RPS[$cfg]:-} ]] || continue
    case $cfg in memory) r="100 %" ;; file-always) r=$(pct "$RATIO_ALWAYS") ;; file-never) r=$(pct "$RATIO_NEVER") ;; esac
    echo "| ${TP_STORAGE[$cfg]} | $([[ $cfg == memory ]] && echo "n/a" || echo "${TP_FSYNC[$cfg]}") | $(fmt0 "${TP_RPS[$cfg]}") | $(fmt2 "${TP_P50[$cfg]}") | $(fmt2 "${TP_P99[$cfg]}") | ${TP_ERRORS[$cfg]} | $r | $(fmt0 "${TP_PER_CORE[$cfg]}") |"
  done
  echo
  echo "Every run, in the order run. Before each run the script waits (up to 10 s) for other processes to leave the machine idle; a run during which they still used more than $BUSY_OTHER_CORES cores was run once more while time allowed (attempt 2; $TP_RETRIED such repeats this time), and the less disturbed attempt is the one counted above. CPU in busy cores of $(nproc), from /proc (as in core-api.md): the server JVM, the client JVM and everything else (\"other\"; a run with \"other\" well above 0 shared the machine). Disk: bytes the server wrote to storage per second (/proc/<pid>/io write_bytes). Server threads: busy cores per thread group, from /proc/<pid>/task over the measured window (about 1 s after it opens to 1-2 s before it closes; names as the kernel truncates them: \`vert.x-eventloo\` = event loops (HTTP, CBOR, shard verticles), \`vert.x-worker-t\` = Vert.x workers (log writer: write and fsync; reads), \`GC Thread#\` / \`G1 ...\` / \`VM Thread\` = garbage collection and safepoints, \`C1/C2 CompilerThre\` = JIT compilers)."
  echo
  echo "| round | configuration | attempt | records/s | p50 ms | p99 ms | max ms | errors | server | client | other | records/s per server core | disk MiB/s | server threads (busy cores) |"
  echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
  printf '%s' "$TP_RUN_ROWS"
  echo
  echo "## 2. Server memory across ${M[deploy.put_total]:-n/a} records"
  echo
  echo "Method: one server, storage=file, fsync=always, run as a deployment would run it: \`${M[deploy.flags]:-$DEPLOY_JVM_OPTS}\`. That is G1 (the JDK's default collector on this machine) with a fixed 256 MiB heap (-Xms = -Xmx, as containers usually run, so the heap never resizes), bounded metaspace and direct memory, exit on OutOfMemoryError; NMT in summary mode only to show where native memory goes (it costs ~2-3 MiB itself). A 4-shard stream gets PutRecords of 500 x 100 B records, 32 calls in flight (StorageTool put), up to each cumulative count in turn (${MEMORY_STEPS// /, }), then a GetRecords drain of all of them (TRIM_HORIZON, Limit 10000, shards concurrently, count checked: StorageTool drain). One second after each step the script reads /proc/<pid>/status (VmRSS = RssAnon + RssFile + RssShmem; VmHWM = peak RSS so far) and /metrics (jvm_memory_used_bytes and jvm_memory_committed_bytes summed over the heap pools, nonheap used, jvm_buffer_memory_used_bytes{id=\"direct\"}). Heap used is as scraped, garbage included; the last row forces a full GC (jcmd GC.run) after everything else, to show the live heap."
  echo
  for tag in deploy alt; do
    [[ -n ${M[$tag.rows]:-} ]] || continue
    if [[ $tag == alt ]]; then
      echo "### The same with ParallelGC"
      echo
      echo "The same steps, run last, with \`${M[alt.flags]}\` (MEMORY_ALT_JVM_OPTS): only the collector differs."
      echo
    fi
    echo "| point | RSS MiB | RssAnon MiB | RssFile MiB | peak RSS (VmHWM) MiB | heap used MiB | heap committed MiB | nonheap used MiB | direct buffers MiB |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    printf '%s' "${M[$tag.rows]}"
    echo
    printf '%b' "${M[$tag.notes]:-}"
    [[ -z ${M[$tag.disk]:-} ]] || echo "- Data on disk after the puts: ${M[$tag.disk]} (4 shards)."
    echo
  done
  if [[ -s $ARTIFACTS/memory-deploy-nmt.txt ]]; then
    echo "### Where the memory is"
    echo
    echo "Native memory tracking after the drain, before the full GC (\`jcmd <pid> VM.native_memory summary\`, committed MiB, categories of 0.5 MiB or more in either run). Committed is an upper bound of what is resident: committed heap pages the collector has not touched yet are not resident, which is why RSS climbs towards this total as the heap gets used, whatever the data, and stays there."
    echo
    if [[ -s $ARTIFACTS/memory-alt-nmt.txt ]]; then
      echo "| category | G1 (part 2) | ParallelGC (above) |"
      echo "| --- | ---: | ---: |"
      awk -F'\t' 'FNR == NR { a[$1] = $2; order[++n] = $1; next } { b[$1] = $2; if (!($1 in a)) order[++n] = $1 }
        END { for (i = 1; i <= n; i++) { k = order[i]; printf "| %s | %s | %s |\n", k, (k in a ? a[k] : "-"), (k in b ? b[k] : "-") } }' \
        <(nmt_rows "$ARTIFACTS/memory-deploy-nmt.txt") <(nmt_rows "$ARTIFACTS/memory-alt-nmt.txt")
      echo "| **total** | ${M[deploy.nmt_total]:-n/a} | ${M[alt.nmt_total]:-n/a} |"
    else
      echo "| category | committed MiB |"
      echo "| --- | ---: |"
      nmt_rows "$ARTIFACTS/memory-deploy-nmt.txt" | awk -F'\t' '{ printf "| %s | %s |\n", $1, $2 }'
      echo "| **total** | ${M[deploy.nmt_total]:-n/a} |"
    fi
    echo
  fi
  for tag in deploy alt; do
    [[ -n ${M[$tag.heap_info]:-} ]] || continue
    echo "\`jcmd <pid> GC.heap_info\` at the same point ($([[ $tag == deploy ]] && echo G1 || echo ParallelGC)):"
    echo
    echo '```'
    printf '%s\n' "${M[$tag.heap_info]}"
    echo '```'
    echo
  done
  echo "## 3. Recovery of a 1 GiB shard log after SIGKILL"
  echo
  echo "Method: a server run with \`$DEPLOY_JVM_OPTS\` (fsync=always, log.segment.bytes $SEGMENT_BYTES) and a 1-shard stream. StorageTool puts records of $RECOVERY_RECORD_BYTES B, 500 per call, 32 calls in flight, while the script watches the shard's \`.log\` files; once they hold at least $(fmt0 "$RECOVERY_LOG_BYTES") bytes and the active segment is at least 90 % full (recovery CRC-scans the active segment, so this is close to its worst case), the server gets \`kill -9\` with calls in flight. It is then restarted on the same data directory (same flags, new ports): first after that mid-write kill; then twice after a \`kill -9\` while idle with the shard's files in the page cache; then twice after a \`kill -9\` while idle with the shard's files evicted from the page cache before the start (\`sync\`, then \`dd iflag=nocache count=0\` per file, i.e. POSIX_FADV_DONTNEED; what is left resident is checked with fincore); and, as the baseline, on a data directory without streams: its first start (which makes the TLS certificate and iterator key it keeps), then two restarts. Columns: **start to /ready** = from just before the \`java\` process is launched to the first HTTP 200 of /ready on the management port (polled every 10 ms); **log recovery** = the server's own figure, from its line \`FileShardLog - Opened <dir>: offsets A to B in N segments, recovered in X ms\` (all of FileShardLog.recover(): listing the segments, checking the sealed segments' indexes, CRC-scanning the active segment, the retention lookup); **log opened** and **ready line** = the times of that line and of \`Tributary ready\` in the server's log, from the launch (server clock, ms); load = the machine's 1-minute load average at that point."
  echo
  echo "| restart | start to /ready ms | log recovery ms | launch to log opened ms | launch to ready line ms | log recovered: offsets | torn tail cut | load |"
  echo "| --- | ---: | ---: | ---: | ---: | --- | --- | ---: |"
  printf '%s' "$REC_ROWS"
  echo
  [[ -z $REC_DIR_SIZE ]] || echo "- Shard directory at the kill: $REC_DIR_SIZE (listing: target/storage-bench/recovery-shard-dir.txt)."
  printf '%b' "$REC_NOTES"
  echo "- What recovery reads: FileShardLog CRC-scans only the active (last) segment; each sealed segment gets a cheap check of its index files and of the batch headers after its last index entry, and is rebuilt only if that fails. Recovery time therefore follows the active segment (at most log.segment.bytes) plus a few small reads per sealed segment, not the size of the log. The difference between start-to-ready on this log and on a directory without streams is everything it takes to bring the stream back (catalog, shard verticle, log recovery)."
  echo "- The data directory is on a virtual disk (${DATA_DEVICE}); \"evicted\" means evicted from this machine's page cache, and the device's reads may still be served from a cache below it."
} > "$OUT"
log "results: $OUT (took ${ELAPSED} s)"
sed -n '/^## Summary/,/^## Machine/p' "$OUT" | sed '$d'
[[ -z $PROBLEMS ]]
