using System.Globalization;
using System.Text.RegularExpressions;
using Xunit;
using static NetSim.Bridge.Tests.KernelNet;

namespace NetSim.Bridge.Tests;

/// <summary>
/// Real programs in a namespace the test made (ping, traceroute, a python UDP socket, arping) talk through a bridge
/// to simulated hosts. Destinations are only addresses of the simulation behind that namespace's own device.
/// Each test checks afterwards that the namespace and the device are gone.
/// </summary>
public sealed partial class RealTrafficTests
{
    [GeneratedRegex(@"time=([0-9.]+) ms")]
    private static partial Regex RttPattern();

    /// <summary>A host's non-zero counters and its NICs' counters, one line each: what a failed assertion shows.</summary>
    private static string Counters(NetSim.Scenario.Running.RunResult result, string host) =>
        string.Join("\n", result.Report.Hosts.Where(h => h.Host == host).SelectMany(h => h.Counters.Where(c => c.Value != 0)).Select(c => $"{host} {c.Key}={c.Value}")
            .Concat(result.Report.Nics.Where(n => n.Host == host).Select(n => $"{n} drops: {string.Join(", ", n.DropReasons)}")));

    [SkippableFact]
    public void Ping_from_a_namespace_through_a_simulated_router_gets_replies_after_the_link_delay()
    {
        Require("ping");
        string ns = Unique("nsbt-"), dev = Unique("nsb");
        try
        {
            using var run = new BackgroundRun(Scenarios.Router(ns, dev, "12s", delay: "50ms"));
            run.WaitUntilRunning();
            // -w, not -W: once one reply is in, ping -W waits only two round trips after the last request, so a
            // simulation held up for a second by a loaded machine would lose replies that do come. With -c and -w
            // ping waits for all 8 replies, up to 10 s (inside the run's 12 s).
            var (code, output) = InNetns(ns, "ping", "-n", "-c", "8", "-i", "0.2", "-w", "10", "10.0.2.2");
            var result = run.Finish();

            Assert.True(code == 0, output);
            var rtts = RttPattern().Matches(output).Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
            Assert.True(rtts.Count == 8, $"{rtts.Count} of 8 replies\n{output}\n{string.Join("\n", result.Report.Bridges)}\n{Counters(result, "r1")}\n{Counters(result, "h2")}");
            // 50 ms each way: no reply can come sooner than 100 ms, whatever the load. The best of eight must not be much
            // later either (the real-time scheduler's 10 ms ticks; generous for a loaded machine, where the first replies
            // also wait for the JIT).
            Assert.All(rtts, rtt => Assert.True(rtt >= 100.0, $"RTT {rtt} ms is below the simulated 2 x 50 ms\n{output}"));
            Assert.InRange(rtts.Min(), 100.0, 500.0);
            Assert.Contains("ttl=63", output); // one simulated router on the way

            var bridge = Assert.Single(result.Report.Bridges);
            Assert.Equal(dev, bridge.Device);
            Assert.True(bridge.FromKernelFrames >= 8 && bridge.ToKernelFrames >= 8, $"{bridge}");
            Assert.Contains($"bridge,k,to_kernel_frames,{bridge.ToKernelFrames}\n", File.ReadAllText(Path.Combine(run.Folder, "counters.csv")));
            Assert.True(File.Exists(Path.Combine(run.Folder, "bridge-k.pcap")));
            Assert.True(new FileInfo(Path.Combine(run.Folder, "bridge-k.pcap")).Length > 24 + 10 * 16, "the capture holds the pings");
            AssertGone(ns, dev);
        }
        finally
        {
            DeleteNetns(ns);
        }
    }

    [SkippableFact]
    public void A_ttl_1_probe_gets_time_exceeded_from_the_simulated_router_and_traceroute_shows_it()
    {
        Require("ping", "traceroute");
        string ns = Unique("nsbt-"), dev = Unique("nsb");
        try
        {
            using var run = new BackgroundRun(Scenarios.Router(ns, dev, "6s", delay: "1ms"));
            run.WaitUntilRunning();
            var (_, probe) = InNetns(ns, "ping", "-n", "-c", "1", "-t", "1", "-W", "3", "10.0.2.2");
            var (code, trace) = InNetns(ns, "traceroute", "-n", "-q", "1", "-w", "2", "-m", "4", "10.0.2.2");
            var result = run.Finish();

            Assert.Contains("From 10.9.0.2", probe);
            Assert.Contains("Time to live exceeded", probe);
            Assert.True(code == 0, trace);
            Assert.Matches(@"(?m)^\s*1\s+10\.9\.0\.2\s", trace);
            Assert.Matches(@"(?m)^\s*2\s+10\.0\.2\.2\s", trace);
            var r1 = result.Report.Hosts.Single(h => h.Host == "r1");
            Assert.True(r1.Counters["icmpv4.out.time-exceeded"] >= 2, "r1 sent the time-exceeded messages");
            AssertGone(ns, dev);
        }
        finally
        {
            DeleteNetns(ns);
        }
    }

    [SkippableFact]
    public void A_real_udp_socket_exchanges_datagrams_with_a_simulated_udp_flow()
    {
        Require();
        var python = RequirePython();
        string ns = Unique("nsbt-"), dev = Unique("nsb");
        // h2 sends 20 numbered datagrams to the kernel side; the real socket receives them and echoes each back.
        const string echo = """
            import socket, struct
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind(("10.9.0.1", 5555))
            s.settimeout(10)
            seen = []
            while len(seen) < 20:
                data, peer = s.recvfrom(4096)
                seen.append(struct.unpack(">q", data[:8])[0])
                s.sendto(data, peer)
            print(" ".join(map(str, seen)), peer[0])
            """;
        try
        {
            using var run = new BackgroundRun(Scenarios.Router(ns, dev, "5s", delay: "1ms",
                script: """[ { at = 2s, udp { name = "to-kernel", from = h2, to = "10.9.0.1", port = 5555, rate = 50, size = 64, count = 20 } } ]"""));
            run.WaitUntilRunning();
            var (code, output) = InNetns(ns, python, "-c", echo);
            var result = run.Finish();

            Assert.True(code == 0, output);
            Assert.Equal(string.Join(" ", Enumerable.Range(0, 20)) + " 10.0.2.2", output.Trim());
            var h2 = result.Report.Hosts.Single(h => h.Host == "h2");
            Assert.Equal(20, h2.Counters["udp.in-datagrams"]); // the echoes reached the simulated flow's port
            Assert.Equal(20, h2.Counters["udp.out-datagrams"]);
            AssertGone(ns, dev);
        }
        finally
        {
            DeleteNetns(ns);
        }
    }

    [SkippableFact]
    public void A_tap_bridge_onto_a_simulated_switch_makes_the_kernel_a_host_on_the_lan_that_gets_arp_answers()
    {
        Require("ping", "arping");
        string ns = Unique("nsbt-"), dev = Unique("nsb");
        try
        {
            using var run = new BackgroundRun(Scenarios.Lan(ns, dev, "8s"));
            run.WaitUntilRunning();
            var (arpCode, arp) = InNetns(ns, "arping", "-c", "2", "-w", "5", "-I", dev, "10.9.1.2");
            var (pingCode, ping) = InNetns(ns, "ping", "-n", "-c", "2", "-i", "0.2", "-W", "3", "10.9.1.3");
            var (_, neigh) = Run("ip", "-n", ns, "neigh", "show", "dev", dev);
            var result = run.Finish();

            Assert.True(arpCode == 0, arp);
            Assert.Contains("Received 2 response", arp);
            Assert.True(pingCode == 0, ping);
            Assert.Matches(@"10\.9\.1\.3 lladdr [0-9a-f:]{17}", neigh);
            Assert.True(result.Report.Hosts.Single(h => h.Host == "h1").Counters["neighbour.arp-requests-received"] >= 2);
            var bridge = Assert.Single(result.Report.Bridges);
            Assert.True(bridge.FromKernelFrames >= 4 && bridge.ToKernelFrames >= 4, $"{bridge}");
            AssertGone(ns, dev);
        }
        finally
        {
            DeleteNetns(ns);
        }
    }
}

/// <summary>samples/kernel-bridge.conf as the README uses it: <c>netsim run</c>, then ping and traceroute from the namespace.</summary>
public sealed class KernelBridgeSampleTests
{
    [SkippableFact]
    public void The_sample_runs_and_answers_ping_from_its_namespace()
    {
        Require("ping");
        // The sample's own names (sim, nsim0) would collide with a user's run: the test renames them.
        string ns = Unique("nsbt-"), dev = Unique("nsb");
        var folder = Path.Combine(Path.GetTempPath(), "netsim-bridge-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var sample = Path.Combine(AppContext.BaseDirectory, "samples", "kernel-bridge.conf");
            var run = Task.Run(() =>
            {
                var output = new StringWriter();
                var error = new StringWriter();
                var code = NetSim.Cli.NetSimCommand.Run(["run", sample, "--out", folder, "--set", "duration=5s",
                    "--set", $"bridges.sim.netns={ns}", "--set", $"bridges.sim.kernel-device={dev}"], output, error);
                return (code, output.ToString() + error);
            });
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (!(BridgeUp(ns, dev)))
            {
                Assert.True(DateTime.UtcNow < deadline && !run.IsCompleted, "the sample's bridge did not come up");
                Thread.Sleep(50);
            }
            var (pingCode, ping) = InNetns(ns, "ping", "-n", "-c", "3", "-i", "0.2", "-W", "3", "10.0.2.2");
            // The README's `nc 10.0.2.2 7`: the sample's tcp-echo on h2 sends a line back.
            var (echoCode, echo) = File.Exists("/usr/bin/python3")
                ? InNetns(ns, "/usr/bin/python3", "-c", """
                    import socket
                    s = socket.create_connection(("10.0.2.2", 7), timeout=10)
                    s.sendall(b"hello netsim\n")
                    s.shutdown(socket.SHUT_WR)
                    back = b""
                    while chunk := s.recv(100):
                        back += chunk
                    print(back.decode().strip())
                    """)
                : (0, "hello netsim");
            Assert.True(run.Wait(TimeSpan.FromSeconds(60)));
            var (code, output) = run.Result;

            Assert.True(pingCode == 0, ping);
            Assert.True(echoCode == 0, echo);
            Assert.Equal("hello netsim", echo.Trim());
            Assert.True(code == 0, output);
            Assert.Contains("all expectations held", output);
            using var report = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "report.json")));
            Assert.Equal("real", report.RootElement.GetProperty("timeMode").GetString());
            var bridge = Assert.Single(report.RootElement.GetProperty("bridges").EnumerateArray());
            Assert.True(bridge.GetProperty("fromKernelFrames").GetInt64() >= 6); // 3 echo requests, 3 echo replies to h2's pings
            Assert.True(File.Exists(Path.Combine(folder, "bridge-sim.pcap")));
            AssertGone(ns, dev);
        }
        finally
        {
            DeleteNetns(ns);
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
