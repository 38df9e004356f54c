using Akka.Configuration;

namespace NetSim.Actors;

/// <summary>The HOCON defaults of config/netsim.conf, embedded in this assembly.</summary>
public static class NetSimConfig
{
    private static readonly Lazy<Config> DefaultConfig = new(() =>
    {
        using var stream = typeof(NetSimConfig).Assembly.GetManifestResourceStream("NetSim.netsim.conf")
                           ?? throw new InvalidOperationException("embedded config/netsim.conf is missing");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    });

    /// <summary>config/netsim.conf as shipped.</summary>
    public static Config Default => DefaultConfig.Value;

    /// <summary><paramref name="overrides"/> (HOCON text) on top of the defaults.</summary>
    public static Config With(string overrides) => ConfigurationFactory.ParseString(overrides).WithFallback(Default);

    /// <summary><paramref name="overrides"/> on top of the defaults.</summary>
    public static Config With(Config overrides) => overrides.WithFallback(Default);
}
