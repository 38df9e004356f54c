// NetSim side-by-side benchmark, ns-3 peer: whole scenarios, "star" and "chain", the same as
// NetSim's generator (bench/NetSim.Benchmarks/Scale/ScaleScenario.cs) writes them.
//
// star N : one hub node with N point-to-point links, one to each leaf; link i is 10.0.0.0 + 4i /30
//          (hub .1, leaf .2); every leaf pings the hub's address on its own link.
// chain N: N nodes in a line, link i joins node i (.1) and node i+1 (.2), subnet 10.0.0.0 + 4i /30;
//          node i pings node i+2 (its address on link i+1) through node i+1, for i = 0 .. N-3.
//          Static routes only: node j reaches link j+1 rightwards and link j-2 leftwards.
// Every link: 1 Gbps, 1 ms delay, a 1000-packet device queue, no traffic-control layer (NetSim's links
// and NICs are FIFOs; ns-3's default FqCoDel root queue disc is removed), IPv4 checksums on (NetSim
// always computes them). Pings: 56-byte payload, `count` per flow, one every `interval`, the first at 1 s.
//
// Output: one JSON line: set-up seconds (nodes, stacks, addresses, routes, apps), run seconds
// (Simulator::Run), frames (the sum of every device's MacRx, i.e. frames delivered off a link),
// pings sent and answered, peak RSS (VmHWM) in KiB.
//
// Usage: scale --topology=star|chain --n=N --count=C --intervalUs=I --durationS=D

#include "ns3/core-module.h"
#include "ns3/internet-apps-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/traffic-control-module.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <time.h>

using namespace ns3;

static uint64_t g_frames = 0;
static uint64_t g_rtts = 0;

static void OnMacRx(Ptr<const Packet>) { ++g_frames; }
static void OnRtt(Time) { ++g_rtts; }

static long PeakRssKib()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
    return -1;
}

static double ProcessCpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static Ipv4Address LinkAddress(uint32_t link, uint32_t host) // host 1 or 2 of link's /30
{
    return Ipv4Address((10u << 24) + 4 * link + host);
}

static Ipv4Address LinkNetwork(uint32_t link) { return Ipv4Address((10u << 24) + 4 * link); }

int main(int argc, char* argv[])
{
    std::string topology = "star";
    uint32_t n = 10, count = 5;
    double intervalUs = 1e6, durationS = 10;
    CommandLine cmd(__FILE__);
    cmd.AddValue("topology", "star or chain", topology);
    cmd.AddValue("n", "hosts (star: leaves; chain: nodes)", n);
    cmd.AddValue("count", "pings per flow", count);
    cmd.AddValue("intervalUs", "interval between pings (us)", intervalUs);
    cmd.AddValue("durationS", "simulated seconds", durationS);
    cmd.Parse(argc, argv);
    if ((topology != "star" && topology != "chain") || n < 3)
    {
        std::fprintf(stderr, "scale: --topology=star|chain and --n >= 3\n");
        return 2;
    }

    auto t0 = std::chrono::steady_clock::now();
    GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
    const bool star = topology == "star";
    const uint32_t nodesCount = star ? n + 1 : n;
    const uint32_t links = star ? n : n - 1;
    NodeContainer nodes;
    nodes.Create(nodesCount);

    InternetStackHelper internet;
    Ipv4StaticRoutingHelper staticRouting;
    internet.SetRoutingHelper(staticRouting); // static routes only, as NetSim's route table
    internet.Install(nodes);

    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", StringValue("1Gbps"));
    p2p.SetChannelAttribute("Delay", StringValue("1ms"));
    p2p.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", StringValue("1000p"));

    // Interface index of each node's device on link i: ifA (left/hub end, .1) and ifB (right/leaf end, .2).
    std::vector<uint32_t> ifA(links), ifB(links);
    for (uint32_t i = 0; i < links; ++i)
    {
        Ptr<Node> a = star ? nodes.Get(0) : nodes.Get(i);
        Ptr<Node> b = star ? nodes.Get(i + 1) : nodes.Get(i + 1);
        NetDeviceContainer d = p2p.Install(a, b);
        for (uint32_t k = 0; k < 2; ++k)
        {
            Ptr<NetDevice> dev = d.Get(k);
            Ptr<Ipv4> ip = dev->GetNode()->GetObject<Ipv4>();
            uint32_t iface = ip->AddInterface(dev);
            ip->AddAddress(iface, Ipv4InterfaceAddress(LinkAddress(i, k + 1), Ipv4Mask("255.255.255.252")));
            ip->SetUp(iface);
            (k == 0 ? ifA : ifB)[i] = iface;
            dev->TraceConnectWithoutContext("MacRx", MakeCallback(&OnMacRx));
        }
        // No root queue disc: Ipv4AddressHelper::Assign would install ns-3's default FqCoDel; adding the
        // addresses directly does not, so frames go from IP straight to the device's FIFO (as in NetSim).
        for (uint32_t k = 0; k < 2; ++k)
            NS_ABORT_MSG_IF(d.Get(k)->GetNode()->GetObject<TrafficControlLayer>()->GetRootQueueDiscOnDevice(d.Get(k)), "queue disc");
    }

    auto routes = [&](uint32_t node) { return staticRouting.GetStaticRouting(nodes.Get(node)->GetObject<Ipv4>()); };
    ApplicationContainer pings;
    auto ping = [&](uint32_t from, Ipv4Address to) {
        V4PingHelper h(to);
        h.SetAttribute("Interval", TimeValue(MicroSeconds(intervalUs)));
        h.SetAttribute("Size", UintegerValue(56));
        ApplicationContainer app = h.Install(nodes.Get(from));
        app.Start(Seconds(1.0));
        // V4Ping has no count: it sends at Start and then every Interval until Stop.
        app.Stop(Seconds(1.0) + MicroSeconds(intervalUs * (count - 1) + intervalUs / 2));
        app.Get(0)->TraceConnectWithoutContext("Rtt", MakeCallback(&OnRtt));
        pings.Add(app);
    };
    if (star)
    {
        for (uint32_t i = 0; i < n; ++i)
        {
            routes(i + 1)->SetDefaultRoute(LinkAddress(i, 1), ifB[i]);
            ping(i + 1, LinkAddress(i, 1));
        }
    }
    else
    {
        Ipv4Mask mask("255.255.255.252");
        for (uint32_t j = 0; j < n; ++j)
        {
            if (j + 1 < links) routes(j)->AddNetworkRouteTo(LinkNetwork(j + 1), mask, LinkAddress(j, 2), ifA[j]);
            if (j >= 2) routes(j)->AddNetworkRouteTo(LinkNetwork(j - 2), mask, LinkAddress(j - 1, 1), ifB[j - 1]);
        }
        for (uint32_t i = 0; i + 2 < n; ++i) ping(i, LinkAddress(i + 1, 2));
    }
    Simulator::Stop(Seconds(durationS));
    auto t1 = std::chrono::steady_clock::now();
    double c1 = ProcessCpuSeconds();
    Simulator::Run();
    double runCpu = ProcessCpuSeconds() - c1;
    auto t2 = std::chrono::steady_clock::now();
    uint64_t events = Simulator::GetEventCount();
    Simulator::Destroy();
    double setup = std::chrono::duration<double>(t1 - t0).count();
    double run = std::chrono::duration<double>(t2 - t1).count();
    uint64_t flows = star ? n : n - 2;
    std::printf("{\"simulator\":\"ns-3\",\"topology\":\"%s\",\"n\":%u,\"setup_seconds\":%.6f,\"run_seconds\":%.6f,\"run_cpu_seconds\":%.6f,"
                "\"frames\":%llu,\"pings_sent\":%llu,\"pings_answered\":%llu,\"events\":%llu,\"peak_rss_kib\":%ld}\n",
                topology.c_str(), n, setup, run, runCpu, (unsigned long long)g_frames, (unsigned long long)(flows * count),
                (unsigned long long)g_rtts, (unsigned long long)events, PeakRssKib());
    return 0;
}
