using NetSim.Network.Tcp;
using NetSim.Protocol;

namespace NetSim.Network.Tests.Tcp;

/// <summary>Whole transfers between two stacks in virtual time: the bytes arrive intact whatever the link does to them.</summary>
public class TcpTransferTests
{
    private const long OneMegabyte = 1 << 20;

    private static (BulkSender Sender, SinkReceiver Receiver, TcpTestNet Net) Transfer(LinkSpec link, long bytes = OneMegabyte, TcpConfig? config = null, int seed = 7)
    {
        var net = new TcpTestNet(link, config, config, seed);
        var (sender, receiver) = net.BulkTransfer(bytes);
        net.Run(TimeSpan.FromMinutes(10), () => receiver.Eof);
        net.Run(net.Now + TimeSpan.FromSeconds(1)); // the last ACKs and FINs
        return (sender, receiver, net);
    }

    private static void AssertIntact((BulkSender Sender, SinkReceiver Receiver, TcpTestNet Net) t, long bytes = OneMegabyte)
    {
        Assert.True(t.Receiver.Eof, $"no end of stream: received {t.Receiver.Received} of {bytes}, sender state {t.Net.A.TcpInfo(t.Sender.Socket)}");
        Assert.Equal(bytes, t.Receiver.Received);
        Assert.Equal(Convert.ToHexString(t.Sender.Hash!), Convert.ToHexString(t.Receiver.Hash!));
    }

    [Fact]
    public void One_megabyte_arrives_intact_on_a_clean_link()
    {
        var t = Transfer(new LinkSpec());
        AssertIntact(t);
        var info = t.Net.A.TcpInfo(t.Sender.Socket)!;
        Assert.Equal(0, info.RetransmittedSegments);
        Assert.Equal(OneMegabyte, info.BytesAcked);
    }

    [Theory]
    [InlineData(0.01, "cubic")]
    [InlineData(0.05, "cubic")]
    [InlineData(0.01, "newreno")]
    [InlineData(0.05, "newreno")]
    public void One_megabyte_arrives_intact_under_random_loss(double loss, string cc)
    {
        var t = Transfer(new LinkSpec { Loss = loss }, config: new TcpConfig { CongestionControl = cc });
        AssertIntact(t);
        Assert.True(t.Net.A.TcpInfo(t.Sender.Socket)!.RetransmittedSegments > 0);
    }

    [Fact]
    public void One_megabyte_arrives_intact_with_reordering_and_duplication()
    {
        var t = Transfer(new LinkSpec { Reorder = 0.05, Duplicate = 0.05 });
        AssertIntact(t);
    }

    [Fact]
    public void One_megabyte_arrives_intact_under_loss_reordering_and_duplication_without_sack_or_timestamps()
    {
        var config = new TcpConfig { Sack = false, Timestamps = false, WindowScaling = false };
        var t = Transfer(new LinkSpec { Loss = 0.02, Reorder = 0.02, Duplicate = 0.02 }, config: config);
        AssertIntact(t);
    }

    [Fact]
    public void One_megabyte_arrives_intact_over_ipv6()
    {
        var net = new TcpTestNet(new LinkSpec { Loss = 0.01 });
        var (sender, receiver) = net.BulkTransfer(OneMegabyte, to: TcpTestNet.AddressB6);
        net.Run(TimeSpan.FromMinutes(10), () => receiver.Eof);
        AssertIntact((sender, receiver, net));
        Assert.Equal(1500 - 40 - 20 - 12, net.A.TcpInfo(sender.Socket)!.Mss);
    }
}
