namespace NetSim.Experiments.Plots;

/// <summary>One line of a plot: its legend label and points; <paramref name="Errors"/> (half-widths) draws error bars.</summary>
public sealed record PlotSeries(string Label, double[] Xs, double[] Ys, double[]? Errors = null);

/// <summary>
/// What a plot shows, independent of how it is drawn: file name (without extension), title, axis labels with
/// units, and its series. The run page, the sweep page and <c>netsim plot</c> build these; <see cref="PlotRenderer"/> draws them.
/// </summary>
public sealed record PlotSpec(string Name, string Title, string XLabel, string YLabel, IReadOnlyList<PlotSeries> Series, bool Steps = false);

/// <summary>A drawn plot: the spec and where its PNG and SVG went, plus the SVG text for inlining in a page.</summary>
public sealed record DrawnPlot(PlotSpec Spec, string PngPath, string SvgPath, string Svg);
