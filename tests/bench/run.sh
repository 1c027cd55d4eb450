#!/usr/bin/env bash
# Load benchmark (on demand, not part of ctest). See tests/bench/README.md.
# Starts a Release rdconsole on an ephemeral port with a throw-away data dir,
# logs a user in, then drives POST /api/currentUser (token check + user lookup
# + JSON) and GET /healthz (the trivial handler) with wrk at a few connection
# counts, and prints req/s, p50/p99 latency, errors and the server's peak RSS.
# It asserts nothing about speed.
#
# Environment:
#   RDC_BENCH_BUILD_DIR   use this existing build (must hold rdconsole and
#                         modules/) instead of configuring build-release/
#   RDC_BENCH_DURATION    seconds per measurement (default 10)
#   RDC_BENCH_CONNECTIONS connection counts (default "16 128")
#   RDC_BENCH_THREADS     wrk threads (default 2)
#   RDC_JOBS              build parallelism (default 2)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
root=$PWD
duration=${RDC_BENCH_DURATION:-10}
connections=${RDC_BENCH_CONNECTIONS:-16 128}
threads=${RDC_BENCH_THREADS:-2}
script=$root/tests/bench/bench.lua

for tool in wrk curl; do
  command -v "$tool" >/dev/null || {
    echo "bench: $tool is not installed (bash packaging/install-build-deps.sh)" >&2
    exit 1
  }
done

# --- the server binary ------------------------------------------------------
if [ -n "${RDC_BENCH_BUILD_DIR:-}" ]; then
  build=$RDC_BENCH_BUILD_DIR
else
  build=$root/build-release
  echo "bench: building a Release build in $build"
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DRDC_BUILD_TESTS=OFF >/dev/null
  cmake --build "$build" -j "${RDC_JOBS:-2}"
fi
bin=$build/rdconsole
[ -x "$bin" ] || { echo "bench: no server binary at $bin" >&2; exit 1; }

# --- a private server instance -----------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/rdc-bench.XXXXXX")
server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 150); do # up to 15 s for the graceful drain
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
cleanup() {
  local rc=$?
  stop_server
  if [ $rc -ne 0 ] && [ -f "$work/server.log" ]; then
    echo "bench: failed; last server log lines:" >&2
    tail -n 20 "$work/server.log" >&2
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# An empty config file keeps /etc/rdconsole out of the measurement.
: >"$work/bench.properties"
opts=(--config "$work/bench.properties" --data-dir "$work/data" --modules-dir "$build/modules")
password="bench-$(date +%s)-$RANDOM$RANDOM"
mkdir -p "$work/data"
printf '%s\n' "$password" | "$bin" "${opts[@]}" user add bench >/dev/null

"$bin" "${opts[@]}" --port 0 --set http.bind=127.0.0.1 --set "http.port_file=$work/port" \
  --set http.access_log=false >"$work/server.log" 2>&1 &
server_pid=$!

for _ in $(seq 300); do # up to 30 s for start-up
  [ -s "$work/port" ] && break
  kill -0 "$server_pid" 2>/dev/null || { echo "bench: the server exited during start-up" >&2; exit 1; }
  sleep 0.1
done
[ -s "$work/port" ] || { echo "bench: the server did not write its port file within 30 s" >&2; exit 1; }
port=$(tr -dc '0-9' <"$work/port")
base=http://127.0.0.1:$port

login_body=$(printf '{"username":"bench","password":"%s","id":"123456789","uuid":"ZjViNGQ5YjQ3MjBmNDk1YWE2YjE0N2U0ZGRlOGJhNTE=","autoLogin":true,"type":"account","deviceInfo":{"os":"linux","type":"client","name":"bench"}}' "$password")
login_reply=$(curl -sS --fail-with-body -X POST -H 'Content-Type: application/json' \
  --data-binary "$login_body" "$base/api/login") ||
  { echo "bench: login failed: $login_reply" >&2; exit 1; }
token=$(printf '%s' "$login_reply" | grep -o '"access_token":"[^"]*"' | cut -d'"' -f4)
[ -n "$token" ] || { echo "bench: no access_token in the login reply: $login_reply" >&2; exit 1; }

# Benchmarking a stream of 401s would measure the wrong thing: check once first.
check=$(curl -sS -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
  -H "Authorization: Bearer $token" --data-binary '{"id":"123456789"}' "$base/api/currentUser")
[ "$check" = 200 ] || { echo "bench: POST /api/currentUser answered $check, not 200" >&2; exit 1; }

peak_rss_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$server_pid/status"; }

# Runs wrk once; prints "rps p50_us p99_us requests socket_errors status_errors".
measure() { # <endpoint: currentUser|healthz> <connections> <seconds>
  local token_env="" path=/healthz out
  if [ "$1" = currentUser ]; then
    token_env=$token
    path=/api/currentUser
  fi
  out=$(RDC_BENCH_TOKEN=$token_env wrk -t "$threads" -c "$2" -d "${3}s" --latency -s "$script" \
    "$base$path")
  printf '%s\n' "$out" | sed -n 's/^RESULT rps=\([^ ]*\) p50_us=\([^ ]*\) p99_us=\([^ ]*\) requests=\([^ ]*\) socket_errors=\([^ ]*\) status_errors=\([^ ]*\)$/\1 \2 \3 \4 \5 \6/p'
}

echo "bench: server $("$bin" version) on $base, pid $server_pid; wrk -t$threads, ${duration}s per run"
echo "bench: warming up (2 s per endpoint)"
measure healthz 16 2 >/dev/null
measure currentUser 16 2 >/dev/null

printf '\n%-12s %6s %12s %10s %10s %10s %8s %8s %14s\n' endpoint conns req/s p50_ms p99_ms requests sockerr non2xx peakRSS_MiB_so_far
declare -A rps
warn=0
for c in $connections; do
  for endpoint in currentUser healthz; do
    read -r r p50 p99 n sockerr staterr < <(measure "$endpoint" "$c" "$duration")
    rps[$endpoint.$c]=$r
    [ "$sockerr" = 0 ] && [ "$staterr" = 0 ] || warn=1
    printf '%-12s %6s %12s %10s %10s %10s %8s %8s %14s\n' "$endpoint" "$c" "$r" \
      "$(awk -v u="$p50" 'BEGIN {printf "%.2f", u / 1000}')" \
      "$(awk -v u="$p99" 'BEGIN {printf "%.2f", u / 1000}')" \
      "$n" "$sockerr" "$staterr" "$(awk -v k="$(peak_rss_kib)" 'BEGIN {printf "%.1f", k / 1024}')"
  done
done

echo
for c in $connections; do
  awk -v a="${rps[currentUser.$c]}" -v b="${rps[healthz.$c]}" -v c="$c" \
    'BEGIN {printf "ratio currentUser/healthz at %s connections: %.3f\n", c, (b > 0 ? a / b : 0)}'
done
echo "server peak RSS (VmHWM): $(peak_rss_kib) KiB"
[ $warn = 0 ] || echo "bench: WARNING: some requests failed (see sockerr/non2xx); those figures are not comparable"
stop_server
