using Spectre.Console;

namespace NetSim.Cli;

/// <summary>
/// The one-time start-up costs of <c>netsim run</c>, paid on the second core while the main thread parses the
/// arguments, loads the scenario file and sets it up. The first actor system of a process costs 0.08-0.17 s of CPU
/// (Akka's types loaded and its code fixed up or compiled: a second system in the same process takes about 0.015 s),
/// the first summary table about 0.02-0.05 s (Spectre.Console's layout code) and the first plot about 0.1 s (Skia,
/// fonts, ScottPlot); all three are one-time warm-up, not work. This thread starts a throwaway run system
/// (<see cref="NetSim.Scenario.Running.ScenarioRunner.WarmUp"/>), then, when the run draws plots
/// (<see cref="PlotWarmUp.Start"/> asked by then, as it does once the file is loaded), a throwaway plot, then renders a
/// throwaway table into nothing: one after the other, so the process has at most two busy threads on two cores until
/// the plots are drawn, and the plot first (the summary is printed beside the plots, the plots are what the run waits
/// for). Nothing of it reaches the run. Only for a process that ends after the run (Program.Main): in-process callers
/// (tests) do not start it.
/// </summary>
internal static class RunWarmUp
{
    private static readonly object Gate = new();
    private static bool _running;
    private static PlotWarmUp? _plot;

    /// <summary>Starts warming up when <paramref name="args"/> is a <c>run</c> of a process that ends after it. Nobody
    /// waits for it: if the run gets there first, the two threads share the work (Akka starts systems side by side).</summary>
    public static void StartFor(string[] args, bool endsProcess)
    {
        if (!endsProcess || args.Length < 2 || args[0] != "run" || args.Contains("--verbose")) return;
        lock (Gate) _running = true;
        new Thread(WarmUp) { IsBackground = true, Name = "netsim run warm-up" }.Start();
    }

    /// <summary>Has this process's warm-up draw <paramref name="plot"/> too, next; false when there is no warm-up
    /// running (the caller draws it on a thread of its own).</summary>
    public static bool DrawToo(PlotWarmUp plot)
    {
        lock (Gate)
        {
            if (!_running) return false;
            _plot = plot;
            return true;
        }
    }

    private static void WarmUp()
    {
        try
        {
            NetSim.Scenario.Running.ScenarioRunner.WarmUp();
        }
        catch (Exception)
        {
            // Only a head start: the run's own system reports whatever is wrong.
        }
        Plot(done: false);
        try
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(TextWriter.Null),
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.Detect,
            });
            console.Write(new Table().Title("warm-up").AddColumns("a", "b").AddRow("1", Markup.Escape("x=1")));
            console.MarkupLine("[green]warm-up[/]");
        }
        catch (Exception)
        {
            // As above: the run's summary reports its own problems.
        }
        Plot(done: true);
    }

    // The throwaway plot, when the run has asked for it by now (drawn once: PlotWarmUp.Draw); done: no later asking.
    private static void Plot(bool done)
    {
        PlotWarmUp? plot;
        lock (Gate)
        {
            if (done) _running = false;
            plot = _plot;
        }
        plot?.Draw();
    }
}
