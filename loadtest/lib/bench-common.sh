# Shared by the benchmark scripts in loadtest/: sourced, not run. Each script sets LOG_TAG first and runs
# from the repository root.
#
#   build_server_jar           builds target/tributary.jar if missing or older than its sources
#   build_bench_client CLASS...
#                              build_server_jar, and builds the
#                              test classes if a CLASS (in io.tributary.bench) is; sets CLIENT_CP
#   free_port                  prints a free 127.0.0.1 port not in TAKEN_PORTS (add it there once used)
#   start_bench_server NAME ENV...
#                              starts target/tributary.jar with $SERVER_JVM_OPTS on free ports (API_PORT,
#                              TLS_PORT, MGMT_PORT), data under a fresh temp dir WORK, the given
#                              TRIBUTARY_* settings; waits for /ready; sets SERVER_PID; stops it on exit
#                              and keeps its log as target/NAME-server.log
#   await_ready PID MGMT_PORT LOG ATTEMPTS INTERVAL NAME
#                              waits for a started server's /ready; prints its log and exits if it
#                              exits or is not ready in time
#   run_bench_client CLASS SCRIPT ARGS...
#                              runs io.tributary.bench.CLASS against the server (CLIENT_JVM_OPTS, at most
#                              CLIENT_TIMEOUT_S s) writing OUT, SERVER_INFO describing the server; reports
#                              the server's errors; returns the client's status
#   commit_info                prints the commit, noting uncommitted server changes
#   report_server_errors NAME  prints the server log's first errors, if any
#   start_cluster_nodes NAME ENV...
#                              starts three clustered nodes at once on free ports, each with the given
#                              TRIBUTARY_* settings and data under a fresh temp dir; waits until every one is
#                              ready; sets NODE_PIDS, NODE_APIS, NODE_MGMTS (arrays, node 1 first)
#   report_node_errors         prints each node's first errors, if any
#   node_list                  prints the nodes as the clients take them: api:management,... (node 1 first)
#   comma_list ITEM...         prints the items joined by commas
#   stop_cluster_nodes         stops them, keeping their logs as target/NAME-nodeN-server.log

log() { echo "[${LOG_TAG:-bench}] $*"; }

build_server_jar() {
  if [[ "${BENCH_REBUILD:-0}" == 1 || ! -f target/tributary.jar \
        || -n $(find src/main pom.xml -newer target/tributary.jar -type f 2>/dev/null | head -1) ]]; then
    log "building target/tributary.jar"
    mvn -B -q -DskipTests package
  fi
}

build_bench_client() {
  local stale=0 class
  build_server_jar
  for class in "$@"; do
    class=target/test-classes/io/tributary/bench/$class.class
    if [[ ! -f $class || -n $(find src/test/java/io/tributary/bench -newer "$class" -name '*.java' | head -1) ]]; then
      stale=1
    fi
  done
  if [[ "${BENCH_REBUILD:-0}" == 1 || $stale == 1 ]]; then
    log "compiling the benchmark clients"
    mvn -B -q test-compile
  fi
  bench_classpath
}

# Sets CLIENT_CP: the test classes and the test class path (resolved once into target/bench-classpath.txt).
bench_classpath() {
  local cp_file=target/bench-classpath.txt
  if [[ ! -s $cp_file || pom.xml -nt $cp_file ]]; then
    mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
  fi
  CLIENT_CP="target/test-classes:target/classes:$(cat "$cp_file")"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
TAKEN_PORTS=" "
free_port() {  # a random port in 20000-59999 that nothing listens on and that was not handed out yet
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 40000))
    if [[ $TAKEN_PORTS != *" $p "* ]] && ! port_in_use "$p"; then echo "$p"; return 0; fi
  done
  echo "no free port found" >&2; return 1
}

SERVER_PID=""
WORK=""
BENCH_SERVER_NAME=""
stop_bench_server() {
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ -n $WORK ]]; then
    cp "$WORK/server.log" "target/$BENCH_SERVER_NAME-server.log" 2>/dev/null || true
    rm -rf "$WORK"
  fi
}

start_bench_server() {
  BENCH_SERVER_NAME=$1; shift
  # free_port runs in a subshell ($(...)), so the ports it hands out are recorded here.
  API_PORT=$(free_port); TAKEN_PORTS+="$API_PORT "
  TLS_PORT=$(free_port); TAKEN_PORTS+="$TLS_PORT "
  MGMT_PORT=$(free_port); TAKEN_PORTS+="$MGMT_PORT "
  WORK=$(mktemp -d -t "tributary-$BENCH_SERVER_NAME.XXXXXX")
  trap stop_bench_server EXIT
  # The server exits on an OutOfMemoryError, as it does when deployed, rather than run on half-alive.
  log "starting server: java -XX:+ExitOnOutOfMemoryError ${SERVER_JVM_OPTS:-} -jar target/tributary.jar (api $API_PORT, management $MGMT_PORT)"
  # shellcheck disable=SC2086
  env TRIBUTARY_HOST=127.0.0.1 TRIBUTARY_AUTH_MODE=shape TRIBUTARY_STREAM_CREATE_DELAY_MS=0 \
      TRIBUTARY_STREAM_DELETE_DELAY_MS=0 TRIBUTARY_DATA_DIR="$WORK/data" "$@" \
    java -XX:+ExitOnOutOfMemoryError ${SERVER_JVM_OPTS:-} -jar target/tributary.jar \
      --port "$API_PORT" --tls-port "$TLS_PORT" --management-port "$MGMT_PORT" \
      >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  await_ready "$SERVER_PID" "$MGMT_PORT" "$WORK/server.log" 300 0.1 "server"
  log "server ready (pid $SERVER_PID)"
}

# await_ready PID MGMT_PORT LOG ATTEMPTS INTERVAL NAME: polls /ready until it answers, the process exits or
# the attempts run out; in the last two cases prints the server's log and exits the script.
await_ready() {
  local pid=$1 mgmt=$2 server_log=$3 attempts=$4 interval=$5 name=$6
  for _ in $(seq 1 "$attempts"); do
    kill -0 "$pid" 2>/dev/null || break
    if curl -fsS --max-time 1 "http://127.0.0.1:$mgmt/ready" >/dev/null 2>&1; then return 0; fi
    sleep "$interval"
  done
  log "$name did not become ready; its log:"; cat "$server_log" >&2
  exit 1
}

run_bench_client() {
  local class=$1 script=$2 status=0
  shift 2
  mkdir -p "$(dirname "$OUT")"
  # shellcheck disable=SC2086
  timeout "$CLIENT_TIMEOUT_S" java $CLIENT_JVM_OPTS -cp "$CLIENT_CP" "io.tributary.bench.$class" \
    --host 127.0.0.1 --port "$API_PORT" --out "$OUT" --server-info "$SERVER_INFO" --server-pid "$SERVER_PID" \
    --command "loadtest/$script${*:+ $*}" "$@" || status=$?
  report_server_errors
  log "results: $OUT"
  return $status
}

commit_info() {
  local commit
  commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
  if [[ $commit != unknown && -n $(git status --porcelain -- src/main pom.xml 2>/dev/null) ]]; then
    commit+=" + uncommitted changes in src/main or pom.xml"
  fi
  echo "$commit"
}

report_server_errors() {
  if grep -q "ERROR\|Exception" "$WORK/server.log"; then
    log "server log has errors (whole log kept in target/$BENCH_SERVER_NAME-server.log):"
    grep -m 20 "ERROR\|Exception" "$WORK/server.log" >&2
  fi
}

NODE_PIDS=()
NODE_WORKS=()
NODE_APIS=()
NODE_MGMTS=()
NODES_NAME=""

stop_cluster_nodes() {
  local i
  for i in "${!NODE_PIDS[@]}"; do kill "${NODE_PIDS[$i]}" 2>/dev/null || true; done
  for i in "${!NODE_PIDS[@]}"; do
    for _ in $(seq 1 100); do kill -0 "${NODE_PIDS[$i]}" 2>/dev/null || break; sleep 0.1; done
    kill -9 "${NODE_PIDS[$i]}" 2>/dev/null || true
    cp "${NODE_WORKS[$i]}/server.log" "target/$NODES_NAME-node$((i + 1))-server.log" 2>/dev/null || true
    rm -rf "${NODE_WORKS[$i]}"
  done
  NODE_PIDS=()
}

# Three clustered nodes started at once (none is ready before a majority of the metadata group has met).
# A node's Hazelcast port p comes with the Raft servers of the metadata group (p + 100) and of the shard
# groups (p + 200), so all three must be free.
start_cluster_nodes() {
  NODES_NAME=$1; shift
  local i p api tls mgmt work members
  local cluster_ports=()
  NODE_WORKS=(); NODE_APIS=(); NODE_MGMTS=()
  while ((${#cluster_ports[@]} < 3)); do
    p=$(free_port)
    if ((p < 65000)) && ! port_in_use $((p + 100)) && ! port_in_use $((p + 200)) \
        && [[ $TAKEN_PORTS != *" $((p + 100)) "* && $TAKEN_PORTS != *" $((p + 200)) "* ]]; then
      cluster_ports+=("$p"); TAKEN_PORTS+="$p $((p + 100)) $((p + 200)) "
    fi
  done
  members=$(printf '127.0.0.1:%s,' "${cluster_ports[@]}"); members=${members%,}
  for i in 0 1 2; do
    api=$(free_port); TAKEN_PORTS+="$api "
    tls=$(free_port); TAKEN_PORTS+="$tls "
    mgmt=$(free_port); TAKEN_PORTS+="$mgmt "
    work=$(mktemp -d -t "tributary-$NODES_NAME-node$((i + 1)).XXXXXX")
    log "starting node $((i + 1)): api $api, management $mgmt, cluster 127.0.0.1:${cluster_ports[$i]}${*:+, $*}"
    # shellcheck disable=SC2086
    env TRIBUTARY_HOST=127.0.0.1 TRIBUTARY_AUTH_MODE=shape TRIBUTARY_STREAM_CREATE_DELAY_MS=0 \
        TRIBUTARY_STREAM_DELETE_DELAY_MS=0 TRIBUTARY_DATA_DIR="$work/data" \
        TRIBUTARY_CLUSTER_ENABLED=true TRIBUTARY_CLUSTER_HOST=127.0.0.1 TRIBUTARY_CLUSTER_PORT="${cluster_ports[$i]}" \
        TRIBUTARY_CLUSTER_MEMBERS="$members" TRIBUTARY_CLUSTER_SECRET="bench cluster shared secret" "$@" \
      java -XX:+ExitOnOutOfMemoryError ${SERVER_JVM_OPTS:-} -jar target/tributary.jar \
        --port "$api" --tls-port "$tls" --management-port "$mgmt" >"$work/server.log" 2>&1 &
    NODE_PIDS+=($!); NODE_WORKS+=("$work"); NODE_APIS+=("$api"); NODE_MGMTS+=("$mgmt")
  done
  for i in 0 1 2; do
    await_ready "${NODE_PIDS[$i]}" "${NODE_MGMTS[$i]}" "${NODE_WORKS[$i]}/server.log" 900 0.2 "node $((i + 1))"
  done
  log "three nodes ready (pids ${NODE_PIDS[*]})"
}

report_node_errors() {
  local i
  for i in "${!NODE_PIDS[@]}"; do
    if grep -q "ERROR\|Exception" "${NODE_WORKS[$i]}/server.log"; then
      log "node $((i + 1)) log has errors (kept in target/$NODES_NAME-node$((i + 1))-server.log):"
      grep -m 5 "ERROR\|Exception" "${NODE_WORKS[$i]}/server.log" >&2
    fi
  done
}

node_list() {
  local i list=""
  for i in "${!NODE_APIS[@]}"; do list+="${NODE_APIS[$i]}:${NODE_MGMTS[$i]},"; done
  echo "${list%,}"
}

comma_list() { local IFS=,; echo "$*"; }
