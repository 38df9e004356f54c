using System.Collections.Immutable;
using System.Net;
using Akka.Actor;
using NetSim.Actors.Time;
using NetSim.Scenario.Running;
using Xunit;

namespace NetSim.Scenario.Tests;

/// <summary>
/// What the stacks refuse while a run is set up: set-up sends its requests in batches and collects every answer
/// (no Ask per request), and the error is still the first refusal in the order a host-by-host set-up makes them
/// (forwarding and NICs, files, addresses, routes), worded as the stack words it. The validator catches all of these in
/// a file; here the model is changed after validation, as a C# caller could.
/// </summary>
public class SetupErrorTests
{
    private const string Text = """
        duration = 1s
        hosts {
          a { nics { e0 { type = tun, addresses = ["10.0.0.1/24"] } } }
          b { nics { e0 { type = tun, addresses = ["10.0.0.2/24"] } } }
        }
        links { l { a = a.e0, b = b.e0 } }
        """;

    private static Scenario Valid()
    {
        var loaded = ScenarioLoader.LoadFromText(Text, "setup.conf");
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));
        return loaded.Scenario!;
    }

    private static Scenario WithHost(Scenario s, string name, Func<HostSpec, HostSpec> change) =>
        s with { Hosts = [.. s.Hosts.Select(h => h.Name == name ? change(h) : h)] };

    private static HostSpec WithNic(HostSpec h, Func<NicSpec, NicSpec> change) => h with { Nics = [.. h.Nics.Select(change)] };

    private static InterfaceAddress Address(string text) => new(IPAddress.Parse(text.Split('/')[0]), int.Parse(text.Split('/')[1]));

    private static string SetupError(Scenario scenario) =>
        Assert.Throws<ScenarioSetupException>(() => ScenarioRunner.Run(scenario, new RunOptions(null))).Message;

    [Fact]
    public void An_address_the_host_already_has_is_refused_with_EEXIST()
    {
        var s = WithHost(Valid(), "b", h => WithNic(h, n => n with { Addresses = [.. n.Addresses, Address("10.0.0.2/24")] }));
        Assert.Equal("b.e0 address 10.0.0.2/24: add-address: EEXIST (File exists): 10.0.0.2/24 dev e0", SetupError(s));
    }

    [Fact]
    public void A_route_through_a_gateway_off_every_link_is_refused_with_ENETUNREACH()
    {
        var s = WithHost(Valid(), "a", h => h with { Routes = [new RouteSpec(new IpPrefix(IPAddress.Parse("10.9.0.0"), 16), IPAddress.Parse("10.8.0.1"), null, 0)] });
        Assert.Equal("host a route 10.9.0.0/16: add-route: ENETUNREACH (Network is unreachable): 10.9.0.0/16 via 10.8.0.1", SetupError(s));
    }

    [Fact]
    public void A_route_out_of_an_unknown_NIC_is_refused_with_ENODEV()
    {
        var s = WithHost(Valid(), "b", h => h with { Routes = [new RouteSpec(new IpPrefix(IPAddress.Parse("10.9.0.0"), 16), null, "e7", 0)] });
        Assert.Equal("host b route 10.9.0.0/16: add-route: ENODEV (No such device): no NIC 'e7'", SetupError(s));
    }

    [Fact]
    public void Addresses_come_before_routes_whatever_the_host_order()
    {
        // a's route is refused and so is b's address: the addresses of every host are set before any route.
        var s = WithHost(Valid(), "a", h => h with { Routes = [new RouteSpec(new IpPrefix(IPAddress.Parse("10.9.0.0"), 16), IPAddress.Parse("10.8.0.1"), null, 0)] });
        s = WithHost(s, "b", h => WithNic(h, n => n with { Addresses = [.. n.Addresses, Address("10.0.0.2/24")] }));
        Assert.Equal("b.e0 address 10.0.0.2/24: add-address: EEXIST (File exists): 10.0.0.2/24 dev e0", SetupError(s));
    }

    [Fact]
    public void A_NIC_the_stack_cannot_create_is_the_error_before_any_address()
    {
        // b's NIC has an MTU below 68 (refused at creation); a's address is a duplicate (refused later, never reached).
        var s = WithHost(Valid(), "a", h => WithNic(h, n => n with { Addresses = [.. n.Addresses, Address("10.0.0.1/24")] }));
        s = WithHost(s, "b", h => WithNic(h, n => n with { Mtu = 10 }));
        Assert.Equal("b.e0: create: EINVAL (Invalid argument): MTU 10 is outside 68..65535", SetupError(s));
    }

    [Fact]
    public void Two_NICs_of_one_name_on_a_host_are_refused_with_EEXIST()
    {
        var s = WithHost(Valid(), "a", h => h with { Nics = [.. h.Nics, h.Nics[0] with { Addresses = [] }] });
        Assert.Equal("a.e0: create: EEXIST (File exists): a already has a NIC 'e0'", SetupError(s));
    }

    [Fact]
    public void Every_answer_comes_back_in_request_order_and_a_request_nobody_answers_is_named()
    {
        using var session = new SimulationSession(TimeMode.Virtual, seed: 1, verbose: false);
        var echo = session.ActorOf(Props.Create(() => new Echo()).WithSimDispatcher(), "echo");
        var silent = session.ActorOf(Props.Create(() => new Silent()).WithSimDispatcher(), "silent");
        var answers = session.RequestAll([.. Enumerable.Range(0, 100).Select(i => (echo, (object)i))]);
        Assert.Equal(Enumerable.Range(0, 100).Cast<object>(), answers);
        var e = Assert.Throws<InvalidOperationException>(() => session.RequestAll([(echo, (object)1), (silent, (object)"hello")]));
        Assert.Equal("silent did not answer String", e.Message);
    }

    private sealed class Echo : UntypedActor
    {
        protected override void OnReceive(object message) => Sender.Tell(message);
    }

    private sealed class Silent : UntypedActor
    {
        protected override void OnReceive(object message) { }
    }
}
