using System.Runtime.InteropServices;

namespace NetSim.Bridge.Kernel;

/// <summary>
/// The few libc calls a kernel TUN/TAP device needs (Linux, x86-64 and arm64 values). Errors come back as -1 with
/// errno in <see cref="Marshal.GetLastPInvokeError"/>, which <see cref="Errno"/> reads.
/// </summary>
internal static unsafe partial class LibC
{
    public const int O_RDONLY = 0, O_RDWR = 2, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000;
    public const int CLONE_NEWNET = 0x40000000;
    public const short POLLIN = 0x1, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20;
    public const int EFD_CLOEXEC = 0x80000, EFD_NONBLOCK = 0x800;
    public const int EINTR = 4, EAGAIN = 11, EBUSY = 16, EEXIST = 17, EINVAL = 22, EPERM = 1, ENOENT = 2;

    /// <summary>TUNSETIFF = _IOW('T', 202, int).</summary>
    public const ulong TUNSETIFF = 0x400454ca;

    /// <summary>IFNAMSIZ: 15 characters and the terminating zero.</summary>
    public const int IFNAMSIZ = 16;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    /// <summary>struct ifreq as TUNSETIFF reads it: the name, then the flags (the rest of the union is unused).</summary>
    [StructLayout(LayoutKind.Sequential, Size = 40)]
    public struct IfReq
    {
        public fixed byte Name[IFNAMSIZ];
        public ushort Flags;
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, ulong request, IfReq* argument);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, ulong count, int timeoutMs);

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    public static partial int SetNs(int fd, int nstype);

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initial, int flags);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint GetEuid();

    public static int Errno => Marshal.GetLastPInvokeError();

    /// <summary>The errno's symbolic name and text, e.g. "EBUSY (Device or resource busy)".</summary>
    public static string Describe(int errno) => $"{Name(errno)} ({Marshal.GetPInvokeErrorMessage(errno)})";

    /// <summary>The symbolic name of the errnos a bridge meets, for counters ("write:EIO") and messages.</summary>
    public static string Name(int errno) => errno switch
    {
        1 => "EPERM", 2 => "ENOENT", 5 => "EIO", 9 => "EBADF", 11 => "EAGAIN", 13 => "EACCES", 14 => "EFAULT", 16 => "EBUSY",
        17 => "EEXIST", 19 => "ENODEV", 22 => "EINVAL", 77 => "EBADFD", 90 => "EMSGSIZE", 95 => "EOPNOTSUPP", 105 => "ENOBUFS",
        _ => "errno" + errno,
    };
}
