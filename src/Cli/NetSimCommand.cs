using System.CommandLine;
using NetSim.Scenario;
using NetSim.Scenario.Running;
using Spectre.Console;
using NetSim.Actors.Time;

namespace NetSim.Cli;

/// <summary>
/// The <c>netsim</c> command: <c>run</c>, <c>validate</c> and <c>bench</c>. Exit codes: 0 the run finished and every
/// expectation held; 1 a finished run with a failed expectation; 2 a bad file or bad arguments (one line,
/// <c>file:line: key: what is wrong</c>); 3 an internal error (one line; the stack trace only with --verbose); 130 and
/// 143 a run stopped by SIGINT (Ctrl-C) or SIGTERM, after writing the report so far.
/// </summary>
public static class NetSimCommand
{
    public const int Ok = 0, ExpectationFailed = 1, BadInput = 2, InternalError = 3, Interrupted = 130, Terminated = 143;

    /// <summary>Runs <c>netsim ARGS</c>; never throws.</summary>
    /// <param name="args">Command line.</param>
    /// <param name="output">Where results go (default: stdout).</param>
    /// <param name="error">Where problems go (default: stderr).</param>
    /// <param name="interruption">Stops a run early (signals, or a caller's budget); null: runs cannot be interrupted.</param>
    /// <param name="endsProcess">The process ends when this returns (Program.Main): a run leaves its actors to the exit
    /// instead of stopping each one (<see cref="RunOptions.EndsProcess"/>). In-process callers (tests) leave it false.</param>
    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null, RunInterruption? interruption = null, bool endsProcess = false)
    {
        RunWarmUp.StartFor(args, endsProcess);
        output ??= Console.Out;
        error ??= Console.Error;
        var verbose = new Option<bool>("--verbose") { Description = "On an internal error, print the stack trace; show Akka's log.", Recursive = true };
        var root = Build(output, error, verbose, interruption, endsProcess);
        try
        {
            var parsed = root.Parse(args);
            if (parsed.Errors.Count > 0)
            {
                error.WriteLine($"netsim: {string.Join("; ", parsed.Errors.Select(e => OneLine(e.Message).TrimEnd('.')).Distinct())}; try 'netsim --help'");
                return BadInput;
            }
            try
            {
                return parsed.Invoke(new InvocationConfiguration
                {
                    Output = output,
                    Error = error,
                    EnableDefaultExceptionHandler = false,
                    ProcessTerminationTimeout = null, // signals are RunInterruption's: the run writes its report
                });
            }
            catch (Exception e)
            {
                error.WriteLine($"netsim: internal error: {e.GetType().Name}: {OneLine(e.Message)}; rerun with --verbose for details");
                if (parsed.GetValue(verbose)) error.WriteLine(e);
                return InternalError;
            }
        }
        catch (Exception e) // in parsing the arguments themselves
        {
            error.WriteLine($"netsim: internal error: {e.GetType().Name}: {OneLine(e.Message)}; rerun with --verbose for details");
            if (args.Contains("--verbose")) error.WriteLine(e);
            return InternalError;
        }
    }

    private static string OneLine(string text) => text.Split('\n')[0].Trim();

    private static string More(int n) => n <= 0 ? "" : $" (and {n} more problem{(n == 1 ? "" : "s")})";

    private static RootCommand Build(TextWriter output, TextWriter error, Option<bool> verbose, RunInterruption? interruption, bool endsProcess)
    {
        var file = new Argument<FileInfo>("file") { Description = "The scenario file (HOCON; see docs/scenarios.md)." };
        var outDir = new Option<DirectoryInfo?>("--out") { Description = "Folder for report.json, counters.csv and the pcap files (default: out/<scenario name>)." };
        var seed = new Option<string?>("--seed") { Description = "Seed for every random choice (any 64-bit integer, signed or not); overrides the file's seed." };
        var set = new Option<string[]>("--set")
        {
            Description = "Override a scenario key, e.g. --set links.l1.loss=0.1 (repeatable).",
            AllowMultipleArgumentsPerToken = false,
            Arity = ArgumentArity.ZeroOrMore,
        };
        var maxFileSize = new Option<string?>("--max-file-size")
        {
            Description = "Largest scenario file read (default 1MiB, at most 1GiB), for generated topologies of thousands of hosts, e.g. --max-file-size 64MiB.",
        };
        var partitions = new Option<int?>("--partitions")
        {
            Description = "Run as N partitions on threads of this process, meeting at every time window (docs/design.md, \"Partitioned runs\"); the same results as one.",
        };
        var run = new Command("run", "Run a scenario and write its results.") { file, outDir, seed, set, maxFileSize, partitions };
        var distributed = new DistributedCommands.RunOptionSet();
        distributed.AddTo(run);
        run.SetAction(r => distributed.TryRead(r, error, out var across, r.GetValue(partitions) is not null)
            ? RunScenario(r.GetValue(file)!, r.GetValue(outDir), r.GetValue(seed), r.GetValue(set) ?? [], r.GetValue(maxFileSize),
                r.GetValue(verbose), interruption, output, error, endsProcess, across?.Processes ?? r.GetValue(partitions) ?? 1, across)
            : BadInput);

        var validateFile = new Argument<FileInfo>("file") { Description = "The scenario file to check." };
        var validate = new Command("validate", "Check a scenario file without running it.") { validateFile, maxFileSize };
        validate.SetAction(r => Validate(r.GetValue(validateFile)!, r.GetValue(maxFileSize), output, error));

        var quick = new Option<bool>("--quick") { Description = "The short run (about a minute)." };
        var json = new Option<FileInfo?>("--json") { Description = "Where to write the figures as JSON (default: bench-results.json)." };
        var scale = new Option<bool>("--scale") { Description = "Whole scenarios (star, chain) beside ns-3 (bench/ns3/scale.cc), N = 10 to 10,000." };
        var sizes = new Option<string?>("--sizes") { Description = "With --scale: the sizes N, comma-separated (default 10,100,1000,10000)." };
        var topologies = new Option<string?>("--topology") { Description = "With --scale: star, chain or both (default star,chain)." };
        var pairs = new Option<int?>("--pairs") { Description = "With --scale: NetSim/ns-3 pairs per size, medians reported (default 3; 1 at 10,000)." };
        var shortRun = new Option<bool>("--short") { Description = "A short run end to end (process start to report written), RUNS times: a 10-host star, or FILE." };
        var shortFile = new Option<FileInfo?>("--file") { Description = "With --short: the scenario to run (default: a 10-host star, 1.1 s simulated)." };
        var runs = new Option<int?>("--runs") { Description = "With --short: runs per variant (with the file's defaults, and without plots), medians reported (default 5)." };
        var bench = new Command("bench", "Measure frames per second, NIC churn and memory on this machine.") { quick, json, scale, sizes, topologies, pairs, shortRun, shortFile, runs };
        bench.SetAction(r => r.GetValue(shortRun)
            ? ShortRunBench.Run(r.GetValue(shortFile), r.GetValue(runs) ?? 5, output, error)
            : r.GetValue(scale)
            ? BenchCommand.Scale(r.GetValue(topologies), r.GetValue(sizes), r.GetValue(pairs), output)
            : BenchCommand.Run(r.GetValue(quick), r.GetValue(json), output));

        // The child process of `bench --scale`: one scale scenario, RUNS times in this process, one JSON line each.
        var scaleTopology = new Argument<string>("topology");
        var scaleN = new Argument<int>("n");
        var scaleRuns = new Argument<int>("runs");
        var scaleRun = new Command("bench-scale-run", "(internal) one process of bench --scale.") { scaleTopology, scaleN, scaleRuns };
        scaleRun.Hidden = true;
        scaleRun.SetAction(r => BenchCommand.ScaleRun(r.GetValue(scaleTopology)!, r.GetValue(scaleN), r.GetValue(scaleRuns), output));

        return new RootCommand("NetSim: simulated TUN/TAP devices, hosts, links and switches.") { verbose, run, DistributedCommands.CreateWorker(verbose, interruption, output, error), validate, bench, scaleRun, PlotCommand.Create(output, error), SweepCommand.Create(output, error), CompareCommand.Create(output, error) };
    }

    /// <summary>The bytes of <c>--max-file-size</c> (the default when absent), or null after a one-line error.</summary>
    private static int? MaxFileBytes(string? text, TextWriter error)
    {
        if (text is null) return ScenarioLimits.MaxFileBytes;
        if (ValueParsers.ParseByteSize(text, out var problem) is { } bytes && bytes is >= 1 and <= ScenarioLimits.MaxFileBytesCeiling) return (int)bytes;
        error.WriteLine($"netsim: --max-file-size: {problem ?? $"{text} is outside 1 byte..1GiB"}");
        return null;
    }

    private static ScenarioLoadResult Load(FileInfo file, IEnumerable<string> overrides, long? seed, int maxFileBytes, TextWriter error)
    {
        var result = ScenarioLoader.Load(file.FullName, overrides, seed, maxFileBytes);
        if (!result.Errors.IsEmpty)
        {
            // One line: the first problem in the file (errors without a line last), and how many more there are.
            var first = result.Errors.OrderBy(e => e.Line == 0 ? int.MaxValue : e.Line).First();
            error.WriteLine($"{OneLine((first with { File = PlotCommand.Relative(first.File) }).ToString())}{More(result.Errors.Length - 1)}");
        }
        return result;
    }


    private static int Validate(FileInfo file, string? maxFileSize, TextWriter output, TextWriter error)
    {
        if (MaxFileBytes(maxFileSize, error) is not { } maxFileBytes) return BadInput;
        var result = Load(file, [], null, maxFileBytes, error);
        if (!result.Succeeded) return BadInput;
        var s = result.Scenario!;
        output.WriteLine($"{PlotCommand.Relative(file.FullName)}: ok ({s.Hosts.Length} hosts, {s.Links.Length} links, {s.Switches.Length} switches, {s.Script.Length} steps, {s.Duration.TotalSeconds:0.###} s)");
        return Ok;
    }

    private static int RunScenario(FileInfo file, DirectoryInfo? outDir, string? seedText, string[] overrides, string? maxFileSize, bool verbose,
        RunInterruption? interruption, TextWriter output, TextWriter error, bool endsProcess, int partitions = 1, DistributedArguments? across = null)
    {
        PhaseMarks.Mark("arguments");
        if (MaxFileBytes(maxFileSize, error) is not { } maxFileBytes) return BadInput;
        long? seed = null;
        if (seedText is not null)
        {
            if (ValueParsers.ParseSeed(seedText, out var seedProblem) is not { } parsedSeed)
            {
                error.WriteLine($"netsim: --seed: {seedProblem}");
                return BadInput;
            }
            seed = parsedSeed;
        }
        var loaded = Load(file, overrides, seed, maxFileBytes, error);
        if (!loaded.Succeeded) return BadInput;
        var scenario = loaded.Scenario!;
        if (PartitionProblem(scenario, partitions, error)) return BadInput;
        var folder = outDir?.FullName ?? Path.Combine("out", Path.GetFileNameWithoutExtension(file.Name));
        if (OutputFolderProblem(folder) is { } problem)
        {
            error.WriteLine($"netsim: --out: {problem}");
            return BadInput;
        }
        var options = new RunOptions(folder, Cancellation: interruption?.Token ?? default, Verbose: verbose, EndsProcess: endsProcess);
        var plotWarmUp = scenario.Report.Plots ? PlotWarmUp.Start() : null;
        if (across is not null)
            return DistributedCommands.Run(scenario, file, overrides, maxFileBytes, options, across, interruption, output, error,
                r => Finish(r, scenario, folder, interruption, output, plotWarmUp));
        RunResult result;
        try
        {
            if (interruption is not null) interruption.RunInProgress = true;
            result = RunWithProgress(scenario, options, output, partitions);
        }
        catch (NetSim.Bridge.Kernel.KernelSetupException e)
        {
            // A bridge's kernel side: what this machine lacks (root, /dev/net/tun) or refuses (a taken name) is the user's to fix.
            error.WriteLine($"{PlotCommand.Relative(file.FullName)}: {e.Message}");
            return BadInput;
        }
        catch (ScenarioSetupException e)
        {
            // validate accepted the file, so a refusal while setting it up is NetSim's own failure
            throw new InvalidOperationException($"{PlotCommand.Relative(file.FullName)} passed validation but could not be set up: {e.Message}", e);
        }
        finally
        {
            if (interruption is not null) interruption.RunInProgress = false;
        }
        return Finish(result, scenario, folder, interruption, output, plotWarmUp);
    }

    /// <summary>Prints the summary and the files of a finished (or interrupted) run; its exit code.</summary>
    private static int Finish(RunResult result, NetSim.Scenario.Scenario scenario, string folder, RunInterruption? interruption, TextWriter output,
        PlotWarmUp? plotWarmUp)
    {
        PhaseMarks.Mark("results written");
        var page = plotWarmUp?.DrawPage(folder); // beside the summary, on the other core
        Summary.Write(result, output);
        foreach (var p in result.Partitions)
            output.WriteLine($"partition {p.Partition + 1}: {p.Windows} windows, {p.FramesSent} frames out, {p.FramesReceived} in, computing {p.Computing.TotalSeconds:0.###} s, synchronising {p.Synchronising.TotalSeconds:0.###} s");
        PhaseMarks.Mark("summary");
        IReadOnlyList<string> files = page is null ? result.Files : [.. result.Files, page.GetAwaiter().GetResult()[0]];
        PhaseMarks.Mark("plots, report.html");
        output.WriteLine($"results: {string.Join(", ", files.Select(PlotCommand.Relative))}");
        if (result.Report.Interrupted)
        {
            output.WriteLine($"interrupted at {result.Report.Reached.TotalSeconds:0.###} s of {scenario.Duration.TotalSeconds:0.###} s simulated; the report holds the figures so far");
            return interruption?.ExitCode is > 0 and var code ? code : Interrupted;
        }
        return result.Report.Passed ? Ok : ExpectationFailed;
    }

    /// <summary>Why the results cannot be written to <paramref name="folder"/>, or null when they can.</summary>
    private static string? OutputFolderProblem(string folder)
    {
        if (File.Exists(folder)) return $"'{folder}' is a file; give a folder (it is created when missing)";
        try
        {
            Directory.CreateDirectory(folder);
            var probe = Path.Combine(folder, $".netsim-write-test-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return $"cannot write to '{folder}': {OneLine(e.Message)}";
        }
    }

    /// <summary>--partitions N: N partitions on threads of this process (the engine a distributed run uses), or one as ever.</summary>
    private static RunResult Execute(NetSim.Scenario.Scenario scenario, RunOptions options, int partitions) =>
        partitions > 1 ? NetSim.Scenario.Partitioning.InProcessWindowExchange.Run(scenario, partitions, options) : ScenarioRunner.Run(scenario, options);

    /// <summary>True (after one line <c>file:line: key: what</c>) when the scenario cannot be split into <paramref name="partitions"/>.</summary>
    private static bool PartitionProblem(NetSim.Scenario.Scenario scenario, int partitions, TextWriter error)
    {
        if (partitions == 1) return false;
        var errors = NetSim.Scenario.Partitioning.PartitionPlanner.Plan(scenario, partitions).Errors;
        if (errors.IsEmpty) return false;
        var first = errors.OrderBy(e => e.Line == 0 ? int.MaxValue : e.Line).First();
        error.WriteLine(partitions < 1 ? $"netsim: --partitions: {first.Message}" : $"{OneLine((first with { File = PlotCommand.Relative(first.File) }).ToString())}{More(errors.Length - 1)}");
        return true;
    }

    private static RunResult RunWithProgress(NetSim.Scenario.Scenario scenario, RunOptions options, TextWriter output, int partitions)
    {
        // A progress bar on an interactive terminal; plain lines when output is redirected: the start, then every
        // 10 % of a virtual-time run or every 2 % of a real-time one (its log shows it is alive).
        var interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        if (!interactive)
        {
            output.WriteLine($"running {Path.GetFileName(scenario.SourcePath)}: {scenario.Duration.TotalSeconds:0.###} s simulated, {scenario.TimeMode.ToString().ToLowerInvariant()} time, seed {scenario.Seed}");
            output.Flush();
            return Execute(scenario, options with { Progress = ProgressLines(scenario, output) }, partitions);
        }
        RunResult? result = null;
        AnsiConsole.Progress().AutoClear(true).Start(ctx =>
        {
            var task = ctx.AddTask($"{Path.GetFileName(scenario.SourcePath)}", maxValue: Math.Max(1, scenario.Duration.TotalMilliseconds));
            result = Execute(scenario, options with { Progress = new SynchronousProgress(p => task.Value = p.Simulated.TotalMilliseconds) }, partitions);
            task.Value = task.MaxValue;
        });
        return result!;
    }

    /// <summary><c>progress:</c> lines every 10 % of a virtual-time run or every 2 % of a real-time one.</summary>
    internal static IProgress<RunProgress> ProgressLines(NetSim.Scenario.Scenario scenario, TextWriter output)
    {
        var step = scenario.TimeMode == NetSim.Actors.Time.TimeMode.Real ? 2 : 10;
        var lastPercent = 0;
        return new SynchronousProgress(p =>
        {
            var percent = (int)((Int128)p.Simulated.Ticks * 100 / Math.Max(1, p.Duration.Ticks)) / step * step;
            if (percent <= lastPercent || percent >= 100) return;
            lastPercent = percent;
            output.WriteLine($"progress: {percent}% ({p.Simulated.TotalSeconds:0.###} s simulated)");
            output.Flush();
        });
    }

    /// <summary>Reports on the runner's thread, in order (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<RunProgress> report) : IProgress<RunProgress>
    {
        public void Report(RunProgress value) => report(value);
    }
}
