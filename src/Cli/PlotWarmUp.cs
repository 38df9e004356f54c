namespace NetSim.Cli;

/// <summary>
/// The plots of <c>netsim run</c>, off the main thread. The first plot of a process pays for loading Skia's native
/// library, its fonts and ScottPlot's types (about 0.1 s, as much as drawing a short run's five plots): a throwaway
/// plot drawn while the run is set up and simulated pays it on the second core, by <see cref="RunWarmUp"/>'s thread
/// after the actor system's warm-up when the process has one, else on a thread of its own. The run's plots and
/// report.html are then drawn (<see cref="DrawPage"/>) while the main thread prints the summary; they do not wait for
/// the throwaway plot (on a busy machine the warm-up thread can lag: both would then wait on the same one-time loading,
/// and whichever comes second finds it done), and a throwaway plot not yet begun is not drawn at all. Nothing of it is
/// written, and the run's plots come out the same bytes (PlotRenderer renumbers the SVG ids of every file).
/// </summary>
internal sealed class PlotWarmUp
{
    private int _claimed; // 1 once the throwaway plot or the run's page has begun

    private PlotWarmUp()
    {
    }

    /// <summary>Has the throwaway plot drawn: by the process's warm-up when that is still running, else on a thread of its own.</summary>
    public static PlotWarmUp Start()
    {
        var warmUp = new PlotWarmUp();
        if (!RunWarmUp.DrawToo(warmUp))
            new Thread(warmUp.Draw) { IsBackground = true, Name = "netsim plot warm-up" }.Start();
        return warmUp;
    }

    /// <summary>Draws the run's plots and report.html in <paramref name="folder"/> on a thread of its own; the files
    /// written, or the drawing's exception.</summary>
    public Task<IReadOnlyList<string>> DrawPage(string folder) => Task.Factory.StartNew(() =>
    {
        Interlocked.Exchange(ref _claimed, 1);
        return PlotCommand.AfterRun(folder);
    }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>Draws the throwaway plot on the calling thread, unless it or the run's page has begun already.</summary>
    internal void Draw()
    {
        if (Interlocked.Exchange(ref _claimed, 1) != 0) return;
        try
        {
            NetSim.Experiments.Plots.PlotRenderer.WarmUp();
        }
        catch (Exception)
        {
            // Only a head start: the run's own plots report whatever is wrong with drawing on this machine.
        }
    }
}
