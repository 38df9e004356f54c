namespace NetSim.Scenario;

/// <summary>
/// The bounds a scenario must stay within, in one place (docs/scenarios.md, "Limits", lists them for users). Each
/// has a reason in the simulator: a clock tick, a 32-bit pcap field, a parser that recurses, a file name length.
/// </summary>
public static class ScenarioLimits
{
    /// <summary>
    /// Largest scenario file (and --set text) read by default: 1 MiB, far above any hand-written file. Generated
    /// topologies of thousands of hosts are larger: <c>--max-file-size</c> (the loader's <c>maxFileBytes</c>) raises
    /// the bound up to <see cref="MaxFileBytesCeiling"/>, and the time bound grows with it.
    /// </summary>
    public const int MaxFileBytes = 1 << 20;

    /// <summary>The highest <c>--max-file-size</c>: 1 GiB (a string of the file must fit in memory twice).</summary>
    public const int MaxFileBytesCeiling = 1 << 30;

    /// <summary>How long reading and checking a file of at most <see cref="MaxFileBytes"/> may take before it is given up as too complex.</summary>
    public static readonly TimeSpan LoadTimeout = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The time bound for a text of <paramref name="length"/> characters: <see cref="LoadTimeout"/>, plus 20 s for
    /// every further MiB (Akka's parser reads about 0.1-0.5 MiB/s of scenario text on a loaded 2-core machine).
    /// </summary>
    public static TimeSpan LoadTimeoutFor(int length) =>
        LoadTimeout + TimeSpan.FromSeconds(20.0 * Math.Max(0, length - MaxFileBytes) / MaxFileBytes);

    /// <summary>Stack of the loader's worker thread: Akka's HOCON parser recurses per nesting level and substitution.</summary>
    public const int LoaderStackBytes = 64 << 20;

    /// <summary>The simulator's clock tick (TimeSpan ticks drive virtual time): no non-zero duration may be shorter.</summary>
    public static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    /// <summary>
    /// Longest duration of any kind: 100 years of 365 days (876,000 h). Pcap timestamps count 32-bit seconds from
    /// 2000-01-01 (the capture epoch) and overflow in 2106.
    /// </summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(36_500);

    /// <summary>Highest UDP packet rate: one datagram per clock tick.</summary>
    public const double MaxPacketsPerSecond = TimeSpan.TicksPerSecond;

    /// <summary>Longest name of a host, NIC, link or switch (names become file names such as HOST.NIC.pcap).</summary>
    public const int MaxNameLength = 64;

    /// <summary>Smallest MTU of a NIC with an IPv6 address (RFC 8200, section 5).</summary>
    public const int MinIpv6Mtu = 1280;
}
