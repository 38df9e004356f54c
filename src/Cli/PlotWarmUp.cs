namespace NetSim.Cli;

/// <summary>
/// The plots of <c>netsim run</c>, off the main thread. The first plot of a process pays for loading Skia's native
/// library, its fonts and ScottPlot's types (about 0.1 s, as much as drawing a short run's five plots): a throwaway
/// plot drawn while the run is set up and simulated pays it on the second core, by <see cref="RunWarmUp"/>'s thread
/// after its own work when the process has one, else on a thread of its own. The run's plots and report.html are then
/// drawn (<see cref="DrawPage"/>) while the main thread prints the summary. Nothing of the throwaway plot is written,
/// and the run's plots come out the same bytes (PlotRenderer renumbers the SVG ids of every file).
/// </summary>
internal sealed class PlotWarmUp
{
    private readonly ManualResetEventSlim _drawn = new();

    private PlotWarmUp()
    {
    }

    /// <summary>Starts drawing the throwaway plot (after the process's warm-up, when that is still running).</summary>
    public static PlotWarmUp Start()
    {
        var warmUp = new PlotWarmUp();
        if (!RunWarmUp.DrawLast(warmUp))
            new Thread(warmUp.Draw) { IsBackground = true, Name = "netsim plot warm-up" }.Start();
        return warmUp;
    }

    /// <summary>Draws the run's plots and report.html in <paramref name="folder"/> on a thread of its own, after the
    /// throwaway plot (never beside it: both would wait on the same one-time loading); the files written, or the
    /// drawing's exception.</summary>
    public Task<IReadOnlyList<string>> DrawPage(string folder) => Task.Factory.StartNew(() =>
    {
        _drawn.Wait();
        return PlotCommand.AfterRun(folder);
    }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>Draws the throwaway plot on the calling thread.</summary>
    internal void Draw()
    {
        try
        {
            NetSim.Experiments.Plots.PlotRenderer.WarmUp();
        }
        catch (Exception)
        {
            // Only a head start: the run's own plots report whatever is wrong with drawing on this machine.
        }
        finally
        {
            _drawn.Set();
        }
    }
}
