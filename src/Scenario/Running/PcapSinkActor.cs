using Akka.Actor;
using NetSim.Actors.Time;
using NetSim.Protocol.Capture;
using NetSim.Scenario.Output;

namespace NetSim.Scenario.Running;

/// <summary>Writes the frames one NIC captures into its pcap file, stamped with simulated time.</summary>
internal sealed class PcapSinkActor : UntypedActor
{
    private readonly PcapWriter _writer;
    private bool _closed;

    /// <summary>Asks the sink to close its file; it answers with itself once the file is complete.</summary>
    public sealed class Finish
    {
        public static readonly Finish Instance = new();
    }

    public PcapSinkActor(PcapWriter writer) => _writer = writer;

    public static Props Props(PcapWriter writer) => Akka.Actor.Props.Create(() => new PcapSinkActor(writer)).WithSimDispatcher();

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case CapturedFrame f when !_closed:
                _writer.WriteFrame(f.Timestamp, f.Frame.Span);
                break;
            case CapturedFrame:
                break;
            case CaptureStarted:
                break;
            case Finish:
                Close();
                Sender.Tell(Finish.Instance);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    protected override void PostStop() => Close();

    private void Close()
    {
        if (_closed) return;
        _closed = true;
        _writer.Dispose();
    }
}
