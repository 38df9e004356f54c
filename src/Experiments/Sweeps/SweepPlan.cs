using System.Globalization;
using System.Text.RegularExpressions;

namespace NetSim.Experiments.Sweeps;

/// <summary>One varied scenario key and the values it takes: <c>--vary links.l1.loss=0,0.01,0.02</c>.</summary>
public sealed record SweepParameter(string Key, IReadOnlyList<string> Values);

/// <summary>One cell of the grid: a value for every varied key, in the order the keys were given.</summary>
public sealed record SweepCell(int Index, IReadOnlyList<(string Key, string Value)> Values)
{
    /// <summary><c>key=value</c> pairs joined by <c>_</c>, e.g. <c>links.l1.loss=0.01</c>; the label of the cell.</summary>
    public string Label => string.Join(" ", Values.Select(v => $"{v.Key}={v.Value}"));

    /// <summary>The cell's folder name: its index, then its label with anything but letters, digits and <c>.=-</c> made <c>-</c>.</summary>
    public string FolderName => $"c{Index:D3}_" + Regex.Replace(string.Join("_", Values.Select(v => $"{v.Key}={v.Value}")), "[^A-Za-z0-9.=_-]", "-");
}

/// <summary>One run of a sweep: a cell and a seed, with its own folder.</summary>
public sealed record SweepRun(int Index, SweepCell Cell, long Seed, string Folder);

/// <summary>
/// The grid of a sweep: every combination of the varied keys' values (the first key varies slowest) times every
/// seed. Parsed from the command line; a bad spec gives a <see cref="FormatException"/> whose message names it.
/// </summary>
public sealed class SweepPlan
{
    private SweepPlan(IReadOnlyList<SweepParameter> parameters, IReadOnlyList<long> seeds, string outputFolder)
    {
        Parameters = parameters;
        Seeds = seeds;
        OutputFolder = outputFolder;
        var cells = new List<SweepCell>();
        var combos = parameters.Aggregate(
            (IEnumerable<List<(string, string)>>)[[]],
            (acc, p) => acc.SelectMany(prefix => p.Values.Select(v => new List<(string, string)>(prefix) { (p.Key, v) })));
        foreach (var combo in combos) cells.Add(new SweepCell(cells.Count + 1, combo));
        Cells = cells;
        Runs = [.. cells.SelectMany(c => seeds.Select(s => (c, s)))
            .Select((cs, i) => new SweepRun(i + 1, cs.c, cs.s, Path.Combine(outputFolder, "runs", cs.c.FolderName, $"seed-{cs.s}")))];
    }

    public IReadOnlyList<SweepParameter> Parameters { get; }
    public IReadOnlyList<long> Seeds { get; }
    public IReadOnlyList<SweepCell> Cells { get; }
    public IReadOnlyList<SweepRun> Runs { get; }
    public string OutputFolder { get; }

    public static SweepPlan Create(IEnumerable<string> varySpecs, string seedsSpec, string outputFolder)
    {
        var parameters = varySpecs.Select(ParseVary).ToList();
        var duplicate = parameters.GroupBy(p => p.Key).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new FormatException($"--vary {duplicate.Key}: given twice; list all its values in one --vary");
        return new SweepPlan(parameters, ParseSeeds(seedsSpec), outputFolder);
    }

    /// <summary><c>key=v1,v2,...</c>: a scenario key as for --set, then its values separated by commas.</summary>
    public static SweepParameter ParseVary(string spec)
    {
        var eq = spec.IndexOf('=');
        if (eq <= 0 || eq == spec.Length - 1) throw new FormatException($"--vary '{spec}': expected key=value1,value2,... (e.g. links.l1.loss=0,0.01,0.05)");
        var values = spec[(eq + 1)..].Split(',').Select(v => v.Trim()).ToList();
        if (values.Any(v => v.Length == 0)) throw new FormatException($"--vary '{spec}': an empty value");
        if (values.Distinct().Count() != values.Count) throw new FormatException($"--vary '{spec}': a value is repeated");
        return new SweepParameter(spec[..eq].Trim(), values);
    }

    /// <summary><c>1..10</c>, <c>3</c> or <c>1,5,9</c> (ranges and single seeds may mix: <c>1..3,10</c>).</summary>
    public static IReadOnlyList<long> ParseSeeds(string spec)
    {
        var seeds = new List<long>();
        foreach (var part in spec.Split(',', StringSplitOptions.TrimEntries))
        {
            var range = part.Split("..");
            if (range.Length == 2 && long.TryParse(range[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var from)
                && long.TryParse(range[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var to) && from <= to && to - from < 100_000)
                for (var s = from; s <= to; s++) seeds.Add(s);
            else if (range.Length == 1 && long.TryParse(part, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var single))
                seeds.Add(single);
            else
                throw new FormatException($"--seeds '{spec}': '{part}' is not a seed or a range FROM..TO (e.g. 1..10)");
        }
        if (seeds.Distinct().Count() != seeds.Count) throw new FormatException($"--seeds '{spec}': a seed is repeated");
        return seeds;
    }
}
