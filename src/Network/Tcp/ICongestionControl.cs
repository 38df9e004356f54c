using System.Reflection;

namespace NetSim.Network.Tcp;

/// <summary>Where loss recovery stands, as a congestion control sees it (Linux's tcp_ca_state, ns-3's TcpCongState_t).</summary>
public enum CongestionState
{
    /// <summary>No loss outstanding: slow start or congestion avoidance.</summary>
    Open,
    /// <summary>Fast retransmit / fast recovery after duplicate ACKs or SACKs (RFC 5681, 6582, 6675).</summary>
    Recovery,
    /// <summary>After a retransmission timeout: cwnd restarts from one segment.</summary>
    Loss,
}

/// <summary>
/// The window a congestion control steers, shared with the connection. Sizes in bytes; cwnd and ssthresh are the
/// only fields an algorithm writes.
/// </summary>
public sealed class CongestionWindow
{
    public int Mss { get; set; }
    /// <summary>Congestion window (bytes).</summary>
    public int Cwnd { get; set; }
    /// <summary>Slow-start threshold (bytes); int.MaxValue until the first loss.</summary>
    public int SsThresh { get; set; } = int.MaxValue;
    /// <summary>Smoothed RTT (RFC 6298); zero before the first sample.</summary>
    public TimeSpan SRtt { get; set; }
    /// <summary>Smallest RTT seen on the connection; zero before the first sample.</summary>
    public TimeSpan MinRtt { get; set; }
    public bool InSlowStart => Cwnd < SsThresh;
}

/// <summary>
/// A congestion control algorithm, one instance per connection (it may keep per-connection state). The shape of
/// ns-3's TcpCongestionOps and Linux's tcp_congestion_ops: the connection does loss detection and recovery and calls
/// these at the points where algorithms differ. Mark the class with <see cref="CongestionControlAttribute"/> and
/// give it a public parameterless constructor: then <see cref="TcpConfig.CongestionControl"/> and scenario files
/// find it by name, with nothing to register elsewhere.
/// </summary>
public interface ICongestionControl
{
    /// <summary>Called once when the connection is established, with the initial window set.</summary>
    void Init(CongestionWindow w, TimeSpan now) { }

    /// <summary>The new ssthresh after a loss (fast retransmit or timeout); <paramref name="bytesInFlight"/> is what was outstanding.</summary>
    int SsThresh(CongestionWindow w, int bytesInFlight);

    /// <summary>New data was acknowledged while not in fast recovery: grow cwnd (slow start or congestion avoidance).</summary>
    void IncreaseWindow(CongestionWindow w, int ackedBytes, TimeSpan now);

    /// <summary>An ACK covered new data; <paramref name="rtt"/> is its RTT sample when it gave one.</summary>
    void PacketsAcked(CongestionWindow w, int ackedBytes, TimeSpan? rtt, TimeSpan now) { }

    /// <summary>Recovery state changed (entered fast recovery, hit a timeout, or recovered).</summary>
    void StateChanged(CongestionWindow w, CongestionState state, TimeSpan now) { }
}

/// <summary>Names a congestion control class so <see cref="CongestionControls"/> finds it.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class CongestionControlAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>
/// Congestion controls by name: every class marked <see cref="CongestionControlAttribute"/> in the loaded assemblies
/// (looked up again when a name is not found, so an assembly loaded later is seen), plus any added by <see cref="Register"/>.
/// </summary>
public static class CongestionControls
{
    private static readonly object Gate = new();
    private static Dictionary<string, Func<ICongestionControl>> _byName = new(StringComparer.OrdinalIgnoreCase);
    private static int _scannedAssemblies = -1;

    /// <summary>Adds (or replaces) an algorithm by name.</summary>
    public static void Register(string name, Func<ICongestionControl> create)
    {
        lock (Gate) _byName = new(_byName, StringComparer.OrdinalIgnoreCase) { [name] = create };
    }

    public static bool Exists(string name) => Find(name) is not null;

    public static IReadOnlyCollection<string> Names
    {
        get
        {
            Scan();
            return _byName.Keys.Order(StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>A new instance for one connection; throws for an unknown name (TcpConfig.Validate reports it first).</summary>
    public static ICongestionControl Create(string name) =>
        (Find(name) ?? throw new ArgumentException($"unknown congestion control '{name}'", nameof(name)))();

    private static Func<ICongestionControl>? Find(string name)
    {
        if (_byName.TryGetValue(name, out var f)) return f;
        Scan();
        return _byName.GetValueOrDefault(name);
    }

    private static void Scan()
    {
        var assemblies = AppDomain.CurrentDomain.GetAssemblies();
        if (assemblies.Length == _scannedAssemblies) return;
        lock (Gate)
        {
            var found = new Dictionary<string, Func<ICongestionControl>>(_byName, StringComparer.OrdinalIgnoreCase);
            foreach (var assembly in assemblies)
            {
                if (assembly.IsDynamic) continue;
                Type[] types;
                try { types = assembly.GetTypes(); }
                catch (ReflectionTypeLoadException e) { types = e.Types.Where(t => t is not null).ToArray()!; }
                foreach (var type in types)
                {
                    if (type.GetCustomAttribute<CongestionControlAttribute>() is not { } a) continue;
                    if (!typeof(ICongestionControl).IsAssignableFrom(type) || type.GetConstructor(Type.EmptyTypes) is null) continue;
                    var t = type;
                    found.TryAdd(a.Name, () => (ICongestionControl)Activator.CreateInstance(t)!);
                }
            }
            _byName = found;
            _scannedAssemblies = assemblies.Length;
        }
    }
}
