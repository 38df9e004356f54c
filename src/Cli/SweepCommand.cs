using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using NetSim.Experiments.Sweeps;
using NetSim.Scenario;
using Spectre.Console;

namespace NetSim.Cli;

/// <summary>
/// <c>netsim sweep FILE --vary KEY=V1,V2 [--vary ...] --seeds 1..10 [--jobs N] [--out DIR] [--metric M]</c>: runs the
/// grid in parallel netsim worker processes and writes sweep.csv, sweep-summary.csv and sweep.html. Exit codes:
/// 0 every run finished (failed expectations are results, in the table); 1 some runs failed (listed, with why);
/// 2 bad arguments or a cell whose scenario does not load; 130/143 interrupted (what finished is written).
/// </summary>
public static class SweepCommand
{
    internal static Command Create(TextWriter output, TextWriter error)
    {
        var file = new Argument<FileInfo>("file") { Description = "The scenario file." };
        var vary = new Option<string[]>("--vary") { Description = "A key and its values, e.g. links.l1.loss=0,0.01,0.05 (repeatable: the grid is every combination).", Arity = ArgumentArity.ZeroOrMore };
        var seeds = new Option<string>("--seeds") { Description = "Seeds of each cell: 1..10, 7 or 1,5,9 (default 1).", DefaultValueFactory = _ => "1" };
        var jobs = new Option<int>("--jobs") { Description = "Runs at once (default: the number of cores).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var outDir = new Option<DirectoryInfo?>("--out") { Description = "Folder for the runs and the results (default out/sweep-<scenario name>)." };
        var metric = new Option<string[]>("--metric") { Description = "A metric to plot, e.g. flows.f1.goodput; * matches anything (repeatable; default each flow's goodput, deliveryRatio, rttMs.mean).", Arity = ArgumentArity.ZeroOrMore };
        var set = new Option<string[]>("--set") { Description = "Override a key in every run, as for netsim run (repeatable).", Arity = ArgumentArity.ZeroOrMore };
        var sweep = new Command("sweep", "Run a scenario over a grid of key values and seeds, in parallel; summarise with 95% confidence intervals.")
            { file, vary, seeds, jobs, outDir, metric, set };
        sweep.SetAction(r => Run(r.GetValue(file)!, r.GetValue(vary) ?? [], r.GetValue(seeds)!, r.GetValue(jobs), r.GetValue(outDir), r.GetValue(metric) ?? [], r.GetValue(set) ?? [], output, error));
        return sweep;
    }

    private static int Run(FileInfo file, string[] vary, string seeds, int jobs, DirectoryInfo? outDir, string[] metrics, string[] set, TextWriter output, TextWriter error)
    {
        var name = Path.GetFileNameWithoutExtension(file.Name);
        SweepPlan plan;
        try
        {
            if (jobs < 1) throw new FormatException($"--jobs {jobs}: must be 1 or more");
            plan = SweepPlan.Create(vary, seeds, outDir?.FullName ?? Path.GetFullPath(Path.Combine("out", "sweep-" + name)));
        }
        catch (FormatException e)
        {
            error.WriteLine($"netsim sweep: {e.Message}");
            return NetSimCommand.BadInput;
        }
        // Every cell must load before any worker starts: a typo in a key fails the sweep at once, not N times.
        foreach (var cell in plan.Cells)
        {
            var loaded = ScenarioLoader.Load(file.FullName, [.. cell.Values.Select(v => $"{v.Key}={v.Value}"), .. set], plan.Seeds[0]);
            if (loaded.Succeeded) continue;
            foreach (var e in loaded.Errors) error.WriteLine(e with { File = PlotCommand.Relative(e.File) });
            error.WriteLine($"netsim sweep: cell {cell.Label} does not load");
            return NetSimCommand.BadInput;
        }

        var runner = new SweepRunner(Worker(), file.FullName, [.. set, "report.plots=off"], jobs);
        using var cancel = new CancellationTokenSource();
        var signal = 0;
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; signal = 130; cancel.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; signal = 143; cancel.Cancel(); });

        output.WriteLine($"sweep {file.Name}: {plan.Cells.Count} cells x {plan.Seeds.Count} seeds = {plan.Runs.Count} runs, {jobs} at once, in {PlotCommand.Relative(plan.OutputFolder)}");
        var results = RunWithProgress(runner, plan, output, error, cancel.Token);
        var files = SweepReport.Write(plan, file.Name, results, metrics);

        var failed = results.Where(r => r.Status == RunStatus.Failed).ToList();
        var cancelled = results.Count(r => r.Status == RunStatus.Cancelled);
        output.WriteLine($"{results.Count(r => r.Status is RunStatus.Ok or RunStatus.ExpectationFailed)} runs done, {failed.Count} failed, {cancelled} cancelled");
        output.WriteLine($"results: {string.Join(", ", new[] { files.SweepCsv, files.SummaryCsv, files.Html }.Select(PlotCommand.Relative))}");
        if (signal != 0) return signal;
        return failed.Count > 0 ? NetSimCommand.ExpectationFailed : NetSimCommand.Ok;
    }

    private static IReadOnlyList<SweepRunResult> RunWithProgress(SweepRunner runner, SweepPlan plan, TextWriter output, TextWriter error, CancellationToken cancel)
    {
        var interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        int done = 0, failed = 0;
        void Report(SweepRunResult r)
        {
            Interlocked.Increment(ref done);
            if (r.Status == RunStatus.Failed)
            {
                Interlocked.Increment(ref failed);
                lock (error) error.WriteLine($"run {PlotCommand.Relative(r.Run.Folder)} failed: {r.Problem}");
            }
        }
        if (!interactive)
        {
            return runner.RunAsync(plan, r =>
            {
                Report(r);
                lock (output) output.WriteLine($"[{Volatile.Read(ref done)}/{plan.Runs.Count}] {r.Run.Cell.Label} seed {r.Run.Seed}: {SweepReport.Status(r.Status)} ({r.WallTime.TotalSeconds:0.0} s)");
            }, cancel).GetAwaiter().GetResult();
        }
        IReadOnlyList<SweepRunResult>? results = null;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"runs 0/{plan.Runs.Count}, 0 failed", maxValue: plan.Runs.Count);
                results = runner.RunAsync(plan, r =>
                {
                    Report(r);
                    task.Increment(1);
                    task.Description = $"runs {Volatile.Read(ref done)}/{plan.Runs.Count}, {Volatile.Read(ref failed)} failed";
                }, cancel).GetAwaiter().GetResult();
            });
        return results!;
    }

    /// <summary>
    /// This netsim, to start again as a worker: the netsim executable itself, or <c>dotnet netsim.dll</c> when it
    /// runs under the dotnet host (dotnet run, tests).
    /// </summary>
    public static WorkerCommand Worker()
    {
        var process = Environment.ProcessPath ?? "dotnet";
        var dll = typeof(SweepCommand).Assembly.Location;
        if (Path.GetFileNameWithoutExtension(process) == "netsim") return new WorkerCommand(process, []);
        var dotnet = Path.GetFileNameWithoutExtension(process) == "dotnet" ? process : "dotnet";
        return new WorkerCommand(dotnet, [dll]);
    }
}
