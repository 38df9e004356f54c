using Akka.Actor;
using NetSim.Actors.Device;
using NetSim.Actors.Stack;
using NetSim.Actors.Time;
using NetSim.Protocol;
using NetSim.Protocol.Device;
using NetSim.Protocol.Stack;
using NetSim.Protocol.Wire;
using Xunit;
using V = NetSim.Network.Tests.ScapyVectors;

namespace NetSim.Actors.Tests.StackTests;

/// <summary>The stack's timers through device files, in virtual time (ARP gives up after 3 requests 1 s apart).</summary>
public sealed class StackVirtualTimeTests
{
    /// <summary>Keeps every message it gets; it runs on the driving thread (netsim.dispatcher in virtual mode).</summary>
    private sealed class Recorder : UntypedActor
    {
        private readonly List<object> _log;
        public Recorder(List<object> log) => _log = log;
        protected override void OnReceive(object message) => _log.Add(message);
    }

    [Fact]
    public async Task Udp_send_to_a_silent_neighbour_on_a_tap_fails_with_ehostunreach_after_three_arp_requests()
    {
        var system = ActorSystem.Create("stack-vt", NetSimConfig.Virtual(1, "akka.loglevel = WARNING\nakka.stdout-loglevel = WARNING"));
        try
        {
            var driver = SimulationDriver.For(system);
            var log = new List<object>();
            var me = driver.ActorOf(Props.Create(() => new Recorder(log)).WithSimDispatcher(), "me");
            var host = driver.ActorOf(StackActor.Props("h1"), "h1");
            var file = driver.ActorOf(DeviceActor.Props(host), "file");

            T Ask<T>(IActorRef target, object request)
            {
                log.Clear();
                target.Tell(request, me);
                driver.RunUntilIdle();
                var reply = Assert.Single(log);
                return Assert.IsType<T>(reply);
            }

            List<byte[]> ReadAll()
            {
                log.Clear();
                file.Tell(new ReadBatch(16), me);
                driver.RunUntilIdle();
                return Assert.Single(log) switch
                {
                    PacketBatch b => b.Frames.Select(f => f.ToArray()).ToList(),
                    OperationFailed { Errno: Errno.EAGAIN } => [],
                    var other => throw new Xunit.Sdk.XunitException($"read answered {other}"),
                };
            }

            Ask<NicInfo>(host, new CreateNic("tap0", true, null, MacAddress.Parse("02:00:00:00:00:01")));
            Ask<HostConfigured>(host, new AddAddress("tap0", Ipv4Address.Parse("10.0.0.1"), 24));
            Ask<Attached>(file, new Attach("tap0", TunFlags.Tap));
            Assert.Equal((ushort)40000, Ask<UdpBound>(host, new UdpBind(40000, me)).Port);

            var silent = (IpAddress)Ipv4Address.Parse("10.0.0.3");
            var arp = Convert.ToHexString([0x00, 0x00, 0x08, 0x06, .. V.ArpRequestForSilent]);
            log.Clear();
            var t0 = driver.Now;
            host.Tell(new UdpSend(40000, silent, 7, "anyone?"u8.ToArray()), me);
            driver.RunUntilIdle();
            // sendto(2) returns at once (the datagram waits for resolution); nothing else while resolution is under way.
            Assert.Equal(new UdpSent(40000, 7), Assert.Single(log));
            log.Clear();
            Assert.Equal([arp], ReadAll().Select(Convert.ToHexString));

            // Retries 1 s apart (Linux retrans_time), nothing in between.
            driver.RunUntil(t0 + TimeSpan.FromMilliseconds(999));
            Assert.Empty(ReadAll());
            driver.RunUntil(t0 + TimeSpan.FromSeconds(1));
            Assert.Equal([arp], ReadAll().Select(Convert.ToHexString));
            driver.RunUntil(t0 + TimeSpan.FromSeconds(2));
            Assert.Equal([arp], ReadAll().Select(Convert.ToHexString));

            // Until 1 s after the third request the send has not failed yet ...
            log.Clear();
            driver.RunUntil(t0 + TimeSpan.FromMilliseconds(2999));
            Assert.Empty(log);
            // ... then it fails with EHOSTUNREACH, reported to the bound receiver, and nothing more goes on the wire.
            driver.RunUntil(t0 + TimeSpan.FromSeconds(3));
            var failed = Assert.IsType<UdpSendFailed>(Assert.Single(log));
            Assert.Equal(new UdpSendFailed(40000, silent, Errno.EHOSTUNREACH), failed);
            driver.RunUntil(t0 + TimeSpan.FromSeconds(10));
            Assert.Empty(ReadAll());

            var counters = Ask<HostCounterSnapshot>(host, GetHostCounters.Instance).Counters;
            Assert.Equal(3, counters["neighbour.arp-requests-sent"]);
            Assert.Equal(1, counters["neighbour.resolution-failures"]);
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }
}
