#!/usr/bin/env bash
# Stops the server that start.sh URI_FILE started and removes its data
# directory and both record files. Does nothing when there is none.
#
#   tests/pg/stop.sh URI_FILE
set -euo pipefail

uri_file=${1:?usage: stop.sh URI_FILE}
uri_file=$(realpath -m -- "$uri_file")
dir_file="$uri_file.dir"
pg_bin=${RDC_PG_BIN:-/usr/lib/postgresql/15/bin}

if [ ! -f "$dir_file" ]; then
  rm -f -- "$uri_file"
  exit 0
fi
base=$(cat "$dir_file")

# Only ever remove a directory that start.sh made.
case "$base" in
*/rdc-pg.*) ;;
*)
  echo "stop.sh: refusing to remove unexpected directory '$base'" >&2
  exit 1
  ;;
esac

if [ -d "$base/data" ]; then
  as_server_user=()
  if [ "$(id -u)" -eq 0 ]; then
    as_server_user=(runuser -u postgres --)
  fi
  # Throwaway data: no need for a clean shutdown checkpoint.
  "${as_server_user[@]}" "$pg_bin/pg_ctl" -D "$base/data" -m immediate -w stop \
    >/dev/null 2>&1 || true
fi
rm -rf -- "$base"
rm -f -- "$uri_file" "$dir_file"
