using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using NetSim.Protocol.Wire;

namespace NetSim.Actors.Time;

/// <summary>
/// Deterministic pseudo-random numbers (xoshiro256**) for everything random in a run: loss, jitter, MACs, ports.
/// Every stream is derived from the run's seed and a name, so a link's loss pattern depends only on the seed and the
/// link's name - not on how many other links were created before it or how many numbers they drew.
/// </summary>
/// <remarks>
/// <para>Not thread-safe: give each actor its own stream (<see cref="Child(string)"/>), which is also what keeps runs
/// reproducible - a shared stream would hand out numbers in whatever order actors happen to ask.</para>
/// <para>The algorithm and the derivation are fixed here rather than taken from <see cref="Random"/>, whose seeded
/// sequence is an implementation detail that .NET has changed before.</para>
/// </remarks>
public sealed class SimRandom
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>A stream seeded with <paramref name="seed"/>.</summary>
    public SimRandom(ulong seed)
    {
        Seed = seed;
        // SplitMix64 expands the 64-bit seed into the 256-bit state, as the xoshiro authors recommend; it never
        // yields the all-zero state for four consecutive outputs.
        var sm = seed;
        _s0 = SplitMix64(ref sm);
        _s1 = SplitMix64(ref sm);
        _s2 = SplitMix64(ref sm);
        _s3 = SplitMix64(ref sm);
    }

    /// <summary>The seed this stream started from; children are derived from it, not from the current state.</summary>
    public ulong Seed { get; }

    /// <summary>
    /// An independent stream named <paramref name="name"/> (e.g. <c>"link/h1-h2"</c>, <c>"host/h1/mac"</c>). The same
    /// parent seed and name always give the same stream, whatever this stream has drawn so far.
    /// </summary>
    public SimRandom Child(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return new SimRandom(DeriveSeed(Seed, name));
    }

    /// <summary>An independent stream for a numeric id (e.g. a NIC id), distinct from any named child.</summary>
    public SimRandom Child(long id) => new(DeriveSeed(Seed, id));

    /// <summary>The seed a child named <paramref name="name"/> of a stream seeded <paramref name="parentSeed"/> gets.</summary>
    public static ulong DeriveSeed(ulong parentSeed, string name)
    {
        // FNV-1a over UTF-8 gives a hash that is stable across processes and .NET versions (string.GetHashCode is
        // randomized per process); the SplitMix64 finalizer then spreads it so similar names give unrelated seeds.
        var h = 0xcbf29ce484222325UL ^ Mix(parentSeed);
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetByteCount(name) <= buffer.Length ? buffer[..Encoding.UTF8.GetBytes(name, buffer)] : Encoding.UTF8.GetBytes(name);
        foreach (var b in bytes)
        {
            h ^= b;
            h *= 0x100000001b3UL;
        }
        return Mix(h ^ 0x6e616d65UL); // "name": keeps Child("x") apart from Child(id)
    }

    /// <summary>The seed a child with numeric <paramref name="id"/> of a stream seeded <paramref name="parentSeed"/> gets.</summary>
    public static ulong DeriveSeed(ulong parentSeed, long id) => Mix(Mix(parentSeed) ^ Mix((ulong)id ^ 0x69640000UL));

    /// <summary>64 random bits.</summary>
    public ulong NextUInt64()
    {
        var result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>32 random bits (the high half, which are the best bits of xoshiro output).</summary>
    public uint NextUInt32() => (uint)(NextUInt64() >> 32);

    /// <summary>A uniform integer in [0, <paramref name="maxExclusive"/>).</summary>
    public int Next(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        return (int)NextBounded((ulong)maxExclusive);
    }

    /// <summary>A uniform integer in [<paramref name="minInclusive"/>, <paramref name="maxExclusive"/>).</summary>
    public int Next(int minInclusive, int maxExclusive)
    {
        if (maxExclusive <= minInclusive) throw new ArgumentOutOfRangeException(nameof(maxExclusive), "maxExclusive must be > minInclusive.");
        return (int)(minInclusive + (long)NextBounded((ulong)((long)maxExclusive - minInclusive)));
    }

    /// <summary>A uniform integer in [0, <paramref name="maxExclusive"/>).</summary>
    public long NextInt64(long maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        return (long)NextBounded((ulong)maxExclusive);
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>True with probability <paramref name="probability"/> (clamped to [0, 1]); e.g. a loss decision.</summary>
    public bool Chance(double probability) => probability >= 1.0 || (probability > 0.0 && NextDouble() < probability);

    /// <summary>A uniform duration in [<paramref name="min"/>, <paramref name="max"/>], at tick resolution; e.g. jitter.</summary>
    public TimeSpan NextTimeSpan(TimeSpan min, TimeSpan max)
    {
        if (max < min) throw new ArgumentOutOfRangeException(nameof(max), "max must be >= min.");
        var span = (ulong)(max.Ticks - min.Ticks);
        return span == ulong.MaxValue ? TimeSpan.FromTicks((long)NextUInt64()) : min + TimeSpan.FromTicks((long)NextBounded(span + 1));
    }

    /// <summary>Fills <paramref name="destination"/> with random bytes.</summary>
    public void NextBytes(Span<byte> destination)
    {
        while (destination.Length >= 8)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(destination, NextUInt64());
            destination = destination[8..];
        }
        if (destination.IsEmpty) return;
        Span<byte> last = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(last, NextUInt64());
        last[..destination.Length].CopyTo(destination);
    }

    /// <summary>
    /// A random unicast, locally administered MAC address, as Linux gives a TAP device that has none.
    /// </summary>
    public MacAddress NextLocalMac() => MacAddress.LocallyAdministered(NextUInt64());

    // Lemire's nearly-divisionless method: unbiased, and one multiplication in the common case.
    private ulong NextBounded(ulong bound)
    {
        var x = NextUInt64();
        var m = Math.BigMul(x, bound, out var low);
        if (low < bound)
        {
            var threshold = (0 - bound) % bound;
            while (low < threshold)
            {
                x = NextUInt64();
                m = Math.BigMul(x, bound, out low);
            }
        }
        return m;
    }

    private static ulong SplitMix64(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        return Mix(state);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
