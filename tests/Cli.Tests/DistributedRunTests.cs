using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Xunit;

namespace NetSim.Cli.Tests;

/// <summary>
/// <c>netsim run --nodes N</c> and <c>--listen/--workers</c> with <c>netsim worker</c>, on loopback: the coordinator
/// runs in the test process, its workers are real netsim processes. The same bytes as a run in one process; a worker
/// killed mid-run ends the run with exit 3 within a bounded time, naming it and the simulated time, with a partial
/// report and no process left behind.
/// </summary>
public sealed class DistributedRunTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);

    public static TheoryData<string, int> ScenariosAndProcesses() => new() { { "mesh", 2 }, { "mesh", 3 }, { "lossy-link-udp", 3 } };

    [Theory]
    [MemberData(nameof(ScenariosAndProcesses))]
    public void Across_processes_gives_the_bytes_of_one_process(string name, int processes)
    {
        using var dir = new TempFolder();
        var file = name == "mesh" ? dir.Write("mesh.conf", ReproducibilityTests.Mesh) : Cli.Sample(name);
        var one = Cli.Run("run", file, "--out", dir["one"]);
        Assert.True(one.ExitCode == NetSimCommand.Ok, one.ToString());

        using var run = CoordinatorRun.Start("run", file, "--out", dir["many"], "--nodes", processes.ToString(), "--verbose");
        var many = run.Finish(Bound);

        Assert.True(many.ExitCode == NetSimCommand.Ok, many.ToString());
        Assert.Contains($"across {processes} processes", many.Output);
        var files = new[] { "report.json", "counters.csv" }.Concat(Directory.GetFiles(dir["one"], "*.pcap").Select(Path.GetFileName)).ToList();
        Assert.Contains(files, f => f!.EndsWith(".pcap", StringComparison.Ordinal));
        foreach (var f in files)
            Assert.True(File.ReadAllBytes(Path.Combine(dir["one"], f!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(dir["many"], f!))), $"{f} differs");
        run.AssertNoWorkerLeft(processes - 1);
    }

    [Fact]
    public void A_worker_killed_mid_run_ends_the_run_with_exit_3_naming_it_and_the_simulated_time_and_a_partial_report()
    {
        using var dir = new TempFolder();
        using var run = CoordinatorRun.Start("run", Cli.Sample("lossy-link-udp"), "--set", "duration=600s", "--out", dir["out"],
            "--nodes", "3", "--failure-timeout", "5s", "--verbose");
        var pid = run.WorkerPid(1, Bound);
        run.Output.WaitFor(l => l.StartsWith("progress:", StringComparison.Ordinal), Bound);
        var clock = Stopwatch.StartNew();
        Process.GetProcessById(pid).Kill();

        var result = run.Finish(Bound);

        Assert.True(result.ExitCode == NetSimCommand.InternalError, result.ToString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the run took {clock.Elapsed} to end after the kill");
        Assert.True(Regex.IsMatch(result.Error, $@"^netsim: worker 1 at 127\.0\.0\.1:\d+ \(pid {pid}\) exited with code \d+; the run reached \d+(\.\d+)? s simulated; the report is partial$", RegexOptions.Multiline), result.ToString());
        using var report = Cli.Report(dir["out"]);
        Assert.True(report.RootElement.GetProperty("interrupted").GetBoolean());
        Assert.Contains("worker 1", report.RootElement.GetProperty("failure").GetString());
        run.AssertNoWorkerLeft(2);
    }

    [Fact]
    public void Workers_started_elsewhere_join_and_one_cut_off_is_found_unreachable()
    {
        using var dir = new TempFolder();
        using var run = CoordinatorRun.Start("run", Cli.Sample("lossy-link-udp"), "--set", "duration=600s", "--out", dir["out"],
            "--listen", "127.0.0.1:0", "--workers", "2", "--failure-timeout", "5s", "--verbose");
        var listening = run.Output.WaitFor(l => l.StartsWith("listening on ", StringComparison.Ordinal), Bound);
        var at = Regex.Match(listening, @"listening on (\S+):").Groups[1].Value;
        using var w1 = Worker.Start(at);
        using var w2 = Worker.Start(at);
        var pid = run.WorkerPid(2, Bound);
        run.Output.WaitFor(l => l.StartsWith("progress:", StringComparison.Ordinal), Bound);
        var killed = pid == w1.Process.Id ? w1 : w2;
        var other = killed == w1 ? w2 : w1;
        killed.Process.Kill(); // not a child of the coordinator: only the failure detector can tell

        var result = run.Finish(Bound);

        Assert.True(result.ExitCode == NetSimCommand.InternalError, result.ToString());
        Assert.True(Regex.IsMatch(result.Error, $@"^netsim: worker 2 at 127\.0\.0\.1:\d+ \(pid {pid}\) is unreachable; the run reached \d+(\.\d+)? s simulated; the report is partial$", RegexOptions.Multiline), result.ToString());
        Assert.True(other.Process.WaitForExit(TimeSpan.FromSeconds(60)), "the other worker did not exit");
        Assert.NotEqual(0, other.Process.ExitCode); // its run ended early
    }

    [Fact]
    public void Interrupting_the_coordinator_stops_its_workers_and_writes_the_report_so_far()
    {
        using var dir = new TempFolder();
        var interruption = new RunInterruption();
        using var run = CoordinatorRun.Start(interruption, "run", Cli.Sample("lossy-link-udp"), "--set", "duration=600s", "--out", dir["out"], "--nodes", "3", "--verbose");
        run.WorkerPid(2, Bound);
        run.Output.WaitFor(l => l.StartsWith("progress:", StringComparison.Ordinal), Bound);
        interruption.Interrupt(NetSimCommand.Terminated); // what SIGTERM does

        var result = run.Finish(Bound);

        Assert.True(result.ExitCode == NetSimCommand.Terminated, result.ToString());
        using var report = Cli.Report(dir["out"]);
        Assert.True(report.RootElement.GetProperty("interrupted").GetBoolean());
        run.AssertNoWorkerLeft(2);
    }

    [Fact]
    public void Workers_exit_when_their_coordinator_process_is_killed()
    {
        using var dir = new TempFolder();
        var psi = new ProcessStartInfo(Dotnet) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])[NetsimDll, "run", Cli.Sample("lossy-link-udp"), "--set", "duration=600s", "--out", dir["out"], "--nodes", "3", "--verbose"])
            psi.ArgumentList.Add(a);
        using var coordinator = Process.Start(psi)!;
        var error = new LineWriter();
        coordinator.ErrorDataReceived += (_, e) => { if (e.Data is not null) error.WriteLine(e.Data); };
        coordinator.OutputDataReceived += (_, _) => { };
        coordinator.BeginErrorReadLine();
        coordinator.BeginOutputReadLine();
        try
        {
            var pids = Enumerable.Range(1, 2).Select(p => int.Parse(Regex.Match(
                error.WaitFor(l => Regex.IsMatch(l, $@"^netsim: worker {p} at \S+ \(pid \d+\) joined"), Bound), @"\(pid (\d+)\)").Groups[1].Value)).ToList();
            coordinator.Kill(); // SIGKILL: no clean-up of its own; the workers must notice

            foreach (var pid in pids)
            {
                try
                {
                    using var worker = Process.GetProcessById(pid);
                    Assert.True(worker.WaitForExit(TimeSpan.FromSeconds(60)), $"worker pid {pid} is still running a minute after its coordinator was killed");
                }
                catch (ArgumentException)
                {
                    // already gone
                }
            }
        }
        finally
        {
            if (!coordinator.HasExited) coordinator.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public void Workers_that_never_come_end_the_wait_with_exit_3()
    {
        using var dir = new TempFolder();
        var result = Cli.Run("run", Cli.Sample("lossy-link-udp"), "--out", dir["out"], "--listen", "127.0.0.1:0", "--workers", "2", "--worker-timeout", "1s");

        Assert.Equal(NetSimCommand.InternalError, result.ExitCode);
        Assert.Equal("netsim: not every worker joined within 1 s (wanted 2)", result.Error.Trim());
    }

    [Theory]
    [InlineData("--workers 2", "netsim: --workers needs --listen HOST:PORT")]
    [InlineData("--listen 127.0.0.1:4053", "netsim: --listen needs --workers N")]
    [InlineData("--listen nowhere --workers 2", "netsim: --listen: 'nowhere' is not HOST:PORT")]
    [InlineData("--nodes 0", "netsim: --nodes: 0 is outside 1..64")]
    [InlineData("--nodes 2 --partitions 2", "netsim: --partitions splits a run over threads of one process; --nodes and --listen over processes: give one of them")]
    [InlineData("--nodes 2 --failure-timeout 1ms", "netsim: --failure-timeout: 1ms is outside 500ms..24h")]
    public void Arguments_that_do_not_fit_are_exit_2_with_one_line(string arguments, string message)
    {
        var result = Cli.Run(["run", Cli.Sample("lossy-link-udp"), .. arguments.Split(' ')]);

        Assert.Equal(NetSimCommand.BadInput, result.ExitCode);
        Assert.Equal(message, result.Error.Trim());
    }

    [Fact]
    public void A_worker_with_nobody_to_join_gives_up_after_its_timeout_with_exit_3()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0); // a port nobody answers on as netsim
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var result = Cli.Run("worker", "--join", $"127.0.0.1:{port}", "--worker-timeout", "1s");

        Assert.Equal(NetSimCommand.InternalError, result.ExitCode);
        Assert.StartsWith($"netsim worker: no partition from the coordinator at 127.0.0.1:{port} within 1 s", result.Error.Trim());
    }

    private static string NetsimDll => Path.Combine(AppContext.BaseDirectory, "netsim.dll");

    private static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";

    /// <summary>A <c>netsim worker</c> process started by the test (as on another machine); killed when disposed.</summary>
    private sealed class Worker(Process process) : IDisposable
    {
        public Process Process { get; } = process;

        public static Worker Start(string host)
        {
            var psi = new ProcessStartInfo(Dotnet) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in (string[])[NetsimDll, "worker", "--join", host, "--failure-timeout", "5s"]) psi.ArgumentList.Add(a);
            var p = Process.Start(psi)!;
            p.OutputDataReceived += (_, _) => { };
            p.ErrorDataReceived += (_, _) => { };
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            return new Worker(p);
        }

        public void Dispose()
        {
            if (!Process.HasExited) Process.Kill(entireProcessTree: true);
            Process.WaitForExit(10_000);
            Process.Dispose();
        }
    }

    /// <summary>The coordinator (<c>NetSimCommand.Run</c>) on a thread of the test process, its output readable while it runs.</summary>
    private sealed class CoordinatorRun : IDisposable
    {
        private readonly Task<int> _exit;
        private readonly CancellationTokenSource _stop = new();

        public LineWriter Output { get; } = new();
        public LineWriter Error { get; } = new();

        private CoordinatorRun(RunInterruption interruption, string[] args)
        {
            _stop.Token.Register(() => interruption.Interrupt());
            _exit = Task.Factory.StartNew(() => NetSimCommand.Run(args, Output, Error, interruption), TaskCreationOptions.LongRunning);
        }

        public static CoordinatorRun Start(params string[] args) => new(new RunInterruption(), args);

        public static CoordinatorRun Start(RunInterruption interruption, params string[] args) => new(interruption, args);

        /// <summary>The process id of worker <paramref name="partition"/> (printed with --verbose when it joins).</summary>
        public int WorkerPid(int partition, TimeSpan limit)
        {
            var line = Error.WaitFor(l => Regex.IsMatch(l, $@"^netsim: worker {partition} at \S+ \(pid \d+\) joined"), limit);
            return int.Parse(Regex.Match(line, @"\(pid (\d+)\)").Groups[1].Value);
        }

        public CliResult Finish(TimeSpan limit)
        {
            Assert.True(_exit.Wait(limit), $"the coordinator did not finish within {limit}\n{Output}\n{Error}");
            return new CliResult(_exit.Result, Output.ToString(), Error.ToString());
        }

        /// <summary>Every worker that joined has ended.</summary>
        public void AssertNoWorkerLeft(int workers)
        {
            var pids = Regex.Matches(Error.ToString(), @"^netsim: worker \d+ at \S+ \(pid (\d+)\) joined", RegexOptions.Multiline)
                .Select(m => int.Parse(m.Groups[1].Value)).Distinct().ToList();
            Assert.Equal(workers, pids.Count);
            foreach (var pid in pids)
            {
                try
                {
                    using var p = Process.GetProcessById(pid);
                    Assert.True(p.HasExited || p.ProcessName != "netsim" && !p.ProcessName.StartsWith("dotnet", StringComparison.Ordinal), $"worker pid {pid} ({p.ProcessName}) is still running");
                }
                catch (ArgumentException)
                {
                    // gone
                }
            }
        }

        public void Dispose()
        {
            if (!_exit.IsCompleted)
            {
                _stop.Cancel(); // the coordinator stops and kills its workers
                _exit.Wait(TimeSpan.FromMinutes(1));
            }
            _stop.Dispose();
        }
    }

    /// <summary>A TextWriter whose lines a test can wait for.</summary>
    private sealed class LineWriter : TextWriter
    {
        private readonly StringBuilder _text = new();
        private readonly List<string> _lines = [];
        private readonly StringBuilder _line = new();

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            lock (_lines)
            {
                _text.Append(value);
                if (value == '\n')
                {
                    _lines.Add(_line.ToString().TrimEnd('\r'));
                    _line.Clear();
                    Monitor.PulseAll(_lines);
                }
                else _line.Append(value);
            }
        }

        public string WaitFor(Func<string, bool> match, TimeSpan limit)
        {
            var deadline = DateTime.UtcNow + limit;
            lock (_lines)
            {
                for (var seen = 0; ; )
                {
                    for (; seen < _lines.Count; seen++)
                        if (match(_lines[seen])) return _lines[seen];
                    var left = deadline - DateTime.UtcNow;
                    Assert.True(left > TimeSpan.Zero, $"no such line within {limit}:\n{_text}");
                    Monitor.Wait(_lines, left);
                }
            }
        }

        public override string ToString()
        {
            lock (_lines) return _text.ToString();
        }
    }
}
