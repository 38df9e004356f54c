using Akka.Actor;
using NetSim.Actors.Stack;
using NetSim.Actors.Time;
using NetSim.Protocol;
using NetSim.Protocol.Stack;
using NetSim.Protocol.Wire;
using Xunit;

namespace NetSim.Actors.Tests.StackTests;

/// <summary>TCP sockets through StackActor messages in virtual time: one reply per request, blocking semantics, flow control.</summary>
public sealed class StackTcpTests : IAsyncLifetime
{
    private sealed class Recorder(List<object> log) : UntypedActor
    {
        protected override void OnReceive(object message) => log.Add(message);
    }

    private ActorSystem _system = null!;
    private SimulationDriver _driver = null!;
    private IActorRef _host = null!;
    private readonly List<object> _clientLog = [], _serverLog = [];
    private IActorRef _client = null!, _server = null!;
    private static readonly IpAddress Address = Ipv4Address.Parse("10.0.0.1");

    public Task InitializeAsync()
    {
        _system = ActorSystem.Create("stack-tcp", NetSimConfig.Virtual(1, "akka.loglevel = WARNING\nakka.stdout-loglevel = WARNING"));
        _driver = SimulationDriver.For(_system);
        _client = _driver.ActorOf(Props.Create(() => new Recorder(_clientLog)).WithSimDispatcher(), "client");
        _server = _driver.ActorOf(Props.Create(() => new Recorder(_serverLog)).WithSimDispatcher(), "server");
        _host = _driver.ActorOf(StackActor.Props("h1"), "h1");
        Ask<NicInfo>(_client, _clientLog, new CreateNic("tun0", false));
        Ask<HostConfigured>(_client, _clientLog, new AddAddress("tun0", Address, 24));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));

    private T Ask<T>(IActorRef from, List<object> log, object request)
    {
        log.Clear();
        _host.Tell(request, from);
        _driver.RunUntilIdle();
        Assert.True(log.Count == 1, $"{request} got {log.Count} replies: {string.Join(", ", log)}");
        return Assert.IsType<T>(log[0]);
    }

    /// <summary>Listens on 80, connects to it over the host's own address, accepts: (client socket, server socket).</summary>
    private (int Client, int Server) Connect()
    {
        var listening = Ask<TcpListening>(_server, _serverLog, new TcpListen(80));
        _serverLog.Clear();
        _host.Tell(new TcpAccept(listening.Socket), _server);
        _driver.RunUntilIdle();
        Assert.Empty(_serverLog); // accept waits for a connection
        var connected = Ask<TcpConnected>(_client, _clientLog, new TcpConnect(Address, 80));
        Assert.Equal(Address, connected.LocalAddress);
        var accepted = Assert.IsType<TcpAccepted>(Assert.Single(_serverLog));
        Assert.Equal(connected.LocalPort, accepted.RemotePort);
        return (connected.Socket, accepted.Socket);
    }

    [Fact]
    public void Connect_send_receive_shutdown_and_close_each_get_one_reply()
    {
        var (client, server) = Connect();
        Assert.Equal(5, Ask<TcpSent>(_client, _clientLog, new TcpSend(client, "hello"u8.ToArray())).Bytes);
        var received = Ask<TcpReceived>(_server, _serverLog, new TcpReceive(server));
        Assert.Equal("hello"u8.ToArray(), received.Data.ToArray());
        Ask<TcpDone>(_client, _clientLog, new TcpShutdown(client));
        Assert.Equal(0, Ask<TcpReceived>(_server, _serverLog, new TcpReceive(server)).Data.Length); // end of stream
        Ask<TcpDone>(_server, _serverLog, new TcpClose(server));
        Ask<TcpDone>(_client, _clientLog, new TcpClose(client));
        Assert.Equal(Errno.EBADF, Ask<OperationFailed>(_client, _clientLog, new TcpSend(client, new byte[1])).Errno);
        var counters = Ask<HostCounterSnapshot>(_client, _clientLog, GetHostCounters.Instance).Counters;
        Assert.Equal(1, counters["tcp.active-opens"]);
        Assert.Equal(1, counters["tcp.passive-opens"]);
    }

    [Fact]
    public void Receive_waits_for_data_and_replies_once_it_arrives()
    {
        var (client, server) = Connect();
        _serverLog.Clear();
        _host.Tell(new TcpReceive(server), _server);
        _driver.RunUntilIdle();
        Assert.Empty(_serverLog);
        Ask<TcpSent>(_client, _clientLog, new TcpSend(client, new byte[] { 1, 2, 3 }));
        Assert.Equal(new byte[] { 1, 2, 3 }, Assert.IsType<TcpReceived>(Assert.Single(_serverLog)).Data.ToArray());
    }

    [Fact]
    public void Connect_to_a_closed_port_fails_with_ECONNREFUSED()
    {
        var error = Ask<OperationFailed>(_client, _clientLog, new TcpConnect(Address, 81));
        Assert.Equal(Errno.ECONNREFUSED, error.Errno);
        Assert.Equal(Errno.ENETUNREACH, Ask<OperationFailed>(_client, _clientLog, new TcpConnect(Ipv4Address.Parse("192.0.2.1"), 80)).Errno);
        Assert.Equal(Errno.EINVAL, Ask<OperationFailed>(_client, _clientLog, new TcpConnect(Address, 80, CongestionControl: "nope")).Errno);
    }

    [Fact]
    public void A_slow_reader_stops_the_sender_and_nothing_is_buffered_without_bound()
    {
        var (client, server) = Connect();
        var chunk = new byte[64 * 1024];
        int sent = 0;
        // The sender sends as a blocking writer does: the next send only after the last one's reply.
        _clientLog.Clear();
        for (int i = 0; i < 64; i++)
        {
            _host.Tell(new TcpSend(client, chunk), _client);
            _driver.RunUntil(_driver.Now + TimeSpan.FromSeconds(1));
            if (_clientLog.Count == 0) break;
            sent += Assert.IsType<TcpSent>(Assert.Single(_clientLog)).Bytes;
            _clientLog.Clear();
        }
        // 1 MB send buffer + 1 MB receive window: the 33rd send cannot complete while nobody reads.
        Assert.Equal(32 * chunk.Length, sent);
        // The reader drains; the waiting send completes.
        long read = 0;
        while (_clientLog.Count == 0)
        {
            read += Ask<TcpReceived>(_server, _serverLog, new TcpReceive(server, 1 << 20)).Data.Length;
            _driver.RunUntil(_driver.Now + TimeSpan.FromMilliseconds(100));
        }
        Assert.Equal(chunk.Length, Assert.IsType<TcpSent>(Assert.Single(_clientLog)).Bytes);
        Assert.True(read >= chunk.Length);
    }

    [Fact]
    public void Tcp_info_reports_the_connection()
    {
        var (client, _) = Connect();
        Ask<TcpSent>(_client, _clientLog, new TcpSend(client, new byte[10_000]));
        _driver.RunUntil(_driver.Now + TimeSpan.FromSeconds(1));
        var info = Ask<TcpInfoReply>(_client, _clientLog, new GetTcpInfo(client));
        Assert.Equal("Established", info.State);
        Assert.Equal("cubic", info.CongestionControl);
        Assert.Equal(10_000, info.BytesAcked);
        Assert.Equal(Errno.EBADF, Ask<OperationFailed>(_client, _clientLog, new GetTcpInfo(999)).Errno);
    }
}
