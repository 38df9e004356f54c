using Akka.Actor;
using NetSim.Actors.Tests.Core;
using NetSim.Protocol;
using NetSim.Protocol.Device;
using NetSim.Protocol.Nic;
using NetSim.Protocol.Stack;
using NetSim.Protocol.Wire;
using Xunit;

namespace NetSim.Actors.Tests.Api;

/// <summary>
/// The async API: each method returns its success reply's content, and each method that can fail throws an
/// <see cref="ErrnoException"/> with the errno and operation of the <see cref="OperationFailed"/> reply.
/// </summary>
public sealed class RequestTests : DeviceTestKit
{
    private static readonly IpAddress Ip = IpAddress.Parse("10.0.0.1");

    /// <summary>One failing call per async method that can fail, with the errno Linux gives for it.</summary>
    private static readonly Dictionary<string, (Func<IActorRef, IActorRef, Task> Call, Errno Errno, string Operation)> Failing = new()
    {
        ["AttachAsync"] = ((_, f) => f.AttachAsync("tun0", TunFlags.None), Errno.EINVAL, "attach"),
        ["WriteAsync"] = ((_, f) => f.WriteAsync(new byte[20]), Errno.EBADFD, "write"),
        ["WriteBatchAsync"] = ((_, f) => f.WriteBatchAsync([new byte[20]]), Errno.EBADFD, "write-batch"),
        ["ReadAsync"] = ((_, f) => f.ReadAsync(), Errno.EBADFD, "read"),
        ["ReadBatchAsync"] = ((_, f) => f.ReadBatchAsync(0), Errno.EINVAL, "read-batch"),
        ["SetPersistAsync"] = ((_, f) => f.SetPersistAsync(true), Errno.EBADFD, "set-persist"),
        ["CreateNicAsync"] = ((h, _) => h.CreateNicAsync("lo", isTap: false), Errno.EEXIST, "create"),
        ["LookupNicAsync"] = ((h, _) => h.LookupNicAsync("eth9"), Errno.ENODEV, "lookup"),
        ["RemoveNicAsync"] = ((h, _) => h.RemoveNicAsync("eth9"), Errno.ENODEV, "remove"),
        ["GetNicCountersAsync"] = ((h, _) => h.GetNicCountersAsync("eth9"), Errno.ENODEV, "lookup"),
        ["AddAddressAsync"] = ((h, _) => h.AddAddressAsync("eth9", Ip, 24), Errno.ENODEV, "add-address"),
        ["AddRouteAsync"] = ((h, _) => h.AddRouteAsync(IpAddress.Parse("10.9.0.0"), 16, nic: "eth9"), Errno.ENODEV, "add-route"),
        ["UdpBindAsync"] = (async (h, _) => { await h.UdpBindAsync(53, ActorRefs.Nobody); await h.UdpBindAsync(53, ActorRefs.Nobody); }, Errno.EADDRINUSE, "udp-bind"),
        ["UdpSendAsync"] = ((h, _) => h.UdpSendAsync(53, IpAddress.Parse("192.0.2.1"), 9, new byte[4]), Errno.ENETUNREACH, "udp-send"),
        ["SendFrameAsync"] = ((h, _) => h.SendFrameAsync(99, EtherType.IPv4, new byte[20]), Errno.ENODEV, "send-frame"),
    };

    public static TheoryData<string> FailingMethods() => [.. Failing.Keys];

    [Theory]
    [MemberData(nameof(FailingMethods))]
    public async Task Each_async_method_throws_a_typed_exception_with_the_errno(string method)
    {
        var (call, errno, operation) = Failing[method];
        var host = NewHost();
        var e = await Assert.ThrowsAsync<ErrnoException>(() => call(host, Open(host)));
        Assert.Equal(errno, e.Errno);
        Assert.Equal(operation, e.Operation);
        Assert.Contains(errno.ToString(), e.Message);
    }

    [Fact]
    public async Task The_async_methods_return_the_success_replies()
    {
        var host = NewHost();
        var nic = await host.CreateNicAsync("tun1", isTap: false);
        await host.AddAddressAsync("tun1", Ip, 24);
        await host.SetForwardingAsync(true);
        var port = await host.UdpBindAsync(0, TestActor);
        Assert.NotEqual(0, port);
        Assert.Equal(4, await host.UdpSendAsync(port, IpAddress.Parse("10.0.0.2"), 9, new byte[4]));

        var file = Open(host);
        var attached = await file.AttachAsync("tun1", TunFlags.Tun | TunFlags.NoPacketInfo);
        Assert.Equal(nic.NicId, attached.NicId);
        Assert.Equal(20 + 8 + 4, (await file.ReadAsync()).Length); // the datagram sent above
        var frame = Ipv4(marker: 7);
        await host.SendFrameAsync(nic.NicId, EtherType.IPv4, frame);
        Assert.Equal(frame, (await file.ReadAsync()).ToArray());
        Assert.Equal(frame.Length, await file.WriteAsync(frame));
        Assert.Equal("tun1", (await file.GetInfoAsync()).Name);
        Assert.Contains(await host.ListNicsAsync(), n => n.Name == "tun1");
        Assert.True((await host.GetNicCountersAsync("tun1")).RxPackets >= 1);
        Assert.True((await host.GetHostCountersAsync()).Count > 0);
        await file.CloseAsync();
        Assert.Equal("tun1", (await host.RemoveNicAsync("tun1")).Name);
    }

    [Fact]
    public void SendFrame_and_UdpSend_answer_on_success_too()
    {
        var host = NewHost();
        var nic = Ask<NicInfo>(host, new CreateNic("tun1", false));
        Ask<HostConfigured>(host, new AddAddress("tun1", Ip, 24));
        Ask<UdpBound>(host, new UdpBind(40000, TestActor));

        host.Tell(new SendFrame(nic.NicId, EtherType.IPv4, Ipv4()), TestActor);
        ExpectMsg(new FrameSent(nic.NicId));
        host.Tell(new UdpSend(40000, IpAddress.Parse("10.0.0.2"), 9, new byte[5]), TestActor);
        ExpectMsg(new UdpSent(40000, 5));
        host.Tell(new UdpSend(40000, IpAddress.Parse("192.0.2.1"), 9, new byte[5]), TestActor);
        ExpectMsg<OperationFailed>(f => f.Errno == Errno.ENETUNREACH && f.Operation == "udp-send");
        ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // exactly one reply each: no UdpSendFailed besides
    }

    [Fact]
    public void SendFrame_above_the_MTU_is_refused_with_EMSGSIZE_or_counted()
    {
        var host = NewHost();
        var tun = Ask<NicInfo>(host, new CreateNic("tun1", false, Mtu: 576));
        var tap = Ask<NicInfo>(host, new CreateNic("tap1", true, Mtu: 576));
        host.Tell(new SendFrame(tun.NicId, EtherType.IPv4, new byte[576]), TestActor);
        ExpectMsg(new FrameSent(tun.NicId));
        host.Tell(new SendFrame(tun.NicId, EtherType.IPv4, new byte[577]), TestActor);
        ExpectMsg<OperationFailed>(f => f.Errno == Errno.EMSGSIZE && f.Operation == "send-frame");
        host.Tell(new SendFrame(tap.NicId, EtherType.IPv4, new byte[14 + 576]), TestActor); // a whole Ethernet frame
        ExpectMsg(new FrameSent(tap.NicId));
        host.Tell(new SendFrame(tap.NicId, EtherType.IPv4, new byte[577], MacAddress.Broadcast), TestActor); // the stack adds the header
        ExpectMsg<OperationFailed>(f => f.Errno == Errno.EMSGSIZE);
        host.Tell(new SendFrame(tun.NicId, EtherType.IPv4, new byte[1500]), ActorRefs.NoSender);
        AwaitAssert(() => Assert.Equal(1, Ask<HostCounterSnapshot>(host, GetHostCounters.Instance).Counters["stack.too-big"]));
        Assert.Equal(2, Ask<NicCounters>(tun.Nic, GetNicCounters.Instance).Queued + Ask<NicCounters>(tap.Nic, GetNicCounters.Instance).Queued);
    }

    [Fact]
    public void Sent_with_NoSender_nothing_is_answered_and_nothing_is_lost()
    {
        var host = NewHost();
        Ask<UdpBound>(host, new UdpBind(40000, TestActor));
        host.Tell(new SendFrame(99, EtherType.IPv4, Ipv4()), ActorRefs.NoSender);
        host.Tell(new UdpSend(40000, IpAddress.Parse("192.0.2.1"), 9, new byte[5]), ActorRefs.NoSender);
        // The immediate failure goes to the port's receiver; the frame for no NIC is counted.
        ExpectMsg(new UdpSendFailed(40000, IpAddress.Parse("192.0.2.1"), Errno.ENETUNREACH));
        Assert.Equal(1, Ask<HostCounterSnapshot>(host, GetHostCounters.Instance).Counters["stack.no-such-nic"]);
    }

    [Fact]
    public async Task An_unexpected_reply_type_is_not_mistaken_for_success()
    {
        var host = NewHost();
        var e = await Assert.ThrowsAsync<UnexpectedReplyException>(() => host.RequestAsync<UdpBound>(ListNics.Instance));
        Assert.IsType<NicList>(e.Reply);
    }

    private T Ask<T>(IActorRef target, object request)
    {
        target.Tell(request, TestActor);
        return ExpectMsg<T>();
    }
}
