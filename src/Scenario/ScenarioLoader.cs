using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace NetSim.Scenario;

/// <summary>
/// Reads a HOCON scenario file, applies command-line overrides and the embedded defaults
/// (<c>scenario-defaults.conf</c>), and validates it into a <see cref="Scenario"/> or a list of
/// <see cref="ScenarioError"/>s that name file, line and key.
/// </summary>
public static class ScenarioLoader
{
    /// <summary>Metrics of tcp flows only (a ping or udp flow has none of them: unmeasured).</summary>
    public static readonly ImmutableArray<string> TcpFlowMetrics =
        ["bytes", "goodput", "connect-time", "retransmitted", "timeouts", "fast-retransmits", "sack-recoveries", "srtt", "min-rtt", "cwnd"];

    /// <summary>Flow expectation metrics; durations are compared in milliseconds.</summary>
    public static readonly ImmutableArray<string> FlowMetrics =
        ["sent", "received", "lost", "duplicated", "reordered", "delivery-ratio", "loss", "rtt-min", "rtt-mean", "rtt-p50", "rtt-p99", "rtt-max",
         .. TcpFlowMetrics];


    private static readonly Lazy<Config> Defaults = new(() =>
    {
        using var stream = typeof(ScenarioLoader).Assembly.GetManifestResourceStream("NetSim.Scenario.scenario-defaults.conf")
            ?? throw new InvalidOperationException("scenario-defaults.conf is not embedded in NetSim.Scenario");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    });

    /// <summary>The embedded defaults (one block per kind of object: scenario, host, nic, route, link, switch, ping, udp).</summary>
    public static Config DefaultsConfig => Defaults.Value;

    /// <summary>Loads and validates a scenario file.</summary>
    /// <param name="path">Scenario file.</param>
    /// <param name="overrides"><c>key=value</c> pairs from <c>--set</c>, HOCON syntax on both sides, applied over the file.</param>
    /// <param name="seed">When given, replaces the file's <c>seed</c>.</param>
    /// <param name="maxFileBytes">The largest file accepted (default <see cref="ScenarioLimits.MaxFileBytes"/>, at most <see cref="ScenarioLimits.MaxFileBytesCeiling"/>).</param>
    public static ScenarioLoadResult Load(string path, IEnumerable<string>? overrides = null, long? seed = null, int maxFileBytes = ScenarioLimits.MaxFileBytes)
    {
        maxFileBytes = Math.Clamp(maxFileBytes, 1, ScenarioLimits.MaxFileBytesCeiling);
        string text;
        try
        {
            if (Directory.Exists(path)) return new(null, [new ScenarioError(path, 0, "", "is a folder, not a scenario file")]);
            var length = new FileInfo(path).Length;
            if (length > maxFileBytes)
            {
                // Name the line on which the limit is crossed, reading no more than the limit, a block at a time (the
                // limit may be raised to 1 GiB: no buffer of its size).
                var line = 1;
                var block = new byte[64 * 1024];
                using (var stream = File.OpenRead(path))
                {
                    for (long left = maxFileBytes; left > 0;)
                    {
                        var n = stream.Read(block, 0, (int)Math.Min(block.Length, left));
                        if (n == 0) break;
                        line += block.AsSpan(0, n).Count((byte)'\n');
                        left -= n;
                    }
                }
                return new(null, [new ScenarioError(path, line, "", $"the file is {length:N0} bytes; a scenario file may have at most {maxFileBytes:N0} (the limit is reached on this line; --max-file-size raises it)")]);
            }
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return new(null, [new ScenarioError(path, 0, "", $"cannot read the file: {e.Message}")]);
        }
        return LoadFromText(text, path, overrides, seed, maxFileBytes);
    }

    /// <summary>Loads and validates scenario text; <paramref name="fileName"/> is used in messages.</summary>
    /// <remarks>
    /// Never throws for any text and never takes longer than <see cref="ScenarioLimits.LoadTimeoutFor"/> its length: the source
    /// scan rejects what Akka's parser mishandles (deep nesting, stray backslashes, cyclic substitutions), and the
    /// parse and build run on a worker thread with a large stack that is abandoned if it does not finish in time.
    /// </remarks>
    public static ScenarioLoadResult LoadFromText(string text, string fileName, IEnumerable<string>? overrides = null, long? seed = null,
        int maxFileBytes = ScenarioLimits.MaxFileBytes)
    {
        maxFileBytes = Math.Clamp(maxFileBytes, 1, ScenarioLimits.MaxFileBytesCeiling);
        if (text.Length > maxFileBytes)
        {
            var line = HoconSourceMap.LineAt(text, maxFileBytes);
            return new(null, [new ScenarioError(fileName, line, "", $"the text is longer than {maxFileBytes:N0} characters (the limit of a scenario file is reached on this line; --max-file-size raises it)")]);
        }
        var timeout = ScenarioLimits.LoadTimeoutFor(text.Length);
        var overrideList = (overrides ?? []).ToList();
        ScenarioLoadResult? result = null;
        Exception? failure = null;
        var worker = new Thread(() =>
        {
            try { result = LoadBounded(text, fileName, overrideList, seed); }
            catch (Exception e) { failure = e; }
        }, ScenarioLimits.LoaderStackBytes) { IsBackground = true, Name = "netsim-scenario-loader" };
        worker.Start();
        if (!worker.Join(timeout))
            return new(null, [new ScenarioError(fileName, 0, "", $"reading the file took longer than {timeout.TotalSeconds:0} s; simplify it (fewer substitutions, smaller lists)")]);
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        return result!;
    }

    private static ScenarioLoadResult LoadBounded(string text, string fileName, List<string> overrides, long? seed)
    {
        var errors = new List<ScenarioError>();
        PhaseMarks.Reset();
        var fileMap = HoconSourceMap.Scan(text);
        PhaseMarks.Mark("load: scan");
        if (fileMap.SyntaxError is { } syntax)
            return new(null, [new ScenarioError(fileName, syntax.Line, "", $"HOCON syntax error: {syntax.Message}")]);

        // Overrides are HOCON lines appended after the file: later definitions win, objects merge.
        var overrideLines = new List<string>();
        var overrideMaps = new List<HoconSourceMap>();
        int n = 0;
        foreach (var raw in overrides)
        {
            n++;
            var eq = raw.IndexOf('=');
            if (eq <= 0 || raw.Contains('\n') || raw.Contains('\r'))
            {
                errors.Add(new("--set", n, raw.Split('\n')[0], "expected key=value on one line (e.g. --set links.l1.loss=0.05)"));
                continue;
            }
            var line = $"{raw[..eq].Trim()} = {raw[(eq + 1)..].Trim()}";
            var map = HoconSourceMap.Scan(line);
            if (map.SyntaxError is { } e && !e.Message.Contains("names no key", StringComparison.Ordinal))
            {
                errors.Add(new("--set", n, raw[..eq].Trim(), $"HOCON syntax error: {e.Message}"));
                continue;
            }
            overrideLines.Add(line);
            overrideMaps.Add(map);
        }
        if (seed is { } s) overrideLines.Add($"seed = {s.ToString(CultureInfo.InvariantCulture)}");
        if (errors.Count > 0) return new(null, [.. errors]);

        var merged = text + "\n" + string.Join("\n", overrideLines) + "\n";
        var fileLines = HoconSourceMap.LineAt(text, text.Length);
        ScenarioError At(int line, string message) => line > fileLines
            ? new ScenarioError("--set", Math.Min(line - fileLines, overrideMaps.Count), "", message)
            : new ScenarioError(fileName, line, "", message);
        // Without overrides the merged text is the file and two blank lines: the file's scan is its scan too.
        var mergedMap = overrideLines.Count == 0 ? fileMap : HoconSourceMap.Scan(merged);
        if (mergedMap.SyntaxError is { } mergedSyntax) return new(null, [At(mergedSyntax.Line, $"HOCON syntax error: {mergedSyntax.Message}")]);

        Config config;
        try
        {
            // The same tree as Akka's parser makes, at a fraction of its cost; Akka's parser for what only it does.
            var forAkka = mergedMap.ForAkka(merged);
            config = HoconReader.TryParse(forAkka) ?? ConfigurationFactory.ParseString(forAkka);
            PhaseMarks.Mark("load: HOCON parse");
        }
        catch (Exception e)
        {
            // Akka reports "at position N" (a character offset) and a multi-line excerpt; keep the first line.
            var message = e.Message.Split('\n')[0].Trim().TrimEnd(':');
            var m = System.Text.RegularExpressions.Regex.Match(message, @"position (\d+)");
            int line = m.Success && int.TryParse(m.Groups[1].Value, CultureInfo.InvariantCulture, out var position) ? HoconSourceMap.LineAt(merged, position) : 0;
            return new(null, [At(line, $"HOCON error: {message}")]);
        }

        var context = new LoadContext(fileName, fileMap, overrideMaps, seed.HasValue);
        var scenario = new ScenarioBuilder(context, config, fileName).Build();
        PhaseMarks.Mark("load: build");
        if (context.Errors.Count == 0) ScenarioValidator.Check(scenario, context);
        PhaseMarks.Mark("load: validate");
        return context.Errors.Count > 0 ? new(null, [.. context.Errors]) : new(scenario, []);
    }

    /// <summary>Where errors go and how a key path is turned into file and line.</summary>
    internal sealed class LoadContext(string fileName, HoconSourceMap fileMap, List<HoconSourceMap> overrideMaps, bool seedOverridden)
    {
        public List<ScenarioError> Errors { get; } = [];

        /// <summary>Key path of each script step as written (<c>script[3]</c>); the model sorts steps by time.</summary>
        public Dictionary<ScriptStep, string> StepPaths { get; } = new(ReferenceEqualityComparer.Instance);

        public void Error(string path, string message) => Errors.Add(At(path, message));

        /// <summary>The error <paramref name="message"/> at <paramref name="path"/>, placed in the file or on the command line.</summary>
        public ScenarioError At(string path, string message)
        {
            if (path == "seed" && seedOverridden) return new("--seed", 1, path, message);
            for (int i = overrideMaps.Count - 1; i >= 0; i--)
                if (overrideMaps[i].LineOf(path) is not null || overrideMaps[i].Paths.Any(p => path.StartsWith(p + ".", StringComparison.Ordinal)))
                    return new("--set", i + 1, path, message);
            return new(fileName, fileMap.NearestLine(path), path, message);
        }
    }
}

/// <summary>A HOCON object being read: its own items first, then the defaults block for its kind.</summary>
internal sealed class Section(ScenarioLoader.LoadContext context, string path, IDictionary<string, HoconValue> items, Config? defaults)
{
    public string Path { get; } = path;
    public IDictionary<string, HoconValue> Items { get; } = items;

    public string KeyPath(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    public void Error(string key, string message) => context.Error(KeyPath(key), message);

    /// <summary>Reports every key not in <paramref name="allowed"/>, with a suggestion when one is close.</summary>
    public void RejectUnknownKeys(params string[] allowed)
    {
        foreach (var key in Items.Keys)
        {
            if (allowed.Contains(key)) continue;
            var near = ValueParsers.Nearest(key, allowed);
            var where = Path.Length == 0 ? "at the top level" : $"in {Path}";
            Error(key, near is null
                ? $"unknown key {where} (known keys: {string.Join(", ", allowed)})"
                : $"unknown key {where}; did you mean '{near}'?");
        }
    }

    public bool Has(string key) => Items.ContainsKey(key);

    public HoconValue? Raw(string key)
    {
        if (Items.TryGetValue(key, out var v)) return v;
        if (defaults is null) return null;
        // A defaults block is asked the same few keys for every host, NIC, link and step: two HOCON path walks each.
        return DefaultValues.GetValue(defaults, _ => new(StringComparer.Ordinal))
            .GetOrAdd(key, static (k, d) => d.HasPath(k) ? d.GetValue(k) : null, defaults);
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Config, System.Collections.Concurrent.ConcurrentDictionary<string, HoconValue?>> DefaultValues = new();

    public string? Scalar(string key, bool required)
    {
        var v = Raw(key);
        if (v is null)
        {
            if (required) Error(key, "is required but missing");
            return null;
        }
        if (!TryScalar(v, out var text))
        {
            Error(key, "must be a single value, not an object or a list");
            return null;
        }
        return text;
    }

    /// <summary>
    /// Akka's reading of a single value: false for an object or a list, else <see cref="HoconValue.GetString"/> (its
    /// pieces joined and trimmed, "null" as null). A value of plain literals, nearly every value of a scenario, is read
    /// here without Akka's LINQ queries (a list built per question, several questions per value).
    /// </summary>
    private static bool TryScalar(HoconValue v, out string? text)
    {
        var values = v.Values;
        if (values.Count == 1 && values[0] is HoconLiteral single)
        {
            text = NullIfNull((single.Value ?? "").Trim());
            return true;
        }
        if (values.Count > 1 && values.TrueForAll(static e => e is HoconLiteral))
        {
            var joined = new System.Text.StringBuilder();
            foreach (var e in values) joined.Append(((HoconLiteral)e).Value);
            text = NullIfNull(joined.ToString().Trim());
            return true;
        }
        if (v.IsObject() || v.IsArray())
        {
            text = null;
            return false;
        }
        text = v.GetString();
        return true;
    }

    private static string? NullIfNull(string text) => text == "null" ? null : text;

    public TimeSpan? Duration(string key, bool required, bool positive = false)
    {
        var s = Scalar(key, required);
        if (s is null) return null;
        var d = ValueParsers.ParseDuration(s, allowNegative: false, out var problem);
        if (d is null) { Error(key, problem!); return null; }
        if (positive && d <= TimeSpan.Zero) { Error(key, $"{s} must be more than 0"); return null; }
        return d;
    }

    public long? Integer(string key, bool required, long min, long max)
    {
        var s = Scalar(key, required);
        if (s is null) return null;
        if (!long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
        {
            Error(key, $"'{s}' is not a whole number");
            return null;
        }
        if (v < min || v > max) { Error(key, $"{v} is out of range ({min}..{max})"); return null; }
        return v;
    }

    public double? Number(string key, bool required, double min, double max, string? rangeText = null)
    {
        var s = Scalar(key, required);
        if (s is null) return null;
        if (!double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
        {
            Error(key, $"'{s}' is not a number");
            return null;
        }
        if (v < min || v > max) { Error(key, rangeText is null ? $"{s} is out of range ({min}..{max})" : $"{s} {rangeText}"); return null; }
        return v;
    }

    public double? Probability(string key, bool required) => Number(key, required, 0, 1, "is not a probability (0..1)");

    public bool? Boolean(string key, bool required)
    {
        var s = Scalar(key, required);
        if (s is null) return null;
        switch (s.Trim().ToLowerInvariant())
        {
            case "on" or "true" or "yes": return true;
            case "off" or "false" or "no": return false;
            default: Error(key, $"'{s}' is not on/off (or true/false)"); return null;
        }
    }

    public long? BitRate(string key, bool required)
    {
        var s = Scalar(key, required);
        if (s is null) return null;
        var r = ValueParsers.ParseBitRate(s, out var problem);
        if (r is null) Error(key, problem!);
        return r;
    }

    public long? ByteSize(string key, bool required, long min = 0)
    {
        var s = Scalar(key, required);
        if (s is null) return null;
        var n = ValueParsers.ParseByteSize(s, out var problem);
        if (n is null) { Error(key, problem!); return null; }
        if (n < min) { Error(key, $"{s} must be at least {min} bytes"); return null; }
        return n;
    }

    public IPAddress? Address(string key, bool required)
    {
        var s = Scalar(key, required);
        if (s is null) return null;
        var a = ValueParsers.ParseAddress(s, out var problem);
        if (a is null) Error(key, problem!);
        return a;
    }

    /// <summary>A list of scalars; a single scalar is accepted as a list of one.</summary>
    public List<(string Value, string Path)>? StringList(string key, bool required)
    {
        var v = Raw(key);
        if (v is null)
        {
            if (required) Error(key, "is required but missing");
            return null;
        }
        var array = v.GetArray(); // empty unless a list (Akka's IsArray is GetArray().Count != 0)
        if (array.Count == 0)
        {
            if (v.IsObject()) { Error(key, "must be a list, e.g. [\"h1.eth0\", \"h2.eth0\"]"); return null; }
            return [(v.GetString(), KeyPath(key))];
        }
        var result = new List<(string, string)>(array.Count);
        for (int i = 0; i < array.Count; i++)
        {
            if (!TryScalar(array[i], out var text)) { context.Error($"{KeyPath(key)}[{i}]", "must be a single value"); continue; }
            result.Add((text!, $"{KeyPath(key)}[{i}]"));
        }
        return result;
    }

    /// <summary>A child object as a section, or null (with an error when it is not an object).</summary>
    public Section? Child(string key, Config? childDefaults, bool required = false)
    {
        if (!Items.TryGetValue(key, out var v))
        {
            if (required) Error(key, "is required but missing");
            return null;
        }
        if (!v.IsObject()) { Error(key, "must be an object { ... }"); return null; }
        return new Section(context, KeyPath(key), v.GetObject().Items, childDefaults);
    }

    public Section Nested(string path, HoconValue value, Config? childDefaults) =>
        new(context, path, value.GetObject().Items, childDefaults);
}
