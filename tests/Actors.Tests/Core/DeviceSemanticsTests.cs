using Akka.Actor;
using NetSim.Protocol;
using NetSim.Protocol.Device;
using NetSim.Protocol.Stack;
using NetSim.Protocol.Wire;
using Xunit;

namespace NetSim.Actors.Tests.Core;

/// <summary>One test (at least) per row of the device semantics table in ../shared/DESIGN.md section 2.</summary>
public sealed class DeviceSemanticsTests : DeviceTestKit
{
    private const TunFlags TunNoPi = TunFlags.Tun | TunFlags.NoPacketInfo;

    [Theory]
    [InlineData(TunFlags.Tun | TunFlags.Tap)]
    [InlineData(TunFlags.None)]
    [InlineData(TunFlags.NoPacketInfo)]
    [InlineData(TunFlags.Tun | (TunFlags)0x0004)]
    [InlineData(TunFlags.Tap | (TunFlags)0x0100)]
    public void Attach_with_both_or_neither_type_or_unknown_bits_is_EINVAL(TunFlags flags)
    {
        var host = NewHost();
        Assert.Equal(Errno.EINVAL, ExpectErrno(Open(host), new Attach("tun0", flags)));
        host.Tell(new LookupNic("tun0"), TestActor);
        ExpectMsg<OperationFailed>(e => e.Errno == Errno.ENODEV); // nothing was created
    }

    [Fact]
    public void Attach_accepts_one_queue_and_excl_bits()
    {
        var host = NewHost();
        var a = Attach(Open(host), "tun9", TunFlags.Tun | TunFlags.OneQueue | TunFlags.TunExclusive);
        Assert.Equal("tun9", a.Name);
    }

    [Fact]
    public void Attach_on_an_attached_file_is_EINVAL()
    {
        var host = NewHost();
        var file = Open(host);
        Attach(file, "tun0", TunNoPi);
        Assert.Equal(Errno.EINVAL, ExpectErrno(file, new Attach("tun1", TunNoPi)));
        Assert.Equal(Errno.EINVAL, ExpectErrno(file, new Attach("tun0", TunNoPi)));
    }

    [Fact]
    public void Attach_by_an_existing_name_joins_that_NIC_and_its_queue()
    {
        var host = NewHost();
        var a = Attach(Open(host), "tap0", TunFlags.Tap);
        var second = Open(host);
        var b = Attach(second, "tap0", TunFlags.Tap | TunFlags.NoPacketInfo);
        Assert.Equal(a.NicId, b.NicId);
        Assert.Equal(a.Mac, b.Mac);
        Assert.Equal(2, Lookup(host, "tap0").AttachedFiles);
        // The frame the stack sends is readable from the file that joined.
        var frame = new byte[60];
        EthernetHeader.Emit(frame, MacAddress.Broadcast, a.Mac, EtherType.Arp);
        SendOut(host, a.NicId, EtherType.Arp, frame);
        AwaitAssert(() => Assert.Equal(frame, ReadOne(second).Frame.ToArray()));
    }

    [Fact]
    public void Attach_to_a_TUN_name_as_TAP_is_EINVAL_as_in_Linux()
    {
        var host = NewHost();
        Attach(Open(host), "tun0", TunFlags.Tun);
        Assert.Equal(Errno.EINVAL, ExpectErrno(Open(host), new Attach("tun0", TunFlags.Tap)));
    }

    [Fact]
    public void Attach_by_the_name_of_a_non_tun_NIC_is_EOPNOTSUPP()
    {
        var host = NewHost();
        Assert.Equal(Errno.EOPNOTSUPP, ExpectErrno(Open(host), new Attach("lo", TunFlags.Tun)));
    }

    [Fact]
    public void Attach_with_TUN_EXCL_to_an_existing_name_is_EEXIST()
    {
        var host = NewHost();
        Attach(Open(host), "tun0", TunFlags.Tun);
        Assert.Equal(Errno.EEXIST, ExpectErrno(Open(host), new Attach("tun0", TunFlags.Tun | TunFlags.TunExclusive)));
    }

    [Fact]
    public void Attach_with_an_empty_name_creates_tunID_and_tapID_from_the_never_reused_counter()
    {
        var host = NewHost();
        var t = Attach(Open(host), "", TunFlags.Tun);
        var p = Attach(Open(host), "", TunFlags.Tap);
        Assert.Equal("tun" + t.NicId, t.Name);
        Assert.Equal("tap" + p.NicId, p.Name);
        Assert.True(p.NicId > t.NicId);
        Assert.True(t.NicId > 1); // 1 is the loopback interface
    }

    [Fact]
    public void Attach_without_NET_ADMIN_is_EPERM()
    {
        var host = NewHost();
        Assert.Equal(Errno.EPERM, ExpectErrno(Open(host, netAdmin: false), new Attach("tun0", TunFlags.Tun)));
    }

    [Fact]
    public void Write_or_Read_on_an_unattached_file_is_EBADFD_and_a_zero_length_Write_is_EINVAL_first()
    {
        var file = Open(NewHost());
        Assert.Equal(Errno.EBADFD, ExpectErrno(file, new Write(Ipv4())));
        Assert.Equal(Errno.EBADFD, ExpectErrno(file, Read.Instance));
        Assert.Equal(Errno.EBADFD, ExpectErrno(file, new ReadBatch(8)));
        Assert.Equal(Errno.EBADFD, ExpectErrno(file, new WriteBatch([Ipv4()])));
        Assert.Equal(Errno.EBADFD, ExpectErrno(file, new SetPersist(true)));
        Assert.Equal(Errno.EINVAL, ExpectErrno(file, new Write(Array.Empty<byte>())));
    }

    [Fact]
    public void Zero_length_Write_on_an_attached_file_is_EINVAL()
    {
        var host = NewHost();
        var file = Open(host);
        Attach(file, "tun0", TunFlags.Tun);
        Assert.Equal(Errno.EINVAL, ExpectErrno(file, new Write(Array.Empty<byte>())));
    }

    [Fact]
    public void Write_after_the_NIC_was_removed_from_the_stack_is_EIO()
    {
        var host = NewHost();
        var file = Open(host);
        var a = Attach(file, "tun0", TunNoPi);
        var nic = Lookup(host, "tun0").Nic;
        Watch(nic);
        host.Tell(new RemoveNic("tun0"), TestActor);
        // The reply and the NIC's termination come from different actors: either may arrive first.
        var both = ReceiveN(2);
        Assert.Contains(both, m => m is NicRemoved r && r.NicId == a.NicId);
        Assert.Contains(both, m => m is Terminated t && t.ActorRef.Equals(nic));
        AwaitAssert(() => Assert.Equal(Errno.EIO, ExpectErrno(file, new Write(Ipv4()))));
        Assert.Equal(Errno.EAGAIN, ExpectErrno(file, Read.Instance));
    }

    [Theory]
    [InlineData(TunFlags.Tun | TunFlags.NoPacketInfo, 1500)]
    [InlineData(TunFlags.Tun, 1504)]
    [InlineData(TunFlags.Tap | TunFlags.NoPacketInfo, 1514)]
    [InlineData(TunFlags.Tap, 1518)]
    public void Write_longer_than_the_MTU_with_headers_is_EMSGSIZE(TunFlags flags, int max)
    {
        var host = NewHost();
        var file = Open(host);
        Attach(file, "", flags);
        Assert.Equal(Errno.EMSGSIZE, ExpectErrno(file, new Write(new byte[max + 1])));
        file.Tell(new Write(new byte[max]), TestActor);
        ExpectMsg<Written>(w => w.Length == max);
    }

    [Fact]
    public void Write_too_short_for_its_PI_or_Ethernet_header_is_ignored_counted_and_returns_the_full_length()
    {
        var host = NewHost();
        var tun = Open(host);
        Attach(tun, "tun0", TunFlags.Tun);
        var tap = Open(host);
        Attach(tap, "tap0", TunFlags.Tap);
        host.Tell(new SubscribeInbound(TestActor), TestActor);
        ExpectMsg<InboundSubscribed>();

        tun.Tell(new Write(new byte[3]), TestActor);
        ExpectMsg<Written>(w => w.Length == 3);
        tap.Tell(new Write(new byte[4 + 13]), TestActor);
        ExpectMsg<Written>(w => w.Length == 17);
        tap.Tell(new Write(new byte[2]), TestActor);
        ExpectMsg<Written>(w => w.Length == 2);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // nothing reached the stack

        var tunCounters = Counters(host, "tun0");
        Assert.Equal(1, tunCounters.RxErrors);
        Assert.Equal(0, tunCounters.RxPackets);
        Assert.Equal(1, tunCounters.DropReasons["short-for-pi"]);
        var tapCounters = Counters(host, "tap0");
        Assert.Equal(2, tapCounters.RxErrors);
        Assert.Equal(1, tapCounters.DropReasons["short-for-ethernet"]);
        Assert.Equal(1, tapCounters.DropReasons["short-for-pi"]);
    }

    [Fact]
    public void Read_on_an_empty_queue_is_EAGAIN_and_a_readiness_notification_follows_when_a_packet_arrives()
    {
        var host = NewHost();
        var file = Open(host);
        var a = Attach(file, "tun0", TunNoPi);
        Assert.Equal(Errno.EAGAIN, ExpectErrno(file, Read.Instance));
        Assert.Equal(Errno.EAGAIN, ExpectErrno(file, new ReadBatch(4)));

        var poller = CreateTestProbe();
        file.Tell(new SubscribeReadable(poller), TestActor);
        ExpectMsg<Subscribed>(s => s.Active);
        poller.ExpectNoMsg(TimeSpan.FromMilliseconds(50));

        SendOut(host, a.NicId, EtherType.IPv4, Ipv4(marker: 1));
        poller.ExpectMsg<Readable>(r => r.NicName == "tun0");
        Assert.Equal(1, ReadOne(file).Frame.Span[20]);
        Assert.Equal(Errno.EAGAIN, ExpectErrno(file, Read.Instance));

        // Edge-triggered: one notification per empty -> non-empty transition.
        SendOut(host, a.NicId, EtherType.IPv4, Ipv4(marker: 2));
        SendOut(host, a.NicId, EtherType.IPv4, Ipv4(marker: 3));
        poller.ExpectMsg<Readable>();
        poller.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        // Subscribing while frames wait notifies at once (level check at registration).
        var late = CreateTestProbe();
        file.Tell(new SubscribeReadable(late), TestActor);
        ExpectMsg<Subscribed>();
        late.ExpectMsg<Readable>();

        file.Tell(new UnsubscribeReadable(poller), TestActor);
        ExpectMsg<Subscribed>(s => !s.Active);
        file.Tell(new ReadBatch(10), TestActor);
        Assert.Equal(2, ExpectMsg<PacketBatch>().Frames.Count);
        SendOut(host, a.NicId, EtherType.IPv4, Ipv4(marker: 4));
        late.ExpectMsg<Readable>();
        poller.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Subscribing_before_attach_takes_effect_once_attached()
    {
        var host = NewHost();
        var file = Open(host);
        var poller = CreateTestProbe();
        file.Tell(new SubscribeReadable(poller), TestActor);
        ExpectMsg<Subscribed>();
        var a = Attach(file, "tun0", TunNoPi);
        SendOut(host, a.NicId, EtherType.IPv4, Ipv4());
        poller.ExpectMsg<Readable>();
    }

    [Fact]
    public void A_full_outbound_queue_drops_the_new_packet_and_counts_it()
    {
        var host = NewHost();
        var file = Open(host);
        var a = Attach(file, "tun0", TunNoPi);
        for (var i = 0; i < 1030; i++) SendOut(host, a.NicId, EtherType.IPv4, Ipv4(marker: (byte)i));
        AwaitAssert(() => Assert.Equal(6, Counters(host, "tun0").TxDropped));
        var read = 0;
        while (true)
        {
            file.Tell(new ReadBatch(100), TestActor);
            var reply = ExpectMsg<object>();
            if (reply is OperationFailed { Errno: Errno.EAGAIN }) break;
            var batch = Assert.IsType<PacketBatch>(reply);
            foreach (var f in batch.Frames) Assert.Equal((byte)read++, f.Span[20]); // FIFO: the first 1024 survive
        }
        Assert.Equal(1024, read);
        var c = Counters(host, "tun0");
        Assert.Equal(1024, c.TxPackets);
        Assert.Equal(6, c.TxDropped);
        Assert.Equal(6, c.DropReasons["queue-full"]);
        Assert.Equal(0, c.Queued);
    }

    [Fact]
    public void Close_drops_the_reference_and_the_last_close_of_a_persistent_NIC_drains_and_counts_its_queue()
    {
        var host = NewHost();
        var file = Open(host);
        var a = Attach(file, "tun0", TunNoPi);
        file.Tell(new SetPersist(true), TestActor);
        ExpectMsg<PersistSet>(p => p.Persist);
        SendOut(host, a.NicId, EtherType.IPv4, Ipv4());
        SendOut(host, a.NicId, EtherType.IPv4, Ipv4());
        AwaitAssert(() => Assert.Equal(2, Counters(host, "tun0").Queued));
        Watch(file);
        file.Tell(Close.Instance, TestActor);
        ExpectMsg<Closed>();
        ExpectTerminated(file);
        AwaitAssert(() =>
        {
            var c = Counters(host, "tun0");
            Assert.Equal(0, c.Queued);
            Assert.Equal(2, c.TxDropped);
            Assert.Equal(2, c.DropReasons["closed"]);
            Assert.Equal(0, Lookup(host, "tun0").AttachedFiles);
        });
    }

    [Fact]
    public void GetInfo_reports_name_and_flags_with_NOFILTER()
    {
        var host = NewHost();
        var file = Open(host);
        file.Tell(GetInfo.Instance, TestActor);
        ExpectMsg(new DeviceInfo("", TunFlags.NoFilter));
        Attach(file, "tap3", TunFlags.Tap | TunFlags.OneQueue);
        file.Tell(GetInfo.Instance, TestActor);
        var info = ExpectMsg<DeviceInfo>();
        Assert.Equal("tap3", info.Name);
        Assert.Equal((ushort)(0x0002 | 0x1000), (ushort)info.Flags);
        file.Tell(new SetPersist(true), TestActor);
        ExpectMsg<PersistSet>();
        file.Tell(GetInfo.Instance, TestActor);
        Assert.Equal((ushort)(0x0002 | 0x1000 | 0x0800), (ushort)ExpectMsg<DeviceInfo>().Flags); // IFF_PERSIST, as Linux reports
        file.Tell(new SetPersist(false), TestActor);
        ExpectMsg<PersistSet>();
        file.Tell(GetInfo.Instance, TestActor);
        Assert.Equal((ushort)(0x0002 | 0x1000), (ushort)ExpectMsg<DeviceInfo>().Flags);
    }

    [Fact]
    public void GetInfo_on_a_NIC_made_by_CreateNic_reports_IFF_PERSIST()
    {
        var host = NewHost();
        host.Tell(new CreateNic("tun7", IsTap: false), TestActor);
        ExpectMsg<NicInfo>();
        var file = Open(host);
        Attach(file, "tun7", TunNoPi);
        file.Tell(GetInfo.Instance, TestActor);
        Assert.Equal(TunFlags.Tun | TunFlags.NoPacketInfo | TunFlags.Persist, ExpectMsg<DeviceInfo>(i => i.Name == "tun7").Flags);
    }

    [Fact]
    public void Requests_sent_while_attaching_wait_for_the_attach()
    {
        var host = NewHost();
        var file = Open(host);
        file.Tell(new Attach("tun0", TunNoPi), TestActor);
        file.Tell(new Write(Ipv4()), TestActor);
        ExpectMsg<Attached>();
        ExpectMsg<Written>();
    }

    [Fact]
    public void Write_batches_stop_at_the_first_error_and_read_batches_return_queue_order()
    {
        var host = NewHost();
        var file = Open(host);
        var a = Attach(file, "tun0", TunNoPi);
        file.Tell(new WriteBatch([Ipv4(), Ipv4(), new byte[1501], Ipv4()]), TestActor);
        var w = ExpectMsg<BatchWritten>();
        Assert.Equal(2, w.Frames);
        Assert.Equal(56, w.Bytes);
        Assert.Equal(Errno.EMSGSIZE, w.Error);
        Assert.Equal(Errno.EMSGSIZE, ExpectErrno(file, new WriteBatch([new byte[1501]])));
        AwaitAssert(() => Assert.Equal(2, Counters(host, "tun0").RxPackets));

        for (byte i = 0; i < 5; i++) SendOut(host, a.NicId, EtherType.IPv4, Ipv4(marker: i));
        AwaitAssert(() => Assert.Equal(5, Counters(host, "tun0").Queued));
        file.Tell(new ReadBatch(3), TestActor);
        Assert.Equal([0, 1, 2], ExpectMsg<PacketBatch>().Frames.Select(f => (int)f.Span[20]));
        file.Tell(new ReadBatch(3), TestActor);
        Assert.Equal([3, 4], ExpectMsg<PacketBatch>().Frames.Select(f => (int)f.Span[20]));
        Assert.Equal(Errno.EINVAL, ExpectErrno(file, new ReadBatch(0)));
    }
}
