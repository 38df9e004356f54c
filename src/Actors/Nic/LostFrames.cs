using Akka.Actor;
using Akka.Event;
using NetSim.Actors.Time;
using NetSim.Protocol.Device;
using NetSim.Protocol.Links;
using NetSim.Protocol.Nic;

namespace NetSim.Actors.Nic;

/// <summary>
/// Frames that die in a mailbox: a NIC stopped with frames on their way to it (written by a file, or sent by the
/// stack), or a file closed with a write on its way to it. Akka turns such messages into dead letters; this
/// listener (one per actor system, subscribed to <see cref="DeadLetter"/>) gives each back to whoever sent it as
/// <see cref="FramesLost"/>, so the frame is counted as a drop with a reason rather than lost without a trace.
/// Files send frames to their NIC with the writer as the sender for this reason.
/// </summary>
public sealed class LostFrames : IExtension
{
    /// <summary>Reason: the NIC stopped before taking the frames.</summary>
    public const string NicGone = "nic-gone";
    /// <summary>Reason: the file was closed before reading the write.</summary>
    public const string FileClosed = "file-closed";
    /// <summary>Reason: frames a NIC pushed (or a port handed on) found the link or switch gone.</summary>
    public const string ReaderGone = "reader-gone";

    private LostFrames(ExtendedActorSystem system)
    {
        var listener = system.SystemActorOf(Props.Create(() => new Listener()).WithSimDispatcher(), "lost-frames");
        system.EventStream.Subscribe(listener, typeof(DeadLetter));
    }

    /// <summary>Makes sure the system's listener runs (idempotent, cheap after the first call).</summary>
    public static void Ensure(ActorSystem system) => system.WithExtension<LostFrames, Id>();

    /// <summary>The frames a dead-lettered message carried and why it died; 0 for any other message.</summary>
    public static (int Frames, string Reason) Classify(object message) => message switch
    {
        NicInbound => (1, NicGone),
        NicWrite => (1, NicGone),
        NicInboundBatch b => (b.Frames.Count, NicGone),
        NicTransmit => (1, NicGone),
        NicTransmitBatch b => (b.Frames.Count, NicGone),
        Write => (1, FileClosed),
        WriteBatch b => (b.Frames.Count, FileClosed),
        PortFrames b => (b.Count, ReaderGone),
        _ => (0, ""),
    };

    /// <summary>The bytes of the frames a pushed <see cref="PortFrames"/> held (a NIC takes them back out of TX).</summary>
    private static long Bytes(object message)
    {
        if (message is not PortFrames p) return 0;
        long bytes = 0;
        for (var i = 0; i < p.Count; i++) bytes += p[i].Length;
        return bytes;
    }

    private sealed class Listener : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            if (message is not DeadLetter d) return;
            var (frames, reason) = Classify(d.Message);
            if (frames > 0 && d.Sender is { } sender && !sender.IsNobody()) sender.Tell(new FramesLost(frames, reason, Bytes(d.Message)), ActorRefs.NoSender);
        }
    }

    /// <summary>The extension's ID.</summary>
    public sealed class Id : ExtensionIdProvider<LostFrames>
    {
        /// <inheritdoc />
        public override LostFrames CreateExtension(ExtendedActorSystem system) => new(system);
    }
}
