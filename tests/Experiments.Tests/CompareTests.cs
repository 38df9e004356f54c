using System.Text.Json.Nodes;
using NetSim.Cli;
using Xunit;

namespace NetSim.Experiments.Tests;

/// <summary>netsim compare: nothing between identical runs, exactly the planted change otherwise, and the regression gate.</summary>
public class CompareTests
{
    private static (int Code, string Out, string Err) Netsim(params string[] args)
    {
        var (o, e) = (new StringWriter(), new StringWriter());
        var code = NetSimCommand.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    /// <summary>A copy of <paramref name="run"/> whose report says flow bulk received <paramref name="received"/> packets.</summary>
    private static string Planted(string run, long received)
    {
        var copy = TestRuns.NewFolder("planted");
        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "report.json")))!;
        var bulk = report["flows"]!.AsArray().Single(f => (string?)f!["name"] == "bulk")!;
        bulk["received"] = received;
        File.WriteAllText(Path.Combine(copy, "report.json"), report.ToJsonString());
        return copy;
    }

    [Fact]
    public void Two_identical_runs_differ_in_nothing()
    {
        var a = TestRuns.Run(TestRuns.Lossy, "report.plots=off");
        var b = TestRuns.Run(TestRuns.Lossy, "report.plots=off");
        var (code, output, error) = Netsim("compare", a, b, "--fail-if", "flows.*.goodput < -0.001%");
        Assert.True(code == 0, error);
        Assert.Matches(@"^0 of \d{2,} metrics differ", output);
        Assert.Contains("holds for none", output);
    }

    [Fact]
    public void A_planted_difference_is_found_with_its_absolute_and_relative_change_and_gates_on_it()
    {
        var a = TestRuns.Run(TestRuns.Lossy, "report.plots=off");
        var received = JsonNode.Parse(File.ReadAllText(Path.Combine(a, "report.json")))!["flows"]!.AsArray().Single(f => (string?)f!["name"] == "bulk")!["received"]!.GetValue<long>();
        var b = Planted(a, received - received / 10); // 10% fewer

        var (code, output, _) = Netsim("compare", a, b);
        Assert.Equal(0, code);
        var lines = output.Trim().Split('\n');
        // The planted counter and the ratio derived from it; nothing else.
        Assert.Equal(["flows.bulk.deliveryRatio", "flows.bulk.received"], lines.Skip(1).SkipLast(1).Select(l => l.Split(' ')[0]));
        var row = lines.Single(l => l.StartsWith("flows.bulk.received", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([$"{received}", $"{received - received / 10}", $"-{received / 10}"], row[1..4]);
        Assert.Equal($"-{Math.Round(100.0 * (received / 10) / received, 2).ToString(System.Globalization.CultureInfo.InvariantCulture)}%", row[4]);

        var fired = Netsim("compare", a, b, "--fail-if", "flows.bulk.received < -5%");
        Assert.Equal(1, fired.Code);
        Assert.Contains("FIRED by flows.bulk.received", fired.Out);
        Assert.Equal(0, Netsim("compare", a, b, "--fail-if", "flows.bulk.received < -50%").Code);
        Assert.Equal(1, Netsim("compare", a, b, "--fail-if", $"flows.*.received <= -{received / 10}").Code); // absolute
        Assert.Equal(2, Netsim("compare", a, b, "--fail-if", "flows.bulk.received <").Code);
        var unknown = Netsim("compare", a, b, "--fail-if", "flows.nope.goodput < -5%");
        Assert.Equal(2, unknown.Code);
        Assert.Contains("no metric matches", unknown.Err);
        Assert.Equal(2, Netsim("compare", a, TestRuns.NewFolder("empty")).Code);
    }

    [Fact]
    public void Sweeps_compare_cell_by_cell()
    {
        static string Sweep(string mean)
        {
            var folder = TestRuns.NewFolder("sweep-summary");
            File.WriteAllText(Path.Combine(folder, "sweep-summary.csv"),
                "cell,links.l1.loss,metric,n,mean,sd,ci95_low,ci95_high\n" +
                "1,0,flows.f1.goodput,3,1000,0,1000,1000\n" +
                $"2,0.1,flows.f1.goodput,3,{mean},1,800,1000\n");
            return folder;
        }
        var (code, output, _) = Netsim("compare", Sweep("900"), Sweep("850"), "--fail-if", "flows.f1.goodput < -5%");
        Assert.Equal(1, code);
        Assert.Contains("1 of 2 metrics differ", output);
        Assert.Contains("FIRED by links.l1.loss=0.1: flows.f1.goodput (900 -> 850, -5.56%)", output);
    }
}
