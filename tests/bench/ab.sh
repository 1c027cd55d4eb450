#!/usr/bin/env bash
# Address-book benchmark (on demand, not part of ctest; see tests/bench/README.md).
#
#   bash tests/bench/ab.sh                            # builds build-release/ first
#   RDC_BENCH_BUILD_DIR=build bash tests/bench/ab.sh  # or use an existing build
#   RDC_BENCH_ENGINES=sqlite RDC_BENCH_PEERS=20000 bash tests/bench/ab.sh
#
# For each database engine (SQLite, then PostgreSQL on a throwaway server
# started with tests/pg/start.sh) starts a Release rdconsole with the address
# book modules on an ephemeral port with a throw-away data dir, logs a user in,
# fills the user's personal book with RDC_BENCH_PEERS peers in ONE legacy
# POST /api/ab, then measures:
#   - a full pull the way the client does it (client-truth S8): personal ->
#     settings -> profiles -> every peers page of 100 -> tags, over one
#     keep-alive connection, RDC_BENCH_PULLS times: wall time per pull (median)
#     and per-page latency p50/p99 over all pulls;
#   - legacy GET /api/ab: time (median of 5) and size, without and with
#     Accept-Encoding: gzip;
#   - mutation throughput with wrk (ab.lua): peer alias updates (PUT
#     /api/ab/peer/update) on random existing peers, and peer adds (POST
#     /api/ab/peer/add) of new ids;
#   - the reference, GET /healthz with wrk in the same run, and the ratios.
# It asserts nothing about speed; it fails when a reply is not what the client
# needs (non-200, wrong totals).
#
# Environment:
#   RDC_BENCH_BUILD_DIR   use this existing build (must hold rdconsole and
#                         modules/ with ab-store, ab-shared, ab-legacy)
#   RDC_BENCH_ENGINES     engines to measure (default "sqlite postgresql")
#   RDC_BENCH_PEERS       peers in the book (default 10000)
#   RDC_BENCH_PULLS       full pulls to time (default 5)
#   RDC_BENCH_DURATION    seconds per wrk measurement (default 10)
#   RDC_BENCH_CONNECTIONS wrk connections (default 16)
#   RDC_BENCH_THREADS     wrk threads (default 2)
#   RDC_JOBS              build parallelism (default 2)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
root=$PWD
engines=${RDC_BENCH_ENGINES:-sqlite postgresql}
peers=${RDC_BENCH_PEERS:-10000}
pulls=${RDC_BENCH_PULLS:-5}
duration=${RDC_BENCH_DURATION:-10}
conns=${RDC_BENCH_CONNECTIONS:-16}
threads=${RDC_BENCH_THREADS:-2}
script=$root/tests/bench/ab.lua

for tool in wrk curl awk; do
  command -v "$tool" >/dev/null || {
    echo "ab-bench: $tool is not installed (bash packaging/install-build-deps.sh)" >&2
    exit 1
  }
done
for engine in $engines; do
  case $engine in
  sqlite) ;;
  postgresql)
    command -v psql >/dev/null || {
      echo "ab-bench: psql is not installed (apt-get install postgresql)" >&2
      exit 1
    }
    ;;
  *)
    echo "ab-bench: unknown engine '$engine' in RDC_BENCH_ENGINES (sqlite, postgresql)" >&2
    exit 1
    ;;
  esac
done

# --- the server binary ------------------------------------------------------
if [ -n "${RDC_BENCH_BUILD_DIR:-}" ]; then
  build=$RDC_BENCH_BUILD_DIR
else
  build=$root/build-release
  echo "ab-bench: building a Release build in $build"
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DRDC_BUILD_TESTS=OFF >/dev/null
  cmake --build "$build" -j "${RDC_JOBS:-2}"
fi
bin=$build/rdconsole
[ -x "$bin" ] || { echo "ab-bench: no server binary at $bin" >&2; exit 1; }
for m in auth ab-store ab-shared ab-legacy; do
  [ -f "$build/modules/$m.so" ] || { echo "ab-bench: module $m.so not built in $build/modules" >&2; exit 1; }
done

# --- scratch space, the server process and the throwaway PostgreSQL ----------
work=$(mktemp -d "${TMPDIR:-/tmp}/rdc-ab-bench.XXXXXX")
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
    echo "ab-bench: failed; last server log lines:" >&2
    tail -n 20 "$server_log" >&2
  fi
  if [ $pg_started = 1 ]; then
    bash "$root/tests/pg/stop.sh" "$work/pg-uri" || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() {
  echo "ab-bench: $*" >&2
  exit 1
}

# --- helpers -------------------------------------------------------------------
now_ns() { date +%s%N; }
ms_between() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f\n", (b - a) / 1e6}'; }

# The p-th percentile (nearest rank) of the numbers in a file, one per line.
percentile() { # <file> <p>
  sort -g "$1" | awk -v p="$2" '{v[NR] = $1} END {
    if (NR == 0) { print "nan"; exit }
    r = int(p / 100 * NR); if (r < p / 100 * NR) r++; if (r < 1) r = 1
    print v[r] }'
}
median() { percentile "$1" 50; }

# The legacy body {"data":"<book>"} of N peers, tag_colors double-encoded
# (client-truth §2.20), written with awk so the bench needs no extra tools.
legacy_body() { # <peers>
  awk -v n="$1" 'BEGIN {
    q = "\\\""          # a quote inside the data string
    qq = "\\\\\\\""     # a quote inside tag_colors, a string inside the data string
    printf "{\"data\":\"{%stags%s:[", q, q
    for (t = 0; t < 5; t++) printf "%s%st%d%s", (t ? "," : ""), q, t, q
    printf "],%speers%s:[", q, q
    for (i = 0; i < n; i++) {
      id = 100000000 + i
      printf "%s{%sid%s:%s%d%s,%salias%s:%shost %d%s,%stags%s:[%st%d%s],", (i ? "," : ""), \
        q, q, q, id, q, q, q, q, i, q, q, q, q, i % 5, q
      printf "%shash%s:%sMTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI=%s,", q, q, q, q
      printf "%susername%s:%suser%d%s,%shostname%s:%shost-%d.example.org%s,", \
        q, q, q, i, q, q, q, q, i, q
      printf "%splatform%s:%s%s%s}", q, q, q, (i % 2 ? "Windows" : "Linux"), q
    }
    printf "],%stag_colors%s:%s{", q, q, q
    for (t = 0; t < 5; t++) printf "%s%st%d%s:%d", (t ? "," : ""), qq, t, qq, 4278190080 + t
    printf "}%s}\"}", q
  }'
}

# Runs wrk once; prints "rps p50_us p99_us requests socket_errors status_errors".
measure() { # <URL> <mode> <seconds> <run tag>
  local out
  out=$(RDC_BENCH_MODE=$2 RDC_BENCH_TOKEN=$token RDC_BENCH_GUID=$guid RDC_BENCH_PEERS=$peers \
    RDC_BENCH_RUN=$4 wrk -t "$threads" -c "$conns" -d "${3}s" --latency -s "$script" "$1")
  printf '%s\n' "$out" | sed -n 's/^RESULT rps=\([^ ]*\) p50_us=\([^ ]*\) p99_us=\([^ ]*\) requests=\([^ ]*\) socket_errors=\([^ ]*\) status_errors=\([^ ]*\)$/\1 \2 \3 \4 \5 \6/p'
}

# One POST with no body, as the client sends it (Content-Length: 0).
post_empty() { # <path> ; prints the body
  curl -sS --fail-with-body -X POST --data-binary '' -H 'Content-Type: application/json' \
    -H "Authorization: Bearer $token" "$base$1"
}

declare -A out # [engine.key] = value

# Starts a server on <engine>, fills the book, measures, stops it.
bench_engine() { # <engine>
  local engine=$1 dir=$work/$1 db_opts=() uri
  mkdir -p "$dir/data"
  if [ "$engine" = postgresql ]; then
    echo "ab-bench: starting a throwaway PostgreSQL (tests/pg/start.sh)"
    pg_started=1
    uri=$(bash "$root/tests/pg/start.sh" "$work/pg-uri" | tail -n 1)
    psql -X -q -v ON_ERROR_STOP=1 "$uri" -c "CREATE DATABASE rdc_ab_bench" >/dev/null
    db_opts=(--set db.engine=postgresql --set "db.postgresql.url=${uri%/*}/rdc_ab_bench")
  fi
  # An empty config file keeps /etc/rdconsole out of the measurement. The
  # peer limit is off: the add run grows the book past the default 20 000.
  : >"$dir/bench.properties"
  local opts=(--config "$dir/bench.properties" --data-dir "$dir/data" --modules-dir "$build/modules"
    --set ab-store.max_peers_per_book=0 "${db_opts[@]}")
  local password
  password="bench-$(date +%s)-$RANDOM$RANDOM"
  printf '%s\n' "$password" | "$bin" "${opts[@]}" user add bench >/dev/null

  server_log=$dir/server.log
  "$bin" "${opts[@]}" --port 0 --set http.bind=127.0.0.1 --set "http.port_file=$dir/port" \
    --set http.access_log=false >"$server_log" 2>&1 &
  server_pid=$!
  for _ in $(seq 300); do # up to 30 s for start-up
    [ -s "$dir/port" ] && break
    kill -0 "$server_pid" 2>/dev/null || die "the server exited during start-up"
    sleep 0.1
  done
  [ -s "$dir/port" ] || die "the server did not write its port file within 30 s"
  base=http://127.0.0.1:$(tr -dc '0-9' <"$dir/port")

  local login_body login_reply
  login_body=$(printf '{"username":"bench","password":"%s","id":"123456789","uuid":"ZjViNGQ5YjQ3MjBmNDk1YWE2YjE0N2U0ZGRlOGJhNTE=","autoLogin":true,"type":"account","deviceInfo":{"os":"linux","type":"client","name":"bench"}}' "$password")
  login_reply=$(curl -sS --fail-with-body -X POST -H 'Content-Type: application/json' \
    --data-binary "$login_body" "$base/api/login") || die "login failed: $login_reply"
  token=$(printf '%s' "$login_reply" | grep -o '"access_token":"[^"]*"' | cut -d'"' -f4)
  [ -n "$token" ] || die "no access_token in the login reply: $login_reply"
  local reply
  reply=$(post_empty /api/ab/personal) || die "POST /api/ab/personal failed: $reply"
  guid=$(printf '%s' "$reply" | grep -o '"guid":"[^"]*"' | cut -d'"' -f4)
  [ -n "$guid" ] || die "no guid in the personal reply: $reply (are the ab modules loaded?)"
  echo "ab-bench: $engine: server $("$bin" version) on $base, pid $server_pid, personal book $guid"

  # --- fill: one legacy POST with the whole book ---------------------------------
  legacy_body "$peers" >"$dir/book.json"
  local t0 t1 code
  t0=$(now_ns)
  code=$(curl -sS -o "$dir/fill.out" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    -H "Authorization: Bearer $token" --data-binary "@$dir/book.json" "$base/api/ab")
  t1=$(now_ns)
  [ "$code" = 200 ] || die "legacy POST /api/ab answered $code: $(head -c 300 "$dir/fill.out")"
  out[$engine.fill_ms]=$(ms_between "$t0" "$t1")
  out[$engine.fill_bytes]=$(wc -c <"$dir/book.json")
  reply=$(post_empty "/api/ab/peers?current=1&pageSize=100&ab=$guid")
  local total
  total=$(printf '%s' "$reply" | grep -o '"total":[0-9]*' | cut -d: -f2)
  [ "$total" = "$peers" ] || die "after the fill the book holds '$total' peers, not $peers"

  # --- full pulls ------------------------------------------------------------------
  local pages=$(((peers + 99) / 100)) p urls=() i
  urls+=(-o /dev/null "$base/api/ab/settings" -o /dev/null "$base/api/ab/shared/profiles?current=1&pageSize=100")
  for ((p = 1; p <= pages; p++)); do
    urls+=(-o /dev/null "$base/api/ab/peers?current=$p&pageSize=100&ab=$guid")
  done
  urls+=(-o /dev/null "$base/api/ab/tags/$guid")
  : >"$dir/pull-ms"
  : >"$dir/page-ms"
  for ((i = 0; i < pulls; i++)); do
    t0=$(now_ns)
    post_empty /api/ab/personal >/dev/null
    # One curl for the rest: one keep-alive connection, like the client's.
    curl -sS -X POST --data-binary '' -H 'Content-Type: application/json' \
      -H "Authorization: Bearer $token" -w '%{http_code} %{time_total}\n' "${urls[@]}" >"$dir/pull.out"
    t1=$(now_ns)
    awk '$1 != 200 {bad++} END {exit bad > 0}' "$dir/pull.out" ||
      die "a pull request did not answer 200: $(grep -v '^200 ' "$dir/pull.out" | head -3)"
    ms_between "$t0" "$t1" >>"$dir/pull-ms"
    # Lines 3 .. pages+2 are the peers pages (time_total in seconds).
    awk -v last=$((pages + 2)) 'NR >= 3 && NR <= last {printf "%.3f\n", $2 * 1000}' \
      "$dir/pull.out" >>"$dir/page-ms"
  done
  out[$engine.pull_ms]=$(median "$dir/pull-ms")
  out[$engine.pull_min_ms]=$(percentile "$dir/pull-ms" 0)
  out[$engine.page_p50]=$(percentile "$dir/page-ms" 50)
  out[$engine.page_p99]=$(percentile "$dir/page-ms" 99)
  out[$engine.pages]=$pages

  # --- legacy GET, plain and gzip ----------------------------------------------------
  local enc
  for enc in plain gzip; do
    local hdr=()
    [ $enc = gzip ] && hdr=(-H 'Accept-Encoding: gzip')
    : >"$dir/get-ms"
    for ((i = 0; i < 5; i++)); do
      reply=$(curl -sS -o "$dir/get.body" -D "$dir/get.head" -w '%{http_code} %{time_total} %{size_download}' \
        -H 'Content-Type: application/json' -H "Authorization: Bearer $token" "${hdr[@]}" "$base/api/ab")
      read -r code t bytes <<<"$reply"
      [ "$code" = 200 ] || die "GET /api/ab ($enc) answered $code"
      awk -v t="$t" 'BEGIN {printf "%.1f\n", t * 1000}' >>"$dir/get-ms"
    done
    out[$engine.get_${enc}_ms]=$(median "$dir/get-ms")
    out[$engine.get_${enc}_bytes]=$bytes
    out[$engine.get_${enc}_encoding]=$(tr -d '\r' <"$dir/get.head" | awk -F': *' 'tolower($1) == "content-encoding" {print $2}')
  done
  [ -n "${out[$engine.get_gzip_encoding]}" ] || out[$engine.get_gzip_encoding]="none (not compressed)"

  # --- wrk: reference, updates, adds -----------------------------------------------------
  measure "$base/healthz" get 2 warm >/dev/null
  measure "$base/" update 2 warm >/dev/null
  measure "$base/" add 2 warm >/dev/null
  out[$engine.healthz]=$(measure "$base/healthz" get "$duration" ref)
  out[$engine.update]=$(measure "$base/" update "$duration" upd)
  out[$engine.add]=$(measure "$base/" add "$duration" add)
  reply=$(post_empty "/api/ab/peers?current=1&pageSize=1&ab=$guid")
  out[$engine.after_adds]=$(printf '%s' "$reply" | grep -o '"total":[0-9]*' | cut -d: -f2)
  out[$engine.rss]=$(awk '/^VmHWM:/ {print $2}' "/proc/$server_pid/status")
  stop_server
}

for engine in $engines; do
  bench_engine "$engine"
done

# --- report ---------------------------------------------------------------------------
us_ms() { awk -v u="$1" 'BEGIN {printf "%.2f", u / 1000}'; }
warn=0
echo
for engine in $engines; do
  e=$engine
  echo "== $engine: $peers peers, wrk -t$threads -c$conns, ${duration}s per run"
  printf '  fill (one legacy POST /api/ab, %s bytes): %s ms\n' "${out[$e.fill_bytes]}" "${out[$e.fill_ms]}"
  printf '  full pull (personal, settings, profiles, %s pages of 100, tags) x%s: median %s ms, best %s ms\n' \
    "${out[$e.pages]}" "$pulls" "${out[$e.pull_ms]}" "${out[$e.pull_min_ms]}"
  printf '  peers page latency over all pulls: p50 %s ms, p99 %s ms\n' "${out[$e.page_p50]}" "${out[$e.page_p99]}"
  printf '  legacy GET /api/ab plain: %s bytes, median %s ms\n' "${out[$e.get_plain_bytes]}" "${out[$e.get_plain_ms]}"
  printf '  legacy GET /api/ab gzip:  %s bytes, median %s ms (Content-Encoding: %s)\n' \
    "${out[$e.get_gzip_bytes]}" "${out[$e.get_gzip_ms]}" "${out[$e.get_gzip_encoding]}"
  printf '  %-28s %10s %8s %8s %7s\n' wrk req/s p50_ms p99_ms errors
  for k in healthz update add; do
    read -r r p50 p99 _ sockerr staterr <<<"${out[$e.$k]}"
    [ "$sockerr" = 0 ] && [ "$staterr" = 0 ] || warn=1
    case $k in
    healthz) label="GET /healthz (reference)" ;;
    update) label="PUT peer/update (alias)" ;;
    add) label="POST peer/add (new id)" ;;
    esac
    printf '  %-28s %10s %8s %8s %7s\n' "$label" "$r" "$(us_ms "$p50")" "$(us_ms "$p99")" "$((sockerr + staterr))"
  done
  read -r ref _ <<<"${out[$e.healthz]}"
  read -r upd _ <<<"${out[$e.update]}"
  read -r add _ <<<"${out[$e.add]}"
  awk -v a="$upd" -v b="$add" -v r="$ref" 'BEGIN {
    printf "  ratio update/healthz: %.3f   ratio add/healthz: %.3f\n", (r > 0 ? a / r : 0), (r > 0 ? b / r : 0) }'
  printf '  book after the add run: %s peers; server peak RSS (VmHWM): %s KiB\n' \
    "${out[$e.after_adds]}" "${out[$e.rss]}"
done
[ $warn = 0 ] || echo "ab-bench: WARNING: some wrk requests failed (errors = socket errors + non-2xx); those figures are not comparable"
