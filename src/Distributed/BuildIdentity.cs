using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace NetSim.Distributed;

/// <summary>
/// Which netsim build a process runs: its version and a digest of the module ids of every NetSim assembly that shapes
/// a run. Processes of one run must agree (the same scenario and seed give the same events only with the same code),
/// so a worker of another build is refused at the door.
/// </summary>
public static class BuildIdentity
{
    private static readonly Lazy<string> Value = new(() =>
    {
        var version = typeof(BuildIdentity).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
        Type[] shaping = [typeof(Protocol.INetSimMessage), typeof(Network.HostStack), typeof(Actors.NetSimConfig), typeof(Scenario.Scenario), typeof(BuildIdentity)];
        var modules = shaping.Select(t => t.Assembly.GetName().Name + "=" + t.Assembly.ManifestModule.ModuleVersionId);
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(";", modules)));
        return $"{version} ({Convert.ToHexStringLower(digest.AsSpan(0, 6))})";
    });

    /// <summary>This process's build, e.g. <c>1.0.0 (3fa2c1d09b7e)</c>.</summary>
    public static string Current => Value.Value;
}
