using Akka.Actor;

namespace NetSim.Actors.Time;

/// <summary>
/// The dispatcher every NetSim actor runs on. In real mode it is an ordinary thread-pool dispatcher; in virtual mode
/// it is the deterministic FIFO dispatcher driven by <see cref="SimulationDriver"/>.
/// </summary>
/// <remarks>
/// Akka's own actors (guardians, loggers) stay on the default dispatcher: replacing that one as well would make
/// system start-up (which waits for the loggers) deadlock before anybody could drive it. The price: a child does
/// not inherit its parent's dispatcher, so every NetSim <see cref="Props"/> must ask for this one explicitly.
/// </remarks>
public static class SimDispatcher
{
    /// <summary>The config path and id of the dispatcher: <c>netsim.dispatcher</c>.</summary>
    public const string Id = "netsim.dispatcher";

    /// <summary>Returns <paramref name="props"/> set to run on <c>netsim.dispatcher</c>.</summary>
    public static Props WithSimDispatcher(this Props props) => props.WithDispatcher(Id);

    // One Deploy for every NetSim actor: WithDispatcher copies the Props and makes a Deploy for each actor (72 bytes an
    // actor, which the actor's cell keeps; a star of a million hosts holds eleven million actors).
    private static readonly Deploy SharedDeploy = new Deploy().WithDispatcher(Id);

    /// <summary>
    /// Props of a <typeparamref name="TActor"/> on <c>netsim.dispatcher</c>, made by its public constructor from
    /// <paramref name="args"/>, with the one shared Deploy: the Props a NetSim actor of which there is one per host,
    /// NIC, file or link is made from (no expression tree to build, no Deploy of its own).
    /// </summary>
    public static Props Props<TActor>(params object?[] args) where TActor : ActorBase => new ConstructedProps<TActor>(args);

    /// <summary>
    /// Props that make a <typeparamref name="TActor"/> by its one public constructor, found once per type. Akka's own
    /// producer calls <c>Activator.CreateInstance(type, args)</c>, which looks the constructor up and binds the
    /// arguments to it again for every actor (set-up of 10,000 hosts makes about 90,000). A failing constructor is
    /// reported as Akka reports it.
    /// </summary>
    private sealed class ConstructedProps<TActor>(object?[] args) : Props(SharedDeploy, typeof(TActor), args!) where TActor : ActorBase
    {
        private static readonly System.Reflection.ConstructorInfo Constructor = typeof(TActor).GetConstructors().Single();

        public override ActorBase NewActor()
        {
            try
            {
                return (ActorBase)Constructor.Invoke(Arguments);
            }
            catch (Exception inner)
            {
                throw new TypeLoadException($"Error while creating actor instance of type {Type} with {Arguments.Length} args: ({string.Join(",", Arguments)})", inner);
            }
        }
    }

    /// <summary>
    /// <paramref name="value"/> boxed once for the whole process, for <see cref="Props{TActor}"/>: an actor's Props
    /// keeps its arguments for the actor's life, and a bool or small int boxed afresh is 24 bytes an argument.
    /// </summary>
    public static object Boxed(bool value) => value ? BoxedTrue : BoxedFalse;

    /// <inheritdoc cref="Boxed(bool)"/>
    public static object Boxed(int value) =>
        (uint)value < (uint)BoxedInts.Length ? BoxedInts[value] ??= value : value; // a race boxes twice: harmless

    private static readonly object BoxedTrue = true, BoxedFalse = false;
    private static readonly object?[] BoxedInts = new object?[4096]; // port indexes, queue lengths, sizes
}
