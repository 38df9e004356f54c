using Akka.Actor;
using NetSim.Protocol;
using NetSim.Protocol.Device;

namespace NetSim.Actors;

/// <summary>
/// The device API (an open /dev/net/tun file, <see cref="NetSimSystem.OpenDevice"/>) as awaitable calls. Each sends
/// one request of <c>NetSim.Protocol.Device</c> and returns its reply; a failure throws <see cref="ErrnoException"/>
/// with Linux's errno (EINVAL, EBADFD, EAGAIN, ...), as the system call would fail.
/// </summary>
public static class DeviceFileRequests
{
    /// <summary>TUNSETIFF (<see cref="Attach"/>): attach the file to NIC <paramref name="name"/>, creating it if needed.</summary>
    public static Task<Attached> AttachAsync(this IActorRef file, string name, TunFlags flags, CancellationToken cancellationToken = default) =>
        file.RequestAsync<Attached>(new Attach(name, flags), cancellationToken: cancellationToken);

    /// <summary>write(2) (<see cref="Write"/>): returns the bytes consumed (the whole frame).</summary>
    public static async Task<int> WriteAsync(this IActorRef file, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken = default) =>
        (await file.RequestAsync<Written>(new Write(frame), cancellationToken: cancellationToken).ConfigureAwait(false)).Length;

    /// <summary>sendmmsg-like (<see cref="WriteBatch"/>): how many frames and bytes were accepted, and the errno that ended the batch early.</summary>
    public static Task<BatchWritten> WriteBatchAsync(this IActorRef file, IReadOnlyList<ReadOnlyMemory<byte>> frames, CancellationToken cancellationToken = default) =>
        file.RequestAsync<BatchWritten>(new WriteBatch(frames), cancellationToken: cancellationToken);

    /// <summary>
    /// read(2) (<see cref="Read"/>): the next frame. On a blocking file (the default) it waits for one; on a
    /// non-blocking file an empty queue throws EAGAIN. Cancelling stops the wait here; the read itself stays queued
    /// on the file until a frame or a close answers it.
    /// </summary>
    public static async Task<ReadOnlyMemory<byte>> ReadAsync(this IActorRef file, CancellationToken cancellationToken = default) =>
        (await file.RequestAsync<Packet>(Read.Instance, cancellationToken: cancellationToken).ConfigureAwait(false)).Frame;

    /// <summary>recvmmsg-like (<see cref="ReadBatch"/>): up to <paramref name="maxFrames"/> frames, never none.</summary>
    public static async Task<IReadOnlyList<ReadOnlyMemory<byte>>> ReadBatchAsync(this IActorRef file, int maxFrames, CancellationToken cancellationToken = default) =>
        (await file.RequestAsync<PacketBatch>(new ReadBatch(maxFrames), cancellationToken: cancellationToken).ConfigureAwait(false)).Frames;

    /// <summary>TUNGETIFF (<see cref="GetInfo"/>): the NIC's name and the file's flags.</summary>
    public static Task<DeviceInfo> GetInfoAsync(this IActorRef file, CancellationToken cancellationToken = default) =>
        file.RequestAsync<DeviceInfo>(GetInfo.Instance, cancellationToken: cancellationToken);

    /// <summary>TUNSETPERSIST (<see cref="SetPersist"/>).</summary>
    public static Task SetPersistAsync(this IActorRef file, bool persist, CancellationToken cancellationToken = default) =>
        file.RequestAsync<PersistSet>(new SetPersist(persist), cancellationToken: cancellationToken);

    /// <summary>close(2) (<see cref="Close"/>): the file's reference on its NIC is dropped and the file stops.</summary>
    public static Task CloseAsync(this IActorRef file, CancellationToken cancellationToken = default) =>
        file.RequestAsync<Closed>(Close.Instance, cancellationToken: cancellationToken);
}
