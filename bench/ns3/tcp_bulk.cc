// NetSim side-by-side benchmark, ns-3 peer: one TCP bulk transfer over one point-to-point link.
//
// Topology: node0 (BulkSendApplication) --- P2P, 100 Mbps, 10 ms delay, 1000-packet DropTail queue --- node1 (PacketSink)
// TCP: CUBIC (ns3::TcpCubic), 1448-byte segments (the MSS NetSim uses with timestamps on a 1500-byte MTU), SACK and
// timestamps on, 1 MB send and receive buffers, delayed ACK every 2 segments: the same as NetSim's defaults.
// Runs 60 s of simulated time (--seconds to change).
//
// Output: one JSON line on stdout. segments = TCP segments node0's device transmitted (data, SYN and FIN; what NetSim
// counts as the sender's SegmentsSent). wall_seconds and cpu_seconds cover Simulator::Run() only.
//
// Usage: tcp_bulk [SECONDS]

#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <time.h>

using namespace ns3;

static uint64_t g_segments = 0;

static double
ProcessCpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void
OnSenderTx(Ptr<const Packet>)
{
    ++g_segments;
}

int
main(int argc, char* argv[])
{
    double seconds = 60.0;
    if (argc >= 2 && argv[1][0] != '-')
    {
        seconds = std::atof(argv[1]);
        if (seconds <= 0)
        {
            std::fprintf(stderr, "tcp_bulk: invalid duration '%s'\n", argv[1]);
            return 2;
        }
        --argc;
        ++argv;
        argv[0] = argv[-1];
    }
    CommandLine cmd(__FILE__);
    cmd.AddValue("seconds", "Simulated seconds", seconds);
    cmd.Parse(argc, argv);

    Config::SetDefault("ns3::TcpL4Protocol::SocketType", TypeIdValue(TcpCubic::GetTypeId()));
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
    Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(1 << 20));
    Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(1 << 20));
    Config::SetDefault("ns3::TcpSocket::DelAckCount", UintegerValue(2));
    Config::SetDefault("ns3::TcpSocketBase::Sack", BooleanValue(true));
    Config::SetDefault("ns3::TcpSocketBase::Timestamp", BooleanValue(true));
    Config::SetDefault("ns3::TcpSocketBase::MinRto", TimeValue(MilliSeconds(200)));

    NodeContainer nodes;
    nodes.Create(2);

    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", StringValue("100Mbps"));
    p2p.SetChannelAttribute("Delay", StringValue("10ms"));
    p2p.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", StringValue("1000p"));
    NetDeviceContainer devices = p2p.Install(nodes);

    InternetStackHelper stack;
    stack.Install(nodes);

    Ipv4AddressHelper address;
    address.SetBase("10.1.1.0", "255.255.255.0");
    Ipv4InterfaceContainer ifaces = address.Assign(devices);

    const uint16_t port = 5001;
    PacketSinkHelper sink("ns3::TcpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), port));
    ApplicationContainer sinkApps = sink.Install(nodes.Get(1));
    sinkApps.Start(Seconds(0.0));

    BulkSendHelper source("ns3::TcpSocketFactory", InetSocketAddress(ifaces.GetAddress(1), port));
    source.SetAttribute("MaxBytes", UintegerValue(0));
    source.SetAttribute("SendSize", UintegerValue(64 * 1024));
    ApplicationContainer sourceApps = source.Install(nodes.Get(0));
    sourceApps.Start(Seconds(0.0));

    devices.Get(0)->TraceConnectWithoutContext("MacTx", MakeCallback(&OnSenderTx));
    Simulator::Stop(Seconds(seconds));

    double c0 = ProcessCpuSeconds();
    auto t0 = std::chrono::steady_clock::now();
    Simulator::Run();
    auto t1 = std::chrono::steady_clock::now();
    double cpu = ProcessCpuSeconds() - c0;

    uint64_t received = DynamicCast<PacketSink>(sinkApps.Get(0))->GetTotalRx();
    uint64_t events = Simulator::GetEventCount();
    double wall = std::chrono::duration<double>(t1 - t0).count();
    Simulator::Destroy();

    std::printf("{\"simulator\":\"ns-3\",\"version\":\"3.37\",\"scenario\":\"tcp_bulk_p2p\",\"cc\":\"cubic\","
                "\"data_rate\":\"100Mbps\",\"delay\":\"10ms\",\"queue\":1000,\"sim_seconds\":%.3f,"
                "\"segments\":%llu,\"bytes_received\":%llu,\"goodput_bps\":%.0f,\"events\":%llu,"
                "\"wall_seconds\":%.6f,\"cpu_seconds\":%.6f,\"segments_per_wall_second\":%.1f}\n",
                seconds,
                static_cast<unsigned long long>(g_segments),
                static_cast<unsigned long long>(received),
                received * 8.0 / seconds,
                static_cast<unsigned long long>(events),
                wall,
                cpu,
                wall > 0 ? g_segments / wall : 0.0);
    return received > 0 ? 0 : 1;
}
