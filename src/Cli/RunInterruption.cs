using System.Runtime.InteropServices;

namespace NetSim.Cli;

/// <summary>
/// A request to stop a run early and the exit code it ends with: SIGINT (Ctrl-C) gives 130 and SIGTERM 143, as a
/// shell reports a process killed by those signals (128 + signal number). The run stops at its next slice of
/// simulated time and still writes its report, marked <c>"interrupted": true</c>.
/// </summary>
public sealed class RunInterruption : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _exitCode;

    /// <summary>Cancelled once the run should stop.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>The exit code of the first interruption (130 or 143); 0 while none happened.</summary>
    public int ExitCode => Volatile.Read(ref _exitCode);

    /// <summary>Stops the run with <paramref name="exitCode"/> (the first request wins).</summary>
    public void Interrupt(int exitCode = NetSimCommand.Interrupted)
    {
        Interlocked.CompareExchange(ref _exitCode, exitCode, 0);
        _cancel.Cancel();
    }

    /// <summary>An interruption that SIGINT and SIGTERM of this process trigger (instead of killing it).</summary>
    public static RunInterruption OnSignals()
    {
        var interruption = new RunInterruption();
        foreach (var (signal, code) in new[] { (PosixSignal.SIGINT, NetSimCommand.Interrupted), (PosixSignal.SIGTERM, NetSimCommand.Terminated) })
            interruption._registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true; // do not let the runtime end the process: the run writes its report first
                Console.Error.WriteLine($"netsim: {context.Signal}: stopping; the report so far is being written");
                interruption.Interrupt(code);
            }));
        return interruption;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _cancel.Dispose();
    }
}
