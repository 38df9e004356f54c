using System.Diagnostics;

namespace NetSim.Bridge.Kernel;

/// <summary>
/// Runs iproute2's <c>ip</c> for set-up and teardown only (namespaces, link state, addresses, routes); frames never
/// pass through it. <c>-n NS</c> targets a named namespace.
/// </summary>
internal static class IpCommand
{
    /// <summary>Runs <c>ip [-n netns] ARGS</c>; throws <see cref="KernelSetupException"/> with ip's own message when it fails.</summary>
    public static void Run(string? netns, params string[] args)
    {
        var (code, error) = TryRun(netns, args);
        if (code != 0)
            throw new KernelSetupException($"'ip {(netns is null ? "" : $"-n {netns} ")}{string.Join(' ', args)}' failed: {error}");
    }

    /// <summary>Runs it and returns the exit code and the first line of its error output.</summary>
    public static (int Code, string Error) TryRun(string? netns, params string[] args)
    {
        var psi = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (netns is not null) { psi.ArgumentList.Add("-n"); psi.ArgumentList.Add(netns); }
        foreach (var a in args) psi.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            _ = stdout.Result;
            return (p.ExitCode, stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? $"exit code {p.ExitCode}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, $"cannot run ip: {e.Message}");
        }
    }
}
