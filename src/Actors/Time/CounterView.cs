namespace NetSim.Actors.Time;

/// <summary>
/// Asks an actor for a <see cref="CounterView{T}"/> of its counters (NICs and links answer it). Local and virtual time
/// only: not a wire message (a view holds a delegate into the actor), and a view may be read only while the actor cannot
/// run, which in virtual time is whenever the driving thread is between instants or inside another actor's turn.
/// </summary>
public sealed class GetCounterView
{
    /// <summary>The one instance (the request carries nothing).</summary>
    public static readonly GetCounterView Instance = new();

    private GetCounterView()
    {
    }
}

/// <summary>
/// The counters of one actor, readable without a message: <see cref="Read"/> builds the same answer the actor gives to
/// its counters request. A time-series sample in virtual time reads every NIC and link this way (asking each one once),
/// where it sent two messages per NIC and link at every sample; real time, where actors run on other threads, keeps
/// the messages.
/// </summary>
/// <typeparam name="T">The counters' answer type.</typeparam>
public sealed class CounterView<T>(Func<T> read) where T : class
{
    /// <summary>The counters now. Call it only while the owner cannot run (see <see cref="GetCounterView"/>).</summary>
    public T Read() => read();
}
