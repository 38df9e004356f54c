using System.Diagnostics;

namespace NetSim.Experiments.Sweeps;

/// <summary>How to start a worker: the program and the arguments that come before <c>run ...</c> (e.g. dotnet netsim.dll).</summary>
public sealed record WorkerCommand(string FileName, IReadOnlyList<string> PrefixArguments);

/// <summary>How a run of a sweep ended.</summary>
public enum RunStatus
{
    /// <summary>Ran, every expectation held (exit 0).</summary>
    Ok,
    /// <summary>Ran, an expectation failed (exit 1): its figures are data like any other.</summary>
    ExpectationFailed,
    /// <summary>Did not finish: bad input, an internal error or a crash; the reason is in its run.log.</summary>
    Failed,
    /// <summary>Not run, or stopped, because the sweep was interrupted.</summary>
    Cancelled,
}

/// <summary>A run of the sweep and how it ended; <paramref name="Problem"/> is the first line its worker wrote to stderr when it failed.</summary>
public sealed record SweepRunResult(SweepRun Run, RunStatus Status, int? ExitCode, string? Problem, TimeSpan WallTime);

/// <summary>
/// Runs a sweep's grid in parallel worker processes (the netsim command itself, <c>run FILE --out DIR --seed S --set
/// key=value ...</c>), at most <c>jobs</c> at once, each in its own folder with its output in run.log. A run that
/// fails is recorded and the others go on. Cancelling stops the workers still running (their runs count as
/// cancelled) and starts no more; what finished stays.
/// </summary>
public sealed class SweepRunner(WorkerCommand worker, string scenarioFile, IReadOnlyList<string> extraSettings, int jobs)
{
    public async Task<IReadOnlyList<SweepRunResult>> RunAsync(SweepPlan plan, Action<SweepRunResult>? finished, CancellationToken cancel)
    {
        var results = new SweepRunResult?[plan.Runs.Count];
        using var slots = new SemaphoreSlim(Math.Max(1, jobs));
        var tasks = plan.Runs.Select(async run =>
        {
            try
            {
                await slots.WaitAsync(cancel).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                results[run.Index - 1] = new SweepRunResult(run, RunStatus.Cancelled, null, "not started: the sweep was interrupted", TimeSpan.Zero);
                return;
            }
            try
            {
                var result = await RunOneAsync(run, cancel).ConfigureAwait(false);
                results[run.Index - 1] = result;
                finished?.Invoke(result);
            }
            finally
            {
                slots.Release();
            }
        }).ToList();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        return [.. results.Select(r => r!)];
    }

    /// <summary>The worker's arguments for <paramref name="run"/>.</summary>
    public IReadOnlyList<string> Arguments(SweepRun run)
    {
        var args = new List<string>(worker.PrefixArguments) { "run", scenarioFile, "--out", run.Folder, "--seed", run.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        foreach (var (key, value) in run.Cell.Values) args.AddRange(["--set", $"{key}={value}"]);
        foreach (var s in extraSettings) args.AddRange(["--set", s]);
        return args;
    }

    private async Task<SweepRunResult> RunOneAsync(SweepRun run, CancellationToken cancel)
    {
        Directory.CreateDirectory(run.Folder);
        var start = new ProcessStartInfo(worker.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in Arguments(run)) start.ArgumentList.Add(a);
        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        var log = new System.Text.StringBuilder();
        string? firstError = null;
        var gate = new object();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (gate) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (gate) { log.AppendLine(e.Data); firstError ??= e.Data.Trim().Length > 0 ? e.Data.Trim() : null; }
        };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new SweepRunResult(run, RunStatus.Failed, null, $"cannot start {worker.FileName}: {e.Message}", clock.Elapsed);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var cancelled = false;
        try
        {
            await process.WaitForExitAsync(cancel).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            cancelled = true;
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } // already gone
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        process.WaitForExit(); // drains the output events
        lock (gate) File.WriteAllText(Path.Combine(run.Folder, "run.log"), log.ToString());
        if (cancelled) return new SweepRunResult(run, RunStatus.Cancelled, null, "stopped: the sweep was interrupted", clock.Elapsed);
        var status = process.ExitCode switch { 0 => RunStatus.Ok, 1 => RunStatus.ExpectationFailed, _ => RunStatus.Failed };
        return new SweepRunResult(run, status, process.ExitCode, status == RunStatus.Failed ? firstError ?? $"exit code {process.ExitCode}" : null, clock.Elapsed);
    }
}
