namespace NetSim.Scenario.Running;

/// <summary>
/// Actor names derived from scenario names. Parts are joined with '-' after doubling every '-' inside a part, so
/// the mapping is one-to-one: host <c>a-b</c> + NIC <c>c</c> gives <c>file-a--b-c</c>, host <c>a</c> + NIC
/// <c>b-c</c> gives <c>file-a-b--c</c> (plain concatenation would give <c>file-a-b-c</c> twice and Akka would
/// refuse the second actor).
/// </summary>
internal static class ActorNames
{
    /// <summary>The name of the actor of kind <paramref name="kind"/> for the scenario names <paramref name="parts"/>.</summary>
    public static string Of(string kind, params string[] parts) =>
        kind + "-" + string.Join("-", parts.Select(p => p.Replace("-", "--", StringComparison.Ordinal)));
}
