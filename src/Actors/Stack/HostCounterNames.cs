using System.Reflection;
using System.Text;
using NetSim.Network;

namespace NetSim.Actors.Stack;

/// <summary>
/// Flattens <see cref="HostCounters"/> into the "group.counter" names reports and <see cref="Protocol.Stack.HostCounterSnapshot"/>
/// use: "ipv4.forwarded-datagrams", "icmpv4.in.echo-reply", "udp.no-ports", "neighbour.arp-requests-sent", plus the
/// totals "forwarded", "delivered", "malformed", "bad-checksum". Zero counters are kept, so files compare column by column.
/// </summary>
public static class HostCounterNames
{
    private static readonly (byte Type, string Name)[] Icmpv4Types =
        [(0, "echo-reply"), (3, "dest-unreachable"), (8, "echo-request"), (11, "time-exceeded")];
    private static readonly (byte Type, string Name)[] Icmpv6Types =
        [(1, "dest-unreachable"), (2, "packet-too-big"), (3, "time-exceeded"), (128, "echo-request"), (129, "echo-reply"),
         (135, "neighbour-solicitation"), (136, "neighbour-advertisement")];

    public static SortedDictionary<string, long> ToDictionary(this HostCounters c)
    {
        var d = new SortedDictionary<string, long>(StringComparer.Ordinal)
        {
            ["forwarded"] = c.Forwarded,
            ["delivered"] = c.Delivered,
            ["malformed"] = c.Malformed,
            ["bad-checksum"] = c.BadChecksum,
            ["internal-errors"] = c.InternalErrors,
        };
        Group<IpCounters>.Add(d, Ipv4Names, c.Ipv4);
        Group<IpCounters>.Add(d, Ipv6Names, c.Ipv6);
        Group<IcmpCounters>.Add(d, IcmpV4Names, c.IcmpV4);
        Group<IcmpCounters>.Add(d, IcmpV6Names, c.IcmpV6);
        Group<UdpCounters>.Add(d, UdpNames, c.Udp);
        Group<NeighbourCounters>.Add(d, NeighbourNames, c.Neighbour);
        Group<LinkCounters>.Add(d, LinkNames, c.Link);
        foreach (var (type, inName, outName) in Icmpv4TypeNames)
        {
            d[inName] = c.IcmpV4.InType(type);
            d[outName] = c.IcmpV4.OutType(type);
        }
        foreach (var (type, inName, outName) in Icmpv6TypeNames)
        {
            d[inName] = c.IcmpV6.InType(type);
            d[outName] = c.IcmpV6.OutType(type);
        }
        return d;
    }

    // The names are made once, not once per host: a 10,000-host report used to build a million strings by reflection.
    private static readonly string[] Ipv4Names = Group<IpCounters>.Names("ipv4"), Ipv6Names = Group<IpCounters>.Names("ipv6"),
        IcmpV4Names = Group<IcmpCounters>.Names("icmpv4"), IcmpV6Names = Group<IcmpCounters>.Names("icmpv6"),
        UdpNames = Group<UdpCounters>.Names("udp"), NeighbourNames = Group<NeighbourCounters>.Names("neighbour"),
        LinkNames = Group<LinkCounters>.Names("link");
    private static readonly (byte Type, string In, string Out)[] Icmpv4TypeNames =
        [.. Icmpv4Types.Select(t => (t.Type, $"icmpv4.in.{t.Name}", $"icmpv4.out.{t.Name}"))];
    private static readonly (byte Type, string In, string Out)[] Icmpv6TypeNames =
        [.. Icmpv6Types.Select(t => (t.Type, $"icmpv6.in.{t.Name}", $"icmpv6.out.{t.Name}"))];

    /// <summary>The public long properties of a counter group, as "prefix.kebab-name" and a compiled getter each.</summary>
    private static class Group<T> where T : class
    {
        private static readonly (string Name, Func<T, long> Get)[] Counters =
        [
            .. typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.PropertyType == typeof(long) && p.GetIndexParameters().Length == 0)
                .Select(p => (Kebab(p.Name), p.GetGetMethod()!.CreateDelegate<Func<T, long>>())),
        ];

        public static string[] Names(string prefix) => [.. Counters.Select(c => prefix + "." + c.Name)];

        public static void Add(IDictionary<string, long> d, string[] names, T group)
        {
            for (var i = 0; i < Counters.Length; i++) d[names[i]] = Counters[i].Get(group);
        }
    }

    private static string Kebab(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) sb.Append('-');
            sb.Append(char.ToLowerInvariant(name[i]));
        }
        return sb.ToString();
    }
}
