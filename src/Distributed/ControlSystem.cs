using System.Globalization;
using Akka.Actor;
using Akka.Configuration;
using NetSim.Actors;

namespace NetSim.Distributed;

/// <summary>
/// The control ActorSystem of one process of a distributed run: Akka.Cluster on real time, bound to one address. The
/// coordinator is the cluster's seed node; a worker joins it. Its messages (src/Protocol/Distributed) are serialized
/// by NetSim's MessagePack serializer, bound in netsim.conf.
/// </summary>
public static class ControlSystem
{
    /// <summary>The name every control system has (a cluster's members must share it).</summary>
    public const string Name = "netsim";

    /// <summary>The cluster role of the coordinator's system (a worker watches the member that has it).</summary>
    public const string CoordinatorRole = "coordinator";

    /// <summary>The cluster role of a worker's system.</summary>
    public const string WorkerRole = "worker";

    private static readonly Lazy<Config> Defaults = new(() =>
    {
        using var stream = typeof(ControlSystem).Assembly.GetManifestResourceStream("NetSim.Distributed.distributed.conf")
                           ?? throw new InvalidOperationException("distributed.conf is not embedded in NetSim.Distributed");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    });

    /// <summary>distributed.conf as shipped.</summary>
    public static Config DefaultConfig => Defaults.Value;

    /// <summary>
    /// Starts a control system bound to <paramref name="host"/>:<paramref name="port"/> (0: any free port) that joins
    /// <paramref name="seed"/> (null: this system is the seed and joins itself), in cluster role <paramref name="role"/>.
    /// </summary>
    public static ActorSystem Start(string host, int port, EndPoint? seed, DistributedSettings settings, bool verbose, string role)
    {
        var failure = settings.FailureTimeout;
        // The phi-accrual detector marks a member unreachable some time after acceptable-heartbeat-pause; the reaper
        // looks at it every reaper interval. 70 % of the timeout for the pause, a tenth for the reaper and the rest
        // for the detector's margin keeps the sum inside the timeout.
        var tenth = TimeSpan.FromTicks(Math.Clamp(failure.Ticks / 10, TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromSeconds(1).Ticks));
        // The seed joins itself once bound (its port may be any free one); a worker joins the seed.
        var seeds = seed is null ? "[]" : $"[\"{seed.AkkaAddress}\"]";
        var text = $$"""
            akka.remote.dot-netty.tcp.hostname = "{{host}}"
            akka.remote.dot-netty.tcp.port = {{port}}
            akka.cluster.seed-nodes = {{seeds}}
            akka.cluster.roles = [ "{{role}}" ]
            akka.cluster.failure-detector.heartbeat-interval = {{Ms(tenth)}}
            akka.cluster.failure-detector.acceptable-heartbeat-pause = {{Ms(failure * 0.7)}}
            akka.cluster.failure-detector.expected-response-after = {{Ms(tenth)}}
            akka.cluster.unreachable-nodes-reaper-interval = {{Ms(tenth)}}
            akka.cluster.seed-node-timeout = {{Ms(tenth * 5)}}
            akka.cluster.retry-unsuccessful-join-after = {{Ms(tenth * 5)}}
            akka.loglevel = {{(verbose ? "INFO" : "WARNING")}}
            akka.remote.log-remote-lifecycle-events = {{(verbose ? "on" : "off")}}
            """;
        var config = ConfigurationFactory.ParseString(text)
            .WithFallback(Defaults.Value)
            .WithFallback(NetSimConfig.Default);
        var system = ActorSystem.Create(Name, config);
        if (seed is null)
        {
            var cluster = Akka.Cluster.Cluster.Get(system);
            cluster.Join(cluster.SelfAddress);
        }
        return system;
    }

    /// <summary>Where this system can be reached (its bound port when it asked for any free one).</summary>
    public static EndPoint AddressOf(ActorSystem system)
    {
        var address = ((ExtendedActorSystem)system).Provider.DefaultAddress;
        return new EndPoint(address.Host!, address.Port!.Value);
    }

    /// <summary>Stops the system: leaves the cluster when it still can, waiting at most <paramref name="limit"/>.</summary>
    public static void Stop(ActorSystem system, TimeSpan limit)
    {
        try
        {
            system.Terminate().Wait(limit);
        }
        catch (AggregateException)
        {
            // shutting down is best effort: the process ends anyway
        }
    }

    private static string Ms(TimeSpan t) => ((long)t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";
}

/// <summary>A host and port, as the user writes it (<c>127.0.0.1:4053</c>, <c>[::1]:4053</c>, <c>node7:4053</c>).</summary>
public sealed record EndPoint(string Host, int Port)
{
    /// <summary>The Akka address of the control system listening here.</summary>
    public string AkkaAddress => $"akka.tcp://{ControlSystem.Name}@{(Host.Contains(':') ? $"[{Host}]" : Host)}:{Port}";

    /// <summary>The address of the coordinator's RunCoordinator actor when this is the coordinator's end point.</summary>
    public string CoordinatorPath => $"{AkkaAddress}/user/{RunCoordinator.ActorName}";

    /// <summary>Parses <c>HOST:PORT</c> (a port of 0 only when <paramref name="allowAnyPort"/>).</summary>
    public static EndPoint? Parse(string text, bool allowAnyPort, out string? problem)
    {
        problem = null;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            problem = $"'{text}' is not HOST:PORT";
            return null;
        }
        var host = text[..colon].Trim('[', ']');
        if (!int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535 || (port == 0 && !allowAnyPort))
        {
            problem = $"'{text[(colon + 1)..]}' is not a port ({(allowAnyPort ? 0 : 1)}..65535)";
            return null;
        }
        if (host.Length == 0)
        {
            problem = $"'{text}' has no host";
            return null;
        }
        return new EndPoint(host, port);
    }

    /// <inheritdoc />
    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}

/// <summary>Timings of a distributed run.</summary>
/// <param name="FailureTimeout">A process silent this long is lost: the run ends with exit 3.</param>
/// <param name="WorkerTimeout">How long the coordinator waits for its workers to join (and a worker for its
/// assignment).</param>
/// <param name="ChunkBytes">Largest payload of one message (frames or results); larger ones go in chunks.</param>
public sealed record DistributedSettings(TimeSpan FailureTimeout, TimeSpan WorkerTimeout, int ChunkBytes)
{
    /// <summary>netsim.distributed in distributed.conf.</summary>
    public static DistributedSettings Default { get; } = FromConfig(ControlSystem.DefaultConfig);

    /// <summary>Reads <c>netsim.distributed</c> of <paramref name="config"/>.</summary>
    public static DistributedSettings FromConfig(Config config) => new(
        config.GetTimeSpan("netsim.distributed.failure-timeout"),
        config.GetTimeSpan("netsim.distributed.worker-timeout"),
        config.GetInt("netsim.distributed.chunk-bytes"));
}
