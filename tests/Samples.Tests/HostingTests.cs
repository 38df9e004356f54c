using Xunit;

namespace NetSim.Samples.Tests;

/// <summary>samples/Hosting: NetSim starts inside a Microsoft.Extensions.Hosting application and routes a frame.</summary>
public sealed class HostingTests
{
    [Fact]
    public void The_hosting_sample_starts_routes_a_frame_and_stops()
    {
        var r = SampleProcess.RunSample("Hosting", "NetSim.Samples.Hosting");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("routed 32 bytes 10.0.1.2 -> 10.0.2.2 out of tun2, TTL 63", r.Output);
        Assert.Contains("Application is shutting down", r.Output);
    }
}
