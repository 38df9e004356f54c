using System.Buffers.Binary;
using System.Diagnostics;
using Xunit;

namespace NetSim.Cli.Tests;

/// <summary>tshark reads the captures of sample runs without warnings and decodes their ARP and ICMP fields.</summary>
public class TsharkTests
{
    [Fact]
    public void Tap_capture_of_switched_lan_decodes_arp_and_icmp()
    {
        if (Tshark() is not { } tshark) return;
        using var dir = new TempFolder();
        var run = Cli.Run("run", Cli.Sample("switched-lan"), "--out", dir.Path);
        Assert.True(run.ExitCode == 0, run.ToString());
        var pcap = dir["h1.eth0.pcap"];
        Assert.Equal(1u, LinkType(pcap)); // LINKTYPE_ETHERNET

        var rows = Fields(tshark, pcap, "arp.opcode", "arp.src.proto_ipv4", "arp.dst.proto_ipv4", "icmp.type", "icmp.seq");
        Assert.Equal(
        [
            "1|10.1.0.1|10.1.0.3||",   // who has 10.1.0.3? tell 10.1.0.1
            "2|10.1.0.3|10.1.0.1||",   // 10.1.0.3 is at ...
            "|||8|1", "|||0|1",
            "|||8|2", "|||0|2",
            "|||8|3", "|||0|3",
        ], rows);
    }

    [Fact]
    public void Tun_capture_of_two_hosts_decodes_as_raw_ipv4_icmp()
    {
        if (Tshark() is not { } tshark) return;
        using var dir = new TempFolder();
        var run = Cli.Run("run", Cli.Sample("two-hosts-tun"), "--out", dir.Path);
        Assert.True(run.ExitCode == 0, run.ToString());
        var pcap = dir["h1.eth0.pcap"];
        Assert.Equal(101u, LinkType(pcap)); // LINKTYPE_RAW

        var rows = Fields(tshark, pcap, "frame.protocols", "ip.version", "ip.src", "ip.dst", "icmp.type", "icmp.seq");
        var expected = Enumerable.Range(1, 5).SelectMany(seq => new[]
        {
            $"raw:ip:icmp:data|4|10.0.0.1|10.0.0.2|8|{seq}",
            $"raw:ip:icmp:data|4|10.0.0.2|10.0.0.1|0|{seq}",
        });
        Assert.Equal(expected, rows);
    }

    private static uint LinkType(string pcap)
    {
        var header = File.ReadAllBytes(pcap).AsSpan(0, 24);
        Assert.Equal(0xa1b2c3d4u, BinaryPrimitives.ReadUInt32LittleEndian(header));
        return BinaryPrimitives.ReadUInt32LittleEndian(header[20..]);
    }

    /// <summary>
    /// tshark, or null on a developer machine without it (the test then checks nothing); in CI (CI=true) it is
    /// required. The same rule as tests/Scenario.Tests/OutputTests.Pcap_is_read_by_tshark_without_warnings.
    /// </summary>
    private static string? Tshark()
    {
        var tshark = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Select(d => Path.Combine(d, "tshark")).FirstOrDefault(File.Exists);
        if (tshark is null)
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", "tshark is required in CI (apt-get install -y tshark)");
        return tshark;
    }

    /// <summary>tshark -T fields, one row per frame, fields joined by '|'; fails on any warning.</summary>
    private static List<string> Fields(string tshark, string file, params string[] fields)
    {
        var psi = new ProcessStartInfo(tshark) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-r", file, "-T", "fields", "-E", "separator=|" }) psi.ArgumentList.Add(a);
        foreach (var f in fields) { psi.ArgumentList.Add("-e"); psi.ArgumentList.Add(f); }
        psi.Environment["HOME"] = Path.GetTempPath();
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(120_000), "tshark did not finish");
        Assert.True(p.ExitCode == 0, $"tshark exit {p.ExitCode}: {stderr}");
        // tshark notes that it runs as root (CI does); that is about the user, not the file. Anything else is a warning.
        var warnings = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("Running as user \"root\"", StringComparison.Ordinal));
        Assert.Empty(warnings);
        return stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }
}
