using Akka.Actor;
using NetSim.Protocol.Stack;
using NetSim.Protocol.Wire;

namespace NetSim.Actors.Stack;

/// <summary>One NIC as the stack's registry sees it.</summary>
internal sealed class NicEntry(int id, string name, bool isTap, int mtu, MacAddress mac, IActorRef nic, bool isTunTap)
{
    public int Id { get; } = id;
    public string Name { get; } = name;
    public bool IsTap { get; } = isTap;
    public int Mtu { get; set; } = mtu;
    public MacAddress Mac { get; set; } = mac;
    public IActorRef Nic { get; } = nic;
    /// <summary>False for the stack's own interfaces (loopback): files cannot attach to them (EOPNOTSUPP).</summary>
    public bool IsTunTap { get; } = isTunTap;
    public bool Persistent { get; set; }
    /// <summary>Files attached: the reference count that keeps a non-persistent NIC alive.</summary>
    public int Files { get; set; }

    private NicInfo? _info; // the last one made, while nothing in it changed: look-ups answer with the same instance

    public NicInfo ToInfo() =>
        _info is { } i && i.Mtu == Mtu && i.Mac == Mac && i.Persistent == Persistent && i.AttachedFiles == Files
            ? i
            : _info = new(Id, Name, IsTap, Mtu, Mac, Persistent, Files, Nic);
}

/// <summary>
/// The NIC registry of one host: by name, by ID, and which file holds a reference on which NIC.
/// IDs come from a counter that never goes back, so an ID is never reused even after its NIC is gone.
/// Pure bookkeeping: the StackActor does the messaging and the DeathWatch.
/// </summary>
internal sealed class NicRegistry
{
    private readonly Dictionary<string, NicEntry> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<int, NicEntry> _byId = [];
    private readonly Dictionary<IActorRef, NicEntry> _byFile = [];
    private int _lastId;

    public int Count => _byId.Count;
    public IEnumerable<NicEntry> All => _byId.Values.OrderBy(e => e.Id);

    /// <summary>Takes the next ID; IDs are never reused.</summary>
    public int NextId() => ++_lastId;

    public NicEntry? ByName(string name) => _byName.GetValueOrDefault(name);
    public NicEntry? ById(int id) => _byId.GetValueOrDefault(id);
    public NicEntry? ByFile(IActorRef file) => _byFile.GetValueOrDefault(file);
    public bool IsFile(IActorRef actor) => _byFile.ContainsKey(actor);

    public void Add(NicEntry entry)
    {
        _byName.Add(entry.Name, entry);
        _byId.Add(entry.Id, entry);
    }

    public void Remove(NicEntry entry)
    {
        _byName.Remove(entry.Name);
        _byId.Remove(entry.Id);
    }

    /// <summary>Records that <paramref name="file"/> holds a reference on <paramref name="entry"/>.</summary>
    public void AddFile(IActorRef file, NicEntry entry)
    {
        _byFile.Add(file, entry);
        entry.Files++;
    }

    /// <summary>Drops the reference <paramref name="file"/> held; null when it held none.</summary>
    public NicEntry? RemoveFile(IActorRef file)
    {
        if (!_byFile.Remove(file, out var entry)) return null;
        entry.Files--;
        return entry;
    }

    /// <summary>Every file attached to <paramref name="entry"/> (a scan: only an admin removal needs it).</summary>
    public List<IActorRef> FilesOf(NicEntry entry) => _byFile.Where(kv => kv.Value == entry).Select(kv => kv.Key).ToList();
}
