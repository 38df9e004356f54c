using System.Runtime.CompilerServices;
using Akka.Configuration;
using NetSim.Network;

namespace NetSim.Actors.Stack;

/// <summary>
/// Reads a host's <see cref="HostStackOptions"/> from HOCON: <c>netsim.stack</c> holds every host's defaults (see
/// config/netsim.conf) and <c>netsim.stack.hosts.NAME</c> overrides any of them for the host called NAME.
/// A value of the wrong type or out of range is a <see cref="ConfigurationException"/> naming its key.
/// </summary>
public static class HostStackConfig
{
    private const string Root = "netsim.stack";

    /// <summary>Per config (a system's, read by every host that starts in it): the options of a host without a section
    /// of its own, and the names that have one. HOCON look-ups cost tens of microseconds each; 10,000 hosts read the
    /// same defaults 10,000 times otherwise.</summary>
    private static readonly ConditionalWeakTable<Config, SharedOptions> Shared = new();

    private sealed class SharedOptions(Config config)
    {
        /// <summary>Null when netsim.stack itself is invalid: each host then reads (and reports) it the slow way.</summary>
        public readonly HostStackOptions? Defaults = TryReadDefaults(config);
        public readonly HashSet<string> HostsWithSection = config.GetConfig($"{Root}.hosts") is { } hosts
            ? hosts.AsEnumerable().Select(e => e.Key.Split('.')[0].Trim('"')).ToHashSet(StringComparer.Ordinal)
            : [];
    }

    private static HostStackOptions? TryReadDefaults(Config config)
    {
        try { return ReadUncached(config, null); }
        catch (ConfigurationException) { return null; }
    }

    /// <summary>Whether <paramref name="hostName"/> certainly has no netsim.stack.hosts section (a name HOCON would
    /// read as a path, with dots or quotes, is looked up the slow way).</summary>
    private static bool HasNoSection(SharedOptions shared, string hostName) =>
        hostName.Length > 0 && hostName.AsSpan().IndexOfAny(".\"\\ ") < 0 && !shared.HostsWithSection.Contains(hostName);

    /// <summary>The options of host <paramref name="hostName"/> under <paramref name="config"/> (a system's whole config).</summary>
    public static HostStackOptions Read(Config config, string hostName)
    {
        var shared = Shared.GetValue(config, c => new SharedOptions(c));
        return shared.Defaults is { } defaults && HasNoSection(shared, hostName) ? defaults with { Name = hostName } : ReadUncached(config, hostName);
    }

    /// <summary>Reads the options; <paramref name="hostName"/> null: netsim.stack alone.</summary>
    private static HostStackOptions ReadUncached(Config config, string? hostName)
    {
        var defaults = config.GetConfig(Root) ?? Config.Empty;
        var perHost = hostName is not null && config.GetConfig($"{Root}.hosts") is { } hosts && hosts.HasPath(hostName) ? hosts.GetConfig(hostName) : null;
        var stack = perHost is null ? defaults : perHost.WithFallback(defaults);
        var path = perHost is null ? Root : $"{Root}.hosts.{hostName}";
        var linux = new HostStackOptions();
        return linux with
        {
            Name = hostName ?? linux.Name,
            Forwarding = stack.GetBoolean("forwarding", linux.Forwarding),
            DefaultTtl = (byte)Int(stack, path, "default-ttl", linux.DefaultTtl, 1, 255),
            DefaultHopLimit = (byte)Int(stack, path, "default-hop-limit", linux.DefaultHopLimit, 1, 255),
            ResolutionAttempts = Int(stack, path, "neighbour.attempts", linux.ResolutionAttempts, 1, 255),
            ResolutionRetryInterval = Duration(stack, path, "neighbour.retry-interval", linux.ResolutionRetryInterval),
            NeighbourExpiry = Duration(stack, path, "neighbour.expiry", linux.NeighbourExpiry),
            PendingPacketsPerNeighbour = Int(stack, path, "neighbour.pending-packets", linux.PendingPacketsPerNeighbour, 1, 1 << 20),
            MaxNeighbours = Int(stack, path, "neighbour.max-entries", linux.MaxNeighbours, 1, 1 << 24),
            ReassemblyTimeout = Duration(stack, path, "reassembly.timeout", linux.ReassemblyTimeout),
            MaxReassemblyDatagrams = Int(stack, path, "reassembly.max-datagrams", linux.MaxReassemblyDatagrams, 1, 1 << 20),
            MaxReassemblyBytes = Int(stack, path, "reassembly.max-bytes", linux.MaxReassemblyBytes, 1, int.MaxValue),
            EphemeralPortFirst = (ushort)Int(stack, path, "ephemeral-ports.first", linux.EphemeralPortFirst, 1, 65535),
            EphemeralPortLast = (ushort)Int(stack, path, "ephemeral-ports.last", linux.EphemeralPortLast, 1, 65535),
            AutoLinkLocal = stack.GetBoolean("auto-link-local", linux.AutoLinkLocal),
        };
    }

    /// <summary>The outbound queue length of the NICs created on host <paramref name="hostName"/> (netsim.stack.hosts.NAME.nic-queue-length, else netsim.nic.queue-length).</summary>
    public static int? NicQueueLength(Config config, string hostName)
    {
        if (HasNoSection(Shared.GetValue(config, c => new SharedOptions(c)), hostName)) return null;
        var path = $"{Root}.hosts.{hostName}";
        if (!config.HasPath(path + ".nic-queue-length")) return null;
        return Int(config.GetConfig(path), path, "nic-queue-length", 1024, 1, int.MaxValue);
    }

    private static int Int(Config config, string path, string key, int fallback, int min, int max)
    {
        if (!config.HasPath(key)) return fallback;
        int value;
        try { value = config.GetInt(key); }
        catch (Exception e) when (e is FormatException or OverflowException or ConfigurationException)
        {
            throw new ConfigurationException($"{path}.{key}: '{config.GetString(key)}' is not a whole number");
        }
        if (value < min || value > max) throw new ConfigurationException($"{path}.{key}: {value} is outside {min}..{max}");
        return value;
    }

    private static TimeSpan Duration(Config config, string path, string key, TimeSpan fallback)
    {
        if (!config.HasPath(key)) return fallback;
        TimeSpan value;
        try { value = config.GetTimeSpan(key); }
        catch (Exception e) when (e is FormatException or OverflowException or ConfigurationException)
        {
            throw new ConfigurationException($"{path}.{key}: '{config.GetString(key)}' is not a duration (e.g. 1s, 250ms)");
        }
        if (value <= TimeSpan.Zero) throw new ConfigurationException($"{path}.{key}: {value} must be above zero");
        return value;
    }
}
