using System.CommandLine;
using NetSim.Experiments.Reports;
using NetSim.Experiments.RunFiles;

namespace NetSim.Cli;

/// <summary><c>netsim plot DIR</c>: redraws a run's plots and report.html from its files, without running it again.</summary>
internal static class PlotCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var dir = new Argument<DirectoryInfo>("dir") { Description = "The folder of a run (holds report.json and timeseries.csv)." };
        var plot = new Command("plot", "Redraw the plots (PNG, SVG) and report.html of a run from its files.") { dir };
        plot.SetAction(r => Run(r.GetValue(dir)!.FullName, output, error));
        return plot;
    }

    private static int Run(string folder, TextWriter output, TextWriter error)
    {
        try
        {
            var files = RunReportPage.Write(RunFolder.Open(folder));
            output.WriteLine($"wrote {Relative(files[0])} and {files.Count - 1} plot files in {Relative(Path.Combine(folder, "plots"))}");
            return NetSimCommand.Ok;
        }
        catch (RunFolderException e)
        {
            error.WriteLine($"netsim plot: {e.Message}");
            return NetSimCommand.BadInput;
        }
    }

    /// <summary>After <c>netsim run</c>: the page and plots of the run just made (report.plots = on).</summary>
    public static IReadOnlyList<string> AfterRun(string folder) => RunReportPage.Write(RunFolder.Open(folder));

    internal static string Relative(string path) =>
        Path.IsPathRooted(path) ? Path.GetRelativePath(Environment.CurrentDirectory, path) : path;
}
