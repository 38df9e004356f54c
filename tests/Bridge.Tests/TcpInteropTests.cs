using Xunit;
using static NetSim.Bridge.Tests.KernelNet;

namespace NetSim.Bridge.Tests;

/// <summary>
/// NetSim's TCP against Linux's: a real socket in a namespace the test made connects through the bridge and the
/// simulated router r1 to a <c>tcp-echo</c> on the simulated host h2, and gets back exactly what it sent.
/// </summary>
public sealed class TcpInteropTests
{
    [SkippableFact]
    public void A_linux_client_gets_1_MB_back_unchanged_from_a_simulated_tcp_echo_through_the_bridge()
    {
        Require();
        var python = RequirePython();
        string ns = Unique("nsbt-"), dev = Unique("nsb");
        // A reader thread drains the echo while the main thread writes, so neither side's buffers can stall the other;
        // every socket operation has a time bound.
        const string client = """
            import hashlib, random, socket, threading
            data = random.Random(11).randbytes(1 << 20)
            s = socket.create_connection(("10.0.2.2", 7007), timeout=20)
            back = bytearray()
            def read():
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        return
                    back.extend(chunk)
            reader = threading.Thread(target=read)
            reader.start()
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
            reader.join(25)
            s.close()
            print(hashlib.sha256(data).hexdigest(), hashlib.sha256(bytes(back)).hexdigest(), len(back))
            """;
        try
        {
            using var run = new BackgroundRun(Scenarios.Router(ns, dev, "30s", delay: "1ms",
                script: """[ { at = 0s, tcp-echo { host = h2, port = 7007 } } ]"""));
            run.WaitUntilRunning();
            var (code, output) = InNetns(ns, python, "-c", client);
            var result = run.Finish();

            Assert.True(code == 0, output);
            var fields = output.Trim().Split(' ');
            Assert.True(fields.Length == 3, output);
            Assert.Equal("1048576", fields[2]);
            Assert.Equal(fields[0], fields[1]); // sha256 of what was sent and of what came back
            var h2 = result.Report.Hosts.Single(h => h.Host == "h2");
            Assert.Equal(1, h2.Counters["tcp.passive-opens"]); // the echo accepted the one real connection
            var bridge = Assert.Single(result.Report.Bridges);
            Assert.True(bridge.FromKernelFrames >= (1 << 20) / 1500 && bridge.ToKernelFrames >= (1 << 20) / 1500, $"{bridge}");
            AssertGone(ns, dev);
        }
        finally
        {
            DeleteNetns(ns);
        }
    }
}
