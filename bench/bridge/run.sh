#!/usr/bin/env bash
# Bridge benchmark (root): UDP through kernel device -> simulated router -> kernel device, and the latency NetSim
# adds. Prints packets/s received and the one-way latency per simulated hop (median, p99). See README.md here.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ "$(id -u)" = 0 ] || { echo "run as root (bridges create kernel devices)"; exit 2; }
PY=/usr/bin/python3
SECONDS_BLAST=${SECONDS_BLAST:-5}
SIZE=${SIZE:-64}
suffix=$(head -c3 /dev/urandom | od -An -tx1 | tr -d ' \n')
A=nsbench-a-$suffix B=nsbench-b-$suffix DA=nsba$suffix DB=nsbb$suffix
out=$(mktemp -d)
dotnet build -c Release src/Cli -v q >/dev/null
netsim=src/Cli/bin/Release/net10.0/netsim
$netsim run bench/bridge/bridge-bench.conf --out "$out" \
  --set bridges.a.netns=$A --set bridges.b.netns=$B --set bridges.a.kernel-device=$DA --set bridges.b.kernel-device=$DB \
  > "$out/netsim.log" 2>&1 &
pid=$!
trap 'kill -INT $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$out"' EXIT
for _ in $(seq 1 300); do
  ip -n $B route show dev $DB 2>/dev/null | grep -q via && break
  sleep 0.1
done

# Latency: 2000 request/answer pairs A -> B -> A. Each way crosses 2 bridges and r1 (3 simulated hops:
# kernel->sim, forwarding, sim->kernel). Baseline: the same probe over loopback in A, subtracted.
ip netns exec $B $PY bench/bridge/udp_blast.py echo 10.9.3.1 7000 8 &
ip netns exec $A $PY bench/bridge/udp_blast.py echo 127.0.0.1 7001 8 &
sleep 0.5
through=$(ip netns exec $A $PY bench/bridge/udp_blast.py probe 10.9.3.1 7000 2000)
local=$(ip netns exec $A $PY bench/bridge/udp_blast.py probe 127.0.0.1 7001 2000)
wait %2 %3 2>/dev/null || true
$PY - "$through" "$local" <<'PYEOF'
import sys, statistics
t = sorted(map(int, sys.argv[1].split())); l = sorted(map(int, sys.argv[2].split()))
q = lambda v, p: v[min(len(v) - 1, int(p * len(v)))]
base = statistics.median(l)
print(f"latency probes: {len(t)} answered through NetSim, RTT median {q(t,.5)} us, p99 {q(t,.99)} us; loopback RTT median {base} us")
for name, p in (("median", .5), ("p99", .99)):
    added = (q(t, p) - base) / 2 / 3
    print(f"added per simulated hop ({name}): {added:.0f} us  (one way = 3 hops: bridge in, router, bridge out)")
PYEOF

# Throughput: one blaster in A for SECONDS_BLAST s, one receiver in B.
ip netns exec $B $PY bench/bridge/udp_blast.py receive 10.9.3.1 9000 2 > "$out/recv" &
recv=$!
sleep 0.5
sent=$(ip netns exec $A $PY bench/bridge/udp_blast.py blast 10.9.3.1 9000 $SECONDS_BLAST $SIZE)
wait $recv
read -r count span rate < "$out/recv"
echo "throughput: blaster sent $sent datagrams of $SIZE bytes in ${SECONDS_BLAST}s ($((sent / ${SECONDS_BLAST%.*})) pkt/s offered); receiver got $count in ${span}s = $rate pkt/s"
kill -INT $pid; wait $pid || true
trap 'rm -rf "$out"' EXIT
$PY - "$out/report.json" <<'PYEOF'
import json, sys
r = json.load(open(sys.argv[1]))
for b in r["bridges"]:
    print(f"bridge {b['name']}: from kernel {b['fromKernelFrames']}, to kernel {b['toKernelFrames']}, dropped {b['dropped']} {b['dropReasons']}")
for n in r["nics"]:
    print(f"nic {n['host']}.{n['nic']}: rx {n['rxPackets']} tx {n['txPackets']} tx dropped {n['txDropped']} {n['dropReasons']}")
PYEOF
ip netns list | grep -q "$A\|$B" && echo "LEFT BEHIND: namespaces" || echo "cleanup: namespaces gone"
