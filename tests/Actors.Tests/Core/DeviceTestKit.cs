using Akka.Actor;
using Akka.Configuration;
using NetSim.Actors;
using NetSim.Protocol;
using NetSim.Protocol.Device;
using NetSim.Protocol.Nic;
using NetSim.Protocol.Stack;

namespace NetSim.Actors.Tests.Core;

/// <summary>A TestKit with NetSim's defaults and helpers that speak the device protocol.</summary>
public abstract class DeviceTestKit(Config? overrides = null)
    : Akka.TestKit.Xunit2.TestKit(overrides is null ? NetSimConfig.Default : NetSimConfig.With(overrides))
{
    private int _hosts;

    protected IActorRef NewHost() => Sys.ActorOf(NetSim.Actors.Stack.StackActor.Props("h" + ++_hosts));

    protected IActorRef Open(IActorRef host, bool netAdmin = true) => Sys.ActorOf(NetSim.Actors.Device.DeviceActor.Props(host, netAdmin));

    protected Attached Attach(IActorRef file, string name, TunFlags flags)
    {
        file.Tell(new Attach(name, flags), TestActor);
        return ExpectMsg<Attached>();
    }

    protected Errno ExpectErrno(IActorRef file, object request)
    {
        file.Tell(request, TestActor);
        return ExpectMsg<OperationFailed>().Errno;
    }

    protected NicInfo Lookup(IActorRef host, string name)
    {
        host.Tell(new LookupNic(name), TestActor);
        return ExpectMsg<NicInfo>();
    }

    protected NicCounters Counters(IActorRef host, string name)
    {
        Lookup(host, name).Nic.Tell(GetNicCounters.Instance, TestActor);
        return ExpectMsg<NicCounters>();
    }

    /// <summary>Asks the stack to send <paramref name="frame"/> out of NIC <paramref name="nicId"/> and waits for its <see cref="FrameSent"/>.</summary>
    protected void SendOut(IActorRef host, int nicId, ushort protocol, ReadOnlyMemory<byte> frame, Protocol.Wire.MacAddress? destination = null)
    {
        host.Tell(new SendFrame(nicId, protocol, frame, destination), TestActor);
        ExpectMsg<FrameSent>(f => f.NicId == nicId);
    }

    protected Packet ReadOne(IActorRef file)
    {
        file.Tell(Read.Instance, TestActor);
        return ExpectMsg<Packet>();
    }

    /// <summary>An IPv4 header plus <paramref name="payload"/> bytes; enough for the device layer, which reads only the version nibble.</summary>
    protected static byte[] Ipv4(int payload = 8, byte marker = 0)
    {
        var p = new byte[20 + payload];
        p[0] = 0x45;
        p[3] = (byte)p.Length;
        p[8] = 64;
        p[9] = 17;
        if (payload > 0) p[20] = marker;
        return p;
    }
}
