// NetSim side-by-side benchmark, ns-3 peer: UDP echo over one point-to-point link.
//
// Topology: node0 (UdpEchoClient) <--- P2P, 10 Gbps, 1 ms delay ---> node1 (UdpEchoServer)
// The client sends N (default 100000) packets of 64 B payload, one every 10 us.
// 10 Gbps is chosen so the link never bottlenecks: a 64 B payload frame is
// 64 + 8 (UDP) + 20 (IPv4) + 2 (PPP) = 94 B = 752 bit -> 75.2 ns serialization,
// far below the 10 us send interval.
//
// Output: one JSON line on stdout. wall_seconds (std::chrono::steady_clock) and
// cpu_seconds (CLOCK_PROCESS_CPUTIME_ID) cover Simulator::Run() only; topology
// setup, Simulator::Destroy() and process start-up are excluded.
// events = Simulator::GetEventCount() (about 5 scheduler events per echo).
//
// Usage: udp_echo [N]        (or --packets=N)

#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <time.h>

using namespace ns3;

static uint64_t g_sent = 0;
static uint64_t g_echoes = 0;
static uint64_t g_echoBytes = 0;

static double
ProcessCpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void
OnClientTx(Ptr<const Packet>)
{
    ++g_sent;
}

static void
OnClientRx(Ptr<const Packet> p)
{
    ++g_echoes;
    g_echoBytes += p->GetSize();
}

int
main(int argc, char* argv[])
{
    uint32_t packets = 100000;
    uint32_t packetSize = 64;
    double intervalUs = 10.0;
    std::string dataRate = "10Gbps";
    std::string delay = "1ms";

    // Allow a bare positional N as the first argument, as run.sh does.
    if (argc >= 2 && argv[1][0] != '-')
    {
        char* end = nullptr;
        unsigned long v = std::strtoul(argv[1], &end, 10);
        if (end == argv[1] || *end != '\0' || v == 0 || v > 0xffffffffUL)
        {
            std::fprintf(stderr, "udp_echo: invalid packet count '%s'\n", argv[1]);
            return 2;
        }
        packets = static_cast<uint32_t>(v);
        --argc;
        ++argv;
        argv[0] = argv[-1]; // keep program name for CommandLine
    }

    CommandLine cmd(__FILE__);
    cmd.AddValue("packets", "Number of echo requests to send", packets);
    cmd.AddValue("size", "UDP payload size in bytes", packetSize);
    cmd.AddValue("intervalUs", "Inter-packet interval in microseconds", intervalUs);
    cmd.AddValue("dataRate", "Point-to-point data rate", dataRate);
    cmd.AddValue("delay", "Point-to-point propagation delay", delay);
    cmd.Parse(argc, argv);

    NodeContainer nodes;
    nodes.Create(2);

    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", StringValue(dataRate));
    p2p.SetChannelAttribute("Delay", StringValue(delay));
    NetDeviceContainer devices = p2p.Install(nodes);

    InternetStackHelper stack;
    stack.Install(nodes);

    Ipv4AddressHelper address;
    address.SetBase("10.1.1.0", "255.255.255.0");
    Ipv4InterfaceContainer ifaces = address.Assign(devices);

    const uint16_t port = 9;
    UdpEchoServerHelper server(port);
    ApplicationContainer serverApps = server.Install(nodes.Get(1));
    serverApps.Start(Seconds(0.0));

    UdpEchoClientHelper client(ifaces.GetAddress(1), port);
    client.SetAttribute("MaxPackets", UintegerValue(packets));
    client.SetAttribute("Interval", TimeValue(MicroSeconds(intervalUs)));
    client.SetAttribute("PacketSize", UintegerValue(packetSize));
    ApplicationContainer clientApps = client.Install(nodes.Get(0));
    clientApps.Start(Seconds(0.0));

    // Count requests/echoes at the client ("Tx"/"Rx" trace sources of UdpEchoClient).
    clientApps.Get(0)->TraceConnectWithoutContext("Tx", MakeCallback(&OnClientTx));
    clientApps.Get(0)->TraceConnectWithoutContext("Rx", MakeCallback(&OnClientRx));

    // No Stop(): once the client has sent its N packets and all echoes have
    // come back, the event list drains and Run() returns.
    double c0 = ProcessCpuSeconds();
    auto t0 = std::chrono::steady_clock::now();
    Simulator::Run();
    auto t1 = std::chrono::steady_clock::now();
    double cpu = ProcessCpuSeconds() - c0;

    double simSeconds = Simulator::Now().GetSeconds();
    uint64_t events = Simulator::GetEventCount();
    double wall = std::chrono::duration<double>(t1 - t0).count();
    Simulator::Destroy();

    std::printf("{\"simulator\":\"ns-3\",\"version\":\"3.37\",\"scenario\":\"udp_echo_p2p\","
                "\"packets_sent\":%llu,\"packet_size\":%u,\"interval_us\":%g,"
                "\"data_rate\":\"%s\",\"delay\":\"%s\","
                "\"echoes\":%llu,\"echo_bytes\":%llu,\"sim_seconds\":%.9f,"
                "\"events\":%llu,\"wall_seconds\":%.6f,\"cpu_seconds\":%.6f,\"echoes_per_wall_second\":%.1f,"
                "\"events_per_wall_second\":%.1f}\n",
                static_cast<unsigned long long>(g_sent),
                packetSize,
                intervalUs,
                dataRate.c_str(),
                delay.c_str(),
                static_cast<unsigned long long>(g_echoes),
                static_cast<unsigned long long>(g_echoBytes),
                simSeconds,
                static_cast<unsigned long long>(events),
                wall,
                cpu,
                wall > 0 ? g_echoes / wall : 0.0,
                wall > 0 ? events / wall : 0.0);
    return (g_sent == packets && g_echoes == packets) ? 0 : 1;
}
