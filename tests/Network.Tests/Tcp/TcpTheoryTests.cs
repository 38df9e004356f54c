using NetSim.Network.Tcp;

namespace NetSim.Network.Tests.Tcp;

/// <summary>
/// TCP against what theory predicts, in virtual time: link utilisation of one flow, the Mathis et al. throughput of
/// NewReno under random loss, and the fairness of two CUBIC flows sharing a bottleneck.
/// </summary>
public class TcpTheoryTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const long Unlimited = 1L << 40;

    /// <summary>Payload bits per second each receiver took in [from, to).</summary>
    private static double[] Goodput(TcpTestNet net, IReadOnlyList<SinkReceiver> receivers, TimeSpan from, TimeSpan to)
    {
        net.Run(from);
        var start = receivers.Select(r => r.Received).ToArray();
        net.Run(to);
        return receivers.Select((r, i) => (r.Received - start[i]) * 8 / (to - from).TotalSeconds).ToArray();
    }

    [Theory]
    [InlineData("cubic")]
    [InlineData("newreno")]
    public void One_flow_on_a_lossless_link_reaches_95_percent_of_the_bottleneck_rate(string cc)
    {
        var link = new LinkSpec { RateBitsPerSecond = 10e6, Delay = TimeSpan.FromMilliseconds(20), QueueLimit = 100 };
        var config = new TcpConfig { CongestionControl = cc };
        var net = new TcpTestNet(link, config, config);
        var (_, receiver) = net.BulkTransfer(Unlimited);
        var goodput = Goodput(net, [receiver], TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30))[0];
        output.WriteLine($"{cc}: {goodput / 1e6:F3} Mbit/s of 10");
        Assert.True(goodput >= 0.95 * link.RateBitsPerSecond, $"{goodput / 1e6:F3} Mbit/s");
    }

    [Theory]
    [InlineData(0.01)]
    [InlineData(0.003)]
    public void NewReno_under_random_loss_is_within_a_factor_of_two_of_the_Mathis_estimate(double p)
    {
        // A fast link, so loss alone limits the window; loss on data only, as the model assumes.
        var rtt = TimeSpan.FromMilliseconds(40);
        var data = new LinkSpec { RateBitsPerSecond = 1e9, Delay = rtt / 2, QueueLimit = 10_000, Loss = p };
        var acks = data with { Loss = 0 };
        var config = new TcpConfig { CongestionControl = "newreno" };
        var net = new TcpTestNet(data, config, config, seed: 11, reverse: acks);
        var (sender, receiver) = net.BulkTransfer(Unlimited);
        var goodput = Goodput(net, [receiver], TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(70))[0];
        int mss = net.A.TcpInfo(sender.Socket)!.Mss;
        double mathis = mss * 8 / rtt.TotalSeconds * 1.22 / Math.Sqrt(p);
        output.WriteLine($"p={p}: {goodput / 1e6:F3} Mbit/s, Mathis {mathis / 1e6:F3} Mbit/s, ratio {goodput / mathis:F2}");
        Assert.InRange(goodput / mathis, 0.5, 2.0);
    }

    [Fact]
    public void Two_cubic_flows_share_a_bottleneck_fairly()
    {
        var link = new LinkSpec { RateBitsPerSecond = 20e6, Delay = TimeSpan.FromMilliseconds(10), QueueLimit = 100 };
        var net = new TcpTestNet(link);
        var (_, first) = net.BulkTransfer(Unlimited, port: 5001);
        net.Run(TimeSpan.FromSeconds(2)); // the second flow joins late and must win its share
        var (_, second) = net.BulkTransfer(Unlimited, port: 5002);
        var x = Goodput(net, [first, second], TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(60));
        double jain = Math.Pow(x[0] + x[1], 2) / (2 * (x[0] * x[0] + x[1] * x[1]));
        output.WriteLine($"{x[0] / 1e6:F3} + {x[1] / 1e6:F3} Mbit/s, Jain {jain:F3}");
        Assert.True(jain >= 0.9, $"Jain's index {jain:F3}: {x[0] / 1e6:F3} vs {x[1] / 1e6:F3} Mbit/s");
        Assert.True(x[0] + x[1] >= 0.9 * link.RateBitsPerSecond);
    }
}
