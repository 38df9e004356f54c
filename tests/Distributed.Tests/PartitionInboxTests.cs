using NetSim.Scenario.Partitioning;
using Xunit;

namespace NetSim.Distributed.Tests;

/// <summary>
/// A worker's inbox once the run is aborted: waits for grants end at once, but the wait to be released ends only
/// when the coordinator releases it or no one is left to (the coordinator gone, or refusing this worker). A worker
/// that left the cluster as soon as it heard "interrupted" could be reported lost before its last results arrived.
/// </summary>
public sealed class PartitionInboxTests
{
    [Fact]
    public void An_interrupted_run_ends_the_grants_but_the_worker_still_waits_to_be_released()
    {
        using var inbox = new PartitionInbox();
        inbox.Abort(new OperationCanceledException("the coordinator was interrupted"));

        Assert.Throws<OperationCanceledException>(() => inbox.TakeGrant(100, CancellationToken.None));
        Assert.True(inbox.Aborted.IsCancellationRequested);
        Assert.False(inbox.RunCompleted.Task.IsCompleted);

        inbox.RunCompleted.TrySetResult(); // the coordinator's RunComplete, once it has every partition's results
        Assert.True(inbox.RunCompleted.Task.IsCompletedSuccessfully);
    }

    [Fact]
    public void Another_partition_lost_also_leaves_the_worker_waiting_to_be_released()
    {
        using var inbox = new PartitionInbox();
        inbox.Abort(new PartitionLostException(2, "worker 2"));

        Assert.Throws<PartitionLostException>(() => inbox.TakeGrant(100, CancellationToken.None));
        Assert.False(inbox.RunCompleted.Task.IsCompleted);
    }

    [Fact]
    public void The_coordinator_gone_after_an_interruption_ends_the_wait_to_be_released()
    {
        using var inbox = new PartitionInbox();
        inbox.Abort(new OperationCanceledException("the coordinator was interrupted"));
        inbox.AbortUnreleased(new PartitionLostException(0, "the coordinator at 127.0.0.1:1")); // as CoordinatorWatch does

        Assert.True(inbox.RunCompleted.Task.IsFaulted);
        Assert.IsType<OperationCanceledException>(inbox.AbortReason); // the first reason is the one told
    }

    [Fact]
    public void A_refused_worker_is_not_left_waiting()
    {
        using var inbox = new PartitionInbox();
        inbox.AbortUnreleased(new WorkerRefusedException("another build")); // as the agent does on WorkerRefused

        Assert.True(inbox.RunCompleted.Task.IsFaulted);
        Assert.True(inbox.Assignment.Task.IsFaulted);
    }
}
