#!/usr/bin/env bash
# Build an ns-3 benchmark (udp_echo.cc, tcp_bulk.cc, or scale.cc for `netsim bench --scale`) into bench/ns3/out/.
# Requires Debian/Ubuntu packages: libns3-dev (ns-3 3.37 headers + libs; pulls in libns3.37, g++).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$HERE/out"
# Usage: build.sh [NAME]   (NAME.cc -> out/NAME; default udp_echo)
NAME="${1:-udp_echo}"
SRC="$HERE/$NAME.cc"
BIN="$OUT/$NAME"

die() { echo "build.sh: error: $*" >&2; exit 1; }

command -v "${CXX:-g++}" >/dev/null 2>&1 || die "C++ compiler '${CXX:-g++}' not found (apt-get install -y g++)"
if ! dpkg -s libns3-dev >/dev/null 2>&1 && [ ! -f /usr/include/ns3/core-module.h ]; then
    die "ns-3 development files not found. Install them with:
    sudo apt-get update && sudo apt-get install -y libns3-dev ns3"
fi

# Link flags: explicit Debian library names (libns3-<module>.so from libns3-dev).
# pkg-config is deliberately NOT used, because Debian's ns3-*.pc files (3.37-2)
#  - have malformed Cflags ('-I/usr;' -> '-I/usr\;') plus python3.11/libxml2 paths, and
#  - hard-code /usr/lib/x86_64-linux-gnu/libgsl.so and libgslcblas.so in Libs, which
#    only exist if libgsl-dev is installed (libns3-dev does not depend on it),
#    so 'pkg-config --libs' makes the link fail with "cannot find .../libgsl.so".
# The headers live in /usr/include/ns3, which is on the default include path.
# Transitive deps (gsl, sqlite, ...) are resolved through the .so NEEDED entries.
LIBS="-lns3-internet-apps -lns3-applications -lns3-point-to-point -lns3-internet -lns3-bridge \
-lns3-traffic-control -lns3-network -lns3-stats -lns3-core"
have_lib() {  # have_lib NAME -> 0 if libNAME.so is in NS3_LIBDIR or a system lib dir
    local d
    for d in ${NS3_LIBDIR:-} /usr/lib/*-linux-gnu /usr/lib /usr/local/lib; do
        [ -e "$d/lib$1.so" ] && return 0
    done
    return 1
}
for m in internet-apps applications point-to-point internet network core; do
    have_lib "ns3-$m" || die "libns3-$m.so not found (is libns3-dev installed?). Install it with:
    sudo apt-get update && sudo apt-get install -y libns3-dev ns3
or set NS3_LIBDIR to a directory containing libns3-*.so."
done
if [ -n "${NS3_LIBDIR:-}" ]; then LIBS="-L$NS3_LIBDIR -Wl,-rpath,$NS3_LIBDIR $LIBS"; fi

mkdir -p "$OUT"
CXXFLAGS="${CXXFLAGS:--O2 -std=c++17 -DNDEBUG}"
set -x
"${CXX:-g++}" $CXXFLAGS -o "$BIN" "$SRC" $LIBS
{ set +x; } 2>/dev/null
echo "build.sh: built $BIN" >&2
