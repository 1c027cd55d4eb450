#!/usr/bin/env bash
# Load benchmark (on demand, not part of ctest). See tests/bench/README.md.
# For each database engine (SQLite, then PostgreSQL on a throwaway server
# started with tests/pg/start.sh) starts a Release rdconsole on an ephemeral
# port with a throw-away data dir, logs a user in, then drives
# POST /api/currentUser (token check + user lookup + JSON) and GET /healthz
# (the trivial handler) with wrk at a few connection counts. Prints req/s,
# p50/p99 latency and errors of both engines side by side, and each server's
# peak RSS. It asserts nothing about speed.
#
# Environment:
#   RDC_BENCH_BUILD_DIR   use this existing build (must hold rdconsole and
#                         modules/) instead of configuring build-release/
#   RDC_BENCH_ENGINES     engines to measure (default "sqlite postgresql")
#   RDC_BENCH_DURATION    seconds per measurement (default 10)
#   RDC_BENCH_CONNECTIONS connection counts (default "16 128")
#   RDC_BENCH_THREADS     wrk threads (default 2)
#   RDC_JOBS              build parallelism (default 2)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
root=$PWD
engines=${RDC_BENCH_ENGINES:-sqlite postgresql}
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
for engine in $engines; do
  case $engine in
  sqlite) ;;
  postgresql)
    command -v psql >/dev/null || {
      echo "bench: psql is not installed (apt-get install postgresql)" >&2
      exit 1
    }
    ;;
  *)
    echo "bench: unknown engine '$engine' in RDC_BENCH_ENGINES (sqlite, postgresql)" >&2
    exit 1
    ;;
  esac
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

# --- scratch space, the server process and the throwaway PostgreSQL ----------
work=$(mktemp -d "${TMPDIR:-/tmp}/rdc-bench.XXXXXX")
server_pid=""
server_log=""
pg_started=0
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
  if [ $rc -ne 0 ] && [ -n "$server_log" ] && [ -f "$server_log" ]; then
    echo "bench: failed; last server log lines:" >&2
    tail -n 20 "$server_log" >&2
  fi
  if [ $pg_started = 1 ]; then
    bash "$root/tests/pg/stop.sh" "$work/pg-uri" || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Runs wrk once; prints "rps p50_us p99_us requests socket_errors status_errors".
measure() { # <base URL> <token or ""> <connections> <seconds>
  local path=/healthz out
  [ -n "$2" ] && path=/api/currentUser
  out=$(RDC_BENCH_TOKEN=$2 wrk -t "$threads" -c "$3" -d "${4}s" --latency -s "$script" "$1$path")
  printf '%s\n' "$out" | sed -n 's/^RESULT rps=\([^ ]*\) p50_us=\([^ ]*\) p99_us=\([^ ]*\) requests=\([^ ]*\) socket_errors=\([^ ]*\) status_errors=\([^ ]*\)$/\1 \2 \3 \4 \5 \6/p'
}

declare -A result # [engine.endpoint.conns] = "rps p50_us p99_us requests sockerr non2xx"
declare -A peak   # [engine] = server VmHWM in KiB after its last run

# Starts a server on <engine>, measures both endpoints, stops it.
bench_engine() { # <engine>
  local engine=$1 dir=$work/$1 db_opts=() uri
  mkdir -p "$dir/data"
  if [ "$engine" = postgresql ]; then
    echo "bench: starting a throwaway PostgreSQL (tests/pg/start.sh)"
    pg_started=1
    uri=$(bash "$root/tests/pg/start.sh" "$work/pg-uri" | tail -n 1)
    psql -X -q -v ON_ERROR_STOP=1 "$uri" -c "CREATE DATABASE rdc_bench" >/dev/null
    db_opts=(--set db.engine=postgresql --set "db.postgresql.url=${uri%/*}/rdc_bench")
  fi
  # An empty config file keeps /etc/rdconsole out of the measurement.
  : >"$dir/bench.properties"
  local opts=(--config "$dir/bench.properties" --data-dir "$dir/data" --modules-dir "$build/modules"
    "${db_opts[@]}")
  local password
  password="bench-$(date +%s)-$RANDOM$RANDOM"
  printf '%s\n' "$password" | "$bin" "${opts[@]}" user add bench >/dev/null

  server_log=$dir/server.log
  "$bin" "${opts[@]}" --port 0 --set http.bind=127.0.0.1 --set "http.port_file=$dir/port" \
    --set http.access_log=false >"$server_log" 2>&1 &
  server_pid=$!
  for _ in $(seq 300); do # up to 30 s for start-up
    [ -s "$dir/port" ] && break
    kill -0 "$server_pid" 2>/dev/null || { echo "bench: the server exited during start-up" >&2; exit 1; }
    sleep 0.1
  done
  [ -s "$dir/port" ] || { echo "bench: the server did not write its port file within 30 s" >&2; exit 1; }
  local base
  base=http://127.0.0.1:$(tr -dc '0-9' <"$dir/port")

  local login_body login_reply token check
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

  echo "bench: $engine: server $("$bin" version) on $base, pid $server_pid; wrk -t$threads, ${duration}s per run"
  measure "$base" "" 16 2 >/dev/null # warm-up, 2 s per endpoint
  measure "$base" "$token" 16 2 >/dev/null
  local c
  for c in $connections; do
    result[$engine.currentUser.$c]=$(measure "$base" "$token" "$c" "$duration")
    result[$engine.healthz.$c]=$(measure "$base" "" "$c" "$duration")
  done
  peak[$engine]=$(awk '/^VmHWM:/ {print $2}' "/proc/$server_pid/status")
  stop_server
}

for engine in $engines; do
  bench_engine "$engine"
done

# --- one table, the engines side by side -------------------------------------
ms() { awk -v u="$1" 'BEGIN {printf "%.2f", u / 1000}'; }
printf '\n%-12s %6s' endpoint conns
for engine in $engines; do
  printf ' | %-10s %10s %8s %8s %7s' "$engine" req/s p50_ms p99_ms errors
done
printf '\n'
warn=0
for c in $connections; do
  for endpoint in currentUser healthz; do
    printf '%-12s %6s' "$endpoint" "$c"
    for engine in $engines; do
      read -r r p50 p99 _ sockerr staterr <<<"${result[$engine.$endpoint.$c]}"
      [ "$sockerr" = 0 ] && [ "$staterr" = 0 ] || warn=1
      printf ' | %-10s %10s %8s %8s %7s' "" "$r" "$(ms "$p50")" "$(ms "$p99")" \
        "$((sockerr + staterr))"
    done
    printf '\n'
  done
done
echo
for engine in $engines; do
  for c in $connections; do
    read -r a _ <<<"${result[$engine.currentUser.$c]}"
    read -r b _ <<<"${result[$engine.healthz.$c]}"
    awk -v a="$a" -v b="$b" -v c="$c" -v e="$engine" \
      'BEGIN {printf "ratio currentUser/healthz, %s, %s connections: %.3f\n", e, c, (b > 0 ? a / b : 0)}'
  done
done
for engine in $engines; do
  echo "server peak RSS (VmHWM), $engine: ${peak[$engine]} KiB"
done
[ $warn = 0 ] || echo "bench: WARNING: some requests failed (errors = socket errors + non-2xx); those figures are not comparable"
