using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using NetSim.Actors;
using NetSim.Network;

namespace NetSim.Hosting;

/// <summary>What <see cref="NetSimHosting.WithNetSim(AkkaConfigurationBuilder, NetSimOptions)"/> sets up.</summary>
public sealed class NetSimOptions
{
    /// <summary>HOCON on top of NetSim's defaults (config/netsim.conf), e.g. <c>netsim.nic.queue-length = 64</c>.</summary>
    public string? Hocon { get; set; }

    /// <summary>Hosts to add when the actor system starts; find them with <see cref="NetSimSystem.Host"/>.</summary>
    public IList<string> Hosts { get; } = new List<string>();

    /// <summary>Changes a host's configured stack options (netsim.stack) before it starts, e.g. forwarding on a router.</summary>
    public Func<string, HostStackOptions, HostStackOptions>? ConfigureHost { get; set; }
}

/// <summary>
/// NetSim in an Akka.Hosting application:
/// <code>
/// builder.Services.AddAkka("sim", b => b.WithNetSim(o => o.Hosts.Add("r1")));
/// // later: var r1 = serviceProvider.GetNetSim().Host("r1");
/// </code>
/// </summary>
public static class NetSimHosting
{
    /// <summary>
    /// Adds NetSim's configuration (as a fallback: the application's own HOCON wins), starts the hosts of
    /// <paramref name="options"/> with the actor system; <see cref="GetNetSim"/> then finds them.
    /// </summary>
    public static AkkaConfigurationBuilder WithNetSim(this AkkaConfigurationBuilder builder, NetSimOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = options.Hocon is null ? NetSimConfig.Default : NetSimConfig.With(options.Hocon);
        builder.AddHocon(config, HoconAddMode.Append);
        builder.WithActors((system, _) =>
        {
            var sim = NetSimSystem.For(system);
            foreach (var name in options.Hosts)
                sim.AddHost(name, options.ConfigureHost is { } configure ? configure(name, sim.HostOptions(name)) : null);
        });
        return builder;
    }

    /// <summary>The NetSim of the application's actor system (<see cref="NetSimSystem.For"/> on the <see cref="ActorSystem"/> service).</summary>
    public static NetSimSystem GetNetSim(this IServiceProvider services) => NetSimSystem.For(services.GetRequiredService<ActorSystem>());

    /// <summary>As <see cref="WithNetSim(AkkaConfigurationBuilder, NetSimOptions)"/>, with the options set by <paramref name="configure"/>.</summary>
    public static AkkaConfigurationBuilder WithNetSim(this AkkaConfigurationBuilder builder, Action<NetSimOptions> configure)
    {
        var options = new NetSimOptions();
        configure(options);
        return builder.WithNetSim(options);
    }
}
