using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
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
    // One wrapper per actor system, so hosts added through any of them are found by name through all.
    private static readonly ConditionalWeakTable<ActorSystem, NetSimSystem> BySystem = new();
    private readonly ConcurrentDictionary<string, IActorRef> _hosts = new(StringComparer.Ordinal);
    private readonly bool _ownsSystem;

    private NetSimSystem(ActorSystem system, bool ownsSystem)
    {
        System = system;
        Settings = NetSimSettings.Get(system);
        _ownsSystem = ownsSystem;
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
        var sim = new NetSimSystem(ActorSystem.Create(name, config), ownsSystem: true);
        BySystem.AddOrUpdate(sim.System, sim);
        return sim;
    }

    /// <summary>
    /// NetSim on an actor system someone else created and owns (an Akka.Hosting application, a TestKit): its config
    /// must contain NetSim's (<see cref="NetSimConfig"/>). Disposing the result does not terminate the system.
    /// </summary>
    public static NetSimSystem For(ActorSystem system) => BySystem.GetValue(system, s => new NetSimSystem(s, ownsSystem: false));

    /// <summary>The host called <paramref name="name"/> added through this system.</summary>
    /// <exception cref="KeyNotFoundException">No such host was added.</exception>
    public IActorRef Host(string name) =>
        _hosts.TryGetValue(name, out var host) ? host : throw new KeyNotFoundException($"no host '{name}' was added to actor system '{System.Name}'");

    /// <summary>The names of the hosts added through this system.</summary>
    public IReadOnlyCollection<string> HostNames => _hosts.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Adds a host (its StackActor) with the stack options of netsim.stack in the config (Linux's defaults, and
    /// netsim.stack.hosts.NAME for this host), or <paramref name="options"/> when given.
    /// </summary>
    public IActorRef AddHost(string name, HostStackOptions? options = null)
    {
        var host = System.ActorOf(StackActor.Props(name, options), "host-" + name);
        _hosts[name] = host;
        return host;
    }

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

    /// <summary>Stops every actor and the system it created (not one it was given with <see cref="For"/>) (a million NICs take a while: it waits up to two minutes, then says so).</summary>
    public void Dispose()
    {
        if (!_ownsSystem) return;
        if (!System.Terminate().Wait(TimeSpan.FromMinutes(2)))
            Console.Error.WriteLine($"netsim: actor system '{System.Name}' did not terminate within 2 minutes");
    }
}
