using System.Collections.Frozen;
using System.Reflection;

namespace NetSim.Protocol.Counters;

/// <summary>
/// Every counter name NetSim reports, read from the constants of <see cref="HostCounterNames"/> and
/// <see cref="NicCounterNames"/>: the one list that the host stack's snapshot, report.json, counters.csv, the scenario
/// expectations check and docs/counters.md are held to (tests compare each with it).
/// </summary>
public static class CounterCatalogue
{
    /// <summary>Host stack counter names (without the dynamic <see cref="HostCounterNames.StackDropPrefix"/> ones), sorted.</summary>
    public static IReadOnlyList<string> HostCounters { get; } = Constants(typeof(HostCounterNames))
        .Where(n => n != HostCounterNames.StackDropPrefix).Order(StringComparer.Ordinal).ToArray();

    /// <summary>NIC counter names (without <c>drop.REASON</c>), in <c>ip -s link</c> order, then the queue's length.</summary>
    public static IReadOnlyList<string> NicCounters { get; } =
    [
        NicCounterNames.RxPackets, NicCounterNames.RxBytes, NicCounterNames.RxDropped, NicCounterNames.RxErrors,
        NicCounterNames.TxPackets, NicCounterNames.TxBytes, NicCounterNames.TxDropped, NicCounterNames.TxErrors,
        NicCounterNames.Queued,
    ];

    /// <summary>The reasons a NIC counts drops and errors under (<c>drop.REASON</c>).</summary>
    public static IReadOnlyList<string> NicDropReasons { get; } = Constants(typeof(NicCounterNames.DropReasons)).ToArray();

    private static readonly FrozenSet<string> HostSet = HostCounters.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>True for a host counter name: one of <see cref="HostCounters"/>, or a <c>stack.</c> drop.</summary>
    public static bool IsHostCounter(string name) =>
        HostSet.Contains(name) || (name.StartsWith(HostCounterNames.StackDropPrefix, StringComparison.Ordinal) && name.Length > HostCounterNames.StackDropPrefix.Length);

    /// <summary>True for a NIC counter name: one of <see cref="NicCounters"/>, or <c>drop.REASON</c> for any reason.</summary>
    public static bool IsNicCounter(string name) =>
        NicCounters.Contains(name) || (name.StartsWith(NicCounterNames.DropPrefix, StringComparison.Ordinal) && name.Length > NicCounterNames.DropPrefix.Length);

    private static IEnumerable<string> Constants(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f is { IsLiteral: true } && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!)
            .Concat(type.GetNestedTypes(BindingFlags.Public).SelectMany(Constants));
}
