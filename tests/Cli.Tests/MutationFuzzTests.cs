using System.Text;
using Xunit;
using Xunit.Abstractions;

namespace NetSim.Cli.Tests;

/// <summary>
/// A seeded, bounded mutation fuzzer over every sample scenario: each mutant (lines deleted, duplicated or swapped,
/// numbers replaced by edge values, the text truncated, structural characters inserted) goes through
/// <c>netsim validate</c> in this process, and the mutants that validate through a short <c>netsim run</c>. It
/// fails on any crash (exit 3 or a stack trace), any hang (a per-call wall-clock bound), any exit code outside
/// 0/1/2, and any bad-input message that is not one line naming the file. Runs longer than their budget are
/// interrupted (the interruption itself must then end them promptly) and count as fine.
/// </summary>
public class MutationFuzzTests(ITestOutputHelper log)
{
    // Fixed in CI; NETSIM_FUZZ_SEED and NETSIM_FUZZ_MUTANTS explore further on a developer's machine.
    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("NETSIM_FUZZ_SEED"), out var s) ? s : 20261125;
    private static readonly int MutantsPerSample = int.TryParse(Environment.GetEnvironmentVariable("NETSIM_FUZZ_MUTANTS"), out var m) ? m : 40;
    private static readonly TimeSpan ValidateBound = TimeSpan.FromSeconds(30), RunBudget = TimeSpan.FromSeconds(4), RunBound = TimeSpan.FromSeconds(60);

    private static readonly string[] EdgeNumbers =
    [
        "0", "-1", "1", "65535", "65536", "2147483647", "2147483648", "-2147483649", "9223372036854775807",
        "-9223372036854775808", "18446744073709551616", "1e309", "-0", "0.0000001", "NaN", "1e-400", "99999999999999999999",
    ];

    private static readonly string[] Structural = ["{", "}", "[", "]", "\"", "\\", "${", "${x}", ",", "=", ":", "+=", "#", "\"\"\"", "\n", "\0", "}}}}", "[[[["];

    private static readonly string[] Units = ["ns", "us", "ms", "s", "m", "h", "", "x", "Mbps"];

    [Fact]
    public void Mutants_of_every_sample_never_crash_hang_or_leave_0_1_2()
    {
        var samples = Directory.GetFiles(Cli.SamplesDirectory, "*.conf").Order().ToList();
        Assert.NotEmpty(samples);
        var random = new Random(Seed);
        using var folder = new TempFolder();
        int validated = 0, ran = 0, interrupted = 0, total = 0;
        var failures = new List<string>();
        foreach (var sample in samples)
        {
            var original = File.ReadAllText(sample);
            for (var m = 0; m < MutantsPerSample; m++)
            {
                var (mutant, how) = Mutate(original, random);
                var name = $"{Path.GetFileNameWithoutExtension(sample)}-{m:D2}.conf";
                var path = folder.Write(name, mutant);
                total++;
                var validate = Call(["validate", path], null, ValidateBound);
                var problem = Problem(validate, name, allowInterrupted: false);
                if (problem is not null) { failures.Add($"{name} ({how}): validate: {problem}\n{mutant}"); continue; }
                if (validate!.ExitCode != NetSimCommand.Ok) continue;
                validated++;
                using var interruption = new RunInterruption();
                using var budget = new Timer(_ => interruption.Interrupt(), null, RunBudget, Timeout.InfiniteTimeSpan);
                var run = Call(["run", path, "--out", Path.Combine(folder.Path, "out-" + m)], interruption, RunBound);
                problem = Problem(run, name, allowInterrupted: interruption.Token.IsCancellationRequested);
                if (problem is not null) { failures.Add($"{name} ({how}): run: {problem}\n{mutant}"); continue; }
                if (run!.ExitCode == NetSimCommand.Interrupted) interrupted++;
                else ran++;
            }
        }
        log.WriteLine($"seed {Seed}: {total} mutants of {samples.Count} samples: {validated} validated, {ran} ran to the end, {interrupted} interrupted at the {RunBudget.TotalSeconds} s budget");
        Assert.True(failures.Count == 0, $"{failures.Count} of {total} mutants failed:\n\n{string.Join("\n\n", failures.Take(5))}");
        Assert.True(validated > 0 && ran > 0, "the mutations are so heavy that nothing validates any more");
    }

    /// <summary>Runs netsim in this process on a worker thread; null when it did not return within <paramref name="bound"/>.</summary>
    private static CliResult? Call(string[] args, RunInterruption? interruption, TimeSpan bound)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var task = Task.Factory.StartNew(() => NetSimCommand.Run(args, output, error, interruption), TaskCreationOptions.LongRunning);
        if (!task.Wait(bound)) return null;
        return new CliResult(task.Result, output.ToString(), error.ToString());
    }

    private static string? Problem(CliResult? result, string name, bool allowInterrupted)
    {
        if (result is null) return "hung (no answer within its bound)";
        if (result.Error.Contains("   at ") || result.Output.Contains("   at ")) return $"stack trace\n{result}";
        var allowed = result.ExitCode is NetSimCommand.Ok or NetSimCommand.ExpectationFailed or NetSimCommand.BadInput
                      || (allowInterrupted && result.ExitCode == NetSimCommand.Interrupted);
        if (!allowed) return $"exit code {result.ExitCode}\n{result}";
        if (result.ExitCode == NetSimCommand.BadInput)
        {
            var text = result.Error.TrimEnd('\n', '\r');
            if (text.Contains('\n')) return $"more than one line\n{result}";
            if (!text.Contains(name) && !text.StartsWith("netsim: ", StringComparison.Ordinal)) return $"the message does not name the file\n{result}";
        }
        return null;
    }

    /// <summary>One or two mutations of <paramref name="text"/>, and what they were.</summary>
    internal static (string Text, string How) Mutate(string text, Random random)
    {
        var how = new List<string>();
        var rounds = random.Next(1, 3);
        for (var r = 0; r < rounds; r++)
        {
            var lines = text.Split('\n').ToList();
            switch (random.Next(7))
            {
                case 0 when lines.Count > 1:
                {
                    var i = random.Next(lines.Count);
                    lines.RemoveAt(i);
                    how.Add($"deleted line {i + 1}");
                    break;
                }
                case 1:
                {
                    var i = random.Next(lines.Count);
                    lines.Insert(i, lines[i]);
                    how.Add($"duplicated line {i + 1}");
                    break;
                }
                case 2 when lines.Count > 1:
                {
                    int i = random.Next(lines.Count), j = random.Next(lines.Count);
                    (lines[i], lines[j]) = (lines[j], lines[i]);
                    how.Add($"swapped lines {i + 1} and {j + 1}");
                    break;
                }
                case 3:
                {
                    var numbers = System.Text.RegularExpressions.Regex.Matches(text, @"-?\d+(\.\d+)?");
                    if (numbers.Count == 0) goto default;
                    var n = numbers[random.Next(numbers.Count)];
                    var edge = EdgeNumbers[random.Next(EdgeNumbers.Length)];
                    text = text[..n.Index] + edge + text[(n.Index + n.Length)..];
                    how.Add($"number at {n.Index} -> {edge}");
                    continue;
                }
                case 4:
                {
                    var units = System.Text.RegularExpressions.Regex.Matches(text, @"(?<=\d)(ms|s|us|Mbps|kbps)\b");
                    if (units.Count == 0) goto default;
                    var u = units[random.Next(units.Count)];
                    var unit = Units[random.Next(Units.Length)];
                    text = text[..u.Index] + unit + text[(u.Index + u.Length)..];
                    how.Add($"unit at {u.Index} -> '{unit}'");
                    continue;
                }
                case 5:
                {
                    var cut = random.Next(text.Length + 1);
                    text = text[..cut];
                    how.Add($"truncated at {cut}");
                    continue;
                }
                default:
                {
                    var at = random.Next(text.Length + 1);
                    var s = Structural[random.Next(Structural.Length)];
                    text = text[..at] + s + text[at..];
                    how.Add($"inserted {Escape(s)} at {at}");
                    continue;
                }
            }
            text = string.Join('\n', lines);
        }
        return (text, string.Join(", ", how));
    }

    private static string Escape(string s) => new StringBuilder(s).Replace("\n", "\\n").Replace("\0", "\\0").ToString();
}
