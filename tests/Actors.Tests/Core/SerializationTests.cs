using NetSim.Actors.Stack;
using System.Collections;
using System.Reflection;
using Akka.Actor;
using Akka.Serialization;
using NetSim.Protocol;
using NetSim.Protocol.Nic;
using NetSim.Protocol.Serialization;
using NetSim.Protocol.Stack;
using NetSim.Protocol.Wire;
using Xunit;

namespace NetSim.Actors.Tests.Core;

/// <summary>
/// Every NetSim message survives Akka serialization (the binding in config/netsim.conf picks the MessagePack
/// serializer) with every field intact. Instances are built by reflection with a distinct non-default value in
/// each field, so a new message type is covered as soon as it exists.
/// </summary>
public sealed class SerializationTests : DeviceTestKit
{
    public static IEnumerable<object[]> MessageTypes() =>
        NetSimMessagePackSerializer.MessageTypes.OrderBy(t => t.FullName).Select(t => new object[] { t.FullName! });

    [Fact]
    public void Every_message_type_is_covered()
    {
        Assert.True(NetSimMessagePackSerializer.MessageTypes.Count >= 40, $"only {NetSimMessagePackSerializer.MessageTypes.Count} message types found");
        Assert.Contains(typeof(Protocol.Device.Attach), NetSimMessagePackSerializer.MessageTypes);
        Assert.Contains(typeof(NicCounters), NetSimMessagePackSerializer.MessageTypes);
    }

    [Theory]
    [MemberData(nameof(MessageTypes))]
    public void Round_trips_through_the_bound_serializer(string typeName)
    {
        var type = typeof(INetSimMessage).Assembly.GetType(typeName)!;
        var original = Sample(type);
        var serialization = Sys.Serialization;
        var serializer = serialization.FindSerializerFor(original);
        Assert.IsType<NetSimMessagePackSerializer>(serializer);

        var bytes = serializer.ToBinary(original);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, original);
        var copy = serialization.Deserialize(bytes, serializer.Identifier, manifest);

        Assert.IsType(type, copy);
        Assert.Equal(Describe(original), Describe(copy));
    }

    [Fact]
    public void A_host_counter_snapshot_round_trips_with_its_counters_in_order()
    {
        var counters = new NetSim.Network.HostCounters().ToDictionary();
        counters["stack.too-big"] = 3;
        counters["tcp.active-opens"] = 1;
        var original = new Protocol.Stack.HostCounterSnapshot("h1", counters);
        var serializer = Sys.Serialization.FindSerializerFor(original);
        var copy = (Protocol.Stack.HostCounterSnapshot)Sys.Serialization.Deserialize(serializer.ToBinary(original), serializer.Identifier,
            Akka.Serialization.Serialization.ManifestFor(serializer, original));

        Assert.Equal(counters.OrderBy(kv => kv.Key, StringComparer.Ordinal), copy.Counters.OrderBy(kv => kv.Key, StringComparer.Ordinal));
        Assert.Equal(counters.Keys.Order(StringComparer.Ordinal), counters.Keys);
        Assert.Equal(3, copy.Counters["stack.too-big"]);
    }

    [Fact]
    public void An_unknown_manifest_is_a_clear_error()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(Protocol.Device.Read.Instance);
        var e = Assert.ThrowsAny<Exception>(() => serializer.FromBinary([0x90], "Device.Nope"));
        Assert.Contains("Device.Nope", e.Message);
    }

    private object Sample(Type type)
    {
        var ctor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var args = ctor.GetParameters().Select((p, i) => Value(p.ParameterType, i + 1)).ToArray();
        return ctor.Invoke(args);
    }

    private object? Value(Type t, int n)
    {
        if (t == typeof(string)) return "s" + n;
        if (t == typeof(int)) return 1000 + n;
        if (t == typeof(int?)) return 2000 + n;
        if (t == typeof(long)) return 1L << (32 + n);
        if (t == typeof(bool)) return true;
        if (t == typeof(TunFlags)) return TunFlags.Tap | TunFlags.NoPacketInfo;
        if (t == typeof(Errno)) return Errno.EMSGSIZE;
        if (t == typeof(MacAddress) || t == typeof(MacAddress?)) return MacAddress.LocallyAdministered(0xABCDEF + (ulong)n);
        if (t == typeof(byte[])) return new byte[] { 7, 8, (byte)n };
        if (t == typeof(ReadOnlyMemory<byte>)) return new ReadOnlyMemory<byte>([1, 2, 3, (byte)n]);
        if (t == typeof(IActorRef)) return TestActor;
        if (t == typeof(ProtocolFrame)) return new ProtocolFrame((ushort)n, new byte[] { 9, (byte)n });
        if (t == typeof(IReadOnlyList<ReadOnlyMemory<byte>>)) return new List<ReadOnlyMemory<byte>> { new byte[] { 1 }, new byte[] { 2, (byte)n } };
        if (t == typeof(IReadOnlyList<ProtocolFrame>)) return new List<ProtocolFrame> { new(EtherType.Arp, new byte[] { 3, (byte)n }) };
        if (t == typeof(IReadOnlyDictionary<string, long>)) return new Dictionary<string, long> { ["queue-full"] = n, ["closed"] = 2 };
        if (t == typeof(ushort)) return (ushort)(0x0800 + n);
        if (t == typeof(byte)) return (byte)(n + 1);
        if (t == typeof(byte?)) return (byte)(n + 64);
        if (t == typeof(IpAddress) || t == typeof(IpAddress?)) return n % 2 == 0 ? IpAddress.Parse("10.0.0." + n) : IpAddress.Parse("fd00::" + n);
        if (t == typeof(TimeSpan)) return TimeSpan.FromTicks(123_456_789 + n);
        if (t == typeof(double)) return 0.25 + n;
        if (t.Namespace?.StartsWith("NetSim.Protocol", StringComparison.Ordinal) == true && !t.IsEnum) return Sample(t);
        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            var element = t.GetGenericArguments()[0];
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
            list.Add(Value(element, n));
            return list;
        }
        throw new NotSupportedException($"no sample value for {t}: teach SerializationTests.Value about it");
    }

    /// <summary>A structural description (records compare byte buffers by reference, so compare contents).</summary>
    private static string Describe(object? o) => o switch
    {
        null => "null",
        string s => '"' + s + '"',
        ReadOnlyMemory<byte> m => Convert.ToHexString(m.Span),
        IActorRef r => r.Path.ToString(),
        IDictionary d => "{" + string.Join(",", d.Keys.Cast<object>().OrderBy(k => k.ToString()).Select(k => $"{k}={Describe(d[k])}")) + "}",
        IEnumerable e and not string => "[" + string.Join(",", e.Cast<object?>().Select(Describe)) + "]",
        _ when o.GetType().Namespace?.StartsWith("NetSim.Protocol", StringComparison.Ordinal) == true && !o.GetType().IsEnum && o is not MacAddress and not IpAddress =>
            o.GetType().Name + "(" + string.Join(",", o.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
                .Select(p => p.Name + "=" + Describe(p.GetValue(o)))) + ")",
        _ => o.ToString() ?? "",
    };
}
