using System.CommandLine;
using NetSim.Scenario;
using NetSim.Scenario.Running;
using Spectre.Console;
using NetSim.Actors.Time;

namespace NetSim.Cli;

/// <summary>
/// The <c>netsim</c> command: <c>run</c>, <c>validate</c> and <c>bench</c>. Exit codes: 0 the run finished and every
/// expectation held; 1 an expectation failed; 2 a bad file or bad arguments (one clear message, no stack trace).
/// </summary>
public static class NetSimCommand
{
    public const int Ok = 0, ExpectationFailed = 1, BadInput = 2;

    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var root = Build(output, error);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors) error.WriteLine($"netsim: {e.Message}");
            error.WriteLine("Try 'netsim --help'.");
            return BadInput;
        }
        return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error });
    }

    private static RootCommand Build(TextWriter output, TextWriter error)
    {
        var file = new Argument<FileInfo>("file") { Description = "The scenario file (HOCON; see docs/scenarios.md)." };
        var outDir = new Option<DirectoryInfo?>("--out") { Description = "Folder for report.json, counters.csv and the pcap files (default: out/<scenario name>)." };
        var seed = new Option<long?>("--seed") { Description = "Seed for every random choice; overrides the file's seed." };
        var set = new Option<string[]>("--set")
        {
            Description = "Override a scenario key, e.g. --set links.l1.loss=0.1 (repeatable).",
            AllowMultipleArgumentsPerToken = false,
            Arity = ArgumentArity.ZeroOrMore,
        };
        var run = new Command("run", "Run a scenario and write its results.") { file, outDir, seed, set };
        run.SetAction(r => RunScenario(r.GetValue(file)!, r.GetValue(outDir), r.GetValue(seed), r.GetValue(set) ?? [], output, error));

        var validateFile = new Argument<FileInfo>("file") { Description = "The scenario file to check." };
        var validate = new Command("validate", "Check a scenario file without running it.") { validateFile };
        validate.SetAction(r => Validate(r.GetValue(validateFile)!, output, error));

        var quick = new Option<bool>("--quick") { Description = "The short run (about a minute)." };
        var json = new Option<FileInfo?>("--json") { Description = "Where to write the figures as JSON (default: bench-results.json)." };
        var bench = new Command("bench", "Measure frames per second, NIC churn and memory on this machine.") { quick, json };
        bench.SetAction(r => BenchCommand.Run(r.GetValue(quick), r.GetValue(json), output));

        return new RootCommand("NetSim: simulated TUN/TAP devices, hosts, links and switches.") { run, validate, bench, PlotCommand.Create(output, error), SweepCommand.Create(output, error), CompareCommand.Create(output, error) };
    }

    private static ScenarioLoadResult Load(FileInfo file, IEnumerable<string> overrides, long? seed, TextWriter error)
    {
        var result = ScenarioLoader.Load(file.FullName, overrides, seed);
        foreach (var e in result.Errors) error.WriteLine(e with { File = Relative(e.File) });
        return result;
    }

    private static string Relative(string path) =>
        Path.IsPathRooted(path) ? Path.GetRelativePath(Environment.CurrentDirectory, path) : path;

    private static int Validate(FileInfo file, TextWriter output, TextWriter error)
    {
        var result = Load(file, [], null, error);
        if (!result.Succeeded) return BadInput;
        var s = result.Scenario!;
        output.WriteLine($"{Relative(file.FullName)}: ok ({s.Hosts.Length} hosts, {s.Links.Length} links, {s.Switches.Length} switches, {s.Script.Length} steps, {s.Duration.TotalSeconds:0.###} s)");
        return Ok;
    }

    private static int RunScenario(FileInfo file, DirectoryInfo? outDir, long? seed, string[] overrides, TextWriter output, TextWriter error)
    {
        var loaded = Load(file, overrides, seed, error);
        if (!loaded.Succeeded) return BadInput;
        var scenario = loaded.Scenario!;
        var folder = outDir?.FullName ?? Path.Combine("out", Path.GetFileNameWithoutExtension(file.Name));
        RunResult result;
        try
        {
            result = RunWithProgress(scenario, folder, output);
        }
        catch (ScenarioSetupException e)
        {
            error.WriteLine($"{Relative(file.FullName)}: {e.Message}");
            return BadInput;
        }
        Summary.Write(result, output);
        var files = scenario.Report.Plots ? [.. result.Files, PlotCommand.AfterRun(folder)[0]] : result.Files;
        output.WriteLine($"results: {string.Join(", ", files.Select(Relative))}");
        return result.Report.Passed ? Ok : ExpectationFailed;
    }

    private static RunResult RunWithProgress(NetSim.Scenario.Scenario scenario, string folder, TextWriter output)
    {
        // A progress bar on an interactive terminal; plain lines (start and end) when output is redirected.
        var interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        if (!interactive)
        {
            output.WriteLine($"running {Path.GetFileName(scenario.SourcePath)}: {scenario.Duration.TotalSeconds:0.###} s simulated, {scenario.TimeMode.ToString().ToLowerInvariant()} time, seed {scenario.Seed}");
            return ScenarioRunner.Run(scenario, new RunOptions(folder));
        }
        RunResult? result = null;
        AnsiConsole.Progress().AutoClear(true).Start(ctx =>
        {
            var task = ctx.AddTask($"{Path.GetFileName(scenario.SourcePath)}", maxValue: Math.Max(1, scenario.Duration.TotalMilliseconds));
            result = ScenarioRunner.Run(scenario, new RunOptions(folder, new Progress<RunProgress>(p => task.Value = p.Simulated.TotalMilliseconds)));
            task.Value = task.MaxValue;
        });
        return result!;
    }
}
