using Xunit;

namespace NetSim.Samples.Tests;

/// <summary>
/// samples/Packages/run.sh: dotnet pack makes the library packages and the netsim tool; a project outside the
/// source tree restores them from a local folder feed and runs; the tool installs from the same feed and runs.
/// </summary>
public sealed class PackagesTests
{
    [Fact]
    public void The_packed_packages_are_consumed_by_the_sample_and_the_tool_installs()
    {
        var work = Path.Combine(Path.GetTempPath(), "netsim-packages-test", Guid.NewGuid().ToString("N"));
        try
        {
            var r = SampleProcess.Run("bash", [Path.Combine(SampleProcess.Root, "samples/Packages/run.sh"), work],
                SampleProcess.Root, TimeSpan.FromMinutes(20));
            Assert.True(r.ExitCode == 0, r.ToString());
            foreach (var id in new[] { "NetSim.Protocol", "NetSim.Network", "NetSim.Actors", "NetSim.Bridge", "NetSim.Scenario", "NetSim.Cli" })
            {
                Assert.Contains(id + ".0.1.0-local.", r.Output);
                var package = Assert.Single(Directory.GetFiles(Path.Combine(work, "feed"), id + ".0.1.0-local.*.nupkg"));
                using var zip = System.IO.Compression.ZipFile.OpenRead(package);
                var names = zip.Entries.Select(e => e.FullName).ToList();
                Assert.Contains("README.md", names);
                if (id != "NetSim.Cli") Assert.Contains($"lib/net10.0/{id}.xml", names); // XML docs ship with the library
                Assert.Single(Directory.GetFiles(Path.Combine(work, "feed"), Path.GetFileName(package)[..^".nupkg".Length] + ".snupkg"));
            }
            Assert.Contains("attached tap0, MAC ", r.Output);
            Assert.Contains("oversized write: EMSGSIZE", r.Output);
            Assert.Contains("scenario ok: 2 hosts", r.Output);
            Assert.Contains("two-hosts-tun.conf", r.Output + r.Error); // netsim validate names the file it checked
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
