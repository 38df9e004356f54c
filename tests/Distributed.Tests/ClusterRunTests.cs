using System.Diagnostics;
using Akka.Remote;
using Akka.Actor;
using Xunit;

namespace NetSim.Distributed.Tests;

/// <summary>
/// Whole runs over the control cluster on loopback, in one test process (a control system per process of the run):
/// frames cross per window in order, results come back to the coordinator, and a lost worker ends the run with the
/// worker and the simulated time named.
/// </summary>
public sealed class ClusterRunTests
{
    [Fact]
    public void Three_partitions_exchange_numbered_frames_window_by_window_in_order()
    {
        var engine = new NumberedFramesEngine { FramesPerLink = 4 };
        var run = new LoopbackRun { Engine = engine };

        var result = run.Run();

        Assert.Null(result.Outcome.Failure);
        Assert.Equal(20, result.Outcome.Statistics.Windows); // 200 ms in windows of 10 ms
        // Every partition owns two ends of cut links and hears 2 x 4 frames a window: 8 x 20 windows each.
        Assert.Equal(["partition 0: 20 windows, 160 frames", "partition 1: 20 windows, 160 frames", "partition 2: 20 windows, 160 frames"],
            result.Outcome.Parts.Select(NumberedFramesEngine.Text));
        Assert.Equal(3 * 160, result.Outcome.Statistics.FramesCrossed);
        Assert.All(run.WorkerOutcomes, o => Assert.True(o.Completed, o.Message));
        Assert.Single(engine.Merged);
        Assert.Null(engine.Merged.Single().Failure);
    }

    [Fact]
    public void Frames_larger_than_a_chunk_cross_in_several_messages_and_arrive_whole_and_in_order()
    {
        // 40 frames of 64 KiB per link and window: 2.5 MiB per window and partition, over chunks of 256 KiB.
        var engine = new NumberedFramesEngine { FramesPerLink = 40, FrameSize = 64 * 1024 };
        var run = new LoopbackRun { Engine = engine, ScenarioText = LoopbackRun.Triangle.Replace("duration = 200ms", "duration = 50ms") };

        var result = run.Run();

        Assert.Null(result.Outcome.Failure);
        Assert.Equal(["partition 0: 5 windows, 400 frames", "partition 1: 5 windows, 400 frames", "partition 2: 5 windows, 400 frames"],
            result.Outcome.Parts.Select(NumberedFramesEngine.Text));
        Assert.True(result.Outcome.Statistics.BytesCrossed >= 3L * 400 * 64 * 1024);
    }

    [Fact]
    public void One_process_runs_through_the_same_barrier()
    {
        var engine = new NumberedFramesEngine();
        var result = new LoopbackRun { Engine = engine, Processes = 1 }.Run();

        Assert.Null(result.Outcome.Failure);
        Assert.Equal("partition 0: 1 windows, 0 frames", NumberedFramesEngine.Text(result.Outcome.Parts.Single()));
    }

    [Fact]
    public void A_worker_cut_off_mid_run_ends_the_run_naming_it_and_the_simulated_time_reached()
    {
        LoopbackRun? run = null;
        var engine = new NumberedFramesEngine
        {
            BeforeWindow = (partition, window) =>
            {
                if (partition != 2 || window != 6) return;
                // Partition 2's process stops answering: its remoting transport goes away without leaving the
                // cluster (as when the machine is cut off), and its partition hangs until the test ends.
                var remote = (RemoteActorRefProvider)((ExtendedActorSystem)LoopbackRun.CurrentWorkerSystem!).Provider;
                remote.Transport.Shutdown().Wait(TimeSpan.FromSeconds(10));
                run!.WorkerStop.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(60));
            },
        };
        run = new LoopbackRun { Engine = engine };
        var clock = Stopwatch.StartNew();

        var result = run.Run();

        var failure = result.Outcome.Failure;
        Assert.NotNull(failure);
        Assert.Matches(@"^worker 2 at 127\.0\.0\.1:\d+ \(pid \d+\) is unreachable; the run reached 0\.05 s simulated$", failure);
        Assert.Equal(TimeSpan.FromMilliseconds(50), result.Outcome.Reached);
        Assert.Null(result.Outcome.Parts[2]);
        Assert.Equal("partition 0: 5 windows, 30 frames lost 2", NumberedFramesEngine.Text(result.Outcome.Parts[0]));
        Assert.Equal("partition 1: 5 windows, 30 frames lost 2", NumberedFramesEngine.Text(result.Outcome.Parts[1]));
        Assert.Equal(failure, engine.Merged.Single().Failure);
        // bounded: detection within the failure timeout (5 s) plus the reaper's tick, far below the 60 s the partition hangs
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    [Fact]
    public void A_worker_whose_partition_fails_ends_the_run_with_its_reason()
    {
        var engine = new NumberedFramesEngine
        {
            BeforeWindow = (partition, window) =>
            {
                if (partition == 1 && window == 3) throw new InvalidDataException("checksum mismatch");
            },
        };
        var run = new LoopbackRun { Engine = engine };

        var result = run.Run();

        Assert.Matches(@"^worker 1 at 127\.0\.0\.1:\d+ \(pid \d+\) failed at 0\.02 s simulated: InvalidDataException: checksum mismatch$", result.Outcome.Failure);
        Assert.Null(result.Outcome.Parts[1]);
        Assert.Equal("partition 2: 2 windows, 12 frames lost 1", NumberedFramesEngine.Text(result.Outcome.Parts[2]));
    }

    [Fact]
    public void Interrupting_the_coordinator_stops_every_partition_with_its_figures()
    {
        using var interrupt = new CancellationTokenSource();
        var engine = new NumberedFramesEngine
        {
            BeforeWindow = (partition, window) =>
            {
                if (partition == 0 && window == 4) interrupt.Cancel();
            },
        };
        var result = new LoopbackRun { Engine = engine }.Run(interrupt.Token);

        Assert.Null(result.Outcome.Failure);
        Assert.Equal("partition 0: 3 windows, 18 frames cancelled", NumberedFramesEngine.Text(result.Outcome.Parts[0]));
        Assert.All(result.Outcome.Parts.Skip(1), p => Assert.Matches(@"^partition \d: 3 windows, 18 frames cancelled$", NumberedFramesEngine.Text(p)));
    }
}
