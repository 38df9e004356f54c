using Xunit;

namespace NetSim.Samples.Tests;

/// <summary>samples/QuickStart runs as the README says and prints what it claims.</summary>
public sealed class QuickStartTests
{
    [Fact]
    public void QuickStart_moves_a_frame_from_one_file_to_the_other()
    {
        var r = SampleProcess.RunSample("QuickStart", "NetSim.Samples.QuickStart");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("read 24 bytes from tun-b: 4500001800010000401100000A0000010A000002DEADBEEF", r.Output);
        Assert.Contains("tun-b: RX packets 0 bytes 0 errors 0 | TX packets 1 bytes 24 dropped 0", r.Output);
        Assert.Contains("second read on tun-b: EAGAIN", r.Output);
    }
}
