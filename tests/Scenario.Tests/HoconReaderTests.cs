using System.Text;
using Akka.Configuration;
using Akka.Configuration.Hocon;
using Xunit;

namespace NetSim.Scenario.Tests;

/// <summary>
/// <see cref="HoconReader"/> builds the tree Akka's HOCON parser builds, or leaves the text to Akka's parser: compared
/// node by node (literals with their exact text, blanks included; object keys in order; lists) on every scenario and
/// configuration file of the repository, on hand-picked corners of Akka's grammar and on seeded random text, always
/// as the loader hands it over (after the source scan accepted it).
/// </summary>
public class HoconReaderTests
{
    [Fact]
    public void Reads_every_file_of_the_repository_as_Akka_does()
    {
        var root = RepositoryRoot();
        var files = Directory.EnumerateFiles(root, "*.conf", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .ToList();
        Assert.True(files.Count > 50, $"found only {files.Count} .conf files under {root}");
        var samples = 0;
        foreach (var file in files)
        {
            var outcome = Compare(File.ReadAllText(file) + "\n\n", file);
            if (file.Contains($"{Path.DirectorySeparatorChar}samples{Path.DirectorySeparatorChar}"))
            {
                // Every sample is read without Akka's parser (none uses substitutions or includes).
                Assert.True(outcome == Outcome.SameTree, $"{file}: {outcome}");
                samples++;
            }
        }
        Assert.True(samples >= 10, $"only {samples} samples");
    }

    [Theory]
    [InlineData("a = 1\n")]
    [InlineData("a = foo bar  \t # trailing blanks and a comment\n")]
    [InlineData("a = [ ]\nb = []\nc = [ \"x\" , y ,]\n")]
    [InlineData("a { x = 1 }\na { y = 2 }\na.x = 3\n")]
    [InlineData("a = 1\na { b = 2 }\n")]
    [InlineData("a { b = 2 }\na = 1\n")]
    [InlineData("a = { b = 2 } \nc = [1, 2] \nd = [[1], {e = 3}]\n")]
    [InlineData("\"a.b\" = 1\n\"c\" { \"d\" = \"x\\ty\\u00e9\" }\n")]
    [InlineData("a = null\nb = \"null\"\nc = \"\"\n")]
    [InlineData("a = \"\"\"multi\nline \"quoted\" \"\"\"\n")]
    [InlineData("a: 1, b: 2\n// comment\nc : { d : 3 }\n")]
    [InlineData("  a.b.c = 1\n  a.b.d = \"2\"\n  a.e = 10ms\n")]
    [InlineData("a = 1\r\nb = [\r\n  x,\r\n  y\r\n]\r\n")]
    [InlineData("hosts { h1 { nics { eth0 { addresses = [\"10.0.0.1/24\"] } } } }\n")]
    [InlineData("a = x${b}\nb = 1\n")]
    [InlineData("include \"other.conf\"\na = 1\n")]
    [InlineData("a = x y:z\n")]
    [InlineData("a = 1\n# the end")]
    [InlineData("a = $\n")]
    [InlineData("a = x!\nb = 2\n")]
    public void Reads_the_corners_of_Akkas_grammar_as_Akka_does(string text)
    {
        var outcome = Compare(text + "\n\n", "inline");
        Assert.NotEqual(Outcome.Different, outcome);
    }

    [Fact]
    public void Reads_generated_text_as_Akka_does()
    {
        var random = new Random(15);
        var compared = 0;
        for (var i = 0; i < 3000; i++)
        {
            var text = Generate(random) + "\n\n";
            if (HoconSourceMap.Scan(text).SyntaxError is not null) continue; // the loader stops there: Akka never sees it
            var outcome = Compare(text, $"generated #{i}");
            if (outcome == Outcome.SameTree) compared++;
        }
        Assert.True(compared > 1000, $"only {compared} generated texts were read by both");
    }

    private enum Outcome { SameTree, BothRejected, LeftToAkka, Different }

    /// <summary>Parses <paramref name="text"/> both ways (as the loader does: the scan first, then the text for Akka)
    /// and fails on any difference.</summary>
    private static Outcome Compare(string text, string what)
    {
        var map = HoconSourceMap.Scan(text);
        if (map.SyntaxError is not null) return Outcome.BothRejected;
        var forAkka = map.ForAkka(text);
        Config? akka;
        try { akka = ConfigurationFactory.ParseString(forAkka); }
        catch (Exception) { akka = null; }
        var ours = HoconReader.TryParse(forAkka);
        if (ours is null) return akka is null ? Outcome.BothRejected : Outcome.LeftToAkka;
        Assert.True(akka is not null, $"{what}: Akka's parser rejects what HoconReader read:\n{text}");
        var difference = Difference(akka!.Root, ours.Root, "");
        Assert.True(difference is null, $"{what}: {difference}\n{text}");
        return Outcome.SameTree;
    }

    private static string? Difference(HoconValue a, HoconValue b, string path)
    {
        if (a.Values.Count != b.Values.Count) return $"{path}: {a.Values.Count} elements in Akka's tree, {b.Values.Count} in ours";
        for (var i = 0; i < a.Values.Count; i++)
        {
            var (x, y) = (a.Values[i], b.Values[i]);
            if (x.GetType() != y.GetType()) return $"{path}[{i}]: {x.GetType().Name} in Akka's tree, {y.GetType().Name} in ours";
            switch (x)
            {
                case HoconLiteral l when l.Value != ((HoconLiteral)y).Value:
                    return $"{path}[{i}]: literal '{l.Value}' in Akka's tree, '{((HoconLiteral)y).Value}' in ours";
                case HoconObject o:
                    var p = (HoconObject)y;
                    if (!o.Items.Keys.SequenceEqual(p.Items.Keys)) return $"{path}: keys {string.Join(",", o.Items.Keys)} in Akka's tree, {string.Join(",", p.Items.Keys)} in ours";
                    foreach (var key in o.Items.Keys)
                        if (Difference(o.Items[key], p.Items[key], $"{path}.{key}") is { } d) return d;
                    break;
                case HoconArray arr:
                    var brr = (HoconArray)y;
                    if (arr.Count != brr.Count) return $"{path}: {arr.Count} list elements in Akka's tree, {brr.Count} in ours";
                    for (var j = 0; j < arr.Count; j++)
                        if (Difference(arr[j], brr[j], $"{path}[{j}]") is { } d) return d;
                    break;
            }
        }
        return null;
    }

    private static readonly string[] Keys = ["a", "b", "c", "hosts", "h1", "eth0", "x-y", "k_2", "10", "\"q.k\"", "\"\"", "a.b", "b.c.d", "include", "null"];
    private static readonly string[] Scalars = ["1", "-2.5", "10ms", "1Gbps", "on", "null", "tun", "\"10.0.0.1/24\"", "\"a b\"", "\"\"", "\"x\\ty\\\"z\\u0041\"",
        "foo bar", "a-b_c", "\"\"\"t\"q\"\"\"\"", "x\ty", "true", "02", "\"null\"", "${a}", "1 2 3", "a/b"];
    private static readonly string[] Blanks = ["", " ", "  ", "\t", " \t "];
    private static readonly string[] Ends = ["\n", "\n", ", ", ",\n", " # c\n", " // c\n", "\r\n", "\n\n", " ,"];

    /// <summary>Random HOCON-like text: mostly well formed, with Akka's corners (blanks before ends of lines and lists,
    /// repeated keys, dotted keys, comments, odd characters) mixed in. Not '$' or '!' alone: in a list Akka's parser
    /// (and so HoconReader) loops on them for ever, and the loader's time limit ends it.</summary>
    private static string Generate(Random random)
    {
        var sb = new StringBuilder();
        void Blank() => sb.Append(Blanks[random.Next(Blanks.Length)]);
        void Value(int depth)
        {
            var kind = depth > 3 ? 0 : random.Next(6);
            switch (kind)
            {
                case <= 2: sb.Append(Scalars[random.Next(Scalars.Length)]); break;
                case 3:
                    sb.Append('[');
                    var n = random.Next(4);
                    for (var i = 0; i < n; i++)
                    {
                        Blank();
                        if (random.Next(5) == 0) sb.Append('\n');
                        Value(depth + 1);
                        Blank();
                        if (i < n - 1 || random.Next(3) == 0) sb.Append(random.Next(4) == 0 ? "\n" : ",");
                    }
                    Blank();
                    sb.Append(']');
                    break;
                default:
                    sb.Append('{');
                    Body(depth + 1, random.Next(4));
                    sb.Append('}');
                    break;
            }
        }
        void Body(int depth, int entries)
        {
            for (var i = 0; i < entries; i++)
            {
                Blank();
                sb.Append(Keys[random.Next(Keys.Length)]);
                Blank();
                switch (random.Next(4))
                {
                    case 0: sb.Append('{'); Body(depth + 1, random.Next(3)); sb.Append('}'); break;
                    case 1: sb.Append(':'); Blank(); Value(depth); break;
                    default: sb.Append('='); Blank(); Value(depth); break;
                }
                Blank();
                sb.Append(Ends[random.Next(Ends.Length)]);
            }
        }
        if (random.Next(10) == 0) sb.Append("# header\n");
        Body(0, 1 + random.Next(6));
        return sb.ToString();
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NetSim.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("NetSim.sln not found above the test's folder");
    }
}
