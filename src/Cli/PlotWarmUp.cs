namespace NetSim.Cli;

/// <summary>
/// Draws one throwaway plot on a background thread while a run is simulated. The first plot of a process pays for
/// loading Skia's native library, its fonts and ScottPlot's types (about 0.1 s, half the plotting of a short run);
/// drawn here it overlaps the run on the second core instead of following it. Nothing is written, and the run's plots
/// come out the same bytes (PlotRenderer renumbers the SVG ids of every file, so a plot drawn before them changes none).
/// </summary>
internal sealed class PlotWarmUp
{
    private readonly Thread _thread;

    private PlotWarmUp()
    {
        _thread = new Thread(Draw) { IsBackground = true, Name = "netsim plot warm-up" };
        _thread.Start();
    }

    /// <summary>Starts drawing.</summary>
    public static PlotWarmUp Start() => new();

    /// <summary>Waits until the throwaway plot is drawn (the run's plots are drawn after it, never beside it).</summary>
    public void Wait() => _thread.Join();

    private static void Draw()
    {
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
