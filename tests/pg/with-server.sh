#!/usr/bin/env bash
# Runs a command with RDC_TEST_PG_URL set to the URI that start.sh wrote.
#
#   tests/pg/with-server.sh URI_FILE COMMAND [ARG]...
set -euo pipefail

uri_file=${1:?usage: with-server.sh URI_FILE COMMAND [ARG]...}
shift
if [ ! -s "$uri_file" ]; then
  echo "with-server.sh: $uri_file is missing: did tests/pg/start.sh (ctest pg/start) run?" >&2
  exit 1
fi
RDC_TEST_PG_URL=$(head -n 1 -- "$uri_file")
export RDC_TEST_PG_URL
exec "$@"
