using Xunit;

namespace NetSim.Actors.Tests.Core;

/// <summary>The repository stands alone: its design is docs/design.md, and nothing points outside it.</summary>
public sealed class RepositoryDocsTests
{
    [Fact]
    public void No_file_points_at_a_design_outside_the_repository()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "NetSim.sln"))) root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("no NetSim.sln above the test binaries");
        Assert.True(File.Exists(Path.Combine(root, "docs", "design.md")));
        var outside = ".." + "/shared";   // split so this file does not match itself
        var skip = new[] { "/bin/", "/obj/", "/.git/", "/artifacts/" };
        var offenders = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => !skip.Any(s => f.Replace('\\', '/').Contains(s, StringComparison.Ordinal)))
            .Where(f => Path.GetExtension(f) is ".cs" or ".md" or ".conf" or ".csproj" or ".props" or ".sh" or "")
            .Where(f => File.ReadAllText(f).Contains(outside, StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(root, f)).ToList();
        Assert.Empty(offenders);
    }
}
