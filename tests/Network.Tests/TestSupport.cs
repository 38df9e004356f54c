using NetSim.Protocol;
using NetSim.Protocol.Wire;

namespace NetSim.Network.Tests;

/// <summary>Records everything a <see cref="HostStack"/> reports, copying spans as the contract requires.</summary>
internal sealed class RecordingEvents : IHostStackEvents
{
    public List<(int NicId, ushort Protocol, byte[] Frame)> Transmitted { get; } = [];
    public List<(ushort LocalPort, IpAddress Source, ushort SourcePort, byte[] Payload)> UdpReceivedList { get; } = [];
    public List<(ushort LocalPort, IpAddress Destination, Errno Error)> UdpFailures { get; } = [];
    public List<(IcmpMessage Message, byte[] Data)> Icmp { get; } = [];
    public Action<ushort, IpAddress, ushort, byte[]>? OnUdp { get; set; }
    public Action<int, byte[]>? OnTransmit { get; set; }

    public void Transmit(int nicId, ushort protocol, ReadOnlySpan<byte> frame)
    {
        var copy = frame.ToArray();
        Transmitted.Add((nicId, protocol, copy));
        OnTransmit?.Invoke(nicId, copy);
    }

    public void UdpReceived(ushort localPort, IpAddress source, ushort sourcePort, ReadOnlySpan<byte> payload)
    {
        var copy = payload.ToArray();
        UdpReceivedList.Add((localPort, source, sourcePort, copy));
        OnUdp?.Invoke(localPort, source, sourcePort, copy);
    }

    public void UdpSendFailed(ushort localPort, IpAddress destination, Errno error) => UdpFailures.Add((localPort, destination, error));

    public void IcmpReceived(in IcmpMessage message, ReadOnlySpan<byte> data) => Icmp.Add((message, data.ToArray()));

    /// <summary>The frames sent since the last call, and forgets them.</summary>
    public List<byte[]> Take()
    {
        var frames = Transmitted.Select(t => t.Frame).ToList();
        Transmitted.Clear();
        return frames;
    }
}

/// <summary>The addresses make_vectors.py uses, and stacks configured to match.</summary>
internal static class Net
{
    public static readonly MacAddress HostMac = MacAddress.Parse("02:00:00:00:00:01");
    public static readonly MacAddress PeerMac = MacAddress.Parse("02:00:00:00:00:02");
    public static readonly Ipv4Address Host = Ipv4Address.Parse("10.0.0.1");
    public static readonly Ipv4Address Peer = Ipv4Address.Parse("10.0.0.2");
    public static readonly Ipv4Address Silent = Ipv4Address.Parse("10.0.0.3");
    public static readonly Ipv6Address Host6 = Ipv6Address.Parse("2001:db8::1");
    public static readonly Ipv6Address Peer6 = Ipv6Address.Parse("2001:db8::2");

    public static readonly MacAddress R1Mac = MacAddress.Parse("02:00:00:00:01:01");
    public static readonly MacAddress R2Mac = MacAddress.Parse("02:00:00:00:02:01");
    public static readonly MacAddress AMac = MacAddress.Parse("02:00:00:00:01:02");
    public static readonly MacAddress BMac = MacAddress.Parse("02:00:00:00:02:02");
    public static readonly Ipv4Address R1 = Ipv4Address.Parse("10.0.1.1");
    public static readonly Ipv4Address R2 = Ipv4Address.Parse("10.0.2.1");
    public static readonly Ipv4Address A = Ipv4Address.Parse("10.0.1.2");
    public static readonly Ipv4Address B = Ipv4Address.Parse("10.0.2.2");
    public static readonly Ipv6Address A6 = Ipv6Address.Parse("2001:db8:1::2");
    public static readonly Ipv6Address B6 = Ipv6Address.Parse("2001:db8:2::2");

    public static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    /// <summary>IP IDs start at 0x1000 and IPv6 fragment IDs at 0x20000000, as the vectors expect.</summary>
    public static HostStackOptions Options(string name, bool forwarding = false) => new()
    {
        Name = name,
        Forwarding = forwarding,
        InitialIpId = 0x1000,
        InitialIpv6FragmentId = 0x20000000,
        Seed = 42,
    };

    /// <summary>A host with one NIC (id 1), 10.0.0.1/24 and 2001:db8::1/64.</summary>
    public static (HostStack Stack, RecordingEvents Events) Host1(bool tap = true, int mtu = 1500, HostStackOptions? options = null)
    {
        var events = new RecordingEvents();
        var stack = new HostStack(options ?? Options("host"), events);
        Assert.Equal(Errno.None, stack.AddInterface(1, tap ? "tap0" : "tun0", tap, HostMac, mtu));
        Assert.Equal(Errno.None, stack.AddAddress(1, Host, 24));
        Assert.Equal(Errno.None, stack.AddAddress(1, Host6, 64));
        return (stack, events);
    }

    /// <summary>A router: NIC 1 on 10.0.1.0/24 + 2001:db8:1::/64 facing A, NIC 2 on 10.0.2.0/24 + 2001:db8:2::/64 facing B; A and B are permanent neighbours.</summary>
    public static (HostStack Stack, RecordingEvents Events) Router(int mtu2 = 1500)
    {
        var events = new RecordingEvents();
        var stack = new HostStack(Options("router", forwarding: true), events);
        Assert.Equal(Errno.None, stack.AddInterface(1, "tap1", true, R1Mac, 1500));
        Assert.Equal(Errno.None, stack.AddInterface(2, "tap2", true, R2Mac, mtu2));
        Assert.Equal(Errno.None, stack.AddAddress(1, R1, 24));
        Assert.Equal(Errno.None, stack.AddAddress(2, R2, 24));
        Assert.Equal(Errno.None, stack.AddAddress(1, Ipv6Address.Parse("2001:db8:1::1"), 64));
        Assert.Equal(Errno.None, stack.AddAddress(2, Ipv6Address.Parse("2001:db8:2::1"), 64));
        Assert.Equal(Errno.None, stack.AddNeighbour(1, A, AMac));
        Assert.Equal(Errno.None, stack.AddNeighbour(2, B, BMac));
        Assert.Equal(Errno.None, stack.AddNeighbour(1, A6, AMac));
        Assert.Equal(Errno.None, stack.AddNeighbour(2, B6, BMac));
        return (stack, events);
    }

    /// <summary>Asserts byte equality with a hex dump on failure, so a mismatch shows where.</summary>
    public static void SameBytes(byte[] expected, byte[] actual) =>
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(actual));

    public static void SameFrames(IReadOnlyList<byte[]> expected, IReadOnlyList<byte[]> actual) =>
        Assert.Equal(expected.Select(Convert.ToHexString).ToList(), actual.Select(Convert.ToHexString).ToList());
}
