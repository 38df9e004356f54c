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
        AddGroup(d, "ipv4", c.Ipv4);
        AddGroup(d, "ipv6", c.Ipv6);
        AddGroup(d, "icmpv4", c.IcmpV4);
        AddGroup(d, "icmpv6", c.IcmpV6);
        AddGroup(d, "udp", c.Udp);
        AddGroup(d, "neighbour", c.Neighbour);
        AddGroup(d, "link", c.Link);
        foreach (var (type, name) in Icmpv4Types)
        {
            d[$"icmpv4.in.{name}"] = c.IcmpV4.InType(type);
            d[$"icmpv4.out.{name}"] = c.IcmpV4.OutType(type);
        }
        foreach (var (type, name) in Icmpv6Types)
        {
            d[$"icmpv6.in.{name}"] = c.IcmpV6.InType(type);
            d[$"icmpv6.out.{name}"] = c.IcmpV6.OutType(type);
        }
        return d;
    }

    private static void AddGroup(IDictionary<string, long> d, string prefix, object group)
    {
        foreach (var p in group.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
            if (p.PropertyType == typeof(long) && p.GetIndexParameters().Length == 0)
                d[prefix + "." + Kebab(p.Name)] = (long)p.GetValue(group)!;
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
