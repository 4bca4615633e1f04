#!/usr/bin/env bash
# Steelyard vs HAProxy 2.6, side by side, on loopback, from one configuration file.
#
#   flock /tmp/maven.lock ./lb-bench/compare/run.sh          # from the repository root
#
# Needs: the launcher jar (mvn -B -q -DskipTests package), a JDK 17, and Debian's
#   apt-get install -y haproxy iperf3 wrk nginx-light
#
# What it does, ROUNDS times (order alternates: odd rounds direct, haproxy, then Steelyard on each
# transport; even rounds the other way round), each proxy started fresh from lb-bench/compare/haproxy.cfg
# (TCP mode, leastconn, stick-table type ip size 200k expire 30m, stick on src):
#   1. one long stream: iperf3 -t DUR through ft_iperf                     -> Gbit/s
#   2. short connections: wrk -H 'Connection: close' through ft_http        -> conn/s (req/s)
#   3. keep-alive: wrk through ft_http                                     -> req/s and p99 (ms)
#   4. memory: IDLE idle connections through ft_idle (IdleConns.java, each checked end to end by
#      a 1-byte echo), VmRSS growth of the proxy process / IDLE            -> bytes per connection
# "direct" runs 1-3 against the backends themselves (no proxy), as the ceiling.
# Steelyard runs once per transport of TRANSPORTS (io_uring, epoll, nio: the launcher's -de and
# -du turn the others off), each a target of its own (steelyard-io_uring, ...); its log says
# which transport it listens with. TRANSPORTS may also name "bare": not Steelyard but
# io.netty.channel.epoll.BareEpollRelay from lb-bench's jar, the least a Java relay on Netty's
# native epoll calls does per connection (no stickiness, timeouts or statistics), to weigh how far
# an event loop of Steelyard's own could go (issue 14, lever 2).
# SYSCALLS=1 (the default) adds, after the rounds, one pass per proxy under strace -c -f over
# DUR s of short connections: system calls per short connection, in all and by name, from
# strace's own count divided by wrk's (strace slows the proxy; the counts, not the rate, matter).
# Before measuring, each proxy gets WARM s of short and WARM s of keep-alive wrk traffic (JIT
# warm-up for the JVM; the same for HAProxy). 10 s, not 2: after 6 s of short connections the
# JIT's C2 threads still took 36-42 us of CPU per connection, on the 2 cores the proxy and wrk
# share (per-thread CPU from /proc/PID/task/*/stat).
#
# Environment (defaults): DUR=5 ROUNDS=2 WARM=10 IDLE=7000 THREADS=1 CONNS=32
#   TRANSPORTS="io_uring epoll" SYSCALLS=1
#   CFG=lb-bench/compare/haproxy.cfg (another file with the same frontends and ports, e.g. without
#     its maxconn lines)
#   PEERS=0  (1: the stick tables are replicated: CFG defaults to haproxy-peers.cfg, whose proxy
#     is peer 'bench' of section 'mirrored', and an HAProxy on mirror.cfg runs beside it for the
#     whole run as peer 'mirror', 127.0.0.1:20301, taking the updates)
#   JAVA_OPTS=""  (added to the options that lb-examples/bin/steelyard, which starts Steelyard,
#     works out from the file's maxconn; e.g. "-Xms256m -Xmx256m -XX:+AlwaysPreTouch", the
#     setting of the runs before the start script, for a fixed, pre-touched heap)
#   OUT=/tmp/steelyard-compare-<time>  (logs, results.tsv, results.md)
# IDLE: the fd limit here is 20,000 (hard) and a proxied connection takes 2 fds in the proxy
# (and 2 in IdleConns, which holds both ends), and HAProxy sets fds aside for splicing's pipes
# (see haproxy.cfg), so 7,000, not 10,000; the figure is per connection.
# Neither proxy logs connections unless CFG has 'log' lines (haproxy-log.cfg has them).
# LOGCOST=1 weighs the connection log instead: each round runs HAProxy and Steelyard (on each of
#   TRANSPORTS) on CFG (log off) and on CFG_LOG (default haproxy-log.cfg: log on), short
#   connections only, and the summary gives each proxy's conn/s and CPU time per connection
#   (utime + stime of the whole process over the wrk run, from /proc/PID/stat) with the log off and
#   on, and the ratio on / off, per round and on average. SYSCALLS is off in this mode.
#
# Traffic goes only to 127.0.0.1. Every wait is bounded; every process started here is stopped
# on exit, failure or Ctrl-C.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PEERS=${PEERS:-0}
if [ "$PEERS" = 1 ]; then CFG=${CFG:-$HERE/haproxy-peers.cfg}; else CFG=${CFG:-$HERE/haproxy.cfg}; fi
JAR="$ROOT/lb-examples/target/steelyard.jar"
DUR=${DUR:-5}
ROUNDS=${ROUNDS:-2}
WARM=${WARM:-10}
IDLE=${IDLE:-7000}
THREADS=${THREADS:-1}
CONNS=${CONNS:-32}
TRANSPORTS=${TRANSPORTS:-io_uring epoll}
SYSCALLS=${SYSCALLS:-1}
JAVA_OPTS=${JAVA_OPTS:-}
LOGCOST=${LOGCOST:-0}
CFG_LOG=${CFG_LOG:-$HERE/haproxy-log.cfg}
[ "$LOGCOST" = 1 ] && SYSCALLS=0
OUT=${OUT:-/tmp/steelyard-compare-$(date +%Y%m%d-%H%M%S)}

HTTP_FRONT=20080; NGINX1=20081; NGINX2=20082
IPERF_FRONT=20201; IPERF_BACK=20202
IDLE_FRONT=20900; IDLE_BACK=20901
PEER_LOCAL=20300; PEER_MIRROR=20301

mkdir -p "$OUT"
RES="$OUT/results.tsv"
: > "$RES"
PIDS=()

log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }
die() { log "FAIL: $*"; exit 1; }

# Stop one process we started: SIGTERM, up to 10 s, then SIGKILL.
stop() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$? p
  trap - EXIT INT TERM
  for p in "${PIDS[@]}"; do stop "$p"; done
  [ $rc -eq 0 ] || log "stopped on failure (rc=$rc); logs in $OUT"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start NAME CMD... : runs CMD in the background, output to $OUT/NAME.log, pid in $LAST
start() {
  local name=$1; shift
  "$@" > "$OUT/$name.log" 2>&1 &
  LAST=$!
  PIDS+=("$LAST")
}

forget() {
  local p keep=()
  for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  PIDS=("${keep[@]}")
}

listening() { [ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]; }

# wait_listen PID PORT... : until every port listens (10 s at most) and PID is alive
wait_listen() {
  local pid=$1 port i; shift
  for port in "$@"; do
    for ((i = 0; i < 100; i++)); do
      kill -0 "$pid" 2>/dev/null || die "process $pid exited before listening on $port"
      listening "$port" && break
      sleep 0.1
    done
    listening "$port" || die "nothing listens on 127.0.0.1:$port after 10 s"
  done
}

# wait_peer TARGET: until the mirror has an open session with the proxy under test (10 s at most)
wait_peer() {
  local i
  for ((i = 0; i < 100; i++)); do
    echo "show peers" | socat -t2 - "UNIX-CONNECT:$MIRROR_SOCK" 2>/dev/null \
      | grep -q "id=bench(remote,active).*last_status=ESTA" && { log "  $1: peer session with the mirror open"; return; }
    sleep 0.1
  done
  die "$1 opened no peer session with the mirror within 10 s"
}

record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >> "$RES"; }

# --- checks -------------------------------------------------------------------------------
for tool in haproxy iperf3 wrk nginx java ss $([ "$SYSCALLS" = 1 ] && echo strace) $([ "$PEERS" = 1 ] && echo socat); do
  command -v "$tool" > /dev/null || die "$tool not found (apt-get install -y haproxy iperf3 wrk nginx-light)"
done
[ -f "$JAR" ] || die "$JAR missing: run 'mvn -B -q -DskipTests package' at the root"
for port in $HTTP_FRONT $NGINX1 $NGINX2 $IPERF_FRONT $IPERF_BACK $IDLE_FRONT $IDLE_BACK \
    $([ "$PEERS" = 1 ] && echo $PEER_LOCAL $PEER_MIRROR); do
  listening "$port" && die "port $port already in use"
done
[ "$(ulimit -n)" -ge $((2 * IDLE + 200)) ] || ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -ge $((2 * IDLE + 200)) ] || die "ulimit -n $(ulimit -n) too low for IDLE=$IDLE"

{
  echo "machine: $(nproc) cpus, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), kernel $(uname -r)"
  echo "haproxy: $(haproxy -v | head -1)"
  echo "java:    $(java -version 2>&1 | head -1)"
  echo "tools:   $(iperf3 --version | head -1 | cut -d' ' -f1-2), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), $(nginx -v 2>&1)"
  echo "run:     DUR=$DUR ROUNDS=$ROUNDS WARM=$WARM IDLE=$IDLE THREADS=$THREADS CONNS=$CONNS TRANSPORTS='$TRANSPORTS' JAVA_OPTS='$JAVA_OPTS' PEERS=$PEERS CFG=$CFG$([ "$LOGCOST" = 1 ] && echo " LOGCOST=1 CFG_LOG=$CFG_LOG")"
  echo "steelyard's JVM: $(java -jar "$JAR" --jvm-options -f "$CFG") $JAVA_OPTS (bin/steelyard)"
} | tee "$OUT/machine.txt" >&2

# --- backends -----------------------------------------------------------------------------
mkdir -p "$OUT/nginx"
cat > "$OUT/nginx/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes 1;
pid $OUT/nginx/nginx.pid;
error_log $OUT/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $OUT/nginx/body;
  proxy_temp_path $OUT/nginx/proxy;
  fastcgi_temp_path $OUT/nginx/fastcgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$NGINX1;
    listen 127.0.0.1:$NGINX2;
    location / { default_type text/plain; return 200 "ok\n"; }
  }
}
EOF
start nginx nginx -p "$OUT/nginx" -c "$OUT/nginx/nginx.conf"
NGINX_PID=$LAST
wait_listen "$NGINX_PID" $NGINX1 $NGINX2
start iperf3-server iperf3 -s -B 127.0.0.1 -p $IPERF_BACK
IPERF_PID=$LAST
wait_listen "$IPERF_PID" $IPERF_BACK
if [ "$PEERS" = 1 ]; then
  MIRROR_SOCK="$OUT/mirror.sock"
  sed "s#^global#global\n    stats socket $MIRROR_SOCK level admin#" "$HERE/mirror.cfg" > "$OUT/mirror.cfg"
  start mirror haproxy -f "$OUT/mirror.cfg" -db
  wait_listen "$LAST" $PEER_MIRROR
fi

# --- measurements -------------------------------------------------------------------------
wrk_run() { # wrk_run PORT SECONDS [header]
  local port=$1 secs=$2; shift 2
  timeout $((secs + 30)) wrk -t"$THREADS" -c"$CONNS" -d"${secs}s" --latency "$@" "http://127.0.0.1:$port/"
}

to_ms() { # 1.23ms / 850.00us / 1.02s -> ms
  awk -v v="$1" 'BEGIN { n = v + 0
    if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000
    printf "%.3f", n }'
}

# cpu_ticks PID: the process's user + system CPU time so far, in clock ticks
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }

# measure_logcost ROUND TARGET PID: short connections, and the proxy's CPU time per connection
measure_logcost() {
  local round=$1 target=$2 pid=$3 f="$OUT/r$1-$2-wrk-close.txt" before after n v
  before=$(cpu_ticks "$pid")
  wrk_run $HTTP_FRONT "$DUR" -H 'Connection: close' > "$f" 2>&1 || die "wrk close ($target), see $f"
  after=$(cpu_ticks "$pid")
  v=$(awk '/^Requests\/sec:/ { print $2 }' "$f")
  n=$(awk '/requests in/ { print $1 }' "$f")
  [ -n "$v" ] && [ -n "$n" ] && [ "$n" -gt 0 ] || die "no wrk result ($target), see $f"
  record "$round" "$target" conn_per_s "$v"
  record "$round" "$target" cpu_us_per_conn "$(awk -v b="$before" -v a="$after" -v n="$n" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%.1f", (a - b) * 1000000 / hz / n }')"
  log "  $target short connections: $v conn/s, $(awk -v b="$before" -v a="$after" -v n="$n" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%.1f", (a - b) * 1000000 / hz / n }') us of CPU per connection"
}

measure() { # measure ROUND TARGET HTTP_PORT IPERF_PORT [PROXY_PID]
  local round=$1 target=$2 http=$3 iperf=$4 pid=${5:-} f v
  if [ "$LOGCOST" = 1 ]; then
    measure_logcost "$round" "$target" "$pid"
    return
  fi

  f="$OUT/r$round-$target-iperf3.txt"
  timeout $((DUR + 30)) iperf3 -c 127.0.0.1 -p "$iperf" -t "$DUR" -f m > "$f" 2>&1 || die "iperf3 ($target), see $f"
  v=$(awk '/receiver/ { for (i = 1; i <= NF; i++) if ($i == "Mbits/sec") printf "%.2f", $(i-1) / 1000 }' "$f")
  [ -n "$v" ] || die "no iperf3 result ($target), see $f"
  record "$round" "$target" stream_gbps "$v"; log "  $target one stream: $v Gbit/s"

  f="$OUT/r$round-$target-wrk-close.txt"
  wrk_run "$http" "$DUR" -H 'Connection: close' > "$f" 2>&1 || die "wrk close ($target), see $f"
  v=$(awk '/^Requests\/sec:/ { print $2 }' "$f")
  [ -n "$v" ] || die "no wrk result ($target), see $f"
  record "$round" "$target" conn_per_s "$v"; log "  $target short connections: $v conn/s $(grep -h 'Socket errors\|Non-2xx' "$f" | tr -s ' ' || true)"

  f="$OUT/r$round-$target-wrk-keepalive.txt"
  wrk_run "$http" "$DUR" > "$f" 2>&1 || die "wrk keep-alive ($target), see $f"
  v=$(awk '/^Requests\/sec:/ { print $2 }' "$f")
  [ -n "$v" ] || die "no wrk result ($target), see $f"
  record "$round" "$target" ka_req_per_s "$v"
  v=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$f")")
  record "$round" "$target" ka_p99_ms "$v"; log "  $target keep-alive: $(awk '/^Requests\/sec:/ { print $2 }' "$f") req/s, p99 $v ms"

  [ -n "$pid" ] || return 0
  local before after idle_pid n i hb ha
  sleep 1
  hb=$(heap_used "$target" "$pid")
  before=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
  f="$OUT/r$round-$target-idle.txt"
  start "r$round-$target-idleconns" java -Xmx128m "$HERE/IdleConns.java" $IDLE_BACK $IDLE_FRONT "$IDLE" 120
  idle_pid=$LAST
  for ((i = 0; i < 900; i++)); do # 90 s at most
    grep -q '^READY' "$OUT/r$round-$target-idleconns.log" 2>/dev/null && break
    kill -0 "$idle_pid" 2>/dev/null || break
    sleep 0.1
  done
  n=$(awk '/^READY/ { print $2 }' "$OUT/r$round-$target-idleconns.log")
  [ -n "$n" ] && [ "$n" -gt 0 ] || die "IdleConns ($target) did not get ready, see $OUT/r$round-$target-idleconns.log"
  sleep 2
  after=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
  ha=$(heap_used "$target" "$pid")
  stop "$idle_pid"; forget "$idle_pid"
  v=$(awk -v b="$before" -v a="$after" -v n="$n" 'BEGIN { printf "%.0f", (a - b) * 1024 / n }')
  echo "before=${before}kB after=${after}kB connections=$n bytes_per_conn=$v heap_before=$hb heap_after=$ha" > "$f"
  record "$round" "$target" idle_bytes_per_conn "$v"
  record "$round" "$target" idle_rss_mb "$(awk -v a="$after" 'BEGIN { printf "%.1f", a / 1024 }')"
  if [ -n "$hb" ] && [ -n "$ha" ]; then
    record "$round" "$target" idle_heap_per_conn "$(awk -v b="$hb" -v a="$ha" -v n="$n" 'BEGIN { printf "%.0f", (a - b) * 1024 / n }')"
  fi
  record "$round" "$target" idle_conns "$n"
  log "  $target idle: $n connections, RSS ${before} -> ${after} kB, $v B per connection"
  grep -h FAILED "$OUT/r$round-$target-idleconns.log" >&2 || true
  sleep 1 # let the closes drain before the proxy stops
}

# heap_used TARGET PID: for the JVM, live heap in kB after a full GC (jcmd GC.run; GC.heap_info);
# the fixed, pre-touched heap hides connection objects from RSS, so they are counted here.
heap_used() {
  [[ $1 == steelyard* ]] || return 0
  timeout 30 jcmd "$2" GC.run > /dev/null 2>&1 || return 0
  # the used figure of each generation (serial, parallel) or of the one G1 heap, added up
  timeout 30 jcmd "$2" GC.heap_info 2>/dev/null | awk '/(generation|heap) .* used / {
      for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i+1); sub(/K.*/, "", v); s += v } }
    END { if (s != "") print s }'
}

# start_steelyard NAME TRANSPORT [FILE]: the launcher on FILE ($CFG by default) through its start
# script (which execs the JVM: the pid is the JVM's), the other transports turned off
start_steelyard() {
  local off=()
  case $2 in
    io_uring) off=(-de) ;;
    epoll) off=(-du) ;;
    nio) off=(-du -de) ;;
    bare)
      start "$1" java -cp "$ROOT/lb-bench/target/benchmarks.jar" io.netty.channel.epoll.BareEpollRelay 600 \
        $HTTP_FRONT=127.0.0.1:$NGINX1,127.0.0.1:$NGINX2 $IPERF_FRONT=127.0.0.1:$IPERF_BACK \
        $IDLE_FRONT=127.0.0.1:$IDLE_BACK
      return ;;
    *) die "unknown transport '$2' in TRANSPORTS (io_uring, epoll, nio, bare)" ;;
  esac
  start "$1" env STEELYARD_JAR="$JAR" JAVA_OPTS="$JAVA_OPTS" \
    "$ROOT/lb-examples/bin/steelyard" "${off[@]}" -f "${3:-$CFG}"
}

run_target() { # run_target ROUND TARGET (TARGET+log: on CFG_LOG)
  local round=$1 target=$2 pid cfg=$CFG proxy=${2%+log}
  [ "$proxy" != "$target" ] && cfg=$CFG_LOG
  log "round $round: $target"
  case $proxy in
    direct)
      measure "$round" direct $NGINX1 $IPERF_BACK
      return ;;
    haproxy)
      start "r$round-$target" haproxy -f "$cfg" -db ;;
    steelyard-*)
      start_steelyard "r$round-$target" "${proxy#steelyard-}" "$cfg" ;;
  esac
  pid=$LAST
  wait_listen "$pid" $HTTP_FRONT $IPERF_FRONT $IDLE_FRONT
  [ "$PEERS" = 1 ] && wait_peer "$target"
  wrk_run $HTTP_FRONT "$WARM" -H 'Connection: close' > "$OUT/r$round-$target-warmup.txt" 2>&1 || true
  wrk_run $HTTP_FRONT "$WARM" >> "$OUT/r$round-$target-warmup.txt" 2>&1 || true
  measure "$round" "$target" $HTTP_FRONT $IPERF_FRONT "$pid"
  stop "$pid"; forget "$pid"
}

STEELYARDS=""
for t in $TRANSPORTS; do STEELYARDS="$STEELYARDS steelyard-$t"; done
for ((r = 1; r <= ROUNDS; r++)); do
  if [ "$LOGCOST" = 1 ]; then
    order=""
    for t in haproxy $STEELYARDS; do
      if ((r % 2 == 1)); then order="$order $t $t+log"; else order="$order $t+log $t"; fi
    done
  elif ((r % 2 == 1)); then order="direct haproxy$STEELYARDS"; else order="$(echo $STEELYARDS | tr ' ' '\n' | tac | tr '\n' ' ')haproxy direct"; fi
  for t in $order; do run_target "$r" "$t"; done
done

# syscalls TARGET: one pass under strace -c -f; records syscalls per short connection
syscalls() {
  local target=$1 pid spid n f="$OUT/syscalls-$1.txt"
  log "syscalls: $target"
  case $target in
    haproxy) start "syscalls-haproxy" haproxy -f "$CFG" -db ;;
    steelyard-*) start_steelyard "syscalls-$target" "${target#steelyard-}" ;;
  esac
  pid=$LAST
  wait_listen "$pid" $HTTP_FRONT $IPERF_FRONT $IDLE_FRONT
  wrk_run $HTTP_FRONT "$WARM" -H 'Connection: close' > /dev/null 2>&1 || true
  timeout $((DUR + 60)) strace -c -f -p "$pid" -o "$f.strace" 2> /dev/null &
  spid=$!
  sleep 1 # strace attaches to every thread
  wrk_run $HTTP_FRONT "$DUR" -H 'Connection: close' > "$f.wrk" 2>&1 || die "wrk under strace ($target), see $f.wrk"
  sleep 0.5
  kill -INT "$spid" 2>/dev/null || true
  wait "$spid" 2>/dev/null || true
  stop "$pid"; forget "$pid"
  n=$(awk '/requests in/ { print $1 }' "$f.wrk")
  [ -n "$n" ] && [ "$n" -gt 0 ] || die "no wrk result under strace ($target), see $f.wrk"
  # strace -c rows: % time, seconds, usecs/call, calls, [errors], syscall; the last is the total
  awk -v n="$n" '$1 ~ /^[0-9.]+$/ && $4 ~ /^[0-9]+$/ && $NF ~ /^[a-z_0-9]+$/ {
      if ($NF == "total") total = $4; else if ($4 / n >= 0.05) printf "%s %.2f\n", $NF, $4 / n
    } END { printf "total %.1f\n", total / n }' "$f.strace" | sort -k2 -nr > "$f"
  record 1 "$target" syscalls_per_conn "$(awk '$1 == "total" { print $2 }' "$f")"
  log "  $target: $(awk '$1 == "total" { print $2 }' "$f") syscalls per short connection ($n connections)"
}
if [ "$SYSCALLS" = 1 ]; then
  for t in haproxy $STEELYARDS; do syscalls "$t"; done
fi

# --- summary ------------------------------------------------------------------------------
# One table per transport: Steelyard on it against HAProxy, per round and on average.
summary() { # summary TARGET
  awk -F'\t' -v rounds="$ROUNDS" -v sy="$1" '
  { v[$3, $2, $1] = $4 }
  function mean(m, t,   r, s, k) { s = 0; k = 0
    for (r = 1; r <= rounds; r++) if ((m, t, r) in v) { s += v[m, t, r]; k++ }
    return k ? s / k : "" }
  function list(m, t,   r, s) { s = ""
    for (r = 1; r <= rounds; r++) s = s ((m, t, r) in v ? fmt(v[m, t, r]) : "-") (r < rounds ? " / " : "")
    return s }
  function fmt(x) { return x == "" ? "-" : (x >= 100 || x <= -100 ? sprintf("%.0f", x) : sprintf("%.3g", x)) }
  END {
    split("stream_gbps conn_per_s ka_req_per_s ka_p99_ms idle_bytes_per_conn idle_heap_per_conn idle_rss_mb syscalls_per_conn", ms, " ")
    split("one stream (Gbit/s)|short connections (conn/s)|keep-alive (req/s)|keep-alive p99 (ms)|RSS growth per idle connection (bytes)|JVM live heap growth per idle connection (bytes, after full GC)|RSS with the idle connections open (MiB)|system calls per short connection (strace, one pass)", names, "|")
    split("≥ 1.1|≥ 1.1|≥ 1|≤ 1|≤ 1|-|-|≤ 19", goal, "|")
    name = sy; sub(/^steelyard-/, "", name)
    print "| measure | direct | HAProxy 2.6 (per round; mean) | Steelyard " name " (per round; mean) | Steelyard / HAProxy (per round; mean) | target |"
    print "|---|---|---|---|---|---|"
    for (i = 1; i <= 8; i++) { m = ms[i]
      rr = ""
      for (r = 1; r <= rounds; r++) rr = rr (((m, "haproxy", r) in v && v[m, "haproxy", r] != 0 && (m, sy, r) in v) ? sprintf("%.2f", v[m, sy, r] / v[m, "haproxy", r]) : "-") (r < rounds ? " / " : "")
      h = mean(m, "haproxy"); s = mean(m, sy)
      printf "| %s | %s | %s; %s | %s; %s | %s; **%s** | %s |\n", names[i], fmt(mean(m, "direct")),
        list(m, "haproxy"), fmt(h), list(m, sy), fmt(s), rr, (h != "" && h != 0 && s != "") ? sprintf("%.2f", s / h) : "-", goal[i]
    }
  }' "$RES"
}
# The log's cost: each proxy with the log off and on, per round and on average.
logcost_summary() {
  awk -F'\t' -v rounds="$ROUNDS" -v proxies="haproxy$STEELYARDS" '
  { v[$3, $2, $1] = $4 }
  function list(m, t,   r, s) { s = ""
    for (r = 1; r <= rounds; r++) s = s ((m, t, r) in v ? v[m, t, r] : "-") (r < rounds ? " / " : "")
    return s }
  function mean(m, t,   r, s, k) { s = 0; k = 0
    for (r = 1; r <= rounds; r++) if ((m, t, r) in v) { s += v[m, t, r]; k++ }
    return k ? s / k : 0 }
  END {
    print "| proxy | measure | log off (per round; mean) | log on (per round; mean) | on / off (per round; of the means) |"
    print "|---|---|---|---|---|"
    n = split(proxies, ps, " ")
    for (i = 1; i <= n; i++) for (j = 1; j <= 2; j++) {
      p = ps[i]; m = j == 1 ? "conn_per_s" : "cpu_us_per_conn"
      rr = ""
      for (r = 1; r <= rounds; r++) rr = rr (((m, p, r) in v && v[m, p, r] != 0 && (m, p "+log", r) in v) ? sprintf("%.3f", v[m, p "+log", r] / v[m, p, r]) : "-") (r < rounds ? " / " : "")
      off = mean(m, p); on = mean(m, p "+log")
      printf "| %s | %s | %s; %.1f | %s; %.1f | %s; **%s** |\n", p, j == 1 ? "short connections (conn/s)" : "CPU per connection (us)",
        list(m, p), off, list(m, p "+log"), on, rr, off ? sprintf("%.3f", on / off) : "-"
    }
  }' "$RES"
}
: > "$OUT/results.md"
if [ "$LOGCOST" = 1 ]; then
  logcost_summary >> "$OUT/results.md"
else
  for t in $STEELYARDS; do summary "$t" >> "$OUT/results.md"; echo >> "$OUT/results.md"; done
fi
if [ "$SYSCALLS" = 1 ]; then
  for t in haproxy $STEELYARDS; do
    echo "system calls per short connection, $t: $(grep -v '^total' "$OUT/syscalls-$t.txt" | head -12 | tr '\n' ' ' | sed 's/ \([0-9.]*\) /=\1, /g')"
  done >> "$OUT/results.md"
fi
echo >&2
cat "$OUT/machine.txt"
echo "idle connections per proxy: $(awk -F'\t' '$3 == "idle_conns" { printf "%s%s=%s", sep, $2, $4; sep = " " }' "$RES")"
echo
cat "$OUT/results.md"
echo
echo "raw: $RES; logs: $OUT"
