namespace NetSim.Protocol.Counters;

/// <summary>
/// The names of a NIC's counters as <c>ip -s link</c> shows them, spelled as report.json, counters.csv and scenario
/// expectations (<c>host.nic.COUNTER</c>) spell them. RX is what files wrote into the NIC (the stack received), TX what
/// files read of what the stack sent out of it. Drops and errors are broken down by reason as
/// <c>drop.REASON</c> (<see cref="DropReasons"/>).
/// </summary>
public static class NicCounterNames
{
    /// <summary>Frames files wrote into the NIC.</summary>
    public const string RxPackets = "rx_packets";
    /// <summary>Bytes of the frames files wrote into the NIC.</summary>
    public const string RxBytes = "rx_bytes";
    /// <summary>Written frames the NIC accepted and then dropped (none today: the stack counts its own drops).</summary>
    public const string RxDropped = "rx_dropped";
    /// <summary>Written frames ignored as too short for their headers (<see cref="DropReasons.ShortForPacketInfo"/>, <see cref="DropReasons.ShortForEthernet"/>).</summary>
    public const string RxErrors = "rx_errors";
    /// <summary>Frames files read from the NIC (counted at the read, as Linux's tun_put_user does).</summary>
    public const string TxPackets = "tx_packets";
    /// <summary>Bytes of the frames files read.</summary>
    public const string TxBytes = "tx_bytes";
    /// <summary>Frames the stack sent that never reached a reader (<see cref="DropReasons.QueueFull"/>, <see cref="DropReasons.Closed"/>).</summary>
    public const string TxDropped = "tx_dropped";
    /// <summary>Transmit failures (none today).</summary>
    public const string TxErrors = "tx_errors";
    /// <summary>Frames waiting in the outbound queue for a file to read them (at the end of a run: never read).</summary>
    public const string Queued = "queued";
    /// <summary>Prefix of a drop or error broken down by reason: <c>drop.queue-full</c>.</summary>
    public const string DropPrefix = "drop.";

    /// <summary>Why a NIC dropped a frame or counted an error (the keys of <see cref="Nic.NicCounters.DropReasons"/>).</summary>
    public static class DropReasons
    {
        /// <summary>The outbound queue was full (tx_dropped).</summary>
        public const string QueueFull = "queue-full";
        /// <summary>The last file closed with frames still queued (tx_dropped).</summary>
        public const string Closed = "closed";
        /// <summary>A written frame was too short for its PI header (rx_errors).</summary>
        public const string ShortForPacketInfo = "short-for-pi";
        /// <summary>A written frame was too short for its Ethernet header (rx_errors).</summary>
        public const string ShortForEthernet = "short-for-ethernet";
    }
}
