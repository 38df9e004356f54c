using NetSim.Actors.Time;
using Akka.Actor;
using NetSim.Actors.Nic;
using NetSim.Network;
using NetSim.Protocol;
using NetSim.Protocol.Device;
using NetSim.Protocol.Nic;
using NetSim.Protocol.Stack;
using NetSim.Protocol.Wire;

namespace NetSim.Actors.Stack;

/// <summary>
/// One simulated host's network stack. It owns the host's NICs (it is their parent and supervisor), keeps the
/// registry by name and ID, and counts the files attached to each NIC: it watches every attached file (DeathWatch),
/// so a file that closes, is stopped or crashes drops its reference, and at zero references a NIC without the persist
/// flag is removed and stopped. (NetSim's own files also say <see cref="DetachFile"/> as they stop, which comes first;
/// the watch is what holds for any actor that attached: a user's own, a test probe, one on a node that died.) Frames that enter from a NIC go to the host's protocol handling and to
/// inbound subscribers; the stack can send a frame out of any of its NICs.
/// </summary>
public sealed partial class StackActor : UntypedActor, IWithTimers
{
    private const string HostTimerKey = "host-timer";
    private readonly string _hostName;
    private readonly NetSimSettings _settings;
    private readonly NicRegistry _registry = new();
    private readonly List<IActorRef> _inboundSubscribers = [];
    private readonly List<IActorRef> _nicWatchers = [];
    // Derived from the run's seed by name, so the same host gets the same MACs whatever else exists; taken on the first
    // TAP NIC without a MAC of its own (the stream is the same whenever it is taken), as most hosts never draw one.
    private SimRandom? _macRandom;
    private readonly DropCounter _drops = new();
    private readonly HostStack _host;
    private readonly SimClock _clock;
    private readonly int _nicQueueLength;

    /// <summary>Set by Akka (IWithTimers).</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>A host called <paramref name="hostName"/>; use <see cref="Props"/>.</summary>
    public StackActor(string hostName, HostStackOptions? options)
    {
        _hostName = hostName;
        _settings = NetSimSettings.Get(Context.System);
        var config = Context.System.Settings.Config;
        _nicQueueLength = HostStackConfig.NicQueueLength(config, hostName) ?? _settings.QueueLength;
        _clock = SimClock.For(Context.System);
        LostFrames.Ensure(Context.System); // frames that die in a stopped NIC's mailbox come back as FramesLost
        var stackSeed = (int)SimSeed.For(Context.System).Stream("host/" + hostName + "/stack").NextUInt32();
        options = (options ?? HostStackConfig.Read(config, hostName)) with { Name = hostName, Seed = stackSeed };
        _host = new HostStack(options, new HostEvents(this));
        // The loopback interface: a NIC that is not tun/tap, so attaching to its name is EOPNOTSUPP, as on Linux.
        _registry.Add(new NicEntry(_registry.NextId(), "lo", isTap: false, mtu: 65536, MacAddress.Zero, ActorRefs.Nobody, isTunTap: false)
            { Persistent = true });
    }

    /// <summary>
    /// A host called <paramref name="hostName"/>; its random choices come from the run's seed (netsim.random.seed).
    /// Its stack options are <paramref name="options"/>, or when null those of netsim.stack (and
    /// netsim.stack.hosts.NAME) in the system's config. The options' Name and Seed are always the host's own.
    /// </summary>
    public static Props Props(string hostName, HostStackOptions? options = null) =>
        SimDispatcher.Props<StackActor>(hostName, options);

    // A NIC that throws is stopped, not restarted: its files see it terminate and get EIO, as after `ip link delete`.
    /// <summary>A NIC that throws is stopped, not restarted (see the class remarks).</summary>
    protected override SupervisorStrategy SupervisorStrategy() => Akka.Actor.SupervisorStrategy.StoppingStrategy;

    private TimeSpan Now => _clock.Elapsed;

    /// <inheritdoc />
    protected override void OnReceive(object message)
    {
        if (!OnHostMessage(message) && !OnTcpMessage(message)) OnRegistryMessage(message);
        RetryChangedTcpSockets();
        ArmTimer();
    }

    private void OnRegistryMessage(object message)
    {
        switch (message)
        {
            case SendFrame m: OnSendFrame(m); break;
            case AttachFile m: OnAttachFile(m); break;
            case DetachFile: Detach(Sender); break;
            case Terminated t: OnTerminated(t.ActorRef); break;
            case NicStopped m: OnNicStopped(m); break;
            case FramesLost m: _drops.Count(m.Reason, m.Frames); break; // sent to a NIC that had stopped
            case SetNicPersist m: OnSetPersist(m); break;
            case GetNicFlags m:
                var nic = _registry.ById(m.NicId);
                Sender.Tell(new DeviceInfo(nic?.Name ?? "", m.FileFlags | (nic is { Persistent: true } ? TunFlags.Persist : TunFlags.None)));
                break;
            case CreateNic m: OnCreateNic(m); break;
            case SetNicMac m: OnSetLink(m.Name, "set-mac", e => LinkLimits.CheckMac(m.Mac, e.IsTap), e => { e.Mac = m.Mac; _host.SetMac(e.Id, m.Mac); }); break;
            case SetNicMtu m: OnSetLink(m.Name, "set-mtu", e => LinkLimits.CheckMtu(m.Mtu, e.IsTap), e => { e.Mtu = m.Mtu; _host.SetMtu(e.Id, m.Mtu); }); break;
            case LookupNic m: Reply(_registry.ByName(m.Name), "lookup", m.Name); break;
            case LookupNicById m: Reply(_registry.ById(m.NicId), "lookup", m.NicId.ToString()); break;
            case ListNics: Sender.Tell(new NicList(_registry.All.Select(e => e.ToInfo()).ToList())); break;
            case RemoveNic m: OnRemoveNic(m); break;
            case CloseFiles m:
                var closing = _registry.ByName(m.Name) is { } e ? _registry.FilesOf(e) : [];
                foreach (var file in closing) file.Tell(Close.Instance, ActorRefs.NoSender);
                Sender.Tell(new FilesClosed(m.Name, closing.Count));
                break;
            case WatchNics m:
                _nicWatchers.Add(m.Subscriber);
                Sender.Tell(new NicList(_registry.All.Select(e => e.ToInfo()).ToList()));
                break;
            case SubscribeInbound m:
                _inboundSubscribers.Add(m.Subscriber);
                Sender.Tell(InboundSubscribed.Instance);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Reply(NicEntry? entry, string operation, string key)
    {
        if (entry is null) Sender.Tell(new OperationFailed(Errno.ENODEV, operation, $"{_hostName} has no NIC '{key}'"));
        else Sender.Tell(entry.ToInfo());
    }


    private void OnSendFrame(SendFrame m)
    {
        var entry = _registry.ById(m.NicId);
        var replyTo = Sender.IsNobody() ? null : Sender; // NoSender: a forwarder that wants no answer
        if (entry is null || !entry.IsTunTap)
        {
            if (replyTo is null) CountDrop("no-such-nic");
            else replyTo.Tell(new OperationFailed(Errno.ENODEV, "send-frame", $"{_hostName} has no tun/tap NIC {m.NicId}"));
            return;
        }
        // Never above the MTU: the packet (the frame without its Ethernet header on a TAP) must fit, as Linux's
        // packet sockets refuse a larger one with EMSGSIZE.
        var packetLength = m.Frame.Length - (entry.IsTap && m.Destination is null ? EthernetHeader.Length : 0);
        if (packetLength > entry.Mtu)
        {
            if (replyTo is null) CountDrop("too-big");
            else replyTo.Tell(new OperationFailed(Errno.EMSGSIZE, "send-frame", $"{packetLength} bytes is above {entry.Name}'s MTU {entry.Mtu}"));
            return;
        }
        var frame = m.Frame;
        if (entry.IsTap && m.Destination is { } dst)
        {
            var buffer = PacketInfoHeader.AllocateWithHeadroom(EthernetHeader.Length + m.Frame.Length);
            EthernetHeader.Emit(buffer.Span, dst, entry.Mac, m.Protocol);
            m.Frame.Span.CopyTo(buffer.Span[EthernetHeader.Length..]);
            frame = buffer;
        }
        // Reply first: the sender hears FrameSent before anything the frame sets off can reach it.
        replyTo?.Tell(new FrameSent(entry.Id));
        entry.Nic.Tell(new NicTransmit(m.Protocol, frame));
    }

    private void OnAttachFile(AttachFile m)
    {
        var file = Sender;
        if (_registry.IsFile(file))
        {
            file.Tell(new OperationFailed(Errno.EINVAL, "attach", "file already attached"));
            return;
        }
        var isTap = m.Flags.IsTap();
        NicEntry? entry = m.Name.Length > 0 ? _registry.ByName(m.Name) : null;
        if (entry is not null)
        {
            if (!entry.IsTunTap) { file.Tell(new OperationFailed(Errno.EOPNOTSUPP, "attach", $"'{m.Name}' is not a tun/tap NIC")); return; }
            if ((m.Flags & TunFlags.TunExclusive) != 0) { file.Tell(new OperationFailed(Errno.EEXIST, "attach", $"'{m.Name}' exists and TUN_EXCL is set")); return; }
            // Linux refuses to join a TUN NIC as TAP or the reverse (tun_set_iff: EINVAL); gVisor does not check.
            if (entry.IsTap != isTap) { file.Tell(new OperationFailed(Errno.EINVAL, "attach", $"'{m.Name}' is a {(entry.IsTap ? "TAP" : "TUN")} NIC")); return; }
        }
        else
        {
            entry = NewNic(m.Name, isTap, null, null, null, persistent: false);
        }
        _registry.AddFile(file, entry);
        Context.Watch(file);
        file.Tell(new FileAttached(entry.ToInfo()));
    }

    private NicEntry NewNic(string name, bool isTap, int? mtu, MacAddress? mac, int? queueLength, bool persistent)
    {
        var id = _registry.NextId();
        if (name.Length == 0) name = (isTap ? "tap" : "tun") + id;
        var macAddress = isTap ? mac ?? (_macRandom ??= SimSeed.For(Context.System).Stream("host/" + _hostName + "/mac")).NextLocalMac() : MacAddress.Zero;
        var info = new NicInfo(id, name, isTap, mtu ?? _settings.Mtu, macAddress, persistent, 0, ActorRefs.Nobody);
        // Not watched: the NIC reports its own stop (NicStopped from PostStop), which costs far less memory.
        var nic = Context.ActorOf(NicActor.Props(info, Self, queueLength ?? _nicQueueLength), "nic-" + id);
        var entry = new NicEntry(id, name, isTap, info.Mtu, macAddress, nic, isTunTap: true) { Persistent = persistent };
        _registry.Add(entry);
        _host.AddInterface(id, name, isTap, macAddress, info.Mtu);
        return entry;
    }

    private void OnCreateNic(CreateNic m)
    {
        if (m.Name.Length > 0 && _registry.ByName(m.Name) is not null)
        {
            Sender.Tell(new OperationFailed(Errno.EEXIST, "create", $"{_hostName} already has a NIC '{m.Name}'"));
            return;
        }
        if (m.QueueLength is < 1)
        {
            Sender.Tell(new OperationFailed(Errno.EINVAL, "create", $"queue length {m.QueueLength} is below 1"));
            return;
        }
        if (m.Mtu is { } mtu && LinkLimits.CheckMtu(mtu, m.IsTap) is var mtuError and not Errno.None)
        {
            Sender.Tell(new OperationFailed(mtuError, "create", $"MTU {mtu} is outside {LinkLimits.MinMtu}..{LinkLimits.MaxMtuFor(m.IsTap)}"));
            return;
        }
        if (m.Mac is { } mac && LinkLimits.CheckMac(mac, m.IsTap) is var macError and not Errno.None)
        {
            Sender.Tell(new OperationFailed(macError, "create", $"MAC {mac} cannot be a {(m.IsTap ? "TAP" : "TUN")} NIC's address"));
            return;
        }
        // `ip tuntap add` makes a persistent NIC: it lives until removed, with or without files.
        Sender.Tell(NewNic(m.Name, m.IsTap, m.Mtu, m.Mac, m.QueueLength, persistent: true).ToInfo());
    }

    /// <summary><c>ip link set</c>: checks the change, applies it to the registry and the host, tells the NIC's files.</summary>
    private void OnSetLink(string name, string operation, Func<NicEntry, Errno> check, Action<NicEntry> apply)
    {
        var entry = _registry.ByName(name);
        if (entry is null) { Sender.Tell(new OperationFailed(Errno.ENODEV, operation, $"{_hostName} has no NIC '{name}'")); return; }
        var errno = entry.IsTunTap ? check(entry) : Errno.EOPNOTSUPP;
        if (errno != Errno.None) { Sender.Tell(new OperationFailed(errno, operation, $"{_hostName}.{name}")); return; }
        apply(entry);
        var info = entry.ToInfo();
        // NIC and files first: a write the requester makes after hearing the reply already meets the new MTU (the NIC
        // checks the writes that ports hand it directly, NicWrite).
        var changed = new NicChanged(info);
        entry.Nic.Tell(changed);
        if (entry.Files > 0)
            foreach (var file in _registry.FilesOf(entry)) file.Tell(changed);
        Sender.Tell(info);
    }

    private void OnSetPersist(SetNicPersist m)
    {
        var entry = _registry.ById(m.NicId);
        if (entry is null) { Sender.Tell(new OperationFailed(Errno.EIO, "set-persist", $"NIC {m.NicId} is gone")); return; }
        entry.Persistent = m.Persist;
        Sender.Tell(new PersistSet(m.Persist));
        if (!entry.Persistent && entry.Files == 0) RemoveEntry(entry);
    }

    private void OnRemoveNic(RemoveNic m)
    {
        var entry = _registry.ByName(m.Name);
        if (entry is null || !entry.IsTunTap)
        {
            Sender.Tell(new OperationFailed(Errno.ENODEV, "remove", $"{_hostName} has no tun/tap NIC '{m.Name}'"));
            return;
        }
        RemoveEntry(entry);
        Sender.Tell(new NicRemoved(entry.Id, entry.Name));
    }

    private void OnNicStopped(NicStopped m)
    {
        // A NIC that stopped on its own (it crashed, or was sent a PoisonPill): forget it, so its name is free again.
        if (_registry.ById(m.NicId) is { } entry && entry.Nic.Equals(Sender)) RemoveEntry(entry);
    }

    private void OnTerminated(IActorRef actor)
    {
        if (_registry.IsFile(actor)) Detach(actor); // a file that died without saying so: same as a close
    }

    private void Detach(IActorRef file)
    {
        var entry = _registry.RemoveFile(file);
        if (entry is null) return; // never attached, or already detached
        Context.Unwatch(file);
        if (_registry.ById(entry.Id) != entry) return; // the NIC was removed while the file held it
        entry.Nic.Tell(new NicFileDetached(file, entry.Files == 0));
        if (entry.Files == 0 && !entry.Persistent) RemoveEntry(entry);
    }

    private void RemoveEntry(NicEntry entry)
    {
        if (_registry.ById(entry.Id) != entry) return;
        _registry.Remove(entry);
        _host.RemoveInterface(entry.Id);
        Context.Stop(entry.Nic);
        var removed = new NicRemoved(entry.Id, entry.Name);
        // Files still attached (an admin removal, a crash) keep their reference bookkeeping until they close, but
        // the NIC is gone: told so, their writes fail with EIO from now on.
        if (entry.Files > 0)
            foreach (var file in _registry.FilesOf(entry)) file.Tell(removed);
        foreach (var w in _nicWatchers) w.Tell(removed);
    }

    private void CountDrop(string reason) => _drops.Count(reason);
}
