#!/usr/bin/env bash
# Installs everything needed to build, test, fuzz, benchmark and package
# rdconsole on Debian 12 (bookworm). Safe to run again: packages that are
# already installed are left as they are (--no-upgrade), nothing else changes.
set -euo pipefail

packages=(
  # Compilers and build tools
  build-essential cmake ninja-build pkg-config
  # Libraries the server links (headers + shared objects)
  libpoco-dev libsqlite3-dev libpq-dev nlohmann-json3-dev libfmt-dev libargon2-dev libssl-dev zlib1g-dev
  # PostgreSQL server: tests/pg/start.sh runs a throwaway one for the tests
  postgresql
  # Unit-test framework
  doctest-dev
  # clang and its runtimes for the sanitizer and libFuzzer builds
  clang libclang-rt-14-dev
  # Used by tests and the benchmark: TLS certificates, HTTP client, load generator
  openssl curl wrk
  # sqlite3 CLI: integration tests read the server's SQLite database from outside
  sqlite3
  # nm (the ABI test checks a module's exported symbols)
  binutils
  # Packaging (cpack -G DEB / -G RPM): dpkg-shlibdeps, file, rpmbuild
  dpkg-dev file rpm
)

# Root runs apt-get directly; anyone else goes through sudo.
if [ "$(id -u)" -eq 0 ]; then
  as_root=()
else
  as_root=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y --no-install-recommends --no-upgrade "${packages[@]}"
