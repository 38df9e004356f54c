#!/usr/bin/env bash
# Usage: bench/ns3/run_tcp.sh [SECONDS]   (simulated seconds, default 60)
# Builds if needed, then runs the TCP bulk transfer once and prints one JSON line on stdout.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BIN="$HERE/out/tcp_bulk"
SECONDS_SIM="${1:-60}"

if [ ! -x "$BIN" ] || [ "$HERE/tcp_bulk.cc" -nt "$BIN" ] || [ "$HERE/build.sh" -nt "$BIN" ]; then
    "$HERE/build.sh" tcp_bulk >&2
fi

unset NS_LOG NS_GLOBAL_VALUE
exec "$BIN" "$SECONDS_SIM"
