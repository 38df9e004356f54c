using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using NetSim.Distributed;
using NetSim.Protocol.Distributed;
using NetSim.Scenario;
using NetSim.Scenario.Partitioning;
using NetSim.Scenario.Running;

namespace NetSim.Cli;

/// <summary>Where a distributed run's processes come from: started here (<c>--nodes N</c>) or started elsewhere (<c>--listen HOST:PORT --workers N</c>).</summary>
/// <param name="Processes">Processes of the run, the coordinator's included.</param>
/// <param name="Listen">Where the coordinator listens.</param>
/// <param name="StartLocalWorkers">Whether the coordinator starts the workers itself.</param>
/// <param name="Settings">Timings (--worker-timeout, --failure-timeout).</param>
internal sealed record DistributedArguments(int Processes, NetSim.Distributed.EndPoint Listen, bool StartLocalWorkers, DistributedSettings Settings);

/// <summary>
/// <c>netsim run FILE --nodes N</c>, <c>netsim run FILE --listen HOST:PORT --workers N</c> and <c>netsim worker --join
/// HOST:PORT</c>: a scenario run across processes (src/Distributed; docs/distributed.md). Exit codes as for a local
/// run; a worker lost mid-run, or workers that never joined, end the run with 3 and one line that says who and when.
/// </summary>
internal static class DistributedCommands
{
    /// <summary>The partition engine every process of a run uses.</summary>
    private static IPartitionEngine Engine() => new PartitionEngine();

    /// <summary>The options of <c>netsim run</c> that make it distributed.</summary>
    internal sealed class RunOptionSet
    {
        public Option<int?> Nodes { get; } = new("--nodes") { Description = "Run across N processes on this machine (the coordinator and N-1 workers it starts)." };
        public Option<string?> Listen { get; } = new("--listen") { Description = "HOST:PORT where workers started elsewhere join (with --workers); HOST must be an address they can reach." };
        public Option<int?> Workers { get; } = new("--workers") { Description = "With --listen: how many workers to wait for." };
        public Option<string?> WorkerTimeout { get; } = new("--worker-timeout") { Description = "How long to wait for the workers to join (default 60s); then exit 3." };
        public Option<string?> FailureTimeout { get; } = new("--failure-timeout") { Description = "A process silent this long is lost and ends the run with exit 3 (default 10s)." };

        public void AddTo(Command run)
        {
            run.Options.Add(Nodes);
            run.Options.Add(Listen);
            run.Options.Add(Workers);
            run.Options.Add(WorkerTimeout);
            run.Options.Add(FailureTimeout);
        }

        /// <summary>The distributed arguments of a parsed <c>run</c>: null for a local run; false after a one-line error.</summary>
        /// <param name="r">The parsed command line.</param>
        /// <param name="error">Where the one line goes.</param>
        /// <param name="arguments">The arguments, or null for a run in this process only.</param>
        /// <param name="threadPartitions">Whether <c>--partitions</c> (partitions on threads of one process) was given.</param>
        public bool TryRead(ParseResult r, TextWriter error, out DistributedArguments? arguments, bool threadPartitions)
        {
            arguments = null;
            var (nodes, listen, workers) = (r.GetValue(Nodes), r.GetValue(Listen), r.GetValue(Workers));
            if (nodes is null && listen is null && workers is null)
            {
                if (r.GetValue(WorkerTimeout) is null && r.GetValue(FailureTimeout) is null) return true;
                return Bad(error, "--worker-timeout and --failure-timeout go with --nodes or --listen");
            }
            if (threadPartitions) return Bad(error, "--partitions splits a run over threads of one process; --nodes and --listen over processes: give one of them");
            if (!TryTimings(r.GetValue(WorkerTimeout), r.GetValue(FailureTimeout), error, out var settings)) return false;
            if (nodes is { } n)
            {
                if (listen is not null || workers is not null) return Bad(error, "--nodes starts its own workers; --listen and --workers are for workers started elsewhere");
                if (n is < 1 or > 64) return Bad(error, $"--nodes: {n} is outside 1..64");
                arguments = new(n, new("127.0.0.1", 0), StartLocalWorkers: true, settings);
                return true;
            }
            if (listen is null) return Bad(error, "--workers needs --listen HOST:PORT");
            if (workers is not { } w) return Bad(error, "--listen needs --workers N");
            if (w is < 1 or > 63) return Bad(error, $"--workers: {w} is outside 1..63");
            if (NetSim.Distributed.EndPoint.Parse(listen, allowAnyPort: true, out var problem) is not { } endPoint) return Bad(error, $"--listen: {problem}");
            arguments = new(w + 1, endPoint, StartLocalWorkers: false, settings);
            return true;
        }
    }

    /// <summary><c>netsim worker --join HOST:PORT</c>.</summary>
    public static Command CreateWorker(Option<bool> verbose, RunInterruption? interruption, TextWriter output, TextWriter error)
    {
        var join = new Option<string>("--join") { Description = "The coordinator's HOST:PORT (its --listen).", Required = true };
        var bind = new Option<string?>("--bind") { Description = "HOST or HOST:PORT this worker listens on (default: the address that reaches the coordinator, any free port)." };
        var workerTimeout = new Option<string?>("--worker-timeout") { Description = "How long to wait for a partition from the coordinator (default 60s); then exit 3." };
        var failureTimeout = new Option<string?>("--failure-timeout") { Description = "The coordinator silent this long is lost: the worker exits with 3 (default 10s)." };
        var parentPid = new Option<int?>("--parent-pid") { Description = "(internal) the coordinator's process id, for a worker it started.", Hidden = true };
        var worker = new Command("worker", "Join a coordinator ('netsim run FILE --listen HOST:PORT --workers N') and run the partition it assigns.")
            { join, bind, workerTimeout, failureTimeout, parentPid };
        worker.SetAction(r =>
        {
            if (NetSim.Distributed.EndPoint.Parse(r.GetValue(join)!, allowAnyPort: false, out var problem) is not { } joinAt) return BadArgument(error, $"--join: {problem}");
            if (!TryTimings(r.GetValue(workerTimeout), r.GetValue(failureTimeout), error, out var settings)) return NetSimCommand.BadInput;
            NetSim.Distributed.EndPoint bindAt;
            if (r.GetValue(bind) is { } bindText)
            {
                if ((bindText.Contains(':') && !bindText.EndsWith(']')
                        ? NetSim.Distributed.EndPoint.Parse(bindText, allowAnyPort: true, out problem)
                        : new NetSim.Distributed.EndPoint(bindText.Trim('[', ']'), 0)) is not { } parsed)
                    return BadArgument(error, $"--bind: {problem}");
                bindAt = parsed;
            }
            else bindAt = new(LocalAddressTowards(joinAt), 0);
            return RunWorker(new WorkerRequest(joinAt, bindAt, r.GetValue(parentPid), settings, r.GetValue(verbose)), interruption, output, error);
        });
        return worker;
    }

    private static int RunWorker(WorkerRequest request, RunInterruption? interruption, TextWriter output, TextWriter error)
    {
        if (interruption is not null) interruption.RunInProgress = true; // a signal stops the partition, which tells the coordinator
        try
        {
            var outcome = WorkerRun.Run(Engine(), request, interruption?.Token ?? default, request.Verbose ? line => error.WriteLine($"netsim worker: {line}") : null);
            if (outcome.Completed)
            {
                output.WriteLine($"partition {outcome.Partition}: done");
                return NetSimCommand.Ok;
            }
            if (interruption?.ExitCode is > 0 and var code) return code;
            error.WriteLine($"netsim worker: {outcome.Message}");
            return NetSimCommand.InternalError;
        }
        finally
        {
            if (interruption is not null) interruption.RunInProgress = false;
        }
    }

    /// <summary>Runs a loaded scenario across processes; the report is written as by a local run, and
    /// <paramref name="finish"/> prints the summary and gives the exit code of a finished run.</summary>
    public static int Run(Scenario.Scenario scenario, FileInfo file, IReadOnlyList<string> overrides, int maxFileBytes, RunOptions options,
        DistributedArguments arguments, RunInterruption? interruption, TextWriter output, TextWriter error,
        Func<RunResult, int> finish)
    {
        var engine = Engine();
        // NetSimCommand checked the plan (one line file:line: key on a problem) before the run came here.
        var plan = engine.Plan(scenario, arguments.Processes).Plan ?? throw new InvalidOperationException("a plan that was checked failed");
        var assignment = new PartitionAssignment(0, plan.Count, file.FullName, File.ReadAllText(file.FullName), [.. overrides], scenario.Seed, maxFileBytes);
        var request = new CoordinatorRequest(scenario, plan, assignment, arguments.Listen, options with { Progress = NetSimCommand.ProgressLines(scenario, output) }, arguments.Settings);
        var verbose = options.Verbose;
        using var workers = new LocalWorkers();
        try
        {
            if (interruption is not null) interruption.RunInProgress = true;
            output.WriteLine($"running {Path.GetFileName(scenario.SourcePath)} across {plan.Count} processes: {scenario.Duration.TotalSeconds:0.###} s simulated, seed {scenario.Seed}, {plan.CutLinks.Count} links cut, window {Window(plan.Lookahead)}");
            output.Flush();
            var result = CoordinatorRun.Run(engine, request, (at, coordinator) =>
            {
                if (!arguments.StartLocalWorkers)
                {
                    output.WriteLine($"listening on {at}: waiting for {plan.Count - 1} worker{(plan.Count == 2 ? "" : "s")} ('netsim worker --join {at}')");
                    output.Flush();
                    return;
                }
                string[] workerArguments =
                [
                    "--failure-timeout", Seconds(arguments.Settings.FailureTimeout), "--worker-timeout", Seconds(arguments.Settings.WorkerTimeout),
                    .. verbose ? ["--verbose"] : Array.Empty<string>(),
                ];
                workers.Start(WorkerCommand.For(typeof(NetSimCommand).Assembly.Location), plan.Count - 1, at, workerArguments,
                    exited => coordinator.Tell(exited, Akka.Actor.ActorRefs.NoSender), verbose ? (pid, line) => error.WriteLine($"worker pid {pid}: {line}") : null);
            }, verbose ? line => error.WriteLine($"netsim: {line}") : null, verbose);
            workers.WaitForExit(arguments.Settings.FailureTimeout);
            if (verbose) WriteStatistics(result.Outcome.Statistics, error);
            var code = finish(result.Result);
            if (result.Outcome.Failure is not { } failure) return code;
            error.WriteLine($"netsim: {failure}; the report is partial");
            // A signal that reached the workers too (Ctrl-C goes to the whole process group) makes them report
            // themselves interrupted: the run still ends as the user asked, 130 or 143.
            return interruption?.ExitCode is > 0 and var interrupted ? interrupted : NetSimCommand.InternalError;
        }
        catch (WorkersMissingException e)
        {
            error.WriteLine($"netsim: {e.Message}");
            return NetSimCommand.InternalError;
        }
        catch (OperationCanceledException) when (interruption?.ExitCode is > 0)
        {
            error.WriteLine("netsim: interrupted before the run started");
            return interruption.ExitCode;
        }
        finally
        {
            if (interruption is not null) interruption.RunInProgress = false;
        }
    }

    private static void WriteStatistics(BarrierStatistics s, TextWriter error)
    {
        error.WriteLine($"netsim: {s.Windows} windows, {s.FramesCrossed} frames crossed ({s.BytesCrossed} bytes, at most {s.MostFramesInAWindow} in a window)");
        for (var p = 0; p < s.Partitions.Count; p++)
            if (s.Partitions[p] is { } t)
                error.WriteLine($"netsim: partition {p}: {TimeSpan.FromTicks(t.ComputingTicks).TotalSeconds:0.###} s computing, {TimeSpan.FromTicks(t.SynchronisingTicks).TotalSeconds:0.###} s synchronising, {t.FramesSent} frames sent, peak {t.PeakWorkingSetBytes / (1 << 20)} MiB");
    }

    private static string Window(TimeSpan lookahead) => lookahead == TimeSpan.MaxValue ? "unbounded (nothing cut)" : $"{lookahead.TotalMilliseconds:0.###} ms";

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) + "s";

    private static bool TryTimings(string? workerTimeout, string? failureTimeout, TextWriter error, out DistributedSettings settings)
    {
        settings = DistributedSettings.Default;
        foreach (var (name, text) in new[] { ("--worker-timeout", workerTimeout), ("--failure-timeout", failureTimeout) })
        {
            if (text is null) continue;
            if (ValueParsers.ParseDuration(text, allowNegative: false, out var problem) is not { } value || value < TimeSpan.FromMilliseconds(500) || value > TimeSpan.FromHours(24))
                return Bad(error, $"{name}: {problem ?? $"{text} is outside 500ms..24h"}");
            settings = name == "--worker-timeout" ? settings with { WorkerTimeout = value } : settings with { FailureTimeout = value };
        }
        return true;
    }

    private static int BadArgument(TextWriter error, string message)
    {
        Bad(error, message);
        return NetSimCommand.BadInput;
    }

    private static bool Bad(TextWriter error, string message)
    {
        error.WriteLine($"netsim: {message}");
        return false;
    }

    /// <summary>The local address this machine uses to reach <paramref name="coordinator"/> (a UDP socket's route; nothing is sent).</summary>
    private static string LocalAddressTowards(NetSim.Distributed.EndPoint coordinator)
    {
        try
        {
            var target = IPAddress.TryParse(coordinator.Host, out var ip) ? ip : Dns.GetHostAddresses(coordinator.Host).First();
            if (IPAddress.IsLoopback(target)) return target.ToString();
            using var socket = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            socket.Connect(target, coordinator.Port);
            return ((IPEndPoint)socket.LocalEndPoint!).Address.ToString();
        }
        catch (Exception e) when (e is SocketException or ArgumentException or InvalidOperationException)
        {
            return Dns.GetHostName();
        }
    }
}
