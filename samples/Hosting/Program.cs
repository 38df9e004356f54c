// Hosting: NetSim inside a Microsoft.Extensions.Hosting application, through Akka.Hosting. The actor system starts
// with the application and NetSim's router host with it; a hosted service routes one UDP packet, then stops the app.
// Run: dotnet run --project samples/Hosting
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NetSim.Actors;
using NetSim.Hosting;
using NetSim.Protocol;
using NetSim.Protocol.Wire;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddAkka("sim", b => b.WithNetSim(o =>
{
    o.Hosts.Add("router");
    o.ConfigureHost = (_, stack) => stack with { Forwarding = true };
}));
builder.Services.AddHostedService<RouteOneFrame>();
await builder.Build().RunAsync();

/// <summary>Sets up two TUN NICs on the router, writes a packet into one and reads it, forwarded, from the other.</summary>
sealed class RouteOneFrame(IServiceProvider services, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var sim = services.GetNetSim();
            var router = sim.Host("router");
            foreach (var (nic, address) in new[] { ("tun1", "10.0.1.1"), ("tun2", "10.0.2.1") })
            {
                await router.CreateNicAsync(nic, isTap: false, cancellationToken: stoppingToken);
                await router.AddAddressAsync(nic, IpAddress.Parse(address), 24, stoppingToken);
            }
            var a = sim.OpenDevice(router);
            var b = sim.OpenDevice(router);
            await a.AttachAsync("tun1", TunFlags.Tun | TunFlags.NoPacketInfo, stoppingToken);
            await b.AttachAsync("tun2", TunFlags.Tun | TunFlags.NoPacketInfo, stoppingToken);

            var read = b.ReadAsync(stoppingToken);                        // blocks until the router sends out of tun2
            await a.WriteAsync(Udp("10.0.1.2", "10.0.2.2"), stoppingToken);
            var frame = await read.WaitAsync(TimeSpan.FromSeconds(10), stoppingToken);
            var ip = Ipv4Header.Parse(frame.Span);
            Console.WriteLine($"routed {frame.Length} bytes {ip.Source} -> {ip.Destination} out of tun2, TTL {ip.Ttl}");
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"hosting sample failed: {e.Message}");
            Environment.ExitCode = 1;
        }
        lifetime.StopApplication();
    }

    /// <summary>An IPv4 UDP packet with 4 payload bytes, checksums filled in.</summary>
    static byte[] Udp(string source, string destination)
    {
        var (src, dst) = (Ipv4Address.Parse(source), Ipv4Address.Parse(destination));
        var packet = new byte[Ipv4Header.MinLength + UdpHeader.Length + 4];
        var udpLength = UdpHeader.Emit(packet.AsSpan(Ipv4Header.MinLength), 5000, 9, "ping"u8, UdpHeader.PseudoHeader(src, dst, UdpHeader.Length + 4));
        Ipv4Header.Emit(packet, src, dst, IpProtocol.Udp, udpLength, ttl: 64, identification: 1);
        return packet;
    }
}
