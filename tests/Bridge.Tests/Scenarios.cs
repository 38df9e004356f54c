namespace NetSim.Bridge.Tests;

/// <summary>Scenario texts for the bridge tests; every name of a kernel object is unique per test.</summary>
public static class Scenarios
{
    /// <summary>
    /// The kernel namespace <paramref name="netns"/> (device <paramref name="device"/>, 10.9.0.1) joined by a TUN
    /// bridge to the simulated router r1 (10.9.0.2), which reaches host h2 (10.0.2.2) over a link of
    /// <paramref name="delay"/> each way.
    /// </summary>
    public static string Router(string netns, string device, string duration, string delay = "0ms", string? script = null, string extraBridge = "") => $$"""
        seed = 1
        duration = {{duration}}
        hosts {
          r1 {
            forwarding = on
            nics {
              eth0 { type = tun, addresses = ["10.9.0.2/24"] }
              eth1 { type = tun, addresses = ["10.0.2.1/24"] }
            }
          }
          h2 {
            nics { eth0 { type = tun, addresses = ["10.0.2.2/24"] } }
            routes = [ { to = "0.0.0.0/0", dev = eth0 } ]
          }
        }
        links { wan { a = "r1.eth1", b = "h2.eth0", delay = {{delay}} } }
        bridges {
          k {
            kernel-device = "{{device}}"
            type = tun
            attach = "r1.eth0"
            netns = "{{netns}}"
            create-netns = yes
            addresses = ["10.9.0.1/24"]
            routes = [ { to = "10.0.0.0/16", via = "10.9.0.2" } ]
            capture = on
            {{extraBridge}}
          }
        }
        {{(script is null ? "" : "script = " + script)}}
        """;

    /// <summary>A TAP bridge from <paramref name="netns"/> (10.9.1.1) onto switch sw with simulated hosts h1 (10.9.1.2) and h3 (10.9.1.3).</summary>
    public static string Lan(string netns, string device, string duration) => $$"""
        seed = 1
        duration = {{duration}}
        hosts {
          h1 { nics { eth0 { type = tap, addresses = ["10.9.1.2/24"] } } }
          h3 { nics { eth0 { type = tap, addresses = ["10.9.1.3/24"] } } }
        }
        switches { sw { ports = ["h1.eth0", "h3.eth0"] } }
        bridges {
          lan {
            kernel-device = "{{device}}"
            type = tap
            attach = sw
            netns = "{{netns}}"
            create-netns = yes
            addresses = ["10.9.1.1/24"]
          }
        }
        """;
}
