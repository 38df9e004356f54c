using System.Diagnostics;

namespace NetSim.Distributed;

/// <summary>How to start the netsim executable: the apphost, or <c>dotnet netsim.dll</c>.</summary>
/// <param name="FileName">The program.</param>
/// <param name="Prefix">Arguments before netsim's own (the dll for <c>dotnet</c>).</param>
public sealed record WorkerCommand(string FileName, IReadOnlyList<string> Prefix)
{
    /// <summary>The netsim whose main assembly is at <paramref name="assemblyPath"/> (netsim.dll): its apphost beside
    /// it when there is one, else <c>dotnet netsim.dll</c> with the dotnet that runs this process.</summary>
    public static WorkerCommand For(string assemblyPath)
    {
        var appHost = Path.ChangeExtension(assemblyPath, OperatingSystem.IsWindows() ? ".exe" : null);
        if (File.Exists(appHost)) return new(appHost, []);
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
            : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        return new(dotnet, [assemblyPath]);
    }
}

/// <summary>
/// The worker processes a coordinator started on its own machine (<c>netsim run FILE --nodes N</c>). They are killed on
/// every way out of the coordinator (<see cref="Dispose"/>), and they watch the coordinator's process id themselves.
/// </summary>
public sealed class LocalWorkers : IDisposable
{
    private readonly List<Process> _processes = [];
    private readonly Lock _lock = new();

    /// <summary>The processes' ids, in start order.</summary>
    public IReadOnlyList<int> ProcessIds
    {
        get { lock (_lock) return [.. _processes.Select(p => p.Id)]; }
    }

    /// <summary>Starts <paramref name="count"/> workers that join <paramref name="join"/>.</summary>
    /// <param name="command">The netsim executable.</param>
    /// <param name="count">How many.</param>
    /// <param name="join">The coordinator's address.</param>
    /// <param name="arguments">Further arguments of <c>netsim worker</c> (timeouts, --verbose).</param>
    /// <param name="exited">Told when a worker process ends, with its exit code and its last line on stderr.</param>
    /// <param name="errorLine">Every line a worker writes on stderr, with its process id; null ignores them.</param>
    public void Start(WorkerCommand command, int count, EndPoint join, IReadOnlyList<string> arguments, Action<WorkerProcessExited> exited, Action<int, string>? errorLine)
    {
        for (var i = 0; i < count; i++)
        {
            var info = new ProcessStartInfo(command.FileName)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = false,
                UseShellExecute = false,
            };
            foreach (var a in command.Prefix) info.ArgumentList.Add(a);
            foreach (var a in (string[])["worker", "--join", join.ToString(), "--parent-pid", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), .. arguments])
                info.ArgumentList.Add(a);
            var process = new Process { StartInfo = info, EnableRaisingEvents = true };
            string? lastError = null;
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not { Length: > 0 } line) return;
                lastError = line;
                errorLine?.Invoke(process.Id, line);
            };
            process.OutputDataReceived += (_, _) => { };
            process.Exited += (_, _) =>
            {
                process.WaitForExit(); // the stderr pump has delivered its last line
                exited(new WorkerProcessExited(process.Id, process.ExitCode, lastError));
            };
            lock (_lock)
            {
                process.Start();
                _processes.Add(process);
            }
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
        }
    }

    /// <summary>Waits up to <paramref name="limit"/> for every worker to exit on its own.</summary>
    public bool WaitForExit(TimeSpan limit)
    {
        var deadline = Stopwatch.StartNew();
        foreach (var p in Snapshot())
        {
            var left = limit - deadline.Elapsed;
            if (left <= TimeSpan.Zero || !p.WaitForExit(left)) return false;
        }
        return true;
    }

    /// <summary>Kills every worker still running (and its children) and waits for them to end.</summary>
    public void Dispose()
    {
        foreach (var p in Snapshot())
        {
            try
            {
                if (!p.HasExited) p.Kill(entireProcessTree: true);
                p.WaitForExit(5_000);
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // it ended meanwhile
            }
            p.Dispose();
        }
        lock (_lock) _processes.Clear();
    }

    private List<Process> Snapshot()
    {
        lock (_lock) return [.. _processes];
    }
}
