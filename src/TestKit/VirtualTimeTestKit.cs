using Akka.Actor;
using Akka.TestKit;
using NetSim.Actors;
using NetSim.Actors.Time;
using Xunit.Abstractions;

namespace NetSim.TestKit;

/// <summary>
/// An Akka TestKit on a virtual-time NetSim system (netsim.time.mode = virtual): <c>ExpectMsg</c>,
/// <c>ExpectNoMsg</c>, <c>ExpectTerminated</c> and <c>ReceiveN</c> run the simulation on the test's thread, from timer to
/// timer, until the message is there or the (simulated) time allowed has passed. A test that waits for a 3-second ARP
/// timeout takes milliseconds, and the same test gives the same answers at the same simulated instants every run.
/// </summary>
/// <remarks>
/// <para>C# prefers a derived class's applicable overload, so inside a test class <c>ExpectMsg&lt;T&gt;()</c> binds to
/// these. Durations given to these methods are simulated time; the default is <see cref="DefaultWait"/>. Nothing moves
/// between calls: a message sent with <c>Tell</c> from the test is handled when the next Expect call drives.</para>
/// <para>Create actors with <see cref="ActorOf(Props, string?)"/> (it waits until the guardian started them; see
/// src/Actors/Time/README.md) and probes with <see cref="CreateVirtualProbe"/>. The base TestKit's methods not hidden
/// here (<c>AwaitAssert</c>, <c>Within</c>, the async ones) still wait on the wall clock without driving.</para>
/// </remarks>
public abstract class VirtualTimeTestKit : Akka.TestKit.Xunit2.TestKit
{
    /// <summary>Simulated time an Expect call drives before it gives up when no duration is given.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(3);

    /// <summary>
    /// A virtual-time system with NetSim's defaults, random seed <paramref name="seed"/> and HOCON
    /// <paramref name="overrides"/> on top.
    /// </summary>
    protected VirtualTimeTestKit(ulong seed = 1, string overrides = "", ITestOutputHelper? output = null)
        : base(NetSimConfig.Virtual(seed, overrides), "netsim-virtual", output)
    {
        Driver = SimulationDriver.For(Sys);
    }

    /// <summary>The driver that moves this system's simulated time.</summary>
    public SimulationDriver Driver { get; }

    /// <summary>Simulated time since the system started.</summary>
    public new TimeSpan Now => Driver.Now;

    /// <summary>A top-level actor, started before this returns (<see cref="SimulationDriver.ActorOf"/>).</summary>
    public new IActorRef ActorOf(Props props, string? name = null) => Driver.ActorOf(props, name);

    /// <summary>A probe whose Expect methods drive simulated time as this kit's do.</summary>
    public VirtualTestProbe CreateVirtualProbe(string? name = null) => new(this, name);

    /// <summary>Runs the simulation for <paramref name="duration"/> of simulated time.</summary>
    public void RunFor(TimeSpan duration) => Driver.RunFor(duration);

    /// <summary>Handles everything that is due now, without moving the clock.</summary>
    public void RunUntilIdle() => Driver.RunUntilIdle();

    /// <summary>Drives until <paramref name="kit"/> (this kit or a probe) has a message or <paramref name="max"/> has passed.</summary>
    internal void DriveUntilMessage(TestKitBase kit, TimeSpan? max) =>
        Driver.RunUntil(Driver.Now + (max ?? DefaultWait), () => kit.HasMessages);

    /// <summary>The next message, of type <typeparamref name="T"/>, within <paramref name="max"/> simulated time.</summary>
    public T ExpectMsg<T>(TimeSpan? max = null, string? hint = null)
    {
        DriveUntilMessage(this, max);
        return base.ExpectMsg<T>(TimeSpan.Zero, hint);
    }

    /// <summary>The next message, equal to <paramref name="message"/>, within <paramref name="max"/> simulated time.</summary>
    public T ExpectMsg<T>(T message, TimeSpan? max = null, string? hint = null)
    {
        DriveUntilMessage(this, max);
        return base.ExpectMsg(message, TimeSpan.Zero, hint);
    }

    /// <summary>The next message, of type <typeparamref name="T"/> and matching <paramref name="isMessage"/>, within <paramref name="max"/> simulated time.</summary>
    public T ExpectMsg<T>(Predicate<T> isMessage, TimeSpan? max = null, string? hint = null)
    {
        DriveUntilMessage(this, max);
        return base.ExpectMsg(isMessage, TimeSpan.Zero, hint);
    }

    /// <summary>Asserts that no message comes during <paramref name="duration"/> of simulated time (which passes).</summary>
    public void ExpectNoMsg(TimeSpan duration)
    {
        DriveUntilMessage(this, duration);
        base.ExpectNoMsg(TimeSpan.Zero);
    }

    /// <summary><paramref name="n"/> messages within <paramref name="max"/> simulated time.</summary>
    public IReadOnlyCollection<object> ReceiveN(int n, TimeSpan? max = null)
    {
        var result = new List<object>(n);
        var deadline = Now + (max ?? DefaultWait);
        for (var i = 0; i < n; i++)
        {
            Driver.RunUntil(deadline, () => HasMessages);
            result.Add(base.ReceiveOne(TimeSpan.Zero) ?? throw new TimeoutException($"ReceiveN: {i} of {n} messages by simulated {deadline}"));
        }
        return result;
    }

    /// <summary>The <see cref="Terminated"/> of a watched <paramref name="target"/> within <paramref name="max"/> simulated time.</summary>
    public Terminated ExpectTerminated(IActorRef target, TimeSpan? max = null, string? hint = null)
    {
        DriveUntilMessage(this, max);
        return base.ExpectTerminated(target, TimeSpan.Zero, hint);
    }
}

/// <summary>A <see cref="TestProbe"/> of a <see cref="VirtualTimeTestKit"/>: its Expect methods drive simulated time.</summary>
public sealed class VirtualTestProbe : TestProbe
{
    private readonly VirtualTimeTestKit _kit;

    internal VirtualTestProbe(VirtualTimeTestKit kit, string? name)
        : base(kit.Sys, new Akka.TestKit.Xunit2.XunitAssertions(), name)
    {
        _kit = kit;
    }

    /// <summary>The next message, of type <typeparamref name="T"/>, within <paramref name="max"/> simulated time.</summary>
    public T ExpectMsg<T>(TimeSpan? max = null, string? hint = null)
    {
        _kit.DriveUntilMessage(this, max);
        return base.ExpectMsg<T>(TimeSpan.Zero, hint);
    }

    /// <summary>The next message, of type <typeparamref name="T"/> and matching <paramref name="isMessage"/>, within <paramref name="max"/> simulated time.</summary>
    public T ExpectMsg<T>(Predicate<T> isMessage, TimeSpan? max = null, string? hint = null)
    {
        _kit.DriveUntilMessage(this, max);
        return base.ExpectMsg(isMessage, TimeSpan.Zero, hint);
    }

    /// <summary>Asserts that no message comes during <paramref name="duration"/> of simulated time (which passes).</summary>
    public void ExpectNoMsg(TimeSpan duration)
    {
        _kit.DriveUntilMessage(this, duration);
        base.ExpectNoMsg(TimeSpan.Zero);
    }
}
