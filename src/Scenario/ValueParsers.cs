using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using NetSim.Protocol.Wire;

namespace NetSim.Scenario;

/// <summary>Parsers for the value syntaxes of scenario files; each returns null and a reason for a person on failure.</summary>
public static partial class ValueParsers
{
    [GeneratedRegex(@"^\s*(-?)(\d+(?:\.\d+)?)\s*(ns|us|ms|s|m|min|h)\s*$")]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"^\s*(-?)(\d+(?:\.\d+)?)\s*([kKmMgG]?)(bps|bit|bit/s|b/s)?\s*$")]
    private static partial Regex RatePattern();

    [GeneratedRegex(@"^[0-9a-fA-F]{2}([:-])[0-9a-fA-F]{2}(\1[0-9a-fA-F]{2}){4}$")]
    private static partial Regex MacPattern();

    /// <summary>Parses <c>10ms</c>, <c>1.5s</c>, <c>250us</c>, <c>100ns</c>, <c>2m</c>, <c>1h</c>. A unit is required.</summary>
    public static TimeSpan? ParseDuration(string text, bool allowNegative, out string? problem)
    {
        problem = null;
        var m = DurationPattern().Match(text);
        if (!m.Success)
        {
            problem = $"'{text}' is not a duration (use a number and a unit: ns, us, ms, s, m, h; e.g. 10ms)";
            return null;
        }
        var n = double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        if (m.Groups[1].Value == "-")
        {
            if (!allowNegative) { problem = $"{text.Trim()} is negative; a duration here must be 0 or more"; return null; }
            n = -n;
        }
        double ticks = m.Groups[3].Value switch
        {
            "ns" => n / 100.0,
            "us" => n * 10.0,
            "ms" => n * TimeSpan.TicksPerMillisecond,
            "s" => n * TimeSpan.TicksPerSecond,
            "m" or "min" => n * TimeSpan.TicksPerMinute,
            _ => n * TimeSpan.TicksPerHour,
        };
        if (Math.Abs(ticks) > ScenarioLimits.MaxDuration.Ticks)
        {
            problem = $"{text.Trim()} is longer than the limit of {ScenarioLimits.MaxDuration.TotalHours:0}h (100 years: pcap's 32-bit seconds end in 2106)";
            return null;
        }
        var rounded = (long)Math.Round(ticks);
        if (rounded == 0 && ticks != 0)
        {
            problem = $"{text.Trim()} is shorter than the simulator's clock tick of 100ns; use 0 or at least 100ns";
            return null;
        }
        return TimeSpan.FromTicks(rounded);
    }

    /// <summary>
    /// Parses a seed: any integer from -2^63 to 2^64-1. The simulator's seed is 64 bits; a value above 2^63-1 is
    /// kept as the signed number with the same bits (18446744073709551615 is the seed -1).
    /// </summary>
    public static long? ParseSeed(string text, out string? problem)
    {
        problem = null;
        var t = text.Trim();
        if (long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var signed)) return signed;
        if (ulong.TryParse(t.StartsWith('+') ? t[1..] : t, NumberStyles.None, CultureInfo.InvariantCulture, out var unsigned)) return unchecked((long)unsigned);
        problem = $"'{text}' is not a seed (a whole number from -9223372036854775808 to 18446744073709551615)";
        return null;
    }

    /// <summary>Parses a bit rate: <c>100Mbps</c>, <c>1.5Gbps</c>, <c>64kbps</c>, <c>9600</c> (bits/s, SI multiples of 1000). 0 means unlimited.</summary>
    public static long? ParseBitRate(string text, out string? problem)
    {
        problem = null;
        var m = RatePattern().Match(text);
        if (!m.Success)
        {
            problem = $"'{text}' is not a bit rate (e.g. 100Mbps, 64kbps, 1Gbps, or bits/s as a number; 0 = unlimited)";
            return null;
        }
        if (m.Groups[1].Value == "-") { problem = $"{text.Trim()} is negative; a rate must be 0 (unlimited) or more"; return null; }
        var n = double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        n *= char.ToLowerInvariant(m.Groups[3].Value.FirstOrDefault()) switch { 'k' => 1e3, 'm' => 1e6, 'g' => 1e9, _ => 1 };
        if (n > 1e15) { problem = $"{text.Trim()} is beyond any simulated link"; return null; }
        return (long)Math.Round(n);
    }

    /// <summary>Parses an IPv4 or IPv6 literal.</summary>
    public static IPAddress? ParseAddress(string text, out string? problem)
    {
        problem = null;
        if (IPAddress.TryParse(text.Trim(), out var a) && (text.Contains('.') || text.Contains(':'))
            && (a.AddressFamily != AddressFamily.InterNetworkV6 || a.ScopeId == 0)) return a;
        problem = $"'{text}' is not an IPv4 or IPv6 address";
        return null;
    }

    /// <summary>Parses <c>address/prefix</c>, e.g. <c>10.0.0.1/24</c> or <c>fd00::1/64</c>.</summary>
    public static (IPAddress Address, int Prefix)? ParseCidr(string text, out string? problem)
    {
        problem = null;
        var slash = text.IndexOf('/');
        if (slash < 0) { problem = $"'{text}' has no prefix length (write it as address/prefix, e.g. 10.0.0.1/24)"; return null; }
        var address = ParseAddress(text[..slash], out problem);
        if (address is null) return null;
        int max = address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;
        if (!int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix > max)
        {
            problem = $"'{text}' has a bad prefix length (0..{max} for {(max == 32 ? "IPv4" : "IPv6")})";
            return null;
        }
        return (address, prefix);
    }

    /// <summary>True when every bit past <paramref name="prefix"/> is zero.</summary>
    public static bool HostBitsAreZero(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (int bit = prefix; bit < bytes.Length * 8; bit++)
            if ((bytes[bit / 8] & (0x80 >> (bit % 8))) != 0) return false;
        return true;
    }

    /// <summary>Parses <c>02:00:00:00:00:01</c> (or with '-'); rejects multicast and all-zero addresses.</summary>
    public static MacAddress? ParseMac(string text, out string? problem)
    {
        problem = null;
        var t = text.Trim();
        if (!MacPattern().IsMatch(t)) { problem = $"'{text}' is not a MAC address (six hex bytes, e.g. \"02:00:00:00:00:01\")"; return null; }
        var mac = MacAddress.Parse(t);
        if (mac.IsMulticast) { problem = $"'{text}' is a multicast MAC address (lowest bit of the first byte set); a NIC needs a unicast one"; return null; }
        if (mac == MacAddress.Zero) { problem = "00:00:00:00:00:00 is not a usable MAC address"; return null; }
        return mac;
    }

    /// <summary>Parses <c>host.nic</c>.</summary>
    public static NicRef? ParseNicRef(string text, out string? problem)
    {
        problem = null;
        var parts = text.Split('.');
        if (parts.Length != 2 || parts.Any(p => p.Length == 0)) { problem = $"'{text}' is not a NIC reference (write host.nic, e.g. h1.eth0)"; return null; }
        return new NicRef(parts[0], parts[1]);
    }

    /// <summary>Levenshtein-nearest candidate within distance 2 (or a third of the word), for "did you mean".</summary>
    public static string? Nearest(string word, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var c in candidates)
        {
            var d = Distance(word, c);
            if (d < bestDistance) { bestDistance = d; best = c; }
        }
        return bestDistance <= Math.Max(2, word.Length / 3) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
