using ScottPlot;

namespace NetSim.Experiments.Plots;

/// <summary>
/// Draws a <see cref="PlotSpec"/> with ScottPlot 5 (Skia, headless: SkiaSharp's self-contained Linux native library)
/// to PNG and SVG files of the same size.
/// </summary>
public static class PlotRenderer
{
    public const int Width = 900, Height = 420;

    /// <summary>
    /// Draws every plot as <see cref="Draw"/> does, the same bytes, with each PNG and each SVG a job of its own on as
    /// many threads as there are cores: rendering and PNG encoding are most of a short run's plotting. Each job builds
    /// its own <see cref="Plot"/> (plots share nothing). An SVG is laid out by the render before it (<see cref="Draw"/>
    /// draws it after the PNG; drawn first, a legend can come out wider), so its job lays the plot out once on a canvas
    /// that draws nothing before writing the SVG.
    /// </summary>
    public static IReadOnlyList<DrawnPlot> DrawAll(IReadOnlyList<PlotSpec> specs, string folder)
    {
        Directory.CreateDirectory(folder);
        var svgs = new string[specs.Count];
        Parallel.For(0, specs.Count * 2, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, job =>
        {
            var spec = specs[job / 2];
            var plot = Build(spec);
            if (job % 2 == 0)
            {
                plot.SavePng(PngPath(spec, folder), Width, Height);
                return;
            }
            using (var layout = new SkiaSharp.SKNoDrawCanvas(Width, Height)) plot.Render(layout, Width, Height);
            File.WriteAllText(SvgPath(spec, folder), svgs[job / 2] = StableIds(plot.GetSvgXml(Width, Height)));
        });
        return [.. specs.Select((s, i) => new DrawnPlot(s, PngPath(s, folder), SvgPath(s, folder), svgs[i]))];
    }

    /// <summary>Draws one plot: the PNG, then the SVG (laid out by the PNG's render).</summary>
    public static DrawnPlot Draw(PlotSpec spec, string folder)
    {
        Directory.CreateDirectory(folder);
        var plot = Build(spec);
        var png = PngPath(spec, folder);
        var svgPath = SvgPath(spec, folder);
        plot.SavePng(png, Width, Height);
        var svg = StableIds(plot.GetSvgXml(Width, Height));
        File.WriteAllText(svgPath, svg);
        return new DrawnPlot(spec, png, svgPath, svg);
    }

    private static string PngPath(PlotSpec spec, string folder) => Path.Combine(folder, spec.Name + ".png");

    private static string SvgPath(PlotSpec spec, string folder) => Path.Combine(folder, spec.Name + ".svg");

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
