using Microsoft.Win32.SafeHandles;

namespace NetSim.Bridge.Kernel;

/// <summary>A TUN/TAP device could not be opened or configured; the message is meant for a person.</summary>
public sealed class KernelSetupException(string message) : Exception(message);

/// <summary>
/// One real Linux TUN or TAP device, opened on /dev/net/tun with TUNSETIFF (IFF_NO_PI, IFF_TUN_EXCL) and owned by
/// this process: the device exists exactly as long as the file descriptor is open (it is not made persistent), so
/// the kernel removes it when the process ends, however it ends. Reads and writes are non-blocking; a reader waits in
/// <see cref="WaitReadable"/>, which <see cref="Wake"/> interrupts (an eventfd), so closing never races a blocked read.
/// </summary>
public sealed unsafe class KernelTunDevice : IDisposable
{
    private const ushort IffTun = 0x0001, IffTap = 0x0002, IffNoPi = 0x1000, IffTunExcl = 0x8000;
    private readonly SafeFileHandle _fd;
    private readonly SafeFileHandle _wake;

    public string Name { get; }
    public bool IsTap { get; }
    /// <summary>The network namespace the device lives in (null: this process's own).</summary>
    public string? Netns { get; }

    private KernelTunDevice(SafeFileHandle fd, SafeFileHandle wake, string name, bool isTap, string? netns)
    {
        _fd = fd;
        _wake = wake;
        Name = name;
        IsTap = isTap;
        Netns = netns;
    }

    /// <summary>Longest interface name Linux accepts (IFNAMSIZ - 1).</summary>
    public const int MaxNameLength = LibC.IFNAMSIZ - 1;

    /// <summary>
    /// Creates the device <paramref name="name"/>, inside the named network namespace when <paramref name="netns"/>
    /// is given (setns(2) on a thread of its own, which then returns to this process's namespace). Fails, leaving
    /// nothing behind, when the name is taken there (any kind of interface) or the kernel refuses.
    /// </summary>
    public static KernelTunDevice Create(string name, bool isTap, string? netns)
    {
        if (name.Length is 0 or > MaxNameLength) throw new KernelSetupException($"device name '{name}' must be 1 to {MaxNameLength} characters");
        KernelTunDevice? device = null;
        Exception? failure = null;
        // The namespace a tun device joins is the one of the thread that opens /dev/net/tun: do that on a thread of
        // our own, so no runtime thread ever changes namespace.
        var opener = new Thread(() =>
        {
            try { device = OpenOnThisThread(name, isTap, netns); }
            catch (Exception e) { failure = e; }
        }) { IsBackground = true, Name = "netsim-tun-open" };
        opener.Start();
        opener.Join();
        if (failure is not null) throw failure is KernelSetupException ? failure : new KernelSetupException(failure.Message);
        return device!;
    }

    private static KernelTunDevice OpenOnThisThread(string name, bool isTap, string? netns)
    {
        int home = -1, target = -1;
        try
        {
            if (netns is not null)
            {
                home = LibC.Open("/proc/thread-self/ns/net", LibC.O_RDONLY | LibC.O_CLOEXEC);
                if (home < 0) throw new KernelSetupException($"cannot open this thread's network namespace: {LibC.Describe(LibC.Errno)}");
                target = LibC.Open(NetworkNamespaces.PathOf(netns), LibC.O_RDONLY | LibC.O_CLOEXEC);
                if (target < 0) throw new KernelSetupException($"network namespace '{netns}' cannot be opened: {LibC.Describe(LibC.Errno)}");
                if (LibC.SetNs(target, LibC.CLONE_NEWNET) < 0) throw new KernelSetupException($"cannot enter network namespace '{netns}': {LibC.Describe(LibC.Errno)}");
            }
            var fd = LibC.Open("/dev/net/tun", LibC.O_RDWR | LibC.O_NONBLOCK | LibC.O_CLOEXEC);
            if (fd < 0) throw new KernelSetupException($"cannot open /dev/net/tun: {LibC.Describe(LibC.Errno)}");
            var handle = new SafeFileHandle(fd, ownsHandle: true);
            var request = default(LibC.IfReq);
            var bytes = System.Text.Encoding.ASCII.GetBytes(name);
            for (var i = 0; i < bytes.Length; i++) request.Name[i] = bytes[i];
            request.Flags = (ushort)((isTap ? IffTap : IffTun) | IffNoPi | IffTunExcl);
            if (LibC.Ioctl(fd, LibC.TUNSETIFF, &request) < 0)
            {
                var errno = LibC.Errno;
                handle.Dispose();
                var where = netns is null ? "" : $" in network namespace '{netns}'";
                throw new KernelSetupException(errno == LibC.EBUSY || errno == LibC.EEXIST
                    ? $"device '{name}' already exists{where}"
                    : $"TUNSETIFF {name}{where} failed: {LibC.Describe(errno)}");
            }
            var wake = LibC.EventFd(0, LibC.EFD_NONBLOCK | LibC.EFD_CLOEXEC);
            if (wake < 0)
            {
                var errno = LibC.Errno;
                handle.Dispose();
                throw new KernelSetupException($"eventfd failed: {LibC.Describe(errno)}");
            }
            return new KernelTunDevice(handle, new SafeFileHandle(wake, ownsHandle: true), name, isTap, netns);
        }
        finally
        {
            if (home >= 0)
            {
                // Back home; a thread that cannot return must not live on in the wrong namespace.
                if (LibC.SetNs(home, LibC.CLONE_NEWNET) < 0) Environment.FailFast("netsim: cannot return a thread to its network namespace");
                LibC.Close(home);
            }
            if (target >= 0) LibC.Close(target);
        }
    }

    /// <summary>Reads one frame into <paramref name="buffer"/>: its length, 0 when none is waiting (EAGAIN), or -errno.</summary>
    public int Read(Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            var n = LibC.Read(Fd, p, buffer.Length);
            if (n >= 0) return (int)n;
            var errno = LibC.Errno;
            return errno == LibC.EAGAIN ? 0 : -errno;
        }
    }

    /// <summary>Writes one frame: 0 on success, else the errno (EIO while the device is down, EINVAL for a bad packet ...).</summary>
    public int Write(ReadOnlySpan<byte> frame)
    {
        fixed (byte* p = frame)
        {
            while (true)
            {
                var n = LibC.Write(Fd, p, frame.Length);
                if (n >= 0) return 0;
                var errno = LibC.Errno;
                if (errno != LibC.EINTR) return errno;
            }
        }
    }

    /// <summary>Waits until a frame can be read (true) or <see cref="Wake"/> was called (false).</summary>
    public bool WaitReadable()
    {
        var fds = stackalloc LibC.PollFd[2];
        fds[0] = new LibC.PollFd { Fd = Fd, Events = LibC.POLLIN };
        fds[1] = new LibC.PollFd { Fd = (int)_wake.DangerousGetHandle(), Events = LibC.POLLIN };
        while (true)
        {
            var n = LibC.Poll(fds, 2, -1);
            if (n < 0 && LibC.Errno == LibC.EINTR) continue;
            if (n < 0) return false;
            if (fds[1].Revents != 0) return false;
            if ((fds[0].Revents & (LibC.POLLERR | LibC.POLLHUP | LibC.POLLNVAL)) != 0) return false;
            if ((fds[0].Revents & LibC.POLLIN) != 0) return true;
        }
    }

    /// <summary>Makes <see cref="WaitReadable"/> return false, now and from now on.</summary>
    public void Wake()
    {
        if (_wake.IsClosed) return;
        ulong one = 1;
        LibC.Write((int)_wake.DangerousGetHandle(), (byte*)&one, sizeof(ulong));
    }

    private int Fd => (int)_fd.DangerousGetHandle();

    /// <summary>Closes the device: the kernel removes the interface, its addresses and its routes.</summary>
    public void Dispose()
    {
        Wake();
        _fd.Dispose();
        _wake.Dispose();
    }
}
