using ScottPlot;

namespace NetSim.Experiments.Plots;

/// <summary>
/// Draws a <see cref="PlotSpec"/> with ScottPlot 5 (Skia, headless: SkiaSharp's self-contained Linux native library)
/// to PNG and SVG files of the same size.
/// </summary>
public static class PlotRenderer
{
    public const int Width = 900, Height = 420;

    public static DrawnPlot Draw(PlotSpec spec, string folder)
    {
        Directory.CreateDirectory(folder);
        var plot = Build(spec);
        var png = Path.Combine(folder, spec.Name + ".png");
        var svgPath = Path.Combine(folder, spec.Name + ".svg");
        plot.SavePng(png, Width, Height);
        var svg = StableIds(plot.GetSvgXml(Width, Height));
        File.WriteAllText(svgPath, svg);
        return new DrawnPlot(spec, png, svgPath, svg);
    }

    /// <summary>
    /// ScottPlot numbers clip paths from a process-wide counter; renumbered from 1 in each file, the same plot gives
    /// the same bytes whether it is the first drawn in a process or the hundredth.
    /// </summary>
    internal static string StableIds(string svg)
    {
        var ids = new Dictionary<string, string>();
        return System.Text.RegularExpressions.Regex.Replace(svg, @"(?<=id=""|url\(#)cl_[0-9a-f]+", m =>
        {
            if (!ids.TryGetValue(m.Value, out var stable)) ids[m.Value] = stable = $"clip{ids.Count + 1}";
            return stable;
        });
    }

    /// <summary>
    /// Draws one throwaway plot, as a run's plots are drawn, and writes nothing: the first plot of a process pays for
    /// loading Skia's native library, its fonts and ScottPlot's types, and a caller can pay that early on another thread.
    /// </summary>
    public static void WarmUp()
    {
        var plot = Build(new PlotSpec("warm-up", "warm-up", "time (s)", "value", [new PlotSeries("warm-up", [0, 1, 2], [0, 1, 0])]));
        _ = plot.GetImageBytes(90, 42, ImageFormat.Png);
        _ = plot.GetSvgXml(90, 42);
    }

    private static Plot Build(PlotSpec spec)
    {
        var plot = new Plot();
        foreach (var s in spec.Series)
        {
            var scatter = plot.Add.Scatter(s.Xs, s.Ys);
            scatter.LegendText = s.Label;
            scatter.LineWidth = 1.5f;
            scatter.MarkerSize = s.Xs.Length <= 60 ? 5 : 0;
            if (spec.Steps) scatter.ConnectStyle = ConnectStyle.StepVertical;
            if (s.Errors is { } errors)
            {
                var bars = plot.Add.ErrorBar(s.Xs, s.Ys, errors);
                bars.Color = scatter.Color;
            }
        }
        plot.Title(spec.Title, size: 14);
        plot.XLabel(spec.XLabel);
        plot.YLabel(spec.YLabel);
        if (spec.Series.Count > 0) plot.ShowLegend(Edge.Right);
        return plot;
    }
}
