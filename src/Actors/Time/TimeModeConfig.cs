using Akka.Configuration;

namespace NetSim.Actors.Time;

/// <summary>
/// The Akka configuration that selects a <see cref="TimeMode"/>: the scheduler implementation and the
/// <c>netsim.dispatcher</c> definition. The facade merges it over the user's config:
/// <c>TimeModeConfig.Apply(userConfig)</c>.
/// </summary>
public static class TimeModeConfig
{
    /// <summary>Config path of the mode switch: <c>netsim.time.mode = real | virtual</c>.</summary>
    public const string ModePath = "netsim.time.mode";

    /// <summary>Assembly-qualified type name for <c>akka.scheduler.implementation</c> in virtual mode.</summary>
    public const string VirtualSchedulerTypeName = "NetSim.Actors.Time.VirtualScheduler, NetSim.Actors";

    /// <summary>Assembly-qualified type name for the executor of <c>netsim.dispatcher</c> in virtual mode.</summary>
    public const string VirtualExecutorTypeName = "NetSim.Actors.Time.VirtualExecutorConfigurator, NetSim.Actors";

    /// <summary>Assembly-qualified type name for <c>mailbox-type</c> of <c>netsim.dispatcher</c> (both modes).</summary>
    public const string SimMailboxTypeName = "NetSim.Actors.Time.SimMailbox, NetSim.Actors";

    /// <summary>Akka's default scheduler, named explicitly so switching a config back to real mode undoes virtual.</summary>
    public const string RealSchedulerTypeName = "Akka.Actor.HashedWheelTimerScheduler";

    // throughput-deadline-time stays 0: a deadline is measured with the wall clock and would make the number of
    // messages per mailbox run - and so the interleaving - depend on machine speed. mailbox-type on the dispatcher
    // gives every actor that runs on it SimMailbox (Akka's Mailboxes.GetMailboxType: a dispatcher's mailbox-type
    // wins over the default mailbox for Props that name the dispatcher).
    // Real mode runs NetSim's actors on threads of their own (Akka's fork-join-executor, a dedicated pool), not on
    // the .NET thread pool: a program that blocks pool threads (a test waiting on processes, a library user's
    // synchronous waits) would otherwise stall the simulation's clocked traffic until the pool grows, about one
    // thread per half second. Two threads on a machine of two cores or fewer, one per core above that, at most 8.
    private const string RealHocon = $$"""
        netsim.time.mode = real
        akka.scheduler.implementation = "{{RealSchedulerTypeName}}"
        netsim.dispatcher {
          type = Dispatcher
          executor = "fork-join-executor"
          fork-join-executor {
            parallelism-min = 2
            parallelism-factor = 1.0
            parallelism-max = 8
          }
          throughput = 100
          throughput-deadline-time = 0ms
          mailbox-type = "{{SimMailboxTypeName}}"
        }
        """;

    private const string VirtualHocon = $$"""
        netsim.time.mode = virtual
        akka.scheduler.implementation = "{{VirtualSchedulerTypeName}}"
        netsim.dispatcher {
          type = Dispatcher
          executor = "{{VirtualExecutorTypeName}}"
          throughput = 100
          throughput-deadline-time = 0ms
          mailbox-type = "{{SimMailboxTypeName}}"
        }
        """;

    /// <summary>The HOCON text of the fragment for <paramref name="mode"/>.</summary>
    public static string HoconFor(TimeMode mode) => mode switch
    {
        TimeMode.Real => RealHocon,
        TimeMode.Virtual => VirtualHocon,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };

    /// <summary>The config fragment for <paramref name="mode"/>.</summary>
    public static Config For(TimeMode mode) => ConfigurationFactory.ParseString(HoconFor(mode));

    /// <summary>Reads <c>netsim.time.mode</c> (missing means <see cref="TimeMode.Real"/>).</summary>
    /// <exception cref="ConfigurationException">The value is neither <c>real</c> nor <c>virtual</c>.</exception>
    public static TimeMode ReadMode(Config? config)
    {
        var text = config is null || config.IsEmpty ? null : config.GetString(ModePath, null);
        return text?.Trim().ToLowerInvariant() switch
        {
            null or "" or "real" => TimeMode.Real,
            "virtual" => TimeMode.Virtual,
            _ => throw new ConfigurationException($"{ModePath} must be 'real' or 'virtual', not '{text}'."),
        };
    }

    /// <summary>
    /// Returns <paramref name="config"/> with the fragment of the mode it names (<see cref="ReadMode"/>) on top.
    /// </summary>
    public static Config Apply(Config config) => For(ReadMode(config)).WithFallback(config);

    /// <summary>Returns <paramref name="config"/> switched to <paramref name="mode"/>.</summary>
    public static Config Apply(Config config, TimeMode mode) => For(mode).WithFallback(config);
}
