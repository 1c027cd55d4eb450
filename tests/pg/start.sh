#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 server for tests and writes its connection
# URI to URI_FILE (and the data directory to URI_FILE.dir, for stop.sh).
#
#   tests/pg/start.sh URI_FILE
#
# The server listens on a free port of 127.0.0.1 only, keeps its unix socket
# in its own temporary directory, trusts local connections (it holds nothing
# but test data) and runs with fsync=off. It works as root without systemd:
# initdb and pg_ctl refuse to run as root, so they run as user postgres.
# Running it again while that server is up just prints the URI again.
set -euo pipefail

uri_file=${1:?usage: start.sh URI_FILE}
uri_file=$(realpath -m -- "$uri_file")
dir_file="$uri_file.dir"

pg_bin=${RDC_PG_BIN:-/usr/lib/postgresql/15/bin}
if [ ! -x "$pg_bin/pg_ctl" ]; then
  echo "start.sh: PostgreSQL 15 server binaries not found in $pg_bin" \
    "(apt-get install postgresql)" >&2
  exit 1
fi

# initdb/pg_ctl refuse to run as root: use the postgres account then.
as_server_user=()
if [ "$(id -u)" -eq 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    echo "start.sh: running as root but there is no 'postgres' user" >&2
    exit 1
  fi
  as_server_user=(runuser -u postgres --)
fi
pg() { "${as_server_user[@]}" "$@"; }

# Already running (idempotent)? Then only report it again.
if [ -f "$uri_file" ] && [ -f "$dir_file" ]; then
  old_dir=$(cat "$dir_file")
  if [ -d "$old_dir/data" ] && pg "$pg_bin/pg_ctl" -D "$old_dir/data" status >/dev/null 2>&1; then
    cat "$uri_file"
    exit 0
  fi
  # A stale record of a server that is gone: clean it up and start afresh.
  [ -n "$old_dir" ] && [ -d "$old_dir" ] && rm -rf -- "$old_dir"
  rm -f -- "$uri_file" "$dir_file"
fi

base=$(mktemp -d "${TMPDIR:-/tmp}/rdc-pg.XXXXXX")
chmod 0755 "$base"
if [ "${#as_server_user[@]}" -gt 0 ]; then
  chown postgres: "$base"
fi
cleanup_on_failure() {
  pg "$pg_bin/pg_ctl" -D "$base/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf -- "$base"
}
trap cleanup_on_failure ERR

pg "$pg_bin/initdb" -D "$base/data" -U postgres -E UTF8 --locale=C --auth=trust \
  >"$base/initdb.log" 2>&1 || {
  cat "$base/initdb.log" >&2
  false
}

port_is_free() {
  # Bash connects via /dev/tcp: a refused connection means nobody listens.
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

started=0
for _ in 1 2 3 4 5 6 7 8 9 10; do
  port=$((20000 + RANDOM % 40000))
  port_is_free "$port" || continue
  # -w waits until the server accepts connections (or fails, e.g. the port
  # was taken in the meantime: then try another one).
  if pg "$pg_bin/pg_ctl" -D "$base/data" -l "$base/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $base -c fsync=off \
        -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null; then
    started=1
    break
  fi
done
if [ "$started" -ne 1 ]; then
  echo "start.sh: could not start PostgreSQL; server log follows" >&2
  cat "$base/server.log" >&2 || true
  false
fi
trap - ERR

uri="postgresql://postgres@127.0.0.1:$port/postgres"
mkdir -p -- "$(dirname -- "$uri_file")"
printf '%s\n' "$base" >"$dir_file"
printf '%s\n' "$uri" >"$uri_file"
echo "$uri"
