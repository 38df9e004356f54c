using System.Diagnostics;
using System.Text.RegularExpressions;

namespace NetSim.Bridge.Kernel;

/// <summary>
/// Named network namespaces as <c>ip netns</c> keeps them (a bind mount under /run/netns). NetSim deletes only the
/// ones it created; each creation also starts a janitor (a shell that ignores INT, TERM and HUP and waits on a pipe
/// from this process) that deletes the namespace if this process dies without doing so itself, even by SIGKILL.
/// </summary>
public static partial class NetworkNamespaces
{
    /// <summary>Where <c>ip netns</c> keeps the namespace <paramref name="name"/>.</summary>
    public static string PathOf(string name) => Path.Combine("/run/netns", name);

    public static bool Exists(string name) => File.Exists(PathOf(name));

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex NamePattern();

    /// <summary>Null when <paramref name="name"/> can name a namespace, else why not.</summary>
    public static string? Validate(string name) =>
        NamePattern().IsMatch(name) ? null : $"'{name}' is not a namespace name (letters, digits, '_', '.', '-'; at most 64)";

    /// <summary>Creates the namespace (it must not exist) with its loopback up; the returned handle deletes it.</summary>
    public static CreatedNamespace Create(string name)
    {
        if (Validate(name) is { } problem) throw new KernelSetupException(problem);
        if (Exists(name))
            throw new KernelSetupException($"network namespace '{name}' already exists; NetSim creates only new ones (set create-netns = no to use it)");
        IpCommand.Run(null, "netns", "add", name);
        var created = new CreatedNamespace(name, StartJanitor(name));
        try
        {
            IpCommand.Run(name, "link", "set", "dev", "lo", "up");
        }
        catch
        {
            created.Dispose();
            throw;
        }
        return created;
    }

    private static Process? StartJanitor(string name)
    {
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("trap '' INT TERM HUP; read line; [ \"$line\" = done ] || ip netns delete \"$1\" >/dev/null 2>&1");
        psi.ArgumentList.Add("netsim-janitor");
        psi.ArgumentList.Add(name);
        try { return Process.Start(psi); }
        catch (System.ComponentModel.Win32Exception) { return null; } // no shell: the in-process cleanup still runs
    }

    /// <summary>A namespace this process created: disposing deletes it (once) and dismisses its janitor.</summary>
    public sealed class CreatedNamespace : IDisposable
    {
        private readonly Process? _janitor;
        private readonly IDisposable _cleanup;
        private int _disposed;

        public string Name { get; }

        internal CreatedNamespace(string name, Process? janitor)
        {
            Name = name;
            _janitor = janitor;
            _cleanup = KernelCleanup.Register(Delete);
        }

        private void Delete()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            IpCommand.TryRun(null, "netns", "delete", Name);
            if (_janitor is null) return;
            try
            {
                _janitor.StandardInput.WriteLine("done");
                _janitor.StandardInput.Close();
                _janitor.WaitForExit(5000);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException) { }
            _janitor.Dispose();
        }

        public void Dispose() => _cleanup.Dispose();
    }
}
