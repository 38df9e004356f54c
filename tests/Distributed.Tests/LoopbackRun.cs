using Akka.Actor;
using NetSim.Protocol.Distributed;
using NetSim.Scenario;
using NetSim.Scenario.Running;

namespace NetSim.Distributed.Tests;

/// <summary>
/// A distributed run inside the test process: the coordinator on the calling thread and every worker on a thread of its
/// own, each with its own control system on 127.0.0.1 (real Akka.Remote over loopback). Every thread is joined before
/// the run returns, also when it fails.
/// </summary>
internal sealed class LoopbackRun
{
    /// <summary>Three hosts in a triangle of links, 10 ms each: with 3 partitions every link is cut.</summary>
    public const string Triangle = """
        seed = 5
        duration = 200ms
        hosts {
          h0 { nics { eth0 { type = tun, addresses = ["10.0.1.1/24"] }, eth1 { type = tun, addresses = ["10.0.3.2/24"] } } }
          h1 { nics { eth0 { type = tun, addresses = ["10.0.1.2/24"] }, eth1 { type = tun, addresses = ["10.0.2.1/24"] } } }
          h2 { nics { eth0 { type = tun, addresses = ["10.0.2.2/24"] }, eth1 { type = tun, addresses = ["10.0.3.1/24"] } } }
        }
        links {
          l01 { a = "h0.eth0", b = "h1.eth0", delay = 10ms }
          l12 { a = "h1.eth1", b = "h2.eth0", delay = 10ms }
          l20 { a = "h2.eth1", b = "h0.eth1", delay = 10ms }
        }
        """;

    public static readonly DistributedSettings Settings = DistributedSettings.Default with
    {
        FailureTimeout = TimeSpan.FromSeconds(5),
        WorkerTimeout = TimeSpan.FromSeconds(20),
    };

    public required NumberedFramesEngine Engine { get; init; }
    public int Processes { get; init; } = 3;
    public string ScenarioText { get; init; } = Triangle;
    public DistributedSettings RunSettings { get; init; } = Settings;

    /// <summary>On a worker's thread (where the engine calls <see cref="NumberedFramesEngine.BeforeWindow"/>): its control system.</summary>
    [ThreadStatic] public static ActorSystem? CurrentWorkerSystem;

    /// <summary>Stops the workers' runs (cleanup for tests that make a worker hang).</summary>
    public CancellationTokenSource WorkerStop { get; } = new();

    public List<WorkerOutcome> WorkerOutcomes { get; } = [];

    public List<string> Log { get; } = [];

    public bool Verbose { get; init; } = Environment.GetEnvironmentVariable("NETSIM_TEST_VERBOSE") == "1";

    public CoordinatorResult Run(CancellationToken cancellation = default)
    {
        var scenario = ScenarioLoader.LoadFromText(ScenarioText, "triangle.conf").Scenario!;
        var plan = Engine.Plan(scenario, Processes).Plan!;
        var assignment = new PartitionAssignment(0, Processes, "triangle.conf", ScenarioText, [], scenario.Seed, ScenarioLimits.MaxFileBytes);
        var request = new CoordinatorRequest(scenario, plan, assignment, new EndPoint("127.0.0.1", 0), new RunOptions(null, Cancellation: cancellation), RunSettings);
        var threads = new List<Thread>();
        try
        {
            return CoordinatorRun.Run(Engine, request, (at, _) =>
            {
                for (var i = 0; i < Processes - 1; i++)
                {
                    var thread = new Thread(() =>
                    {
                        var outcome = WorkerRun.Run(Engine, new WorkerRequest(at, new EndPoint("127.0.0.1", 0), null, RunSettings, Verbose), WorkerStop.Token, line => { lock (Log) Log.Add(line); },
                            system => CurrentWorkerSystem = system);
                        lock (WorkerOutcomes) WorkerOutcomes.Add(outcome);
                    }) { IsBackground = true, Name = $"worker {i + 1}" };
                    threads.Add(thread);
                    thread.Start();
                }
            }, line => { lock (Log) Log.Add(line); }, verbose: Verbose);
        }
        finally
        {
            // Workers leave before the coordinator returns; one that has not within seconds hangs by the test's design.
            foreach (var t in threads)
                if (!t.Join(TimeSpan.FromSeconds(5)))
                {
                    WorkerStop.Cancel();
                    t.Join(TimeSpan.FromSeconds(30));
                }
        }
    }
}
