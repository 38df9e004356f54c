using Akka.Actor;

namespace NetSim.Actors.Time;

/// <summary>
/// The run's seed (<c>netsim.random.seed</c>, default 1) and the named random streams derived from it, per actor
/// system. Actors take their stream once, when they start: <c>SimSeed.For(Context.System).Stream("link/h1-h2")</c>.
/// </summary>
public sealed class SimSeed : IExtension
{
    /// <summary>Config path of the run's seed.</summary>
    public const string SeedPath = "netsim.random.seed";

    /// <summary>The seed used when <c>netsim.random.seed</c> is not set.</summary>
    public const ulong DefaultSeed = 1;

    internal SimSeed(ExtendedActorSystem system)
    {
        var config = system.Settings.Config;
        Seed = config.HasPath(SeedPath) ? unchecked((ulong)config.GetLong(SeedPath)) : DefaultSeed;
    }

    /// <summary>The seed of <paramref name="system"/>.</summary>
    public static SimSeed For(ActorSystem system) => system.WithExtension<SimSeed, SimSeedProvider>();

    /// <summary>The run's seed.</summary>
    public ulong Seed { get; }

    /// <summary>
    /// A fresh stream for <paramref name="name"/>: the same seed and name always give the same numbers. Each call
    /// returns a new instance starting at the beginning, so take it once and keep it in the actor.
    /// </summary>
    public SimRandom Stream(string name) => new(SimRandom.DeriveSeed(Seed, name));
}

/// <summary>Akka extension id for <see cref="SimSeed"/>.</summary>
public sealed class SimSeedProvider : ExtensionIdProvider<SimSeed>
{
    /// <inheritdoc />
    public override SimSeed CreateExtension(ExtendedActorSystem system) => new(system);
}
