using System.Diagnostics.CodeAnalysis;

namespace NetSim.Protocol.Wire;

/// <summary>IP version of an <see cref="IpAddress"/>.</summary>
public enum IpVersion : byte
{
    /// <summary>V4 (4).</summary>
    V4 = 4,
    /// <summary>V6 (6).</summary>
    V6 = 6,
}

/// <summary>
/// An IPv4 or IPv6 address as one value type, for APIs that take either (routes, UDP destinations).
/// Implicitly converts from <see cref="Ipv4Address"/> and <see cref="Ipv6Address"/>.
/// </summary>
public readonly struct IpAddress : IEquatable<IpAddress>
{
    private readonly Ipv6Address _v6;
    private readonly uint _v4;

    /// <summary>The version field.</summary>
    public IpVersion Version { get; }

    /// <summary>An address of IPv4.</summary>
    public IpAddress(Ipv4Address address)
    {
        Version = IpVersion.V4;
        _v4 = address.Value;
        _v6 = default;
    }

    /// <summary>An address of IPv6.</summary>
    public IpAddress(Ipv6Address address)
    {
        Version = IpVersion.V6;
        _v6 = address;
        _v4 = 0;
    }

    /// <summary>True when the address is v4.</summary>
    public bool IsV4 => Version == IpVersion.V4;
    /// <summary>True when the address is v6.</summary>
    public bool IsV6 => Version == IpVersion.V6;

    /// <summary>The IPv4 address; throws when this is an IPv6 address.</summary>
    public Ipv4Address V4 => IsV4 ? new Ipv4Address(_v4) : throw new InvalidOperationException($"{this} is not an IPv4 address");
    /// <summary>The IPv6 address; throws when this is an IPv4 address.</summary>
    public Ipv6Address V6 => IsV6 ? _v6 : throw new InvalidOperationException($"{this} is not an IPv6 address");

    /// <summary>Maximum prefix length of the family: 32 or 128.</summary>
    public int MaxPrefixLength => IsV4 ? 32 : 128;

    /// <summary>True when the address is unspecified.</summary>
    public bool IsUnspecified => IsV4 ? _v4 == 0 : _v6.IsUnspecified;
    /// <summary>True when the address is multicast.</summary>
    public bool IsMulticast => IsV4 ? new Ipv4Address(_v4).IsMulticast : _v6.IsMulticast;

    /// <summary>True when both are the same family and the first <paramref name="prefixLength"/> bits match.</summary>
    public bool IsInPrefix(IpAddress prefix, int prefixLength) =>
        Version == prefix.Version &&
        (IsV4 ? new Ipv4Address(_v4).IsInPrefix(new Ipv4Address(prefix._v4), prefixLength) : _v6.IsInPrefix(prefix._v6, prefixLength));

    /// <summary>This address with the host bits cleared.</summary>
    public IpAddress Network(int prefixLength) =>
        IsV4 ? new IpAddress(new Ipv4Address(_v4).Network(prefixLength)) : new IpAddress(_v6.Network(prefixLength));

    /// <summary>Wraps the address.</summary>
    public static implicit operator IpAddress(Ipv4Address address) => new(address);
    /// <summary>Wraps the address.</summary>
    public static implicit operator IpAddress(Ipv6Address address) => new(address);

    /// <inheritdoc />
    public bool Equals(IpAddress other) => Version == other.Version && _v4 == other._v4 && _v6 == other._v6;
    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is IpAddress other && Equals(other);
    /// <inheritdoc />
    public override int GetHashCode() => IsV4 ? (int)_v4 : _v6.GetHashCode();
    /// <summary>Same version and address.</summary>
    public static bool operator ==(IpAddress left, IpAddress right) => left.Equals(right);
    /// <summary>Different version or address.</summary>
    public static bool operator !=(IpAddress left, IpAddress right) => !left.Equals(right);

    /// <summary>Parses either family's text form.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out IpAddress address)
    {
        address = default;
        if (text is null) return false;
        if (Ipv4Address.TryParse(text, out var v4)) { address = v4; return true; }
        if (Ipv6Address.TryParse(text, out var v6)) { address = v6; return true; }
        return false;
    }

    /// <summary>Parses the text form; throws FormatException when it is not one.</summary>
    public static IpAddress Parse(string text) =>
        TryParse(text, out var a) ? a : throw new FormatException($"'{text}' is not an IP address");

    /// <inheritdoc />
    public override string ToString() => IsV4 ? new Ipv4Address(_v4).ToString() : _v6.ToString();
}
