using System.Runtime.InteropServices;

namespace NetSim.Bridge.Kernel;

/// <summary>
/// Undo actions for what NetSim changed in the kernel, run once each: when their owner disposes them (the normal
/// end of a run, also a failed one), and otherwise at process exit, on SIGINT / SIGTERM / SIGHUP / SIGQUIT and on an
/// unhandled exception. Devices need none (they vanish with their file descriptor); namespaces do.
/// </summary>
public static class KernelCleanup
{
    private static readonly object Gate = new();
    private static readonly List<Entry> Pending = [];
    private static List<PosixSignalRegistration>? _signals;

    private sealed class Entry(Action undo) : IDisposable
    {
        private int _done;

        public void Run()
        {
            if (Interlocked.Exchange(ref _done, 1) != 0) return;
            try { undo(); } catch (Exception) { /* best effort: the process is going away or the thing is already gone */ }
        }

        public void Dispose()
        {
            lock (Gate) Pending.Remove(this);
            Run();
        }
    }

    /// <summary>Registers <paramref name="undo"/>; disposing the result runs it now.</summary>
    public static IDisposable Register(Action undo)
    {
        var entry = new Entry(undo);
        lock (Gate)
        {
            Hook();
            Pending.Add(entry);
        }
        return entry;
    }

    /// <summary>Runs every pending undo action, newest first.</summary>
    public static void RunAll()
    {
        List<Entry> entries;
        lock (Gate)
        {
            entries = [.. Pending];
            Pending.Clear();
        }
        for (var i = entries.Count - 1; i >= 0; i--) entries[i].Run();
    }

    private static void Hook()
    {
        if (_signals is not null) return;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => RunAll();
        AppDomain.CurrentDomain.UnhandledException += (_, _) => RunAll();
        // The signal's default action (or whatever else handles it) still follows: this only cleans up first.
        _signals = [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT }
            .Select(s => PosixSignalRegistration.Create(s, _ => RunAll()))];
    }
}
