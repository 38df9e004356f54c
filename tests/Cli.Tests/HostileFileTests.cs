using System.Text.RegularExpressions;
using Xunit;

namespace NetSim.Cli.Tests;

/// <summary>
/// The hostile corpus (tests/Cli.Tests/Hostile): every file names on its first line the exit code it must give and,
/// for bad input, the line the one-line message must name (<c># expect: exit 2 at line 7</c>). Files that are valid
/// are also run (each is short) and must end with their code: anything <c>netsim validate</c> accepts, <c>netsim
/// run</c> runs. Inputs too big to keep in the repository (megabytes, deep nesting) are generated here.
/// </summary>
public partial class HostileFileTests
{
    private static string Folder => Path.Combine(AppContext.BaseDirectory, "hostile");

    public static TheoryData<string> Files() => [.. Directory.GetFiles(Folder, "*.conf").Select(f => Path.GetFileName(f)!).Order()];

    [GeneratedRegex(@"^\uFEFF?# expect: exit (\d+)(?: at line (\d+))?")]
    private static partial Regex ExpectHeader();

    [Fact]
    public void The_corpus_has_at_least_60_files() => Assert.True(Files().Count >= 60, $"{Files().Count} files");

    [Theory]
    [MemberData(nameof(Files))]
    public void Each_file_gives_its_exit_code_and_names_its_line(string name)
    {
        var path = Path.Combine(Folder, name);
        var header = ExpectHeader().Match(File.ReadLines(path).First());
        Assert.True(header.Success, $"{name}: the first line must be '# expect: exit N [at line L]'");
        var code = int.Parse(header.Groups[1].Value);
        var validate = Cli.Run("validate", path);
        NoStackTrace(validate);
        if (code == NetSimCommand.BadInput)
        {
            Assert.True(validate.ExitCode == NetSimCommand.BadInput, validate.ToString());
            AssertOneLineAt(validate.Error, name, int.Parse(header.Groups[2].Value));
            return;
        }
        Assert.True(validate.ExitCode == NetSimCommand.Ok, validate.ToString());
        using var folder = new TempFolder();
        var run = Cli.Run("run", path, "--out", folder.Path);
        NoStackTrace(run);
        Assert.True(run.ExitCode == code, run.ToString());
        Assert.True(File.Exists(folder["report.json"]), run.ToString());
    }

    [Fact]
    public void A_file_of_two_megabytes_names_the_line_where_the_limit_is_crossed()
    {
        using var folder = new TempFolder();
        var line = "# " + new string('x', 1021) + "\n"; // 1 KiB per line
        var path = folder.Write("big.conf", string.Concat(Enumerable.Repeat(line, 2048)));
        var result = Cli.Run("validate", path);
        Assert.True(result.ExitCode == NetSimCommand.BadInput, result.ToString());
        AssertOneLineAt(result.Error, "big.conf", 1025); // the first 1024 lines fill 1 MiB exactly
    }

    [Fact]
    public void A_valid_file_of_nearly_a_megabyte_validates()
    {
        // 4,000 hosts in pairs, each pair on a link: about 0.9 MB.
        using var folder = new TempFolder();
        var text = new System.Text.StringBuilder("duration = 100ms\nhosts {\n");
        for (var i = 0; i < 4000; i++)
            text.Append($"  host{i:D5} {{ nics {{ eth0 {{ type = tun, addresses = [\"10.{i / 250}.{i % 250}.1/30\"] }} }} }} # {new string('.', 130)}\n");
        text.Append("}\nlinks {\n");
        for (var i = 0; i < 4000; i += 2) text.Append($"  l{i} {{ a = \"host{i:D5}.eth0\", b = \"host{i + 1:D5}.eth0\" }}\n");
        text.Append("}\n");
        Assert.InRange(text.Length, 800_000, 1 << 20);
        var path = folder.Write("wide.conf", text.ToString());
        var validate = Cli.Run("validate", path);
        Assert.True(validate.ExitCode == NetSimCommand.Ok, validate.ToString());
    }

    [Fact]
    public void A_generated_file_above_the_default_limit_validates_with_a_raised_max_file_size()
    {
        // 4,000 hosts with a long comment each (about 1.5 MB): refused at the default 1 MiB, accepted with --max-file-size 4MiB.
        using var folder = new TempFolder();
        var text = new System.Text.StringBuilder("duration = 100ms\nhosts {\n");
        for (var i = 0; i < 4000; i++)
            text.Append($"  host{i:D5} {{ nics {{ eth0 {{ type = tun, addresses = [\"10.{i / 250}.{i % 250}.1/30\"] }} }} }} # {new string('.', 300)}\n");
        text.Append("}\nlinks {\n");
        for (var i = 0; i < 4000; i += 2) text.Append($"  l{i} {{ a = \"host{i:D5}.eth0\", b = \"host{i + 1:D5}.eth0\" }}\n");
        text.Append("}\n");
        Assert.InRange(text.Length, (1 << 20) + 1, 4 << 20);
        var path = folder.Write("generated.conf", text.ToString());
        Assert.Equal(NetSimCommand.BadInput, Cli.Run("validate", path).ExitCode);
        var raised = Cli.Run("validate", path, "--max-file-size", "4MiB");
        Assert.True(raised.ExitCode == NetSimCommand.Ok, raised.ToString());
    }

    [Theory]
    [InlineData("lots")]
    [InlineData("2GiB")]
    [InlineData("0")]
    public void A_bad_max_file_size_is_one_line_and_exit_2(string value)
    {
        using var folder = new TempFolder();
        var path = folder.Write("ok.conf", "duration = 1s\n");
        var result = Cli.Run("validate", path, "--max-file-size", value);
        Assert.True(result.ExitCode == NetSimCommand.BadInput, result.ToString());
        Assert.StartsWith("netsim: --max-file-size: ", result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
    }

    [Theory]
    [InlineData(100_000)]
    [InlineData(400_000)]
    public void Deep_nesting_on_one_line_is_refused_without_overflowing_the_stack(int depth)
    {
        using var folder = new TempFolder();
        var path = folder.Write("deep.conf", "# deep\nx = " + new string('[', depth) + new string(']', depth) + "\n");
        var result = Cli.Run("validate", path);
        Assert.True(result.ExitCode == NetSimCommand.BadInput, result.ToString());
        AssertOneLineAt(result.Error, "deep.conf", 2);
    }

    internal static void AssertOneLineAt(string error, string fileName, int line)
    {
        var text = error.TrimEnd('\n', '\r');
        Assert.False(text.Contains('\n'), $"more than one line:\n{error}");
        Assert.Matches($@"^(.*[/\\])?{Regex.Escape(fileName)}:{line}: ", text);
    }

    internal static void NoStackTrace(CliResult result)
    {
        Assert.DoesNotContain("   at ", result.Error);
        Assert.DoesNotContain("   at ", result.Output);
        Assert.DoesNotContain("Exception", result.Error);
    }
}
