namespace NetSim.Network.Tcp;

/// <summary>
/// A TCP sequence number: 32 bits that wrap, compared by serial-number arithmetic (RFC 1982, RFC 9293 3.4).
/// <c>a &lt; b</c> means b lies less than 2^31 ahead of a, so comparisons stay right across the wrap as long as
/// the two numbers are within half the space of each other (any window TCP allows).
/// </summary>
public readonly record struct SeqNumber(uint Value) : IComparable<SeqNumber>
{
    public static SeqNumber operator +(SeqNumber s, int n) => new(unchecked(s.Value + (uint)n));
    public static SeqNumber operator -(SeqNumber s, int n) => new(unchecked(s.Value - (uint)n));
    /// <summary>The signed distance from <paramref name="b"/> to <paramref name="a"/>.</summary>
    public static int operator -(SeqNumber a, SeqNumber b) => unchecked((int)(a.Value - b.Value));
    public static bool operator <(SeqNumber a, SeqNumber b) => a - b < 0;
    public static bool operator >(SeqNumber a, SeqNumber b) => a - b > 0;
    public static bool operator <=(SeqNumber a, SeqNumber b) => a - b <= 0;
    public static bool operator >=(SeqNumber a, SeqNumber b) => a - b >= 0;
    public static SeqNumber Max(SeqNumber a, SeqNumber b) => a > b ? a : b;
    public static SeqNumber Min(SeqNumber a, SeqNumber b) => a < b ? a : b;
    /// <summary>True when <paramref name="low"/> &lt;= this &lt; <paramref name="high"/>.</summary>
    public bool InRange(SeqNumber low, SeqNumber high) => this >= low && this < high;
    public int CompareTo(SeqNumber other) => this - other;
    public override string ToString() => Value.ToString();
}
