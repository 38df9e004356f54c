namespace NetSim.Scenario; internal static class Placeholder { }
