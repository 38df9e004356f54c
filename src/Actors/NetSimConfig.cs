using Akka.Configuration;
using NetSim.Actors.Time;

namespace NetSim.Actors;

/// <summary>
/// The HOCON defaults of config/netsim.conf, embedded in this assembly. Every config handed out here has the
/// scheduler and dispatcher of its <c>netsim.time.mode</c> applied (<see cref="TimeModeConfig.Apply(Config)"/>).
/// </summary>
public static class NetSimConfig
{
    private static readonly Lazy<Config> DefaultConfig = new(() =>
    {
        using var stream = typeof(NetSimConfig).Assembly.GetManifestResourceStream("NetSim.netsim.conf")
                           ?? throw new InvalidOperationException("embedded config/netsim.conf is missing");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    });

    /// <summary>config/netsim.conf as shipped (real time).</summary>
    public static Config Default => TimeModeConfig.Apply(DefaultConfig.Value);

    /// <summary><paramref name="overrides"/> (HOCON text) on top of the defaults.</summary>
    public static Config With(string overrides) => With(ConfigurationFactory.ParseString(overrides));

    /// <summary><paramref name="overrides"/> on top of the defaults.</summary>
    public static Config With(Config overrides) => TimeModeConfig.Apply(overrides.WithFallback(DefaultConfig.Value));

    /// <summary>The defaults in virtual-time mode with <paramref name="seed"/>, then <paramref name="overrides"/>.</summary>
    public static Config Virtual(ulong seed, string overrides = "") =>
        With($"netsim.time.mode = virtual\nnetsim.random.seed = {seed}\n{overrides}");
}
