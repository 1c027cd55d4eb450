#!/usr/bin/env bash
# Agent-loop benchmark (on demand, not part of ctest; see tests/bench/README.md).
#
#   bash tests/bench/agent.sh                                 # builds build-release/ first
#   RDC_BENCH_BUILD_DIR=/tmp/rel bash tests/bench/agent.sh    # or use an existing Release build
#   RDC_BENCH_DEVICES=100000 RDC_BENCH_CONNECTIONS=256 bash tests/bench/agent.sh
#   RDC_BENCH_ENGINES="sqlite postgresql" bash tests/bench/agent.sh
#
# Heartbeat throughput of the agent-loop module with many distinct devices
# (client-truth S12). For each device count N (RDC_BENCH_DEVICES) and engine
# it starts a Release rdconsole on an ephemeral port with a throw-away data dir
# (PostgreSQL: a fresh database on a throwaway server from tests/pg/start.sh),
# then:
#   1. warm-up: every id 100000000 + [0, N) uploads its sysinfo once
#      (POST /api/sysinfo, the service's first request: registers the device,
#      pins its uuid, stores the sysinfo), driven by wrk with agent.lua;
#   2. check: 3 s of heartbeats that must all answer exactly {} (an id the
#      warm-up missed would get {"sysinfo":1});
#   3. for each connection count (RDC_BENCH_CONNECTIONS, default "256 16")
#      and each mode (RDC_BENCH_MODES, default "keepalive close"; close = wrk
#      sends "Connection: close", one TCP connection per request):
#      POST /api/heartbeat cycling over all N ids (each wrk thread owns a
#      share of the ids, the uuid is derived from the id), then GET /healthz
#      (the core's trivial handler) the same way;
#   4. records the server's RSS before the warm-up, after it and after the
#      runs, its peak (VmHWM), and the RSS per tracked device
#      ((RSS after the runs - RSS before the warm-up) / N).
# The reference nginx (`return 200`, GET) is measured once per connection
# count and mode, started by hand on a free port with its own config in the
# scratch dir (no systemd); it is installed with apt-get when missing
# (Debian 12), or skipped with RDC_BENCH_NGINX=0.
# Prints one table per engine and device count: req/s, latency p50/p99/p99.9,
# errors (socket errors + non-2xx), the ratios heartbeat/healthz,
# heartbeat/nginx, healthz/nginx, and the memory figures. It asserts nothing
# about speed; it fails when the warm-up or the check sees a wrong reply.
#
# The per-device rate limit is raised (agent-loop.max_requests_per_device) so
# that the benchmark's own replay of each id, far faster than a real client's
# 3-15 s period, is not refused; the limiter itself still runs. The presence
# compaction interval (agent-loop.compact_interval_ms, default 30 s) is set to
# the run duration, so that every measurement contains a whole compaction
# instead of depending on where the cycle falls. The default duration is 30 s,
# so the default runs measure the default interval; a shorter duration
# compacts more often than the default (and, under 15 s, logs again devices
# that are still beating): more database work, never less.
#
# Environment:
#   RDC_BENCH_BUILD_DIR    use this existing build (rdconsole and modules/ with
#                          agent-loop.so) instead of configuring build-release/
#   RDC_BENCH_ENGINES      engines (default "sqlite"; "sqlite postgresql" for both)
#   RDC_BENCH_DEVICES      device counts (default "100000 1000000")
#   RDC_BENCH_CONNECTIONS  wrk connection counts (default "256 16")
#   RDC_BENCH_MODES        "keepalive close" (default) or one of them
#   RDC_BENCH_DURATION     seconds per measurement (default 30)
#   RDC_BENCH_THREADS      wrk threads (default 2)
#   RDC_BENCH_WARM_CONNECTIONS  wrk connections for the warm-up (default 64)
#   RDC_BENCH_WARM_TIMEOUT seconds allowed for one warm-up (default 3600)
#   RDC_BENCH_NGINX        0 to skip the nginx reference (default 1)
#   RDC_BENCH_SET          extra server settings, space-separated KEY=VALUE
#                          (e.g. "http.engine=threads" to measure the Poco listener)
#   RDC_JOBS               build parallelism (default 2)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
root=$PWD
engines=${RDC_BENCH_ENGINES:-sqlite}
device_counts=${RDC_BENCH_DEVICES:-100000 1000000}
connections=${RDC_BENCH_CONNECTIONS:-256 16}
modes=${RDC_BENCH_MODES:-keepalive close}
duration=${RDC_BENCH_DURATION:-30}
threads=${RDC_BENCH_THREADS:-2}
warm_conns=${RDC_BENCH_WARM_CONNECTIONS:-64}
warm_timeout=${RDC_BENCH_WARM_TIMEOUT:-3600}
with_nginx=${RDC_BENCH_NGINX:-1}
script=$root/tests/bench/agent.lua

die() {
  echo "agent-bench: $*" >&2
  exit 1
}

for tool in wrk curl awk; do
  command -v "$tool" >/dev/null || die "$tool is not installed (bash packaging/install-build-deps.sh)"
done
for engine in $engines; do
  case $engine in
  sqlite) ;;
  postgresql) command -v psql >/dev/null || die "psql is not installed (apt-get install postgresql)" ;;
  *) die "unknown engine '$engine' in RDC_BENCH_ENGINES (sqlite, postgresql)" ;;
  esac
done
for m in $modes; do
  case $m in keepalive | close) ;; *) die "unknown mode '$m' in RDC_BENCH_MODES (keepalive, close)" ;; esac
done
nginx_bin=""
if [ "$with_nginx" = 1 ]; then
  nginx_bin=$(command -v nginx || true)
  [ -n "$nginx_bin" ] || [ ! -x /usr/sbin/nginx ] || nginx_bin=/usr/sbin/nginx
  if [ -z "$nginx_bin" ]; then
    echo "agent-bench: installing nginx (apt-get) for the reference measurement"
    [ "$(id -u)" = 0 ] || die "nginx is missing and installing it needs root (or RDC_BENCH_NGINX=0)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nginx >/dev/null ||
      { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nginx >/dev/null; } ||
      die "apt-get install nginx failed"
    nginx_bin=/usr/sbin/nginx
  fi
  [ -x "$nginx_bin" ] || die "no nginx binary at $nginx_bin"
fi

# --- the server binary ------------------------------------------------------
if [ -n "${RDC_BENCH_BUILD_DIR:-}" ]; then
  build=$RDC_BENCH_BUILD_DIR
else
  build=$root/build-release
  echo "agent-bench: building a Release build in $build"
  # GCC 12 (Debian 12) reports a false -Wrestrict inside libstdc++'s string
  # code at -O3; keep it a warning so the Release build goes through.
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DRDC_BUILD_TESTS=OFF \
    -DCMAKE_CXX_FLAGS=-Wno-error=restrict >/dev/null
  cmake --build "$build" -j "${RDC_JOBS:-2}"
fi
bin=$build/rdconsole
[ -x "$bin" ] || die "no server binary at $bin"
[ -f "$build/modules/agent-loop.so" ] || die "module agent-loop.so not built in $build/modules"

# --- scratch space, processes, cleanup --------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/rdc-agent-bench.XXXXXX")
server_pid=""
server_log=""
nginx_pid=""
wrk_pid=""
pg_started=0
pg_uri=""
stop_pid() { # <pid> <signal>: signal, wait up to 15 s, then KILL
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill "-$2" "$pid" 2>/dev/null || true
  for _ in $(seq 150); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
stop_server() {
  stop_pid "$server_pid" TERM
  server_pid=""
}
cleanup() {
  local rc=$?
  stop_pid "$wrk_pid" INT
  stop_server
  stop_pid "$nginx_pid" QUIT
  if [ $rc -ne 0 ] && [ -n "$server_log" ] && [ -f "$server_log" ]; then
    echo "agent-bench: failed; last server log lines:" >&2
    tail -n 20 "$server_log" >&2
  fi
  if [ $pg_started = 1 ]; then
    bash "$root/tests/pg/stop.sh" "$work/pg-uri" || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- helpers -------------------------------------------------------------------
now_ns() { date +%s%N; }
kib() { awk -v k="$1" '/^'"$1"':/ {print $2}' "/proc/$2/status"; } # <VmRSS|VmHWM> <pid>
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Runs wrk once; prints "rps p50_us p99_us p999_us requests socket_errors status_errors unexpected".
# wrk's own error lines (socket errors by kind, non-2xx count) go to $work/wrk.errors.
measure() { # <base URL> <lua mode> <keepalive|close> <connections> <seconds> <devices>
  local path=/ close=0 out
  case $2 in get) path=/healthz ;; esac
  [ "$3" = close ] && close=1
  out=$(RDC_BENCH_MODE=$2 RDC_BENCH_CLOSE=$close RDC_BENCH_DEVICES=$6 RDC_BENCH_THREADS=$threads \
    wrk -t "$threads" -c "$4" -d "${5}s" --latency -s "$script" "$1$path" 2>"$work/wrk.err")
  printf '%s\n' "$out" | grep -E 'Socket errors|Non-2xx' | tr -s ' ' >"$work/wrk.errors" || true
  printf '%s\n' "$out" | sed -n 's/^RESULT rps=\([^ ]*\) p50_us=\([^ ]*\) p99_us=\([^ ]*\) p999_us=\([^ ]*\) requests=\([^ ]*\) socket_errors=\([^ ]*\) status_errors=\([^ ]*\) unexpected=\([^ ]*\)$/\1 \2 \3 \4 \5 \6 \7 \8/p'
}

declare -A result # [engine.N.endpoint.mode.conns] or [nginx.mode.conns] = measure output
declare -A info   # [engine.N.key] = value
declare -A errs=() # same keys as result: wrk's error lines of runs that had errors
# Measures and records one run under <key>.
record() { # <key> <measure args...>
  local key=$1
  shift
  result[$key]=$(measure "$@")
  [ -s "$work/wrk.errors" ] && errs[$key]=$(tr '\n' ';' <"$work/wrk.errors")
  return 0
}

# --- nginx, the reference -------------------------------------------------------
start_nginx() {
  local dir=$work/nginx port="" p
  mkdir -p "$dir/tmp"
  for _ in $(seq 50); do
    p=$((20000 + RANDOM % 40000))
    port_free "$p" || continue
    # Mirrors the server's keep-alive defaults (http.keep_alive_timeout_ms = 5000,
    # http.max_keep_alive_requests = 1000) and uses as many workers as cores.
    cat >"$dir/nginx.conf" <<EOF
worker_processes auto;
worker_rlimit_nofile 16384;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
daemon off;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  keepalive_timeout 5s;
  keepalive_requests 1000;
  server {
    listen 127.0.0.1:$p;
    default_type application/json;
    location / { return 200 '{"status":"ok"}'; }
  }
}
EOF
    "$nginx_bin" -p "$dir" -c "$dir/nginx.conf" >"$dir/stdout.log" 2>&1 &
    nginx_pid=$!
    for _ in $(seq 50); do
      if curl -sf -o /dev/null "http://127.0.0.1:$p/healthz"; then
        port=$p
        break 2
      fi
      kill -0 "$nginx_pid" 2>/dev/null || break
      sleep 0.1
    done
    stop_pid "$nginx_pid" QUIT # the port was taken meanwhile: try another
    nginx_pid=""
  done
  [ -n "$port" ] || die "nginx did not start: $(tail -n 5 "$dir/error.log" "$dir/stdout.log" 2>/dev/null)"
  nginx_base=http://127.0.0.1:$port
  echo "agent-bench: nginx $("$nginx_bin" -v 2>&1 | sed 's/.*version: //') on $nginx_base, pid $nginx_pid"
}

bench_nginx() {
  start_nginx
  measure "$nginx_base" get keepalive 16 2 1 >/dev/null # warm-up
  local c m
  for c in $connections; do
    for m in $modes; do
      record "nginx.$m.$c" "$nginx_base" get "$m" "$c" "$duration" 1
    done
  done
  stop_pid "$nginx_pid" QUIT
  nginx_pid=""
}

# --- the server -------------------------------------------------------------------
start_server() { # <engine> <devices>
  local engine=$1 n=$2 dir=$work/$1-$2 db_opts=()
  mkdir -p "$dir/data"
  if [ "$engine" = postgresql ]; then
    if [ $pg_started = 0 ]; then
      echo "agent-bench: starting a throwaway PostgreSQL (tests/pg/start.sh)"
      pg_started=1
      pg_uri=$(bash "$root/tests/pg/start.sh" "$work/pg-uri" | tail -n 1)
    fi
    psql -X -q -v ON_ERROR_STOP=1 "$pg_uri" -c "CREATE DATABASE rdc_agent_bench_$n" >/dev/null
    db_opts=(--set db.engine=postgresql --set "db.postgresql.url=${pg_uri%/*}/rdc_agent_bench_$n")
  fi
  # An empty config file keeps /etc/rdconsole out of the measurement.
  : >"$dir/bench.properties"
  extra_opts=()
  for kv in ${RDC_BENCH_SET:-}; do
    extra_opts+=(--set "$kv")
  done
  server_log=$dir/server.log
  "$bin" --config "$dir/bench.properties" --data-dir "$dir/data" --modules-dir "$build/modules" \
    "${db_opts[@]}" --port 0 --set http.bind=127.0.0.1 --set "http.port_file=$dir/port" \
    --set http.access_log=false --set agent-loop.max_requests_per_device=1000000 \
    --set "agent-loop.compact_interval_ms=$((duration * 1000))" \
    ${extra_opts[@]+"${extra_opts[@]}"} >"$server_log" 2>&1 &
  server_pid=$!
  for _ in $(seq 300); do # up to 30 s for start-up
    [ -s "$dir/port" ] && break
    kill -0 "$server_pid" 2>/dev/null || die "the server exited during start-up"
    sleep 0.1
  done
  [ -s "$dir/port" ] || die "the server did not write its port file within 30 s"
  base=http://127.0.0.1:$(tr -dc '0-9' <"$dir/port")
  local v
  v=$(curl -sS -X POST --data-binary '' "$base/api/sysinfo_ver") ||
    die "POST /api/sysinfo_ver failed (is agent-loop loaded?)"
  echo "agent-bench: $engine, $n devices: server $("$bin" version) on $base, pid $server_pid (sysinfo_ver $v)"
}

# Every id uploads its sysinfo once; returns when all are answered.
warm_up() { # <engine> <devices>
  local key=$1.$2 n=$2 t0 t1 files ok=0 bad=0 a b f
  rm -f "$work"/warm-done.*
  echo "agent-bench: warm-up: $n sysinfo uploads (wrk -c$warm_conns)"
  t0=$(now_ns)
  RDC_BENCH_MODE=warm RDC_BENCH_DEVICES=$n RDC_BENCH_THREADS=$threads RDC_BENCH_MARKER=$work/warm-done \
    wrk -t "$threads" -c "$warm_conns" -d "${warm_timeout}s" -s "$script" "$base/" >"$work/warm.out" 2>&1 &
  wrk_pid=$!
  while :; do
    files=$(find "$work" -maxdepth 1 -name 'warm-done.*' | wc -l)
    [ "$files" -ge "$threads" ] && break
    kill -0 "$wrk_pid" 2>/dev/null || die "wrk ended before the warm-up was done: $(tail -n 5 "$work/warm.out")"
    kill -0 "$server_pid" 2>/dev/null || die "the server died during the warm-up"
    sleep 0.5
  done
  t1=$(now_ns)
  stop_pid "$wrk_pid" INT
  wrk_pid=""
  for f in "$work"/warm-done.*; do
    read -r a b <"$f"
    ok=$((ok + a))
    bad=$((bad + b))
  done
  [ "$bad" = 0 ] || die "$bad of $n sysinfo uploads were not answered SYSINFO_UPDATED: $(grep -m3 'warm-up:' "$work/warm.out")"
  [ "$ok" = "$n" ] || die "the warm-up answered $ok sysinfo uploads, expected $n"
  info[$key.warm_s]=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", (b - a) / 1e9}')
  info[$key.warm_rate]=$(awk -v a="$t0" -v b="$t1" -v n="$n" 'BEGIN {printf "%.0f", n / ((b - a) / 1e9)}')
}

bench_server() { # <engine> <devices>
  local engine=$1 n=$2 key=$1.$2 c m out
  start_server "$engine" "$n"
  info[$key.rss0]=$(kib VmRSS "$server_pid")
  warm_up "$engine" "$n"
  info[$key.rss1]=$(kib VmRSS "$server_pid")
  out=$(measure "$base" check keepalive 16 3 "$n")
  read -r _ _ _ _ reqs sockerr staterr odd <<<"$out"
  [ "${reqs:-0}" -gt 0 ] || die "the check run made no requests: $(cat "$work/wrk.err")"
  { [ "$odd" = 0 ] && [ "$sockerr" = 0 ] && [ "$staterr" = 0 ]; } ||
    die "check: $odd of $reqs heartbeats were not answered exactly {} ($sockerr socket errors): $(head -n 3 "$work/wrk.err")"
  info[$key.check]=$reqs
  for c in $connections; do
    for m in $modes; do
      record "$key.heartbeat.$m.$c" "$base" heartbeat "$m" "$c" "$duration" "$n"
      record "$key.healthz.$m.$c" "$base" get "$m" "$c" "$duration" "$n"
    done
  done
  info[$key.rss2]=$(kib VmRSS "$server_pid")
  info[$key.hwm]=$(kib VmHWM "$server_pid")
  stop_server
  if [ "$engine" = postgresql ]; then
    psql -X -q "$pg_uri" -c "DROP DATABASE rdc_agent_bench_$n" >/dev/null || true
  fi
}

# --- report ---------------------------------------------------------------------------
ms() { awk -v u="$1" 'BEGIN {printf "%.2f", u / 1000}'; }
row() { # <label> <mode> <conns> <measure output>
  local r p50 p99 p999 sockerr staterr
  read -r r p50 p99 p999 _ sockerr staterr _ <<<"$4"
  [ "$sockerr" = 0 ] && [ "$staterr" = 0 ] || warn=1
  printf '  %-10s %-9s %5s %10s %8s %8s %9s %7s\n' "$1" "$2" "$3" "$r" "$(ms "$p50")" "$(ms "$p99")" \
    "$(ms "$p999")" "$((sockerr + staterr))"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.3f", a / b; else printf "n/a"}'; }
warn=0
# Prints the table of one engine and device count (right after its runs, so
# a later failure keeps it).
report_one() { # <engine> <devices>
  local engine=$1 n=$2 key=$1.$2 c m hb hz ng line
  echo
  echo "== $engine, $n devices: warm-up $n sysinfo uploads in ${info[$key.warm_s]} s (${info[$key.warm_rate]}/s); check: ${info[$key.check]} heartbeats, all {}"
  printf '  %-10s %-9s %5s %10s %8s %8s %9s %7s\n' endpoint mode conns req/s p50_ms p99_ms p99.9_ms errors
  for c in $connections; do
    for m in $modes; do
      row heartbeat "$m" "$c" "${result[$key.heartbeat.$m.$c]}"
      row healthz "$m" "$c" "${result[$key.healthz.$m.$c]}"
      if [ "$with_nginx" = 1 ]; then row nginx "$m" "$c" "${result[nginx.$m.$c]}"; fi
    done
  done
  for c in $connections; do
    for m in $modes; do
      read -r hb _ <<<"${result[$key.heartbeat.$m.$c]}"
      read -r hz _ <<<"${result[$key.healthz.$m.$c]}"
      line="  ratios $m $c conns: heartbeat/healthz $(ratio "$hb" "$hz")"
      if [ "$with_nginx" = 1 ]; then
        read -r ng _ <<<"${result[nginx.$m.$c]}"
        line+="  heartbeat/nginx $(ratio "$hb" "$ng")  healthz/nginx $(ratio "$hz" "$ng")"
      fi
      echo "$line"
    done
  done
  awk -v a="${info[$key.rss0]}" -v b="${info[$key.rss1]}" -v c="${info[$key.rss2]}" \
    -v h="${info[$key.hwm]}" -v n="$n" 'BEGIN {
    printf "  server RSS: %d KiB before the warm-up, %d KiB after it, %d KiB after the runs; peak (VmHWM) %d KiB\n", a, b, c, h
    printf "  RSS per tracked device: %.0f bytes ((after the runs - before the warm-up) / %d)\n", (c - a) * 1024 / n, n }'
}

# --- run and report ------------------------------------------------------------
echo
echo "wrk -t$threads, ${duration}s per run; errors = socket errors + non-2xx replies"
if [ "$with_nginx" = 1 ]; then bench_nginx; fi
for n in $device_counts; do
  for engine in $engines; do
    bench_server "$engine" "$n"
    report_one "$engine" "$n"
  done
done
if [ ${#errs[@]} -gt 0 ]; then
  echo
  echo "runs with errors (wrk's counts):"
  for k in $(printf '%s\n' "${!errs[@]}" | sort); do
    echo "  $k: ${errs[$k]}"
  done
fi
# With several device counts, the growth between them is the cost of a device
# without the fixed part (SQLite cache, allocator arenas) in the simple ratio.
for engine in $engines; do
  prev=""
  for n in $device_counts; do
    if [ -n "$prev" ] && [ "$n" -gt "$prev" ]; then
      awk -v a="${info[$engine.$prev.rss2]}" -v b="${info[$engine.$n.rss2]}" -v p="$prev" -v n="$n" -v e="$engine" \
        'BEGIN {printf "%s: RSS growth per device from %d to %d devices: %.0f bytes\n", e, p, n, (b - a) * 1024 / (n - p)}'
    fi
    prev=$n
  done
done
[ $warn = 0 ] || echo "agent-bench: WARNING: some requests failed (errors = socket errors + non-2xx); those figures are not comparable"
