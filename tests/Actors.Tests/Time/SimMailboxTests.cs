using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch.MessageQueues;
using Akka.Event;
using NetSim.Actors.Time;
using NetSim.TestKit;
using Xunit;

namespace NetSim.Actors.Tests.Time;

/// <summary>The queue itself: FIFO, thread-safe, lazily allocated, growing; dead letters at clean-up.</summary>
public sealed class SimMessageQueueTests
{
    private static Envelope Env(object message) => new(message, ActorRefs.NoSender);

    [Fact]
    public void A_queue_that_never_received_a_message_has_no_buffer()
    {
        var queue = new SimMessageQueue();
        Assert.Equal(0, queue.Capacity);
        Assert.False(queue.HasMessages);
        Assert.Equal(0, queue.Count);
        Assert.False(queue.TryDequeue(out _));
        Assert.Equal(0, queue.Capacity);
    }

    [Fact]
    public void Grows_past_its_initial_capacity_in_order_also_when_the_ring_has_wrapped()
    {
        var queue = new SimMessageQueue();
        var next = 0;
        var expected = 0;
        // Head moves forward first, so the later growth copies a ring that wraps around the buffer's end.
        for (var i = 0; i < 3; i++) queue.Enqueue(ActorRefs.Nobody, Env(next++));
        Assert.Equal(SimMessageQueue.InitialCapacity, queue.Capacity);
        for (var i = 0; i < 2; i++)
        {
            Assert.True(queue.TryDequeue(out var e));
            Assert.Equal(expected++, e.Message);
        }

        for (var i = 0; i < 40; i++) queue.Enqueue(ActorRefs.Nobody, Env(next++));
        Assert.Equal(41, queue.Count);
        Assert.True(queue.HasMessages);
        Assert.Equal(64, queue.Capacity);

        while (queue.TryDequeue(out var e)) Assert.Equal(expected++, e.Message);
        Assert.Equal(next, expected);
        Assert.False(queue.HasMessages);
        Assert.Equal(0, queue.Count);
        Assert.Equal(64, queue.Capacity); // kept for the next burst
    }

    [Fact]
    public void Keeps_each_producers_order_under_concurrent_tells_from_several_threads()
    {
        const int producers = 4;
        const int perProducer = 20_000;
        var queue = new SimMessageQueue();
        var received = new List<(int Producer, int Seq)>(producers * perProducer);
        using var start = new ManualResetEventSlim();
        var threads = Enumerable.Range(0, producers).Select(p => new Thread(() =>
        {
            start.Wait();
            for (var i = 0; i < perProducer; i++) queue.Enqueue(ActorRefs.Nobody, Env((p, i)));
        })).ToList();
        // One consumer at a time, as Akka's mailbox run is, draining while the producers still write.
        var consumer = new Thread(() =>
        {
            start.Wait();
            while (received.Count < producers * perProducer)
            {
                if (queue.TryDequeue(out var e)) received.Add(((int, int))e.Message);
                else Thread.Yield();
            }
        });
        threads.ForEach(t => t.Start());
        consumer.Start();
        start.Set();
        threads.ForEach(t => t.Join());
        Assert.True(consumer.Join(TimeSpan.FromMinutes(2)), "consumer did not drain the queue (hang guard)");

        Assert.Equal(producers * perProducer, received.Count);
        for (var p = 0; p < producers; p++)
        {
            var seqs = received.Where(r => r.Producer == p).Select(r => r.Seq).ToList();
            Assert.Equal(Enumerable.Range(0, perProducer), seqs);
        }
        Assert.False(queue.HasMessages);
    }

    [Fact]
    public void CleanUp_hands_what_remains_to_dead_letters_in_order()
    {
        var queue = new SimMessageQueue();
        for (var i = 0; i < 6; i++) queue.Enqueue(ActorRefs.Nobody, Env(i));
        Assert.True(queue.TryDequeue(out _));

        var deadLetters = new UnboundedMessageQueue();
        queue.CleanUp(ActorRefs.Nobody, deadLetters);

        Assert.False(queue.HasMessages);
        var dead = new List<object>();
        while (deadLetters.TryDequeue(out var e)) dead.Add(e.Message);
        Assert.Equal([1, 2, 3, 4, 5], dead);
    }
}

/// <summary>Every NetSim actor gets the mailbox, in both time modes, from the config alone.</summary>
public sealed class SimMailboxVirtualTests() : VirtualTimeTestKit(seed: 1)
{
    [Fact]
    public void NetSim_actors_get_it_in_virtual_mode_and_the_default_dispatcher_keeps_Akkas()
    {
        var probe = CreateVirtualProbe();
        var sim = ActorOf(Props.Create(() => new QueueTypeReporter()).WithSimDispatcher(), "sim");
        sim.Tell("type?", probe.Ref);
        Assert.Equal(typeof(SimMessageQueue), probe.ExpectMsg<Type>());


        // Akka's own actors and anything not on netsim.dispatcher keep Akka's default mailbox.
        var plain = Sys.ActorOf(Props.Create(() => new QueueTypeReporter()), "plain");
        plain.Tell("type?", TestActor);
        // It runs on Akka's thread pool, not the driver, so its reply is awaited on the wall clock (a hang guard).
        Assert.Equal(typeof(UnboundedMessageQueue), ((Akka.TestKit.TestKitBase)this).ExpectMsg<Type>(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void Messages_left_when_an_actor_stops_become_dead_letters_in_order()
    {
        var dead = CreateVirtualProbe();
        Sys.EventStream.Subscribe(dead.Ref, typeof(DeadLetter));
        var actor = ActorOf(Props.Create(() => new StopOnFirst()).WithSimDispatcher(), "stopper");

        // All four wait in the queue before the driver runs the actor: the first stops it, the rest are cleaned up.
        foreach (var m in new[] { "stop", "a", "b", "c" }) actor.Tell(m, TestActor);
        RunUntilIdle();

        Assert.Equal("a", dead.ExpectMsg<DeadLetter>().Message);
        Assert.Equal("b", dead.ExpectMsg<DeadLetter>().Message);
        Assert.Equal("c", dead.ExpectMsg<DeadLetter>().Message);
    }

    private sealed class StopOnFirst : UntypedActor
    {
        protected override void OnReceive(object message) => Context.Stop(Self);
    }
}

/// <summary>Real mode: the shipped defaults (config/netsim.conf via NetSimConfig) and TimeModeConfig's fragment.</summary>
public sealed class SimMailboxRealTests()
    : Akka.TestKit.Xunit2.TestKit(TimeModeConfig.Apply(NetSimConfig.Default, TimeMode.Real), "real-mailbox")
{
    [Fact]
    public void NetSim_actors_get_it_in_real_mode()
    {
        var sim = Sys.ActorOf(Props.Create(() => new QueueTypeReporter()).WithSimDispatcher(), "sim");
        sim.Tell("type?", TestActor);
        Assert.Equal(typeof(SimMessageQueue), ExpectMsg<Type>(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void The_defaults_and_both_mode_fragments_name_it()
    {
        Assert.Equal(TimeModeConfig.SimMailboxTypeName, NetSimConfig.Default.GetString("netsim.dispatcher.mailbox-type"));
        foreach (var mode in new[] { TimeMode.Real, TimeMode.Virtual })
        {
            var config = TimeModeConfig.Apply(ConfigurationFactory.Empty, mode);
            Assert.Equal(TimeModeConfig.SimMailboxTypeName, config.GetString("netsim.dispatcher.mailbox-type"));
        }
    }

    [Fact]
    public void Two_actors_playing_ping_pong_on_the_thread_pool_never_lose_a_wake_up()
    {
        // Every round trip has a receiver that just went idle and a sender enqueueing at that moment: the window in
        // which a queue whose count store is not fenced before the dispatcher reads the mailbox's status loses the
        // message until the next one comes (here: never, so the game stalls and the expectation times out).
        const int pairs = 8, rounds = 25_000;
        for (var p = 0; p < pairs; p++)
        {
            var pong = Sys.ActorOf(Props.Create(() => new Echo()).WithSimDispatcher(), $"pong-{p}");
            var ping = Sys.ActorOf(Props.Create(() => new Volley(pong, rounds, TestActor)).WithSimDispatcher(), $"ping-{p}");
            ping.Tell(0);
        }
        for (var p = 0; p < pairs; p++) Assert.Equal(rounds, ExpectMsg<int>(TimeSpan.FromSeconds(60)));
    }

    private sealed class Echo : ReceiveActor
    {
        public Echo() => Receive<int>(n => Sender.Tell(n + 1));
    }

    private sealed class Volley : ReceiveActor
    {
        public Volley(IActorRef partner, int rounds, IActorRef done) =>
            Receive<int>(n =>
            {
                if (n >= rounds) done.Tell(n);
                else partner.Tell(n);
            });
    }

    [Fact]
    public void Many_threads_telling_one_actor_are_all_delivered_in_each_senders_order()
    {
        const int senders = 4;
        const int perSender = 2_000;
        var collector = Sys.ActorOf(Props.Create(() => new Collector(senders * perSender, TestActor)).WithSimDispatcher(), "collector");
        var threads = Enumerable.Range(0, senders).Select(s => new Thread(() =>
        {
            for (var i = 0; i < perSender; i++) collector.Tell((s, i));
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        var received = ExpectMsg<List<(int Sender, int Seq)>>(TimeSpan.FromSeconds(30));
        for (var s = 0; s < senders; s++)
        {
            Assert.Equal(Enumerable.Range(0, perSender), received.Where(r => r.Sender == s).Select(r => r.Seq));
        }
    }

    private sealed class Collector(int expected, IActorRef report) : UntypedActor
    {
        private readonly List<(int, int)> _received = [];

        protected override void OnReceive(object message)
        {
            _received.Add(((int, int))message);
            if (_received.Count == expected) report.Tell(_received);
        }
    }
}

/// <summary>Answers with the type of its own message queue.</summary>
internal sealed class QueueTypeReporter : UntypedActor
{
    protected override void OnReceive(object message) =>
        Sender.Tell(((ActorCell)Context).Mailbox!.MessageQueue.GetType());
}
