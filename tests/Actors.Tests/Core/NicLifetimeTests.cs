using Akka.Actor;
using NetSim.Protocol;
using NetSim.Protocol.Device;
using NetSim.Protocol.Stack;
using Xunit;

namespace NetSim.Actors.Tests.Core;

/// <summary>Reference counting of NICs by the files attached to them (DeathWatch in the stack; NetSim's own files also
/// tell the stack as they stop).</summary>
public sealed class NicLifetimeTests : DeviceTestKit
{
    private const TunFlags TunNoPi = TunFlags.Tun | TunFlags.NoPacketInfo;

    [Fact]
    public void Two_files_on_one_NIC_the_NIC_outlives_the_first_and_goes_with_the_second_name_reusable_ID_not()
    {
        var host = NewHost();
        var f1 = Open(host);
        var f2 = Open(host);
        var a = Attach(f1, "tun0", TunNoPi);
        Attach(f2, "tun0", TunNoPi);
        var nic = Lookup(host, "tun0").Nic;
        Watch(nic);
        // The written packet goes up to the stack, which may answer it (real time: whenever it gets to it); an answer
        // that finds the NIC already gone comes back to the writer as FramesLost (nic-gone), counted, not an error here.
        IgnoreMessages<FramesLost>();

        Sys.Stop(f1);
        AwaitAssert(() => Assert.Equal(1, Lookup(host, "tun0").AttachedFiles));
        f2.Tell(new Write(Ipv4()), TestActor); // the NIC still works for the other file
        ExpectMsg<Written>();

        f2.Tell(Close.Instance, TestActor);
        ExpectMsg<Closed>();
        ExpectTerminated(nic);
        host.Tell(new LookupNic("tun0"), TestActor);
        ExpectMsg<OperationFailed>(e => e.Errno == Errno.ENODEV);

        var again = Attach(Open(host), "tun0", TunNoPi);
        Assert.Equal("tun0", again.Name);
        Assert.True(again.NicId > a.NicId, $"ID {again.NicId} reused (was {a.NicId})");
    }

    [Fact]
    public void Frames_that_reach_a_stopped_NIC_come_back_to_their_writer_as_lost_not_silently_dead()
    {
        var host = NewHost();
        var file = Open(host);
        Attach(file, "tun0", TunNoPi);
        var nic = Lookup(host, "tun0").Nic;
        Watch(nic);
        host.Tell(new RemoveNic("tun0"), TestActor);
        // The reply and the NIC's termination come from different actors, so in either order.
        var removal = ReceiveN(2);
        Assert.Single(removal.OfType<NicRemoved>());
        Assert.Contains(removal.OfType<Terminated>(), t => t.ActorRef.Equals(nic));
        // What a file sends on a writer's behalf after the NIC stopped (the file had not heard of the removal yet).
        nic.Tell(new NetSim.Protocol.Nic.NicInbound(0x0800, Ipv4()), TestActor);
        nic.Tell(new NetSim.Protocol.Nic.NicInboundBatch([new(0x0800, Ipv4()), new(0x0800, Ipv4())]), TestActor);
        ExpectMsg<FramesLost>(m => m.Frames == 1 && m.Reason == "nic-gone");
        ExpectMsg<FramesLost>(m => m.Frames == 2 && m.Reason == "nic-gone");
        // A write sent to a file that has closed.
        var closed = Open(host);
        Watch(closed);
        closed.Tell(Close.Instance, TestActor);
        ExpectMsg<Closed>();
        ExpectTerminated(closed);
        closed.Tell(new Write(Ipv4()), TestActor);
        ExpectMsg<FramesLost>(m => m.Frames == 1 && m.Reason == "file-closed");
    }

    [Fact]
    public void A_crashing_file_counts_as_closed()
    {
        var host = NewHost();
        var file = Open(host);
        Attach(file, "tap0", TunFlags.Tap);
        var nic = Lookup(host, "tap0").Nic;
        Watch(nic);
        Watch(file);
        file.Tell(Kill.Instance); // ActorKilledException: the guardian stops it (netsim.conf: StoppingSupervisorStrategy)
        // Both terminate; the notifications come from different actors, so in either order.
        var both = ReceiveN(2).Cast<Terminated>().Select(t => t.ActorRef).ToList();
        Assert.Contains(file, both);
        Assert.Contains(nic, both);
        host.Tell(new LookupNic("tap0"), TestActor);
        ExpectMsg<OperationFailed>(e => e.Errno == Errno.ENODEV);
    }

    [Fact]
    public void A_file_restarted_after_a_failure_starts_unattached_and_the_failed_one_s_reference_goes()
    {
        var host = NewHost();
        var parent = Sys.ActorOf(Props.Create(() => new RestartingParent(Device.DeviceActor.Props(host, true, false, false))));
        parent.Tell("file", TestActor);
        var file = ExpectMsg<IActorRef>();
        Attach(file, "tun0", TunNoPi);
        var nic = Lookup(host, "tun0").Nic;
        Watch(nic);
        file.Tell(new WriteBatch(null!), TestActor); // throws in the file: its parent's default strategy restarts it
        ExpectTerminated(nic); // its only reference went with the failed file: a NIC without persist goes
        Assert.Equal(Errno.EBADFD, ExpectErrno(file, Read.Instance)); // the restarted file is unattached
    }

    [Fact]
    public void Any_actor_that_attached_drops_its_reference_when_it_stops_without_saying_so()
    {
        // The stack's DeathWatch, not the file's good manners: an attacher that is not a DeviceActor (a user's own
        // file actor, a probe, an actor on a node that died) never sends DetachFile.
        var host = NewHost();
        var attacher = CreateTestProbe();
        host.Tell(new AttachFile("tun0", TunNoPi), attacher.Ref);
        attacher.ExpectMsg<FileAttached>();
        var nic = Lookup(host, "tun0").Nic;
        Watch(nic);
        Assert.Equal(1, Lookup(host, "tun0").AttachedFiles);

        Sys.Stop(attacher.Ref);
        ExpectTerminated(nic);
        host.Tell(new LookupNic("tun0"), TestActor);
        ExpectMsg<OperationFailed>(e => e.Errno == Errno.ENODEV);
    }

    /// <summary>A parent that restarts its failing child (Akka's default strategy), as a port does.</summary>
    private sealed class RestartingParent : ReceiveActor
    {
        public RestartingParent(Props child)
        {
            var file = Context.ActorOf(child, "file");
            Receive<string>(_ => Sender.Tell(file));
        }
    }

    [Fact]
    public void A_crashing_NIC_is_removed_its_name_freed_and_its_files_get_EIO()
    {
        var host = NewHost();
        var file = Open(host);
        Attach(file, "tun0", TunNoPi);
        var nic = Lookup(host, "tun0").Nic;
        Watch(nic);
        nic.Tell(Kill.Instance); // the stack's supervisor strategy stops a failing NIC
        ExpectTerminated(nic);
        AwaitAssert(() =>
        {
            host.Tell(new LookupNic("tun0"), TestActor);
            ExpectMsg<OperationFailed>(e => e.Errno == Errno.ENODEV);
        });
        AwaitAssert(() => Assert.Equal(Errno.EIO, ExpectErrno(file, new Write(Ipv4()))));
    }

    [Fact]
    public void A_persistent_NIC_outlives_its_files_and_goes_when_persist_is_turned_off()
    {
        var host = NewHost();
        var f1 = Open(host);
        var a = Attach(f1, "tun0", TunNoPi);
        f1.Tell(new SetPersist(true), TestActor);
        ExpectMsg(new PersistSet(true));
        var nic = Lookup(host, "tun0").Nic;
        Watch(nic);
        f1.Tell(Close.Instance, TestActor);
        ExpectMsg<Closed>();
        AwaitAssert(() => Assert.Equal(0, Lookup(host, "tun0").AttachedFiles));
        Assert.True(Lookup(host, "tun0").Persistent);

        var f2 = Open(host);
        Assert.Equal(a.NicId, Attach(f2, "tun0", TunNoPi).NicId); // rejoins the same NIC
        f2.Tell(new SetPersist(false), TestActor);
        ExpectMsg(new PersistSet(false));
        ExpectNoMsg(TimeSpan.FromMilliseconds(50));
        f2.Tell(Close.Instance, TestActor);
        ExpectMsg<Closed>();
        ExpectTerminated(nic);
    }

    [Fact]
    public void A_NIC_created_by_the_stack_is_persistent_and_files_join_it()
    {
        var host = NewHost();
        host.Tell(new CreateNic("tap7", IsTap: true, Mtu: 9000, Mac: Protocol.Wire.MacAddress.Parse("02:00:00:00:00:07")), TestActor);
        var info = ExpectMsg<NicInfo>();
        Assert.True(info.Persistent);
        var a = Attach(Open(host), "tap7", TunFlags.Tap);
        Assert.Equal(9000, a.Mtu);
        Assert.Equal("02:00:00:00:00:07", a.Mac.ToString());
        host.Tell(new CreateNic("tap7", true), TestActor);
        ExpectMsg<OperationFailed>(e => e.Errno == Errno.EEXIST);
    }

    [Fact]
    public void TAP_NICs_get_unique_locally_administered_MACs()
    {
        var host = NewHost();
        var macs = Enumerable.Range(0, 20).Select(_ => Attach(Open(host), "", TunFlags.Tap).Mac).ToList();
        Assert.All(macs, m => Assert.True(m.IsLocallyAdministered && !m.IsMulticast, m.ToString()));
        Assert.Equal(macs.Count, macs.Distinct().Count());
    }

    [Fact]
    public void Stack_lists_and_finds_NICs_by_name_and_ID()
    {
        var host = NewHost();
        var a = Attach(Open(host), "", TunFlags.Tun);
        host.Tell(new LookupNicById(a.NicId), TestActor);
        Assert.Equal(a.Name, ExpectMsg<NicInfo>().Name);
        host.Tell(new LookupNicById(999), TestActor);
        ExpectMsg<OperationFailed>(e => e.Errno == Errno.ENODEV);
        host.Tell(ListNics.Instance, TestActor);
        Assert.Equal(["lo", a.Name], ExpectMsg<NicList>().Nics.Select(n => n.Name));
        host.Tell(new RemoveNic("nope"), TestActor);
        ExpectMsg<OperationFailed>(e => e.Errno == Errno.ENODEV);
    }

    [Fact]
    public void NIC_watchers_hear_of_removals()
    {
        var host = NewHost();
        var file = Open(host);
        var a = Attach(file, "tun0", TunNoPi);
        host.Tell(new WatchNics(TestActor), TestActor);
        ExpectMsg<NicList>();
        file.Tell(Close.Instance, TestActor);
        ExpectMsg<Closed>();
        ExpectMsg(new NicRemoved(a.NicId, "tun0"));
    }

    [Fact]
    public void A_file_opened_to_tell_its_parent_says_FileStopped_when_it_stops_and_a_plain_file_says_nothing()
    {
        // A link's port owns its file and hears of its end this way instead of watching it (DeathWatch state costs
        // both actors memory); the test actor is the parent of both files here.
        var host = NewHost();
        var plain = ChildActorOf(Device.DeviceActor.Props(host));
        var telling = ChildActorOf(Device.DeviceActor.Props(host, tellParentWhenStopped: true));
        Attach(telling, "tun0", TunNoPi);
        Watch(plain);

        plain.Tell(Close.Instance, TestActor);
        ExpectMsg<Closed>();
        ExpectTerminated(plain); // anything it told its parent when it stopped would have come before this

        telling.Tell(Close.Instance, TestActor);
        ExpectMsg<Closed>();
        ExpectMsg<FileStopped>();
        Assert.Equal(telling, LastSender);
    }
}
