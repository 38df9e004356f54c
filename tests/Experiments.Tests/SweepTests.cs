using System.Globalization;
using NetSim.Cli;
using NetSim.Experiments.Sweeps;
using Xunit;

namespace NetSim.Experiments.Tests;

/// <summary>Sweeps: the grid, its worker processes, the CSVs and their confidence intervals, failures and interruption.</summary>
public class SweepTests
{
    private const string Small = """
        seed = 1
        duration = 1s
        hosts {
          a { nics { eth0 { type = tun, addresses = ["10.0.0.1/24"] } } }
          b { nics { eth0 { type = tun, addresses = ["10.0.0.2/24"] } } }
        }
        links { l1 { a = "a.eth0", b = "b.eth0", delay = 5ms, loss = 0 } }
        script = [
          { at = 0s, udp { name = "f1", from = a, to = "10.0.0.2", port = 9, rate = 200, size = 100, count = 150 } }
        ]
        """;

    private static string ScenarioFile()
    {
        var path = Path.Combine(TestRuns.NewFolder("sweep-file"), "small.conf");
        File.WriteAllText(path, Small);
        return path;
    }

    private static (int Code, string Out, string Err) Netsim(params string[] args)
    {
        var (o, e) = (new StringWriter(), new StringWriter());
        var code = NetSimCommand.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    private static List<Dictionary<string, string>> ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        return [.. lines.Skip(1).Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second))];
    }

    [Fact]
    public void Sweep_runs_the_grid_in_worker_processes_and_summarises_each_cell_with_a_student_t_interval()
    {
        var output = TestRuns.NewFolder("sweep");
        var (code, stdout, stderr) = Netsim("sweep", ScenarioFile(), "--vary", "links.l1.loss=0,0.3", "--seeds", "1..3", "--jobs", "2",
            "--out", output, "--metric", "flows.f1.deliveryRatio");
        Assert.True(code == 0, stdout + stderr);

        var runs = ReadCsv(Path.Combine(output, "sweep.csv"));
        Assert.Equal(6, runs.Count);
        Assert.Equal(["0", "0", "0", "0.3", "0.3", "0.3"], runs.Select(r => r["links.l1.loss"]));
        Assert.Equal(["1", "2", "3", "1", "2", "3"], runs.Select(r => r["seed"]));
        Assert.All(runs, r => Assert.Equal("ok", r["status"]));
        Assert.All(runs, r => Assert.True(Directory.Exists(Path.Combine(output, "runs")), "runs folder"));
        Assert.All(runs.Take(3), r => Assert.Equal("1", r["flows.f1.deliveryRatio"]));
        var lossy = runs.Skip(3).Select(r => double.Parse(r["flows.f1.deliveryRatio"], CultureInfo.InvariantCulture)).ToList();
        Assert.All(lossy, v => Assert.InRange(v, 0.5, 0.9)); // 30% loss over 150 packets
        Assert.True(lossy.Distinct().Count() > 1, "each seed draws its own losses");
        // Each run has its own folder with its own report, seeded as the row says.
        var folders = Directory.GetDirectories(Path.Combine(output, "runs")).SelectMany(Directory.GetDirectories).ToList();
        Assert.Equal(6, folders.Count);
        Assert.All(folders, f => Assert.True(File.Exists(Path.Combine(f, "report.json")), f));

        // The summary: mean and t(0.975, 2) = 4.303 times s / sqrt(3), computed here by hand from the rows.
        var summary = ReadCsv(Path.Combine(output, "sweep-summary.csv")).Where(r => r["metric"] == "flows.f1.deliveryRatio").ToList();
        Assert.Equal(2, summary.Count);
        Assert.Equal(("1", "3", "1", "1", "1"), (summary[0]["mean"], summary[0]["n"], summary[0]["ci95_low"], summary[0]["ci95_high"], summary[0]["mean"]));
        var mean = lossy.Average();
        var sd = Math.Sqrt(lossy.Sum(v => (v - mean) * (v - mean)) / 2);
        var half = 4.303 * sd / Math.Sqrt(3);
        Assert.Equal(mean, double.Parse(summary[1]["mean"], CultureInfo.InvariantCulture), 12);
        Assert.Equal(mean - half, double.Parse(summary[1]["ci95_low"], CultureInfo.InvariantCulture), 12);
        Assert.Equal(mean + half, double.Parse(summary[1]["ci95_high"], CultureInfo.InvariantCulture), 12);

        var html = File.ReadAllText(Path.Combine(output, "sweep.html"));
        System.Xml.Linq.XDocument.Parse(html);
        Assert.Contains("2 cells x 3 seeds = 6 runs", html);
        Assert.True(File.Exists(Path.Combine(output, "plots", "flows.f1.deliveryRatio-vs-links.l1.loss.png")));
    }

    [Fact]
    public void The_sample_experiment_sweeps_loss_into_a_grid_with_intervals()
    {
        // The README's sample, kept small: 2 loss rates x 2 seeds (the full one is 5 x 5).
        var output = TestRuns.NewFolder("sample-sweep");
        var sample = Path.Combine(AppContext.BaseDirectory, "samples", "loss-sweep.conf");
        var (code, stdout, stderr) = Netsim("sweep", sample, "--vary", "links.wan.loss=0,0.1", "--seeds", "1..2", "--out", output,
            "--metric", "flows.stream.deliveryRatio", "--metric", "flows.rtt.rttMs.mean");
        Assert.True(code == 0, stdout + stderr);
        Assert.Equal(4, ReadCsv(Path.Combine(output, "sweep.csv")).Count(r => r["status"] == "ok"));
        var delivery = ReadCsv(Path.Combine(output, "sweep-summary.csv")).Where(r => r["metric"] == "flows.stream.deliveryRatio")
            .ToDictionary(r => r["links.wan.loss"], r => (Mean: double.Parse(r["mean"], CultureInfo.InvariantCulture), Low: r["ci95_low"], N: r["n"]));
        Assert.Equal(1.0, delivery["0"].Mean);
        Assert.InRange(delivery["0.1"].Mean, 0.8, 0.95); // 10% loss each way: about 90% arrive
        Assert.Equal("2", delivery["0.1"].N);
        Assert.NotEqual("", delivery["0.1"].Low);
        var plots = Directory.GetFiles(Path.Combine(output, "plots"), "*.svg").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(["flows.rtt.rttMs.mean-vs-links.wan.loss.svg", "flows.stream.deliveryRatio-vs-links.wan.loss.svg"], plots);
    }

    [Fact]
    public async Task A_failed_run_is_reported_and_the_others_go_on()
    {
        var output = TestRuns.NewFolder("sweep-fail");
        var plan = SweepPlan.Create(["links.l1.delay=1ms"], "1..3", output);
        var real = SweepCommand.Worker();
        // A worker that fails for seed 2 and is netsim otherwise (the seed follows --seed).
        var script = "p=; for a in \"$@\"; do if [ \"$p\" = --seed ] && [ \"$a\" = 2 ]; then echo 'planted failure' >&2; exit 3; fi; p=$a; done; exec \"$0\" \"$@\"";
        var worker = new WorkerCommand("/bin/sh", ["-c", script, real.FileName, .. real.PrefixArguments]);
        var finished = new List<SweepRunResult>();
        var results = await new SweepRunner(worker, ScenarioFile(), ["report.plots=off"], 2).RunAsync(plan, r => { lock (finished) finished.Add(r); }, CancellationToken.None);

        Assert.Equal([RunStatus.Ok, RunStatus.Failed, RunStatus.Ok], results.Select(r => r.Status));
        Assert.Equal(3, finished.Count);
        Assert.Equal("planted failure", results[1].Problem);
        Assert.Equal(3, results[1].ExitCode);
        Assert.Contains("planted failure", File.ReadAllText(Path.Combine(results[1].Run.Folder, "run.log")));

        var files = SweepReport.Write(plan, "small.conf", results, []);
        var rows = ReadCsv(files.SweepCsv);
        Assert.Equal(["ok", "failed", "ok"], rows.Select(r => r["status"]));
        Assert.Equal("", rows[1]["flows.f1.sent"]);
        Assert.Equal("150", rows[0]["flows.f1.sent"]);
        Assert.Contains("planted failure", File.ReadAllText(files.Html));
        // The cell's summary uses the two runs that finished.
        Assert.Contains(ReadCsv(files.SummaryCsv), r => r["metric"] == "flows.f1.sent" && r["n"] == "2");
    }

    [Fact]
    public async Task Cancelling_stops_the_sweep_and_keeps_what_finished()
    {
        var output = TestRuns.NewFolder("sweep-cancel");
        var plan = SweepPlan.Create([], "1..4", output);
        using var cancel = new CancellationTokenSource();
        var results = await new SweepRunner(SweepCommand.Worker(), ScenarioFile(), ["report.plots=off"], 1)
            .RunAsync(plan, _ => cancel.Cancel(), cancel.Token); // interrupted as soon as the first run is done

        Assert.Equal(RunStatus.Ok, results[0].Status);
        Assert.All(results.Skip(1), r => Assert.Equal(RunStatus.Cancelled, r.Status));
        var rows = ReadCsv(SweepReport.Write(plan, "small.conf", results, []).SweepCsv);
        Assert.Equal(["ok", "cancelled", "cancelled", "cancelled"], rows.Select(r => r["status"]));
    }

    [Fact]
    public async Task Ctrl_c_on_netsim_sweep_exits_130_with_the_finished_runs_written()
    {
        var output = TestRuns.NewFolder("sweep-sigint");
        var worker = SweepCommand.Worker();
        var start = new System.Diagnostics.ProcessStartInfo(worker.FileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in worker.PrefixArguments.Concat(["sweep", ScenarioFile(), "--seeds", "1..30", "--jobs", "1", "--out", output])) start.ArgumentList.Add(a);
        using var sweep = System.Diagnostics.Process.Start(start)!;
        var stderr = sweep.StandardError.ReadToEndAsync();
        // Wait (on output, not on a clock) until the first run is reported done, then interrupt as Ctrl-C does.
        string? line;
        while ((line = sweep.StandardOutput.ReadLine()) is not null && !line.StartsWith("[1/30]", StringComparison.Ordinal)) { }
        Assert.NotNull(line);
        using (var kill = System.Diagnostics.Process.Start("kill", ["-INT", sweep.Id.ToString(CultureInfo.InvariantCulture)])) kill.WaitForExit();
        var rest = sweep.StandardOutput.ReadToEnd();
        Assert.True(sweep.WaitForExit(TimeSpan.FromMinutes(2)), "netsim sweep did not stop after SIGINT");
        Assert.True(sweep.ExitCode == 130, $"exit {sweep.ExitCode}: {rest}{await stderr}");
        Assert.Contains("cancelled", rest);
        var rows = ReadCsv(Path.Combine(output, "sweep.csv"));
        Assert.Equal(30, rows.Count);
        Assert.Equal("ok", rows[0]["status"]);
        Assert.Contains(rows, r => r["status"] == "cancelled");
        Assert.True(File.Exists(Path.Combine(output, "sweep.html")));
    }

    [Fact]
    public void A_key_that_does_not_load_stops_the_sweep_before_any_run()
    {
        var output = TestRuns.NewFolder("sweep-bad");
        var (code, _, stderr) = Netsim("sweep", ScenarioFile(), "--vary", "links.l1.lost=0,0.1", "--out", output);
        Assert.Equal(2, code);
        Assert.Contains("links.l1.lost", stderr);
        Assert.False(Directory.Exists(Path.Combine(output, "runs")));
        Assert.Equal(2, Netsim("sweep", ScenarioFile(), "--seeds", "3..1", "--out", output).Code);
        Assert.Equal(2, Netsim("sweep", ScenarioFile(), "--vary", "links.l1.loss", "--out", output).Code);
    }

    [Fact]
    public void Plan_is_every_combination_times_every_seed()
    {
        var plan = SweepPlan.Create(["a=1,2", "b=x,y,z"], "1..2,9", "/tmp/p");
        Assert.Equal([1L, 2, 9], plan.Seeds);
        Assert.Equal(6, plan.Cells.Count);
        Assert.Equal(18, plan.Runs.Count);
        Assert.Equal(["a=1 b=x", "a=1 b=y", "a=1 b=z", "a=2 b=x", "a=2 b=y", "a=2 b=z"], plan.Cells.Select(c => c.Label));
        Assert.Equal(Path.Combine("/tmp/p", "runs", "c006_a=2_b=z", "seed-9"), plan.Runs[^1].Folder);
        Assert.Throws<FormatException>(() => SweepPlan.Create(["a=1", "a=2"], "1", "/tmp/p"));
        Assert.Throws<FormatException>(() => SweepPlan.ParseSeeds("1..x"));
        Assert.Throws<FormatException>(() => SweepPlan.ParseSeeds("1,1"));
    }

    [Fact]
    public void Student_t_intervals_match_the_tables()
    {
        Assert.Equal(12.706, Statistics.StudentT975(1));
        Assert.Equal(2.262, Statistics.StudentT975(9));
        Assert.Equal(2.042, Statistics.StudentT975(30));
        Assert.Equal(2.021, Statistics.StudentT975(40), 9);
        Assert.InRange(Statistics.StudentT975(50), 2.000, 2.021);
        Assert.InRange(Statistics.StudentT975(100000), 1.960, 1.961);
        var s = Statistics.Summarise([1.0, 2.0, 3.0]);
        Assert.Equal((3, 2.0, 1.0), (s.Count, s.Mean, s.StandardDeviation));
        Assert.Equal(4.303 / Math.Sqrt(3), s.HalfWidth95, 12);
        Assert.True(double.IsNaN(Statistics.Summarise([5.0]).HalfWidth95));
    }
}
