using System.Diagnostics;
using System.Text.Json;
using Akka.Actor;
using NetSim.Actors;
using NetSim.Actors.Links;
using NetSim.Actors.Stack;
using NetSim.Actors.Time;
using NetSim.Protocol.Links;
using NetSim.Protocol.Stack;
using NetSim.Protocol.Wire;
using NetSim.Scenario;
using NetSim.Scenario.Running;

namespace NetSim.Benchmarks.Measure;

/// <summary>
/// Whole simulations in virtual time, timed on the wall clock: how much faster than real time NetSim runs, and
/// the UDP echo scenario that bench/ns3/udp_echo.cc runs in ns-3 (two nodes, a 1 ms point-to-point link, a client
/// sending N datagrams of 64 bytes every 10 us to an echo server), so the two can be compared in one run.
/// </summary>
public static class VirtualTimeRuns
{
    /// <summary>The scenario: 2 hosts, a 20 ms link, a ping every 10 ms for <paramref name="seconds"/> simulated seconds.</summary>
    public static string PingScenario(int seconds) => $$"""
        seed = 1
        duration = {{seconds + 1}}s
        hosts {
          h1 { nics { eth0 { type = tun, addresses = ["10.0.0.1/30"] } } }
          h2 { nics { eth0 { type = tun, addresses = ["10.0.0.2/30"] } } }
        }
        links { l1 { a = "h1.eth0", b = "h2.eth0", delay = 20ms } }
        script = [ { at = 0s, ping { name = "p", from = h1, to = "10.0.0.2", count = {{seconds * 100}}, interval = 10ms } } ]
        """;

    /// <summary>Runs <see cref="PingScenario"/>; returns (simulated seconds per wall second, echoes received).</summary>
    public static (double SpeedUp, long Replies) Ping(int seconds)
    {
        var loaded = ScenarioLoader.LoadFromText(PingScenario(seconds), "bench-ping.conf");
        if (!loaded.Succeeded) throw new InvalidOperationException(string.Join("\n", loaded.Errors));
        var sw = Stopwatch.StartNew();
        var result = ScenarioRunner.Run(loaded.Scenario!, new RunOptions(null));
        var wall = sw.Elapsed;
        return (loaded.Scenario!.Duration / wall, result.Report.Flows[0].Received);
    }

    /// <summary>The ns-3 peer scenario in NetSim: returns (echoes per wall second, echoes, wall seconds).</summary>
    public static (double EchoesPerSecond, long Echoes, double WallSeconds) UdpEcho(int packets)
    {
        using var system = ActorSystem.Create("bench-echo", NetSimConfig.Virtual(1));
        var driver = SimulationDriver.For(system);
        var h1 = driver.ActorOf(StackActor.Props("n0"), "n0");
        var h2 = driver.ActorOf(StackActor.Props("n1"), "n1");
        h1.Tell(new CreateNic("eth0", false));
        h2.Tell(new CreateNic("eth0", false));
        h1.Tell(new AddAddress("eth0", IpAddress.Parse("10.1.1.1"), 24));
        h2.Tell(new AddAddress("eth0", IpAddress.Parse("10.1.1.2"), 24));
        var link = new LinkParameters(TimeSpan.FromMilliseconds(1), TimeSpan.Zero, 0, 0, 1000, true);
        driver.ActorOf(LinkActor.Props("p2p", new NicEndpoint(h1, "n0", "eth0", false), new NicEndpoint(h2, "n1", "eth0", false), link), "p2p");
        driver.ActorOf(Props.Create(() => new EchoServer(h2)).WithSimDispatcher(), "server");
        var client = new EchoCounts();
        driver.ActorOf(Props.Create(() => new EchoClient(h1, packets, client)).WithSimDispatcher(), "client");
        driver.RunUntilIdle();
        var sw = Stopwatch.StartNew();
        driver.RunUntil(TimeSpan.FromTicks(TimeSpan.FromMicroseconds(10).Ticks * packets) + TimeSpan.FromMilliseconds(10));
        var wall = sw.Elapsed.TotalSeconds;
        system.Terminate().Wait(TimeSpan.FromSeconds(30));
        return (client.Echoes / wall, client.Echoes, wall);
    }

    /// <summary>Runs bench/ns3/run.sh if it and libns3-dev are there; null otherwise (with the reason).</summary>
    public static (double? EchoesPerSecond, string Note) Ns3(int packets)
    {
        var script = FindUp(Path.Combine("bench", "ns3", "run.sh"));
        if (script is null) return (null, "bench/ns3/run.sh not found");
        var psi = new ProcessStartInfo("bash", $"\"{script}\" {packets}") { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEnd();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        var line = stdout.Split('\n').LastOrDefault(l => l.TrimStart().StartsWith('{'));
        if (p.ExitCode != 0 || line is null) return (null, $"ns-3 not run: {stderr.Trim().Split('\n').LastOrDefault()}");
        using var json = JsonDocument.Parse(line);
        return (json.RootElement.GetProperty("echoes_per_wall_second").GetDouble(), "ns-3 " + json.RootElement.GetProperty("version").GetString());
    }

    private static string? FindUp(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate)) return candidate;
        }
        var cwd = Path.Combine(Environment.CurrentDirectory, relative);
        return File.Exists(cwd) ? cwd : null;
    }

    private sealed class EchoCounts
    {
        public long Echoes;
    }

    /// <summary>UdpEchoServer: sends every datagram back to where it came from.</summary>
    private sealed class EchoServer : UntypedActor
    {
        private readonly IActorRef _host;
        public EchoServer(IActorRef host) => _host = host;
        protected override void PreStart() => _host.Tell(new UdpBind(9, Self));
        protected override void OnReceive(object message)
        {
            if (message is UdpDatagram d) _host.Tell(new UdpSend(9, d.Source, d.SourcePort, d.Payload), ActorRefs.NoSender); // no reply wanted
        }
    }

    /// <summary>UdpEchoClient: <c>packets</c> datagrams of 64 bytes, one every 10 us, counting the echoes.</summary>
    private sealed class EchoClient : UntypedActor, IWithTimers
    {
        private readonly IActorRef _host;
        private readonly int _packets;
        private readonly EchoCounts _counts;
        private readonly ReadOnlyMemory<byte> _payload = new byte[64];
        private readonly IpAddress _server = IpAddress.Parse("10.1.1.2");
        private ushort _port;
        private int _sent;

        public ITimerScheduler Timers { get; set; } = null!;

        public EchoClient(IActorRef host, int packets, EchoCounts counts) => (_host, _packets, _counts) = (host, packets, counts);

        protected override void PreStart() => _host.Tell(new UdpBind(0, Self));

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case UdpBound b:
                    _port = b.Port;
                    Timers.StartPeriodicTimer("send", "send", TimeSpan.Zero, TimeSpan.FromMicroseconds(10));
                    break;
                case "send":
                    _host.Tell(new UdpSend(_port, _server, 9, _payload), ActorRefs.NoSender);
                    if (++_sent == _packets) Timers.Cancel("send");
                    break;
                case UdpDatagram:
                    _counts.Echoes++;
                    break;
            }
        }
    }
}
