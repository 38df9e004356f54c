using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text;
using NetSim.Scenario;
using NetSim.Scenario.Partitioning;
using NetSim.Scenario.Reports;
using NetSim.Scenario.Running;

namespace NetSim.Distributed.Tests;

/// <summary>
/// A partition engine for transport tests: host i of the scenario runs in partition i mod N; in every window each
/// partition sends <see cref="FramesPerLink"/> numbered frames on every cut link end it owns, due one link delay
/// later, and checks that what arrives is exactly what the other ends sent in the previous window, in order. Its part
/// is a text line per partition: windows run, frames received, and every problem seen.
/// </summary>
internal sealed class NumberedFramesEngine : IPartitionEngine
{
    public int FramesPerLink { get; init; } = 3;

    /// <summary>Bytes per frame (large values make the transport chunk).</summary>
    public int FrameSize { get; init; } = 64;

    /// <summary>Called before partition p runs window w (1-based); tests stop or kill things here.</summary>
    public Action<int, int>? BeforeWindow { get; init; }

    /// <summary>What each Merge got (tests read it).</summary>
    public ConcurrentQueue<(IReadOnlyList<byte[]?> Parts, string? Failure)> Merged { get; } = new();

    public PartitionPlanResult Plan(Scenario.Scenario scenario, int partitions)
    {
        var hosts = scenario.Hosts.Select((h, i) => (h.Name, Partition: i % partitions)).ToDictionary(h => h.Name, h => h.Partition);
        var cut = scenario.Links.Where(l => hosts[l.A.Host] != hosts[l.B.Host]).ToList();
        var lookahead = cut.Count == 0 ? TimeSpan.MaxValue : cut.Min(l => l.Properties.Delay);
        return new(new PartitionPlan(partitions, hosts, new Dictionary<string, int>(), [.. cut.Select(l => l.Name)], lookahead), ImmutableArray<ScenarioError>.Empty);
    }

    public byte[] RunPartition(Scenario.Scenario scenario, PartitionPlan plan, int index, IWindowExchange exchange, RunOptions options)
    {
        var cut = scenario.Links.Where(l => plan.CutLinks.Contains(l.Name)).ToList();
        var problems = new List<string>();
        List<(string Link, int Direction)> expected = [];
        var (windows, received) = (0, 0L);
        var ended = "";
        var step = plan.Lookahead == TimeSpan.MaxValue ? scenario.Duration : plan.Lookahead; // nothing cut: one window
        for (var end = step; end <= scenario.Duration; end += step)
        {
            BeforeWindow?.Invoke(index, windows + 1);
            if (options.Cancellation.IsCancellationRequested) { ended = " cancelled"; break; }
            var outgoing = new List<CrossFrame>();
            var nextExpected = new List<(string, int)>();
            foreach (var l in cut)
            {
                var (a, b) = (plan.HostPartition[l.A.Host], plan.HostPartition[l.B.Host]);
                if (a == index) outgoing.AddRange(Frames(l, 0, index, windows + 1, end));
                if (b == index) outgoing.AddRange(Frames(l, 1, index, windows + 1, end));
                if (b == index) nextExpected.Add((l.Name, 0));
                if (a == index) nextExpected.Add((l.Name, 1));
            }
            IReadOnlyList<CrossFrame> incoming;
            try
            {
                incoming = exchange.Exchange(index, end, outgoing, options.Cancellation);
            }
            catch (PartitionLostException e)
            {
                ended = $" lost {e.Partition}";
                break;
            }
            catch (OperationCanceledException)
            {
                ended = " cancelled";
                break;
            }
            windows++;
            received += incoming.Count;
            // Frames from the window just ended: per link and direction, numbered 0..FramesPerLink-1 in order.
            foreach (var (link, direction) in nextExpected)
            {
                var got = incoming.Where(f => f.Link == link && f.Direction == direction).ToList();
                var want = Enumerable.Range(0, FramesPerLink).Select(i => $"{link}/{direction}/w{windows}/#{i}").ToList();
                var seen = got.Select(f => Encoding.ASCII.GetString(f.Frame).TrimEnd('.')).ToList();
                if (!seen.SequenceEqual(want)) problems.Add($"window {windows} {link}/{direction}: got [{string.Join(",", seen)}]");
                if (got.Any(f => f.ArrivalTicks != (end + scenario.Links.First(x => x.Name == link).Properties.Delay).Ticks)) problems.Add($"window {windows} {link}: wrong arrival");
            }
            if (incoming.Count != nextExpected.Count * FramesPerLink) problems.Add($"window {windows}: {incoming.Count} frames, wanted {nextExpected.Count * FramesPerLink}");
        }
        return Encoding.UTF8.GetBytes($"partition {index}: {windows} windows, {received} frames{ended}{(problems.Count > 0 ? "; " + string.Join("; ", problems.Take(5)) : "")}");
    }

    private IEnumerable<CrossFrame> Frames(LinkSpec link, int direction, int partition, int window, TimeSpan end) =>
        Enumerable.Range(0, FramesPerLink).Select(i =>
        {
            var text = $"{link.Name}/{direction}/w{window}/#{i}";
            var bytes = Encoding.ASCII.GetBytes(text.PadRight(Math.Max(text.Length, FrameSize), '.'));
            return new CrossFrame(link.Name, direction, (end + link.Properties.Delay).Ticks, bytes);
        });

    public RunResult Merge(Scenario.Scenario scenario, PartitionPlan plan, IReadOnlyList<byte[]?> parts, RunOptions options, string? failure)
    {
        Merged.Enqueue((parts, failure));
        var report = new RunReport(Path.GetFileNameWithoutExtension(scenario.SourcePath), scenario.Seed, scenario.TimeMode, scenario.Duration, [], [], [], []) { Interrupted = failure is not null };
        return new RunResult(report, []);
    }

    public static string Text(byte[]? part) => part is null ? "(none)" : Encoding.UTF8.GetString(part);
}
