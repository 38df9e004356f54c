namespace NetSim.Protocol;

/// <summary>
/// Linux errno values returned by the simulated device API (asm-generic/errno-base.h and errno.h).
/// The numbers are Linux's so that a test written against the real /dev/net/tun reads the same here.
/// </summary>
public enum Errno
{
    /// <summary>No error.</summary>
    None = 0,
    /// <summary>Operation not permitted: Attach without the NET_ADMIN capability.</summary>
    EPERM = 1,
    /// <summary>I/O error: Write after the NIC was removed from the stack.</summary>
    EIO = 5,
    /// <summary>Bad file descriptor: a blocked Read whose file was closed under it.</summary>
    EBADF = 9,
    /// <summary>Bad address: a blocked Read whose NIC was removed (Linux's tun_ring_recv after the device went away).</summary>
    EFAULT = 14,
    /// <summary>Try again: Read on an empty queue (EWOULDBLOCK has the same value).</summary>
    EAGAIN = 11,
    /// <summary>File exists: Attach with TUN_EXCL to a name in use.</summary>
    EEXIST = 17,
    /// <summary>Invalid argument: bad flags, a second Attach, a zero-length Write.</summary>
    EINVAL = 22,
    /// <summary>File descriptor in bad state: Write or Read on an unattached file.</summary>
    EBADFD = 77,
    /// <summary>Message too long: Write longer than the MTU plus headers.</summary>
    EMSGSIZE = 90,
    /// <summary>Operation not supported: Attach by the name of a NIC that is not a tun/tap NIC.</summary>
    EOPNOTSUPP = 95,
    /// <summary>Network is unreachable: no route to the destination.</summary>
    ENETUNREACH = 101,
    /// <summary>No route to host: the neighbour never answered.</summary>
    EHOSTUNREACH = 113,
    /// <summary>Connection refused: ICMP port unreachable came back for a UDP send.</summary>
    ECONNREFUSED = 111,
    /// <summary>Address already in use: a UDP port bound twice.</summary>
    EADDRINUSE = 98,
    /// <summary>No such device: a NIC name or ID the stack does not know.</summary>
    ENODEV = 19,
}

/// <summary>Helpers for <see cref="Errno"/>.</summary>
public static class ErrnoExtensions
{
    /// <summary>EWOULDBLOCK is EAGAIN on Linux.</summary>
    public const Errno EWOULDBLOCK = Errno.EAGAIN;

    /// <summary>The strerror(3) text for an errno, for messages meant for people.</summary>
    public static string Describe(this Errno errno) => errno switch
    {
        Errno.None => "Success",
        Errno.EPERM => "Operation not permitted",
        Errno.EIO => "Input/output error",
        Errno.EBADF => "Bad file descriptor",
        Errno.EFAULT => "Bad address",
        Errno.EAGAIN => "Resource temporarily unavailable",
        Errno.EEXIST => "File exists",
        Errno.EINVAL => "Invalid argument",
        Errno.EBADFD => "File descriptor in bad state",
        Errno.EMSGSIZE => "Message too long",
        Errno.EOPNOTSUPP => "Operation not supported",
        Errno.ENETUNREACH => "Network is unreachable",
        Errno.EHOSTUNREACH => "No route to host",
        Errno.ECONNREFUSED => "Connection refused",
        Errno.EADDRINUSE => "Address already in use",
        Errno.ENODEV => "No such device",
        _ => $"Unknown error {(int)errno}",
    };
}
