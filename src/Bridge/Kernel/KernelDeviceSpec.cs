namespace NetSim.Bridge.Kernel;

/// <summary>A route the kernel side gets through its device: <c>ip route add To via Via dev DEVICE</c>.</summary>
public sealed record KernelRoute(string To, string? Via);

/// <summary>
/// What to create in the kernel for one bridge: the device <paramref name="Device"/> (TUN or TAP), inside the named
/// namespace <paramref name="Netns"/> (null: NetSim's own), which is made first when <paramref name="CreateNetns"/>,
/// then brought up with its addresses ("10.9.0.1/24") and routes.
/// </summary>
public sealed record KernelDeviceSpec(
    string Bridge,
    string Device,
    bool IsTap,
    string? Netns,
    bool CreateNetns,
    IReadOnlyList<string> Addresses,
    IReadOnlyList<KernelRoute> Routes,
    int Mtu);

/// <summary>What a machine lacks for bridges, or null: the capability to create devices, /dev/net/tun, the ip command.</summary>
public static class KernelBridgeSupport
{
    private const int CapNetAdmin = 12;

    /// <summary>One line saying what is missing, or null when bridges can run here.</summary>
    public static string? Missing(string tunPath = "/dev/net/tun")
    {
        if (!File.Exists(tunPath))
            return $"bridges need {tunPath}, which this machine does not have (load the module: modprobe tun)";
        if (!HasNetAdmin())
            return "bridges need root (the CAP_NET_ADMIN capability) to create kernel devices and namespaces: run netsim with sudo";
        if (IpCommand.TryRun(null, "-V").Code != 0)
            return "bridges need the ip command (package iproute2)";
        return null;
    }

    /// <summary>Whether this process holds CAP_NET_ADMIN (the effective set in /proc/self/status).</summary>
    public static bool HasNetAdmin()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("CapEff:", StringComparison.Ordinal));
            if (line is null) return false;
            var mask = Convert.ToUInt64(line["CapEff:".Length..].Trim(), 16);
            return (mask & (1UL << CapNetAdmin)) != 0;
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}

/// <summary>
/// The kernel side of a run's bridges: created in order by <see cref="Open"/>, removed in reverse by
/// <see cref="Dispose"/> (devices closed, then the namespaces NetSim made deleted). If any step fails, whatever was
/// already created is removed before the error is thrown, so a failed set-up leaves nothing behind.
/// </summary>
public sealed class KernelDeviceSet : IDisposable
{
    private readonly List<IDisposable> _created = [];
    private readonly Dictionary<string, KernelTunDevice> _devices = new(StringComparer.Ordinal);

    private KernelDeviceSet() { }

    /// <summary>The open device of bridge <paramref name="bridge"/>.</summary>
    public KernelTunDevice this[string bridge] => _devices[bridge];

    public static KernelDeviceSet Open(IReadOnlyList<KernelDeviceSpec> specs)
    {
        var set = new KernelDeviceSet();
        if (specs.Count == 0) return set;
        if (KernelBridgeSupport.Missing() is { } missing) throw new KernelSetupException(missing);
        try
        {
            foreach (var spec in specs) set.Add(spec);
            return set;
        }
        catch
        {
            set.Dispose();
            throw;
        }
    }

    private void Add(KernelDeviceSpec spec)
    {
        var ns = spec.Netns;
        if (ns is not null && !NetworkNamespaces.Exists(ns))
        {
            if (!spec.CreateNetns)
                throw new KernelSetupException($"bridge {spec.Bridge}: network namespace '{ns}' does not exist (set create-netns = yes to have NetSim make it)");
            _created.Add(NetworkNamespaces.Create(ns));
        }
        else if (ns is not null && spec.CreateNetns && !_created.OfType<NetworkNamespaces.CreatedNamespace>().Any(c => c.Name == ns))
        {
            throw new KernelSetupException($"bridge {spec.Bridge}: network namespace '{ns}' already exists; NetSim creates only new ones (set create-netns = no to use it)");
        }
        KernelTunDevice device;
        try
        {
            device = KernelTunDevice.Create(spec.Device, spec.IsTap, ns);
        }
        catch (KernelSetupException e)
        {
            throw new KernelSetupException($"bridge {spec.Bridge}: {e.Message}");
        }
        _created.Add(device);
        _devices[spec.Bridge] = device;
        try
        {
            IpCommand.Run(ns, "link", "set", "dev", spec.Device, "mtu", spec.Mtu.ToString(System.Globalization.CultureInfo.InvariantCulture), "up");
            foreach (var a in spec.Addresses) IpCommand.Run(ns, "address", "add", a, "dev", spec.Device);
            foreach (var r in spec.Routes)
            {
                if (r.Via is null) IpCommand.Run(ns, "route", "add", r.To, "dev", spec.Device);
                else IpCommand.Run(ns, "route", "add", r.To, "via", r.Via, "dev", spec.Device);
            }
        }
        catch (KernelSetupException e)
        {
            throw new KernelSetupException($"bridge {spec.Bridge}: {e.Message}");
        }
    }

    public void Dispose()
    {
        for (var i = _created.Count - 1; i >= 0; i--) _created[i].Dispose();
        _created.Clear();
        _devices.Clear();
    }
}
