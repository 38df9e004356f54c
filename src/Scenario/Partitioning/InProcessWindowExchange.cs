using NetSim.Scenario.Running;

namespace NetSim.Scenario.Partitioning;

/// <summary>
/// The window exchange of partitions that run as threads of one process (each with its own virtual-time actor
/// system): a barrier per window. Each partition posts the frames it sent; once all have posted, each takes those
/// addressed to the links it simulates, in partition order and, within a partition, in the order they were sent.
/// Posts alternate between two sets of slots by window, so one barrier suffices: a partition posts window k+1 only
/// after every partition reached the barrier of window k, by which time all have read window k-1 from that set.
/// </summary>
public sealed class InProcessWindowExchange : IWindowExchange
{
    private readonly Dictionary<string, (int A, int B)> _endsOfCutLinks;
    private readonly Barrier _posted;
    private readonly IReadOnlyList<CrossFrame>[][] _outgoing;
    private readonly long[] _window; // per partition: windows it exchanged

    /// <summary>An exchange for the partitions of <paramref name="plan"/> of <paramref name="scenario"/>.</summary>
    public InProcessWindowExchange(Scenario scenario, PartitionPlan plan)
    {
        var cut = plan.CutLinks.ToHashSet(StringComparer.Ordinal);
        _endsOfCutLinks = scenario.Links.Where(l => cut.Contains(l.Name))
            .ToDictionary(l => l.Name, l => (plan.HostPartition[l.A.Host], plan.HostPartition[l.B.Host]), StringComparer.Ordinal);
        _posted = new Barrier(plan.Count);
        _outgoing = [new IReadOnlyList<CrossFrame>[plan.Count], new IReadOnlyList<CrossFrame>[plan.Count]];
        _window = new long[plan.Count];
    }

    /// <summary>Windows completed (by every partition).</summary>
    public long Windows { get; private set; }

    /// <summary>Frames that crossed, over all windows.</summary>
    public long FramesCrossed { get; private set; }

    /// <inheritdoc />
    public IReadOnlyList<CrossFrame> Exchange(int partition, TimeSpan windowEnd, IReadOnlyList<CrossFrame> outgoing, CancellationToken cancellation)
    {
        var posts = _outgoing[_window[partition]++ % 2];
        posts[partition] = outgoing;
        _posted.SignalAndWait(cancellation);
        var incoming = new List<CrossFrame>();
        for (var p = 0; p < posts.Length; p++)
        {
            if (p == partition) continue;
            foreach (var f in posts[p])
            {
                var (a, b) = _endsOfCutLinks[f.Link];
                if ((f.Direction == 0 ? b : a) == partition) incoming.Add(f);
            }
        }
        if (partition == 0)
        {
            Windows++;
            FramesCrossed += posts.Sum(o => o.Count);
        }
        return incoming;
    }

    /// <summary>
    /// Runs <paramref name="scenario"/> as <paramref name="partitions"/> partitions on threads of this process and
    /// writes the merged results (what <c>netsim run FILE --partitions N</c> does).
    /// </summary>
    /// <exception cref="ScenarioPlanException">The scenario cannot be split that way (file, line and key of each problem).</exception>
    public static RunResult Run(Scenario scenario, int partitions, RunOptions options)
    {
        var engine = new PartitionEngine();
        var planned = engine.Plan(scenario, partitions);
        if (planned.Plan is not { } plan) throw new ScenarioPlanException(planned.Errors);
        var exchange = new InProcessWindowExchange(scenario, plan);
        var parts = new byte[]?[plan.Count];
        var failures = new Exception?[plan.Count];
        // One linked token: a partition that fails cancels the others' barriers instead of leaving them waiting.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(options.Cancellation);
        var threads = Enumerable.Range(0, plan.Count).Select(i => new Thread(() =>
        {
            try
            {
                parts[i] = engine.RunPartition(scenario, plan, i, exchange, (options with { Cancellation = stop.Token, Progress = i == 0 ? options.Progress : null }));
            }
            catch (Exception e)
            {
                failures[i] = e;
                stop.Cancel();
            }
        }) { Name = $"partition-{i + 1}", IsBackground = true }).ToList();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        if (failures.FirstOrDefault(f => f is not null) is { } failure)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        return engine.Merge(scenario, plan, parts, options, null);
    }
}

/// <summary>A scenario that cannot be split over the partitions asked for; <see cref="Errors"/> say where and why.</summary>
public sealed class ScenarioPlanException(System.Collections.Immutable.ImmutableArray<ScenarioError> errors)
    : Exception(string.Join(Environment.NewLine, errors))
{
    /// <summary>The problems, each with file, line and key.</summary>
    public System.Collections.Immutable.ImmutableArray<ScenarioError> Errors { get; } = errors;
}
