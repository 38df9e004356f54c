using Akka.Actor;
using Akka.Configuration;

namespace NetSim.Actors;

/// <summary>
/// The <c>netsim</c> section of the configuration, read once per ActorSystem (an Akka extension).
/// Defaults live in config/netsim.conf.
/// </summary>
public sealed class NetSimSettings : IExtension
{
    /// <summary>Reads and checks the <c>netsim</c> section of <paramref name="config"/> (a whole system config).</summary>
    public NetSimSettings(Config config)
    {
        var netsim = config.GetConfig("netsim") ?? throw new ConfigurationException("missing 'netsim' section; merge NetSimConfig.Default");
        QueueLength = netsim.GetInt("nic.queue-length", 1024);
        Mtu = netsim.GetInt("nic.mtu", 1500);
        NetAdmin = netsim.GetBoolean("stack.net-admin", true);
        if (QueueLength < 1) throw new ConfigurationException($"netsim.nic.queue-length must be at least 1, not {QueueLength}");
        if (Mtu < 68 || Mtu > 65535) throw new ConfigurationException($"netsim.nic.mtu must be 68..65535, not {Mtu}");
        // Host stack options are read per host when it starts; a bad value must fail here, at start-up, with its key.
        Stack.HostStackConfig.Read(config, "default");
        if (config.GetConfig("netsim.stack.hosts") is { } hosts)
            foreach (var host in hosts.AsEnumerable().Select(e => e.Key.Split('.')[0]).Distinct())
            {
                Stack.HostStackConfig.Read(config, host);
                Stack.HostStackConfig.NicQueueLength(config, host);
            }
    }

    /// <summary>netsim.nic.queue-length: capacity of each NIC's outbound queue.</summary>
    public int QueueLength { get; }
    /// <summary>netsim.nic.mtu: MTU of a NIC created without one.</summary>
    public int Mtu { get; }
    /// <summary>netsim.stack.net-admin: whether files opened without an explicit choice hold CAP_NET_ADMIN.</summary>
    public bool NetAdmin { get; }

    /// <summary>The settings of <paramref name="system"/>.</summary>
    public static NetSimSettings Get(ActorSystem system) => system.WithExtension<NetSimSettings, NetSimSettingsProvider>();
}

/// <summary>Creates <see cref="NetSimSettings"/> for a system.</summary>
public sealed class NetSimSettingsProvider : ExtensionIdProvider<NetSimSettings>
{
    /// <inheritdoc />
    public override NetSimSettings CreateExtension(ExtendedActorSystem system) => new(system.Settings.Config);
}
