using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using NetSim.Actors;
using NetSim.Protocol.Distributed;
using NetSim.Scenario;
using NetSim.Scenario.Partitioning;
using Xunit;

namespace NetSim.Distributed.Tests;

/// <summary>
/// The coordinator's barrier with probes as the partitions' agents: it admits workers of its own build, grants a
/// window only once every partition ended it, routes each frame to its link's receiving end in the order sent, and
/// splits big grants into chunks.
/// </summary>
public sealed class RunCoordinatorTests() : TestKit(Config)
{
    private static readonly Config Config = ConfigurationFactory.ParseString("""
            akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
            """).WithFallback(ControlSystem.DefaultConfig).WithFallback(NetSimConfig.Default);

    private (IActorRef Coordinator, CoordinatorSignals Signals) Start(IActorRef localAgent, int chunkBytes = 262144)
    {
        var scenario = ScenarioLoader.LoadFromText(LoopbackRun.Triangle, "triangle.conf").Scenario!;
        var plan = new NumberedFramesEngine().Plan(scenario, 3).Plan!;
        var assignment = new PartitionAssignment(0, 3, "triangle.conf", LoopbackRun.Triangle, [], 5, 1 << 20);
        var signals = new CoordinatorSignals();
        var setup = new CoordinatorSetup(3, assignment, new CrossFrameRoutes(scenario, plan), localAgent, LoopbackRun.Settings with { ChunkBytes = chunkBytes });
        return (Sys.ActorOf(RunCoordinator.Props(setup, signals)), signals);
    }

    private static WorkerHello Hello(int pid) => new(pid, BuildIdentity.Current, "test");

    private static CrossingFrame Frame(string link, int direction, string text) => new(link, direction, 100_000, System.Text.Encoding.ASCII.GetBytes(text));

    [Fact]
    public async Task Assigns_partitions_once_every_worker_is_there_and_refuses_another_build()
    {
        var (p0, p1, p2, stranger) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe(), CreateTestProbe());
        var (coordinator, signals) = Start(p0.Ref);

        coordinator.Tell(new WorkerHello(9, "0.0.0 (000000000000)", "elsewhere"), stranger.Ref);
        Assert.Contains("run the same netsim build", stranger.ExpectMsg<WorkerRefused>().Reason);
        coordinator.Tell(Hello(11), p1.Ref);
        p1.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // one of two: nobody starts yet
        coordinator.Tell(Hello(12), p2.Ref);

        var first = p1.ExpectMsg<PartitionAssignment>();
        Assert.Equal((1, 3, "triangle.conf", LoopbackRun.Triangle), (first.Partition, first.Count, first.FileName, first.ScenarioText));
        Assert.Equal(2, p2.ExpectMsg<PartitionAssignment>().Partition);
        Assert.Equal([1, 2], (await signals.Joined.Task.WaitAsync(TimeSpan.FromSeconds(10))).Select(w => w.Partition));
        coordinator.Tell(Hello(13), stranger.Ref);
        Assert.Contains("already has its 2 workers", stranger.ExpectMsg<WorkerRefused>().Reason);
    }

    [Fact]
    public void Grants_a_window_when_every_partition_ended_it_with_the_frames_for_each_in_order()
    {
        var (p0, p1, p2) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe());
        var (coordinator, _) = Start(p0.Ref);
        coordinator.Tell(Hello(11), p1.Ref);
        coordinator.Tell(Hello(12), p2.Ref);
        p1.ExpectMsg<PartitionAssignment>();
        p2.ExpectMsg<PartitionAssignment>();

        // Triangle: h0 in 0, h1 in 1, h2 in 2; l01 joins 0 and 1, l12 joins 1 and 2, l20 joins 2 and 0.
        coordinator.Tell(new WindowDone(0, 100_000, [Frame("l01", 0, "0a"), Frame("l20", 1, "0b"), Frame("l01", 0, "0c")], Last: false), p0.Ref);
        coordinator.Tell(new WindowDone(0, 100_000, [Frame("l01", 0, "0d")], Last: true), p0.Ref);
        coordinator.Tell(new WindowDone(2, 100_000, [Frame("l12", 1, "2a"), Frame("l20", 0, "2b")], Last: true), p2.Ref);
        p0.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // partition 1 has not ended the window
        coordinator.Tell(new WindowDone(1, 100_000, [Frame("l01", 1, "1a"), Frame("l12", 0, "1b")], Last: true), p1.Ref);

        static string Texts(WindowGranted g) => string.Join(",", g.Frames.Select(f => System.Text.Encoding.ASCII.GetString(f.Frame)));
        Assert.Equal("1a,2b", Texts(p0.ExpectMsg<WindowGranted>(g => g.Last && g.WindowEndTicks == 100_000)));
        Assert.Equal("0a,0c,0d,2a", Texts(p1.ExpectMsg<WindowGranted>(g => g.Last)));
        Assert.Equal("0b,1b", Texts(p2.ExpectMsg<WindowGranted>(g => g.Last)));
    }

    [Fact]
    public void A_big_grant_goes_in_chunks_only_the_last_of_which_is_last()
    {
        var (p0, p1, p2) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe());
        var (coordinator, _) = Start(p0.Ref, chunkBytes: 1000);
        coordinator.Tell(Hello(11), p1.Ref);
        coordinator.Tell(Hello(12), p2.Ref);
        p1.ExpectMsg<PartitionAssignment>();
        p2.ExpectMsg<PartitionAssignment>();

        var frames = Enumerable.Range(0, 10).Select(i => new CrossingFrame("l01", 0, 100_000, new byte[400 + i])).ToList();
        coordinator.Tell(new WindowDone(0, 100_000, frames, Last: true), p0.Ref);
        coordinator.Tell(new WindowDone(1, 100_000, [], Last: true), p1.Ref);
        coordinator.Tell(new WindowDone(2, 100_000, [], Last: true), p2.Ref);

        var chunks = new List<WindowGranted>();
        do chunks.Add(p1.ExpectMsg<WindowGranted>()); while (!chunks[^1].Last);
        Assert.Equal(5, chunks.Count); // two frames of ~430 bytes fit under 1000
        Assert.Equal(Enumerable.Range(0, 10).Select(i => 400 + i), chunks.SelectMany(c => c.Frames).Select(f => f.Frame.Length));
        Assert.Empty(p0.ExpectMsg<WindowGranted>().Frames);
    }

    [Fact]
    public async Task A_frame_on_a_link_that_does_not_leave_its_sender_fails_the_run()
    {
        var (p0, p1, p2) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe());
        var (coordinator, signals) = Start(p0.Ref);
        coordinator.Tell(Hello(11), p1.Ref);
        coordinator.Tell(Hello(12), p2.Ref);
        p1.ExpectMsg<PartitionAssignment>();
        p2.ExpectMsg<PartitionAssignment>();

        coordinator.Tell(new WindowDone(0, 100_000, [Frame("l12", 0, "wrong")], Last: true), p0.Ref);
        coordinator.Tell(new WindowDone(1, 100_000, [], Last: true), p1.Ref);
        coordinator.Tell(new WindowDone(2, 100_000, [], Last: true), p2.Ref);

        var abort = p1.ExpectMsg<AbortRun>();
        Assert.Equal(0, abort.LostPartition);
        Assert.Contains("link 'l12', which does not leave it", abort.Reason);
        p2.ExpectMsg<AbortRun>();
        p0.ExpectMsg<AbortRun>();
        coordinator.Tell(new LocalPartDone([1], new WindowTimes(1, 0, 0, 0, 0), null), p0.Ref);
        coordinator.Tell(new PartitionResults(1, [2], Last: true, new WindowTimes(1, 0, 0, 0, 0)), p1.Ref);
        coordinator.Tell(new PartitionResults(2, [3], Last: true, new WindowTimes(1, 0, 0, 0, 0)), p2.Ref);
        var outcome = await signals.Outcome.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.StartsWith("partition 0 sent a frame on link 'l12'", outcome.Failure);
        Assert.Equal([[1], [2], [3]], outcome.Parts);
        p1.ExpectMsg<RunComplete>();
    }
}
