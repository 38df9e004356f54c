// Packages: a program that uses NetSim as a user who installed it from NuGet does (see run.sh).
using NetSim.Actors;
using NetSim.Protocol;
using NetSim.Scenario;

using var sim = NetSimSystem.Create();
var host = sim.AddHost("h1");
var file = sim.OpenDevice(host);
var nic = await file.AttachAsync("tap0", TunFlags.Tap | TunFlags.NoPacketInfo);
Console.WriteLine($"attached {nic.Name}, MAC {nic.Mac}, MTU {nic.Mtu}");
try { await file.WriteAsync(new byte[nic.Mtu + 100]); }
catch (ErrnoException e) { Console.WriteLine($"oversized write: {e.Errno}"); }

// The scenario library from its package: load a two-host file and check it.
var path = Path.Combine(Path.GetTempPath(), $"netsim-packages-{Environment.ProcessId}.conf");
File.WriteAllText(path, """
    hosts {
      a { nics { eth0 { type = tun, addresses = ["10.0.0.1/24"] } } }
      b { nics { eth0 { type = tun, addresses = ["10.0.0.2/24"] } } }
    }
    links { l1 { a = "a.eth0", b = "b.eth0", delay = 5ms } }
    """);
var loaded = ScenarioLoader.Load(path);
File.Delete(path);
Console.WriteLine(loaded.Errors.IsEmpty ? $"scenario ok: {loaded.Scenario!.Hosts.Length} hosts" : $"scenario errors: {string.Join("; ", loaded.Errors)}");
