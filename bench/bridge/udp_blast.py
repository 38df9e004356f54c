"""UDP blaster and receiver for the bridge benchmark (Debian's python3, standard library only).

blast DST PORT SECONDS SIZE: send datagrams as fast as one socket can for SECONDS; print how many were sent.
receive BIND PORT SECONDS: count datagrams until SECONDS pass with none; print count, first-to-last seconds, rate.
echo BIND PORT SECONDS: answer every datagram (for the latency probe).
probe DST PORT COUNT: send COUNT datagrams one at a time, each after the previous answer; print RTTs (microseconds).
"""
import socket, sys, time

def blast(dst, port, seconds, size):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    payload = b"x" * size
    sent, end = 0, time.monotonic() + seconds
    target = (dst, port)
    while time.monotonic() < end:
        for _ in range(256):
            try:
                s.sendto(payload, target)
                sent += 1
            except OSError:
                pass  # ENOBUFS: the device queue is full; the kernel dropped it, not NetSim
    print(sent)

def receive(bind, port, idle):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.bind((bind, port))
    s.settimeout(30)
    s.recv(2048)
    count, first, last = 1, time.monotonic(), time.monotonic()
    s.settimeout(idle)
    try:
        while True:
            s.recv(2048)
            count += 1
            last = time.monotonic()
    except socket.timeout:
        pass
    span = max(last - first, 1e-9)
    print(count, round(span, 3), int(count / span))

def echo(bind, port, seconds):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((bind, port))
    s.settimeout(seconds)
    try:
        while True:
            data, peer = s.recvfrom(2048)
            s.sendto(data, peer)
    except socket.timeout:
        pass

def probe(dst, port, count):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    rtts = []
    for i in range(count):
        t = time.perf_counter_ns()
        s.sendto(i.to_bytes(8, "big"), (dst, port))
        try:
            s.recv(2048)
            rtts.append((time.perf_counter_ns() - t) // 1000)
        except socket.timeout:
            pass
    print(" ".join(map(str, rtts)))

if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "blast": blast(args[0], int(args[1]), float(args[2]), int(args[3]))
    elif cmd == "receive": receive(args[0], int(args[1]), float(args[2]))
    elif cmd == "echo": echo(args[0], int(args[1]), float(args[2]))
    elif cmd == "probe": probe(args[0], int(args[1]), int(args[2]))
