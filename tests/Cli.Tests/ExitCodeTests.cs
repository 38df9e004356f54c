using Xunit;

namespace NetSim.Cli.Tests;

/// <summary>Bad arguments give exit 2 and one line; a failure inside NetSim gives exit 3 and one line (the stack trace only with --verbose).</summary>
public class ExitCodeTests
{
    private static string Sample => Cli.Sample("two-hosts-tun");

    private static void OneLineBadInput(CliResult result, string mentions)
    {
        Assert.True(result.ExitCode == NetSimCommand.BadInput, result.ToString());
        Assert.False(result.Error.TrimEnd('\n', '\r').Contains('\n'), result.ToString());
        Assert.Contains(mentions, result.Error);
        HostileFileTests.NoStackTrace(result);
    }

    [Fact]
    public void Out_that_is_a_file_is_bad_input()
    {
        using var folder = new TempFolder();
        var file = folder.Write("taken", "not a folder");
        OneLineBadInput(Cli.Run("run", Sample, "--out", file), "--out");
    }

    [Fact]
    public void Out_that_cannot_be_created_is_bad_input()
    {
        using var folder = new TempFolder();
        var file = folder.Write("taken", "not a folder");
        OneLineBadInput(Cli.Run("run", Sample, "--out", Path.Combine(file, "below-a-file")), "--out");
    }

    [Theory]
    [InlineData("--seed", "abc")]
    [InlineData("--seed", "18446744073709551616")]
    public void A_bad_seed_is_bad_input(string option, string value) => OneLineBadInput(Cli.Run("run", Sample, option, value), "--seed");

    [Fact]
    public void An_unsigned_64_bit_seed_runs()
    {
        using var folder = new TempFolder();
        var result = Cli.Run("run", Sample, "--seed", "18446744073709551615", "--out", folder.Path);
        Assert.True(result.ExitCode == NetSimCommand.Ok, result.ToString());
    }

    [Theory]
    [InlineData("links.l1.delay=1ms\\")]
    [InlineData("links.l1.delay=${links.l1.delay}")]
    [InlineData("links.l1.delay=[[[[")]
    [InlineData("links.l1.delay=\"1ms")]
    public void A_hostile_override_is_one_line_naming_set(string assignment) =>
        OneLineBadInput(Cli.Run("run", Sample, "--set", assignment), "--set");

    [Fact]
    public void Several_bad_arguments_are_still_one_line() => OneLineBadInput(Cli.Run("run", "--nope", "--seed"), "netsim: ");

    [Fact]
    public void A_missing_file_is_one_line() => OneLineBadInput(Cli.Run("validate", "/nonexistent/scenario.conf"), "scenario.conf");

    [Fact]
    public void A_folder_as_the_file_is_one_line()
    {
        using var folder = new TempFolder();
        OneLineBadInput(Cli.Run("validate", folder.Path), "is a folder");
    }

    /// <summary>Output that cannot be written: a failure inside NetSim (not the scenario's), so exit 3.</summary>
    private sealed class BrokenWriter : StringWriter
    {
        public override void WriteLine(string? value) => throw new IOException("the terminal went away");
    }

    [Fact]
    public void An_internal_error_is_exit_3_and_one_line_without_a_stack_trace()
    {
        var error = new StringWriter();
        var code = NetSimCommand.Run(["validate", Sample], new BrokenWriter(), error);
        Assert.Equal(NetSimCommand.InternalError, code);
        var text = error.ToString().TrimEnd('\n');
        Assert.False(text.Contains('\n'), text);
        Assert.StartsWith("netsim: internal error: ", text);
        Assert.EndsWith("; rerun with --verbose for details", text);
        Assert.DoesNotContain("   at ", text);
    }

    [Fact]
    public void Verbose_adds_the_stack_trace_to_an_internal_error()
    {
        var error = new StringWriter();
        var code = NetSimCommand.Run(["validate", Sample, "--verbose"], new BrokenWriter(), error);
        Assert.Equal(NetSimCommand.InternalError, code);
        Assert.StartsWith("netsim: internal error: ", error.ToString());
        Assert.Contains("   at ", error.ToString());
    }

    [Fact]
    public void An_interruption_before_the_run_writes_an_interrupted_report_and_exits_130()
    {
        using var folder = new TempFolder();
        using var interruption = new RunInterruption();
        interruption.Interrupt();
        var output = new StringWriter();
        var code = NetSimCommand.Run(["run", Sample, "--out", folder.Path], output, new StringWriter(), interruption);
        Assert.True(code == NetSimCommand.Interrupted, output.ToString());
        using var report = Cli.Report(folder.Path);
        Assert.True(report.RootElement.GetProperty("interrupted").GetBoolean());
        Assert.Equal(0, report.RootElement.GetProperty("reachedMs").GetDouble());
    }
}
