using Akka.Actor;
using NetSim.Actors.Device;
using NetSim.Actors.Links;
using NetSim.Actors.Stack;
using NetSim.Actors.Time;
using Xunit;

namespace NetSim.Actors.Tests.Core;

/// <summary>
/// The Props NetSim's per-host actors are made from: on netsim.dispatcher, sharing one Deploy (an actor's cell keeps
/// its Props for life), with their constructor arguments, bools and small ints boxed once.
/// </summary>
public sealed class SimPropsTests : DeviceTestKit
{
    [Fact]
    public void Per_host_actors_run_on_the_sim_dispatcher_and_share_one_Deploy()
    {
        var host = NewHost();
        var props = new[]
        {
            StackActor.Props("h9"),
            DeviceActor.Props(host),
            DeviceActor.Props(host, netAdmin: false, nonBlocking: true, tellParentWhenStopped: true),
            PortActor.Props(1, new NicEndpoint(host, "h1", "tun0", IsTap: false), TestActor),
        };

        Assert.All(props, p => Assert.Equal(SimDispatcher.Id, p.Deploy.Dispatcher));
        Assert.All(props, p => Assert.Same(props[0].Deploy, p.Deploy));
        Assert.Equal([host, false, true, true], props[2].Arguments);
    }

    [Fact]
    public void Boxed_values_are_one_instance_per_value_and_keep_their_value()
    {
        Assert.Same(SimDispatcher.Boxed(true), SimDispatcher.Boxed(true));
        Assert.Same(SimDispatcher.Boxed(1024), SimDispatcher.Boxed(1024));
        Assert.Equal(false, SimDispatcher.Boxed(false));
        Assert.Equal(7, SimDispatcher.Boxed(7));
        Assert.Equal(-1, SimDispatcher.Boxed(-1));        // outside the cache: boxed as usual
        Assert.Equal(1 << 20, SimDispatcher.Boxed(1 << 20));
    }

    [Fact]
    public void An_actor_made_from_shared_Props_with_a_null_argument_starts()
    {
        // StackActor's options may be null (read from the config): the constructor is found by the other arguments.
        var host = Sys.ActorOf(StackActor.Props("h-null", options: null));
        Assert.Equal("lo", Lookup(host, "lo").Name); // it answers: its constructor ran
    }

    [Fact]
    public void An_actor_whose_constructor_throws_stops_with_the_constructor_s_exception_inside_as_with_Akka_s_own_props()
    {
        EventFilter.Exception<ActorInitializationException>().ExpectOne(() =>
        {
            var failing = Sys.ActorOf(SimDispatcher.Props<ThrowingActor>("bad"));
            Watch(failing);
            ExpectTerminated(failing);
        });
    }

    /// <summary>An actor whose constructor refuses its argument.</summary>
    private sealed class ThrowingActor : UntypedActor
    {
        public ThrowingActor(string argument) => throw new ArgumentException($"refused {argument}");

        protected override void OnReceive(object message) { }
    }
}
