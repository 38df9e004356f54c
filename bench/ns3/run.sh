#!/usr/bin/env bash
# Usage: bench/ns3/run.sh [N]   (N = packets to send, default 100000)
# Builds if needed, then runs once and prints one JSON line on stdout.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BIN="$HERE/out/udp_echo"
N="${1:-100000}"

if [ ! -x "$BIN" ] || [ "$HERE/udp_echo.cc" -nt "$BIN" ] || [ "$HERE/build.sh" -nt "$BIN" ]; then
    "$HERE/build.sh" >&2
fi

# Logging off: make sure no NS_LOG from the environment enables ns-3 logging.
unset NS_LOG NS_GLOBAL_VALUE
exec "$BIN" "$N"
