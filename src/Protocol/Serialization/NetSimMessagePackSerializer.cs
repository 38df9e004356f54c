using System.Collections.Frozen;
using System.Reflection;
using Akka.Actor;
using Akka.Serialization;
using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;
using NetSim.Protocol.Wire;

namespace NetSim.Protocol.Serialization;

/// <summary>
/// Akka serializer for every <see cref="INetSimMessage"/>, in MessagePack. Bound in config/netsim.conf by the marker
/// interface, so a new message type needs no configuration: it only has to be a [MessagePackObject] record in this
/// assembly. The manifest is the type's name below <c>NetSim.Protocol.</c> (e.g. "Device.Attach").
/// Actor references travel as their serialized path and are resolved on arrival by the receiving system.
/// </summary>
public sealed class NetSimMessagePackSerializer : SerializerWithStringManifest
{
    /// <summary>The identifier in akka.actor.serialization-identifiers; unique among this system's serializers.</summary>
    public const int Id = 7_301;

    // Akka creates every configured serializer when a system starts, also where nothing is ever serialized (a run in
    // one process): the catalogue of message types and the MessagePack options are made on first use instead (about
    // 10 ms of a short run's start-up: every type of this assembly loaded, MessagePack's resolvers initialised).
    private readonly Lazy<MessagePackSerializerOptions> _options;

    /// <summary>Created by Akka for the system that binds it (config/netsim.conf).</summary>
    public NetSimMessagePackSerializer(ExtendedActorSystem system) : base(system)
    {
        _options = new(() => MessagePackSerializerOptions.Standard
            .WithResolver(CompositeResolver.Create(
                [new ActorRefFormatter(system), MacAddressFormatter.Instance, IpAddressFormatter.Instance],
                [StandardResolver.Instance]))
            .WithSecurity(MessagePackSecurity.UntrustedData));
    }

    /// <summary>Every message type this serializer handles (for tests and documentation).</summary>
    public static IReadOnlyCollection<Type> MessageTypes => Catalogue.ManifestByType.Keys;

    /// <inheritdoc />
    public override int Identifier => Id;

    /// <inheritdoc />
    public override byte[] ToBinary(object obj) => MessagePackSerializer.Serialize(obj.GetType(), obj, _options.Value);

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!Catalogue.TypeByManifest.TryGetValue(manifest, out var type))
            throw new SerializationException($"NetSim: unknown message manifest '{manifest}'");
        return MessagePackSerializer.Deserialize(type, bytes, _options.Value)
               ?? throw new SerializationException($"NetSim: '{manifest}' deserialized to null");
    }

    /// <inheritdoc />
    public override string Manifest(object o) =>
        Catalogue.ManifestByType.TryGetValue(o.GetType(), out var manifest)
            ? manifest
            : throw new ArgumentException($"NetSim: {o.GetType()} is not a NetSim message", nameof(o));

    /// <summary>Every message type of this assembly and its manifest, found once, on first use.</summary>
    private static class Catalogue
    {
        public static readonly FrozenDictionary<Type, string> ManifestByType;
        public static readonly FrozenDictionary<string, Type> TypeByManifest;

        static Catalogue()
        {
            var types = typeof(INetSimMessage).Assembly.GetTypes()
                .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(INetSimMessage).IsAssignableFrom(t))
                .ToList();
            ManifestByType = types.ToFrozenDictionary(t => t, ManifestOf);
            TypeByManifest = types.ToFrozenDictionary(ManifestOf, t => t);
        }
    }

    private static string ManifestOf(Type t)
    {
        const string prefix = "NetSim.Protocol.";
        var name = t.FullName!;
        return name.StartsWith(prefix, StringComparison.Ordinal) ? name[prefix.Length..] : name;
    }

    /// <summary>IActorRef as its full serialized path; resolved through the receiving system's provider.</summary>
    private sealed class ActorRefFormatter(ExtendedActorSystem system) : IMessagePackFormatter<IActorRef>
    {
        public void Serialize(ref MessagePackWriter writer, IActorRef value, MessagePackSerializerOptions options)
        {
            if (value is null || value.IsNobody()) { writer.WriteNil(); return; }
            writer.Write(Akka.Serialization.Serialization.SerializedActorPath(value));
        }

        public IActorRef Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
        {
            if (reader.TryReadNil()) return Nobody.Instance;
            var path = reader.ReadString()!;
            return system.Provider.ResolveActorRef(path);
        }
    }

    /// <summary>A MAC address as its 48-bit integer.</summary>
    private sealed class MacAddressFormatter : IMessagePackFormatter<MacAddress>
    {
        public static readonly MacAddressFormatter Instance = new();
        public void Serialize(ref MessagePackWriter writer, MacAddress value, MessagePackSerializerOptions options) => writer.Write(value.Value);
        public MacAddress Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) => new(reader.ReadUInt64());
    }

    /// <summary>An IP address as its text form ("10.0.0.1", "fd00::1"): unambiguous for both versions.</summary>
    private sealed class IpAddressFormatter : IMessagePackFormatter<IpAddress>
    {
        public static readonly IpAddressFormatter Instance = new();
        public void Serialize(ref MessagePackWriter writer, IpAddress value, MessagePackSerializerOptions options) => writer.Write(value.ToString());
        public IpAddress Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) => IpAddress.Parse(reader.ReadString()!);
    }
}

/// <summary>Thrown when bytes cannot become a NetSim message.</summary>
public sealed class SerializationException(string message) : Exception(message);
