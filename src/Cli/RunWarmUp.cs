using Akka.Actor;
using NetSim.Actors;
using NetSim.Actors.Stack;
using NetSim.Actors.Time;
using Spectre.Console;

namespace NetSim.Cli;

/// <summary>
/// The one-time start-up costs of <c>netsim run</c>, paid on the second core while the main thread parses the
/// arguments and loads the scenario file. The first actor system of a process costs 0.08-0.17 s of CPU (Akka's types
/// loaded and its code compiled or fixed up: a second system in the same process takes about 0.015 s) and the first
/// summary table about 0.05 s (Spectre.Console's layout code); both are one-time warm-up, not work. This thread starts
/// a throwaway virtual-time system (with a host, the first actor the run starts) and renders a throwaway table into
/// nothing; the run's own system and summary then find that code ready. Nothing of it reaches the run: the throwaway
/// system has its own name, its own seed and no timers, logs nothing, and is left to the process's exit, as the run's own
/// system is (<see cref="NetSim.Scenario.Running.RunOptions.EndsProcess"/>). Only for a process that ends after the run
/// (Program.Main): in-process callers (tests) do not start it.
/// </summary>
internal static class RunWarmUp
{
    /// <summary>Starts warming up when <paramref name="args"/> is a <c>run</c> of a process that ends after it. Nobody
    /// waits for it: if the run gets there first, the two threads share the work (Akka starts systems side by side).</summary>
    public static void StartFor(string[] args, bool endsProcess)
    {
        if (endsProcess && args.Length > 1 && args[0] == "run" && !args.Contains("--verbose"))
            new Thread(WarmUp) { IsBackground = true, Name = "netsim run warm-up" }.Start();
    }

    private static void WarmUp()
    {
        try
        {
            var config = NetSimConfig.Virtual(0, """
                akka.loglevel = OFF
                akka.stdout-loglevel = OFF
                akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
                """);
            var system = ActorSystem.Create("netsim-warm-up", config);
            var driver = SimulationDriver.For(system);
            driver.ActorOf(StackActor.Props("warm-up"), "host-warm-up");
            driver.RunUntilIdle();
        }
        catch (Exception)
        {
            // Only a head start: the run's own system reports whatever is wrong.
        }
        try
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(TextWriter.Null),
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.Detect,
            });
            console.Write(new Table().Title("warm-up").AddColumns("a", "b").AddRow("1", Markup.Escape("x=1")));
            console.MarkupLine("[green]warm-up[/]");
        }
        catch (Exception)
        {
            // As above: the run's summary reports its own problems.
        }
    }
}
