using Akka.Actor;
using Akka.Configuration;
using NetSim.Actors.Device;
using NetSim.Actors.Stack;
using NetSim.Network;

namespace NetSim.Actors;

/// <summary>
/// The entry point for C# users: an ActorSystem started with config/netsim.conf (overridable), plus helpers to
/// add hosts and open device files on them.
/// <code>
/// using var sim = NetSimSystem.Create();
/// var host = sim.AddHost("h1");
/// var file = sim.OpenDevice(host);               // an open /dev/net/tun
/// var attached = await file.Ask&lt;object&gt;(new Attach("tun0", TunFlags.Tun | TunFlags.NoPacketInfo));
/// </code>
/// </summary>
public sealed class NetSimSystem : IDisposable
{
    private NetSimSystem(ActorSystem system)
    {
        System = system;
        Settings = NetSimSettings.Get(system);
    }

    /// <summary>The underlying actor system.</summary>
    public ActorSystem System { get; }

    /// <summary>The <c>netsim</c> settings in force.</summary>
    public NetSimSettings Settings { get; }

    /// <summary>Starts a system with the defaults; <paramref name="overrides"/> (HOCON) win over them.</summary>
    public static NetSimSystem Create(string name = "netsim", string? overrides = null) =>
        Create(name, overrides is null ? null : ConfigurationFactory.ParseString(overrides));

    /// <summary>Starts a system with the defaults; <paramref name="overrides"/> win over them.</summary>
    public static NetSimSystem Create(string name, Config? overrides)
    {
        var config = overrides is null ? NetSimConfig.Default : NetSimConfig.With(overrides);
        return new NetSimSystem(ActorSystem.Create(name, config));
    }

    /// <summary>
    /// Adds a host (its StackActor) with the stack options of netsim.stack in the config (Linux's defaults, and
    /// netsim.stack.hosts.NAME for this host), or <paramref name="options"/> when given.
    /// </summary>
    public IActorRef AddHost(string name, HostStackOptions? options = null) =>
        System.ActorOf(StackActor.Props(name, options), "host-" + name);

    /// <summary>
    /// Adds a host whose stack options are the configured ones changed by <paramref name="configure"/>, e.g.
    /// <c>sim.AddHost("h1", o =&gt; o with { ResolutionRetryInterval = TimeSpan.FromMilliseconds(100) })</c>.
    /// </summary>
    public IActorRef AddHost(string name, Func<HostStackOptions, HostStackOptions> configure) =>
        AddHost(name, configure(HostOptions(name)));

    /// <summary>The stack options a host called <paramref name="name"/> gets from the configuration.</summary>
    public HostStackOptions HostOptions(string name) => HostStackConfig.Read(System.Settings.Config, name);

    /// <summary>
    /// Opens a /dev/net/tun file on <paramref name="host"/>; <paramref name="netAdmin"/> defaults to
    /// netsim.stack.net-admin. Blocking by default, as open(2) without O_NONBLOCK: a read on an empty queue waits for
    /// the next frame; with <paramref name="nonBlocking"/> it fails with EAGAIN instead.
    /// </summary>
    public IActorRef OpenDevice(IActorRef host, bool? netAdmin = null, bool nonBlocking = false) =>
        System.ActorOf(DeviceActor.Props(host, netAdmin ?? Settings.NetAdmin, nonBlocking));

    /// <summary>Stops every actor and the system (a million NICs take a while: it waits up to two minutes, then says so).</summary>
    public void Dispose()
    {
        if (!System.Terminate().Wait(TimeSpan.FromMinutes(2)))
            Console.Error.WriteLine($"netsim: actor system '{System.Name}' did not terminate within 2 minutes");
    }
}
