using MessagePack;

namespace NetSim.Protocol;

/// <summary>
/// The one failure reply of the whole protocol: every request (to a device file, a stack, a NIC, a link) that fails
/// is answered with this instead of its success reply. <paramref name="Errno"/> is Linux's value for the same failure,
/// <paramref name="Operation"/> names the request ("attach", "write", "read", "create-nic", "udp-send", ...) and
/// <paramref name="Message"/> says what went wrong in words. The async extension methods in NetSim.Actors turn it into
/// an <see cref="ErrnoException"/>.
/// </summary>
[MessagePackObject]
public sealed record OperationFailed(
    [property: Key(0)] Errno Errno,
    [property: Key(1)] string Operation,
    [property: Key(2)] string Message) : INetSimMessage
{
    /// <summary>A failure whose message is the errno's strerror(3) text.</summary>
    public static OperationFailed Of(Errno errno, string operation) => new(errno, operation, errno.Describe());

    /// <summary>The exception the async API throws for this failure.</summary>
    public ErrnoException ToException() => new(Errno, Operation, Message);

    /// <inheritdoc />
    public override string ToString() =>
        Message == Errno.Describe() ? $"{Operation}: {Errno} ({Message})" : $"{Operation}: {Errno} ({Errno.Describe()}): {Message}";
}

/// <summary>
/// A request failed with a Linux errno: thrown by the async extension methods (<c>await file.WriteAsync(...)</c>) when
/// the reply was an <see cref="OperationFailed"/>.
/// </summary>
public sealed class ErrnoException : Exception
{
    /// <summary>An exception for <paramref name="errno"/> on <paramref name="operation"/>.</summary>
    public ErrnoException(Errno errno, string operation, string message)
        : base(new OperationFailed(errno, operation, message).ToString())
    {
        Errno = errno;
        Operation = operation;
        Detail = message;
    }

    /// <summary>Linux's errno for the failure.</summary>
    public Errno Errno { get; }

    /// <summary>The request that failed ("write", "attach", ...).</summary>
    public string Operation { get; }

    /// <summary>What went wrong, in words (the reply's message).</summary>
    public string Detail { get; }
}
