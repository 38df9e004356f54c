#!/usr/bin/python3
"""Reference frames for the NetSim stack tests, built by scapy (an independent implementation).

Run with Debian's python3 (scapy 2.5 from apt: `apt-get install -y python3-scapy`):

    /usr/bin/python3 tests/Protocol.Tests/Vectors/make_vectors.py

It rewrites two C# files of byte arrays, which are committed:
  tests/Network.Tests/ScapyVectors.cs        frames a HostStack receives and must emit, byte for byte
  tests/Protocol.Tests/Wire/ScapyWireVectors.cs  single packets for the wire-format view tests

Rules the expected frames encode (decided in NetSim.Network.HostStack, mirrored here):
  * packets the stack originates: TTL / hop limit 64, TOS 0, DF clear, IPv4 ID from a counter that starts at
    HostStackOptions.InitialIpId (0x1000 in the tests) and is taken by every originated datagram in order;
  * echo replies copy identifier, sequence and data, and take a fresh ID (they do not copy the request's ID);
  * ICMPv4 errors quote the invoking packet as received (before the TTL decrement), up to 576 bytes in all;
  * forwarded packets keep their ID and lose one TTL; fragments fill the MTU with multiples of 8 payload bytes;
  * ARP request: broadcast, target MAC zero; NS: to the solicited-node group, source LLA option; NA: S and O set.
"""
import os
from scapy.all import (ARP, ICMP, IP, TCP, UDP, Ether, IPv6, ICMPv6EchoRequest, ICMPv6EchoReply, ICMPv6ND_NS,
                       ICMPv6ND_NA, ICMPv6NDOptSrcLLAddr, ICMPv6NDOptDstLLAddr, ICMPv6TimeExceeded,
                       ICMPv6DestUnreach, ICMPv6PacketTooBig, IPv6ExtHdrFragment, fragment, fragment6, raw)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))

HOST_MAC, PEER_MAC, OTHER_MAC = "02:00:00:00:00:01", "02:00:00:00:00:02", "02:00:00:00:00:03"
HOST, PEER, SILENT = "10.0.0.1", "10.0.0.2", "10.0.0.3"
HOST6, PEER6 = "2001:db8::1", "2001:db8::2"
FIRST_ID = 0x1000
PAYLOAD64 = bytes(range(64))

# Router: nic 1 faces A (10.0.1.0/24), nic 2 faces B (10.0.2.0/24).
R1_MAC, R2_MAC, A_MAC, B_MAC = "02:00:00:00:01:01", "02:00:00:00:02:01", "02:00:00:00:01:02", "02:00:00:00:02:02"
R1, R2, A, B = "10.0.1.1", "10.0.2.1", "10.0.1.2", "10.0.2.2"
R1_6, R2_6, A6, B6 = "2001:db8:1::1", "2001:db8:2::1", "2001:db8:1::2", "2001:db8:2::2"

net = {}


def add(name, frame):
    net[name] = [raw(f) for f in frame] if isinstance(frame, list) else raw(frame)


# --- IPv4 ping over TAP: request (IP 92 bytes = 20 IP + 8 ICMP + 64 data), ARP out, ARP in, replies.
req_ip = IP(src=PEER, dst=HOST, id=0x4242, ttl=64, flags="DF") / ICMP(type=8, id=0x1234, seq=1) / PAYLOAD64
assert len(raw(req_ip)) == 92
add("EchoRequestV4Tap", Ether(dst=HOST_MAC, src=PEER_MAC) / req_ip)
add("ArpRequestForPeer", Ether(dst="ff:ff:ff:ff:ff:ff", src=HOST_MAC) /
    ARP(op=1, hwsrc=HOST_MAC, psrc=HOST, hwdst="00:00:00:00:00:00", pdst=PEER))
add("ArpReplyFromPeer", Ether(dst=HOST_MAC, src=PEER_MAC) / ARP(op=2, hwsrc=PEER_MAC, psrc=PEER, hwdst=HOST_MAC, pdst=HOST))
add("ArpRequestFromPeer", Ether(dst="ff:ff:ff:ff:ff:ff", src=PEER_MAC) /
    ARP(op=1, hwsrc=PEER_MAC, psrc=PEER, hwdst="00:00:00:00:00:00", pdst=HOST))
add("ArpReplyFromHost", Ether(dst=PEER_MAC, src=HOST_MAC) / ARP(op=2, hwsrc=HOST_MAC, psrc=HOST, hwdst=PEER_MAC, pdst=PEER))


def reply_ip(ip_id):
    return IP(src=HOST, dst=PEER, id=ip_id, ttl=64, flags=0) / ICMP(type=0, id=0x1234, seq=1) / PAYLOAD64


add("EchoReplyV4TapFirst", Ether(dst=PEER_MAC, src=HOST_MAC) / reply_ip(FIRST_ID))
add("EchoReplyV4TapSecond", Ether(dst=PEER_MAC, src=HOST_MAC) / reply_ip(FIRST_ID + 1))
# --- the same over TUN: bare IP, nothing to resolve.
add("EchoRequestV4", req_ip)
add("EchoReplyV4First", reply_ip(FIRST_ID))

# --- UDP from the host: to a silent neighbour (ARP only), to the peer (datagram), port unreachable.
add("ArpRequestForSilent", Ether(dst="ff:ff:ff:ff:ff:ff", src=HOST_MAC) /
    ARP(op=1, hwsrc=HOST_MAC, psrc=HOST, hwdst="00:00:00:00:00:00", pdst=SILENT))
add("UdpHostToPeer", Ether(dst=PEER_MAC, src=HOST_MAC) /
    IP(src=HOST, dst=PEER, id=FIRST_ID, ttl=64, flags=0) / UDP(sport=40000, dport=7) / b"hello, scapy")
udp_in = IP(src=PEER, dst=HOST, id=0x2222, ttl=64) / UDP(sport=5555, dport=9999) / b"nobody listens"
add("UdpPeerToHostClosedPort", Ether(dst=HOST_MAC, src=PEER_MAC) / udp_in)
add("PortUnreachableFromHost", Ether(dst=PEER_MAC, src=HOST_MAC) /
    IP(src=HOST, dst=PEER, id=FIRST_ID, ttl=64, flags=0) / ICMP(type=3, code=3) / raw(udp_in))

# --- fragmentation and reassembly at a host (MTU 1500: 1480 payload bytes per IPv4 fragment).
big = bytes((i * 7) & 0xFF for i in range(3000))
frag_in = IP(src=PEER, dst=HOST, id=0x5151, ttl=64) / UDP(sport=5000, dport=7000) / big
add("UdpFragmentsPeerToHost", [Ether(dst=HOST_MAC, src=PEER_MAC) / f for f in fragment(frag_in, fragsize=1480)])
frag_out = IP(src=HOST, dst=PEER, id=FIRST_ID, ttl=64, flags=0) / UDP(sport=40000, dport=7000) / big
add("UdpFragmentsHostToPeer", [Ether(dst=PEER_MAC, src=HOST_MAC) / f for f in fragment(frag_out, fragsize=1480)])
frag6_in = IPv6(src=PEER6, dst=HOST6, hlim=64) / IPv6ExtHdrFragment(id=0xABCDEF01) / UDP(sport=5000, dport=7000) / big
add("UdpFragmentsV6PeerToHost", [Ether(dst=HOST_MAC, src=PEER_MAC) / f for f in fragment6(frag6_in, 1500)])
frag6_out = IPv6(src=HOST6, dst=PEER6, hlim=64) / IPv6ExtHdrFragment(id=0x20000000) / UDP(sport=40000, dport=7000) / big
add("UdpFragmentsV6HostToPeer", [Ether(dst=PEER_MAC, src=HOST_MAC) / f for f in fragment6(frag6_out, 1500)])

# --- IPv6 ping over TAP with NDP.
req6 = IPv6(src=PEER6, dst=HOST6, hlim=64) / ICMPv6EchoRequest(id=0x1234, seq=1, data=PAYLOAD64)
add("EchoRequestV6Tap", Ether(dst=HOST_MAC, src=PEER_MAC) / req6)
add("EchoRequestV6", req6)
add("NsFromHostForPeer", Ether(dst="33:33:ff:00:00:02", src=HOST_MAC) /
    IPv6(src=HOST6, dst="ff02::1:ff00:2", hlim=255) / ICMPv6ND_NS(tgt=PEER6) / ICMPv6NDOptSrcLLAddr(lladdr=HOST_MAC))
add("NaFromPeer", Ether(dst=HOST_MAC, src=PEER_MAC) /
    IPv6(src=PEER6, dst=HOST6, hlim=255) / ICMPv6ND_NA(tgt=PEER6, R=0, S=1, O=1) / ICMPv6NDOptDstLLAddr(lladdr=PEER_MAC))
reply6 = IPv6(src=HOST6, dst=PEER6, hlim=64) / ICMPv6EchoReply(id=0x1234, seq=1, data=PAYLOAD64)
add("EchoReplyV6Tap", Ether(dst=PEER_MAC, src=HOST_MAC) / reply6)
add("EchoReplyV6", reply6)
add("NsFromPeerForHost", Ether(dst="33:33:ff:00:00:01", src=PEER_MAC) /
    IPv6(src=PEER6, dst="ff02::1:ff00:1", hlim=255) / ICMPv6ND_NS(tgt=HOST6) / ICMPv6NDOptSrcLLAddr(lladdr=PEER_MAC))
add("NaFromHostForPeer", Ether(dst=PEER_MAC, src=HOST_MAC) /
    IPv6(src=HOST6, dst=PEER6, hlim=255) / ICMPv6ND_NA(tgt=HOST6, R=0, S=1, O=1) / ICMPv6NDOptDstLLAddr(lladdr=HOST_MAC))

# --- a router (two TAPs, A and B as permanent neighbours).
probe = IP(src=A, dst=B, id=0x7777, ttl=1) / UDP(sport=33000, dport=33434) / bytes(32)
add("RouterProbeTtl1", Ether(dst=R1_MAC, src=A_MAC) / probe)
add("RouterTimeExceeded", Ether(dst=A_MAC, src=R1_MAC) /
    IP(src=R1, dst=A, id=FIRST_ID, ttl=64, flags=0) / ICMP(type=11, code=0) / raw(probe))
through = IP(src=A, dst=B, id=0x7778, ttl=64) / UDP(sport=33000, dport=33434) / bytes(32)
add("RouterThroughIn", Ether(dst=R1_MAC, src=A_MAC) / through)
through_out = through.copy()
through_out.ttl = 63
del through_out.chksum
add("RouterThroughOut", Ether(dst=B_MAC, src=R2_MAC) / through_out)
nowhere = IP(src=A, dst="192.0.2.9", id=0x7779, ttl=64) / UDP(sport=33000, dport=33434) / bytes(32)
add("RouterNoRouteIn", Ether(dst=R1_MAC, src=A_MAC) / nowhere)
add("RouterNetUnreachable", Ether(dst=A_MAC, src=R1_MAC) /
    IP(src=R1, dst=A, id=FIRST_ID, ttl=64, flags=0) / ICMP(type=3, code=0) / raw(nowhere))
# 1000-byte packets towards an MTU-600 link: with DF a frag-needed error quoting 548 bytes, without DF two fragments.
big_df = IP(src=A, dst=B, id=0x7780, ttl=64, flags="DF") / UDP(sport=33000, dport=9) / bytes(i & 0xFF for i in range(972))
assert len(raw(big_df)) == 1000
add("RouterBigDfIn", Ether(dst=R1_MAC, src=A_MAC) / big_df)
add("RouterFragNeeded", Ether(dst=A_MAC, src=R1_MAC) /
    IP(src=R1, dst=A, id=FIRST_ID, ttl=64, flags=0) / ICMP(type=3, code=4, nexthopmtu=600) / raw(big_df)[:548])
big_nodf = IP(src=A, dst=B, id=0x7781, ttl=64, flags=0) / UDP(sport=33000, dport=9) / bytes(i & 0xFF for i in range(972))
add("RouterBigIn", Ether(dst=R1_MAC, src=A_MAC) / big_nodf)
big_nodf_out = IP(src=A, dst=B, id=0x7781, ttl=63, flags=0) / UDP(sport=33000, dport=9) / bytes(i & 0xFF for i in range(972))
add("RouterBigFragmentsOut", [Ether(dst=B_MAC, src=R2_MAC) / f for f in fragment(big_nodf_out, fragsize=576)])
# IPv6 through the router: hop limit 1 gives time exceeded; too big gives packet too big (routers never fragment).
probe6 = IPv6(src=A6, dst=B6, hlim=1) / UDP(sport=33000, dport=33434) / bytes(32)
add("RouterProbeV6HopLimit1", Ether(dst=R1_MAC, src=A_MAC) / probe6)
add("RouterTimeExceededV6", Ether(dst=A_MAC, src=R1_MAC) /
    IPv6(src=R1_6, dst=A6, hlim=64) / ICMPv6TimeExceeded(code=0) / raw(probe6))
big6 = IPv6(src=A6, dst=B6, hlim=64) / UDP(sport=33000, dport=9) / bytes(i & 0xFF for i in range(1352))
assert len(raw(big6)) == 1400
add("RouterBigV6In", Ether(dst=R1_MAC, src=A_MAC) / big6)
add("RouterPacketTooBigV6", Ether(dst=A_MAC, src=R1_MAC) /
    IPv6(src=R1_6, dst=A6, hlim=64) / ICMPv6PacketTooBig(mtu=1280) / raw(big6)[:1232])

# --- wire-format vectors (single packets).
wire = {
    "Ipv4WithOptions": raw(IP(src="192.168.1.1", dst="192.168.1.2", id=0xBEEF, ttl=17, flags="MF", frag=185, tos=0x10,
                              options=b"\x94\x04\x00\x00") / b"0123456789abcdef"),
    "Icmpv4Echo": raw(IP(src=PEER, dst=HOST, id=1) / ICMP(type=8, id=0xAB, seq=0xCD) / b"ping"),
    "Udpv4": raw(IP(src=PEER, dst=HOST, id=1) / UDP(sport=1234, dport=5678) / b"datagram"),
    "Udpv6": raw(IPv6(src=PEER6, dst=HOST6) / UDP(sport=1234, dport=5678) / b"datagram"),
    "Icmpv6Ns": raw(IPv6(src=PEER6, dst="ff02::1:ff00:1", hlim=255) / ICMPv6ND_NS(tgt=HOST6) / ICMPv6NDOptSrcLLAddr(lladdr=PEER_MAC)),
    "Icmpv6Na": raw(IPv6(src=HOST6, dst=PEER6, hlim=255) / ICMPv6ND_NA(tgt=HOST6, R=1, S=1, O=0) / ICMPv6NDOptDstLLAddr(lladdr=HOST_MAC)),
    "Icmpv6PortUnreachable": raw(IPv6(src=HOST6, dst=PEER6) / ICMPv6DestUnreach(code=4) / raw(IPv6(src=PEER6, dst=HOST6) / UDP(sport=1, dport=2))),
    "ArpRequest": raw(ARP(op=1, hwsrc=PEER_MAC, psrc=PEER, hwdst="00:00:00:00:00:00", pdst=HOST)),
    # TCP segments in Linux's option layout (MSS; SACK-permitted + timestamps; NOP window-scale; NOP NOP SACK).
    "TcpSyn": raw(IP(src=PEER, dst=HOST, id=1) / TCP(sport=40000, dport=80, seq=0xFFFFFF00, flags="S", window=65535,
        options=[("MSS", 1460), ("SAckOK", b""), ("Timestamp", (0x01020304, 0)), ("NOP", None), ("WScale", 7)])),
    "TcpSynAck": raw(IP(src=HOST, dst=PEER, id=2) / TCP(sport=80, dport=40000, seq=0x12345678, ack=0xFFFFFF01, flags="SA",
        window=65160, options=[("MSS", 1460), ("SAckOK", b""), ("Timestamp", (0x0A0B0C0D, 0x01020304)), ("NOP", None), ("WScale", 9)])),
    "TcpData": raw(IP(src=PEER, dst=HOST, id=3) / TCP(sport=40000, dport=80, seq=0xFFFFFFF0, ack=0x12345679, flags="PA",
        window=502, options=[("NOP", None), ("NOP", None), ("Timestamp", (0x01020310, 0x0A0B0C0D))]) / b"GET / HTTP/1.0\r\n\r\n"),
    "TcpFin": raw(IP(src=PEER, dst=HOST, id=4) / TCP(sport=40000, dport=80, seq=0x00000003, ack=0x12345679, flags="FA", window=502)),
    "TcpRst": raw(IP(src=HOST, dst=PEER, id=5) / TCP(sport=80, dport=40001, seq=0, ack=0xFFFFFF01, flags="RA", window=0)),
    "TcpSack": raw(IP(src=HOST, dst=PEER, id=6) / TCP(sport=80, dport=40000, seq=0x12345679, ack=0x00001000, flags="A", window=1024,
        options=[("NOP", None), ("NOP", None), ("Timestamp", (0x0A0B0C20, 0x01020320)),
                 ("NOP", None), ("NOP", None), ("SAck", (0x00002000, 0x00002800, 0xFFFFF000, 0x00000010))])),
    "TcpSynV6": raw(IPv6(src=PEER6, dst=HOST6) / TCP(sport=40000, dport=80, seq=1, flags="S", window=64800,
        options=[("MSS", 1440), ("NOP", None), ("NOP", None), ("SAckOK", b""), ("NOP", None), ("WScale", 7)])),
    "Ipv6Fragment": raw(fragment6(IPv6(src=PEER6, dst=HOST6) / IPv6ExtHdrFragment(id=0x01020304) / UDP(sport=1, dport=2) / bytes(2000), 1280)[1]),
}


def cs_bytes(b):
    return 'Convert.FromHexString("' + b.hex().upper() + '")'


def write(path, namespace, cls, items, doc):
    lines = ["// <auto-generated>", "// Written by tests/Protocol.Tests/Vectors/make_vectors.py with scapy; do not edit by hand.",
             "// </auto-generated>", f"namespace {namespace};", "", f"/// <summary>{doc}</summary>",
             f"internal static class {cls}", "{"]
    for name, value in items.items():
        if isinstance(value, list):
            lines.append(f"    public static readonly byte[][] {name} =")
            lines.append("    [")
            for v in value:
                lines.append(f"        {cs_bytes(v)},")
            lines.append("    ];")
        else:
            lines.append(f"    public static readonly byte[] {name} = {cs_bytes(value)};")
    lines.append("}")
    with open(path, "w", newline="\n") as f:
        f.write("\n".join(lines) + "\n")


write(os.path.join(ROOT, "tests", "Network.Tests", "ScapyVectors.cs"), "NetSim.Network.Tests", "ScapyVectors", net,
      "Frames built by scapy " + __import__("scapy").VERSION + " (see make_vectors.py for the rules they encode).")
write(os.path.join(ROOT, "tests", "Protocol.Tests", "Wire", "ScapyWireVectors.cs"), "NetSim.Protocol.Tests.Wire",
      "ScapyWireVectors", wire, "Packets built by scapy " + __import__("scapy").VERSION + " for the wire-format view tests.")
print(f"{len(net)} network vectors, {len(wire)} wire vectors")
