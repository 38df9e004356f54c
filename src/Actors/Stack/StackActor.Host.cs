using Akka.Actor;
using NetSim.Network;
using NetSim.Protocol;
using NetSim.Protocol.Nic;
using NetSim.Protocol.Stack;
using NetSim.Protocol.Wire;

namespace NetSim.Actors.Stack;

// The host half of the StackActor: frames from NICs go through the HostStack (IP, ARP/NDP, ICMP, UDP,
// forwarding), what it transmits goes to the NICs' queues, and applications use it through UDP and ping messages.
public sealed partial class StackActor
{
    private Dictionary<ushort, IActorRef>? _udpReceivers; // made on the first UDP bind: most hosts never bind
    private readonly Dictionary<ushort, IActorRef> _echoReceivers = [];
    private TimeSpan? _timerArmedFor;
    // While a batch is processed, transmissions are gathered per NIC and sent as one NicTransmitBatch each.
    private Dictionary<int, List<ProtocolFrame>>? _pendingTransmits;

    /// <summary>The HostStack's timers (ARP retries, neighbour expiry, reassembly) come due.</summary>
    private sealed class HostTimer
    {
        public static readonly HostTimer Instance = new();
    }

    private bool OnHostMessage(object message)
    {
        switch (message)
        {
            case InboundFrame m:
                _host.Receive(m.NicId, m.Protocol, m.Frame.Span, Now);
                Tap(m);
                return true;
            case InboundFrameBatch m:
                _pendingTransmits = [];
                var now = Now;
                foreach (var f in m.Frames) _host.Receive(m.NicId, f.Protocol, f.Frame.Span, now);
                FlushTransmits();
                if (_inboundSubscribers.Count > 0)
                    foreach (var f in m.Frames) Tap(new InboundFrame(m.NicId, f.Protocol, f.Frame));
                return true;
            case HostTimer:
                _timerArmedFor = null;
                _host.OnTimer(Now);
                return true;
            case AddAddress m:
                ReplyConfigured(NicIdOf(m.Nic) is { } id ? _host.AddAddress(id, m.Address, m.PrefixLength) : Errno.ENODEV,
                    "add-address", $"{m.Address}/{m.PrefixLength} dev {m.Nic}");
                return true;
            case AddRoute m:
                int? nicId = null;
                if (m.Nic is not null)
                {
                    nicId = NicIdOf(m.Nic);
                    if (nicId is null) { ReplyConfigured(Errno.ENODEV, "add-route", $"no NIC '{m.Nic}'"); return true; }
                }
                ReplyConfigured(_host.AddRoute(m.Prefix, m.PrefixLength, m.Gateway, nicId), "add-route",
                    $"{m.Prefix}/{m.PrefixLength}{(m.Gateway is { } g ? " via " + g : "")}{(m.Nic is { } n ? " dev " + n : "")}");
                return true;
            case SetForwarding m:
                _host.Forwarding = m.Forwarding;
                Sender.Tell(new HostConfigured($"forwarding {(m.Forwarding ? "on" : "off")}"));
                return true;
            case UdpBind m:
                var bindError = _host.Bind(m.Port, out var bound);
                if (bindError != Errno.None) { Sender.Tell(new OperationFailed(bindError, "udp-bind", $"port {m.Port}")); return true; }
                (_udpReceivers ??= [])[bound] = m.Receiver;
                Sender.Tell(new UdpBound(bound));
                return true;
            case UdpUnbind m:
                _host.Unbind(m.Port);
                _udpReceivers?.Remove(m.Port);
                Sender.Tell(new UdpBound(m.Port));
                return true;
            case UdpSend m:
                OnUdpSend(m);
                return true;
            case SendEcho m:
                _echoReceivers[m.Identifier] = m.ReplyTo;
                var echoError = _host.SendEchoRequest(m.Destination, m.Identifier, m.Sequence, m.PayloadSize, Now, m.Ttl);
                if (echoError != Errno.None) m.ReplyTo.Tell(new EchoSendFailed(m.Identifier, m.Sequence, echoError));
                return true;
            case GetHostCounters:
                var counters = _host.Counters.ToDictionary();
                foreach (var (reason, count) in _drops.Snapshot()) counters["stack." + reason] = count;
                foreach (var (name, count) in _host.TcpCounters.Named()) counters[name] = count;
                Sender.Tell(new HostCounterSnapshot(_hostName, counters));
                return true;
            default:
                return false;
        }
    }

    private void OnUdpSend(UdpSend m)
    {
        var sendError = _host.SendUdp(m.SourcePort, m.Destination, m.DestinationPort, m.Payload.Span, Now);
        if (!Sender.IsNobody())
        {
            // sendto(2) returns at once with the bytes sent or the errno; later failures go to the port's receiver.
            Sender.Tell(sendError == Errno.None
                ? new UdpSent(m.SourcePort, m.Payload.Length)
                : new OperationFailed(sendError, "udp-send", $"port {m.SourcePort} to {m.Destination}:{m.DestinationPort}"));
        }
        else if (sendError != Errno.None)
        {
            // Nobody asked: the port's receiver hears it, as it hears the failures found later; else it is counted.
            if (_udpReceivers is not null && _udpReceivers.TryGetValue(m.SourcePort, out var receiver)) receiver.Tell(new UdpSendFailed(m.SourcePort, m.Destination, sendError));
            else CountDrop("udp-send-failed-unbound:" + sendError);
        }
    }

    private int? NicIdOf(string name) => _registry.ByName(name) is { IsTunTap: true } e ? e.Id : null;

    private void ReplyConfigured(Errno errno, string operation, string what)
    {
        if (errno == Errno.None) Sender.Tell(new HostConfigured(what));
        else Sender.Tell(new OperationFailed(errno, operation, what));
    }

    private void Tap(InboundFrame frame)
    {
        foreach (var s in _inboundSubscribers) s.Tell(frame);
    }

    /// <summary>
    /// Keeps one timer armed no later than the HostStack's next deadline. A deadline that moves later (TCP pushes its
    /// retransmission timer back on every ACK) keeps the armed timer: when it fires early, OnTimer finds nothing due
    /// and the timer is armed again for the real deadline. So a busy connection re-arms about once per RTO, not per segment.
    /// </summary>
    private void ArmTimer()
    {
        var next = _host.NextDeadline;
        if (next == _timerArmedFor) return;
        if (next is { } n && _timerArmedFor is { } armed && armed <= n && armed >= Now) return;
        _timerArmedFor = next;
        if (next is null) { Timers.Cancel(HostTimerKey); return; }
        var delay = next.Value - Now;
        Timers.StartSingleTimer(HostTimerKey, HostTimer.Instance, delay > TimeSpan.Zero ? delay : TimeSpan.Zero);
    }

    private void Transmit(int nicId, ushort protocol, ReadOnlySpan<byte> frame)
    {
        var entry = _registry.ById(nicId);
        if (entry is null || !entry.IsTunTap) { CountDrop("no-such-nic"); return; }
        // The HostStack's span is only valid during the call: copy it once, into a buffer with room for a PI header.
        var buffer = PacketInfoHeader.AllocateWithHeadroom(frame.Length);
        frame.CopyTo(buffer.Span);
        if (_pendingTransmits is not null)
        {
            if (!_pendingTransmits.TryGetValue(nicId, out var list)) _pendingTransmits[nicId] = list = [];
            list.Add(new ProtocolFrame(protocol, buffer));
            return;
        }
        entry.Nic.Tell(new NicTransmit(protocol, buffer));
    }

    private void FlushTransmits()
    {
        var pending = _pendingTransmits!;
        _pendingTransmits = null;
        foreach (var (nicId, frames) in pending)
        {
            var entry = _registry.ById(nicId)!;
            if (frames.Count == 1) entry.Nic.Tell(new NicTransmit(frames[0].Protocol, frames[0].Frame));
            else entry.Nic.Tell(new NicTransmitBatch(frames));
        }
    }

    /// <summary>The HostStack's callbacks, turned into messages.</summary>
    private sealed class HostEvents(StackActor stack) : IHostStackEvents
    {
        public void Transmit(int nicId, ushort protocol, ReadOnlySpan<byte> frame) => stack.Transmit(nicId, protocol, frame);

        public void UdpReceived(ushort localPort, IpAddress source, ushort sourcePort, ReadOnlySpan<byte> payload)
        {
            if (stack._udpReceivers is not null && stack._udpReceivers.TryGetValue(localPort, out var receiver))
                receiver.Tell(new UdpDatagram(localPort, source, sourcePort, payload.ToArray()));
        }

        public void UdpSendFailed(ushort localPort, IpAddress destination, Errno error)
        {
            if (stack._udpReceivers is not null && stack._udpReceivers.TryGetValue(localPort, out var receiver))
                receiver.Tell(new Protocol.Stack.UdpSendFailed(localPort, destination, error));
            else
                stack.CountDrop("udp-send-failed-unbound:" + error); // nobody to tell, but never silent
        }

        public void TcpSocketChanged(int socket) => stack.OnTcpSocketChanged(socket);

        public void IcmpReceived(in IcmpMessage message, ReadOnlySpan<byte> data)
        {
            if (stack._echoReceivers.TryGetValue(message.Identifier, out var receiver))
                receiver.Tell(new IcmpEvent(message.Source, message.Type, message.Code, message.IsError, message.Identifier,
                    message.Sequence, message.TimeToLive, message.OriginalDestination));
        }
    }
}
