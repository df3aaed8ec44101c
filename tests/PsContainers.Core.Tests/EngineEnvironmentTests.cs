using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace PsContainers.Core.Tests;

/// <summary>
/// <see cref="EngineEnvironment"/> is the one place the engine reads its PSCONTAINERS_* variables: no other source of
/// Core or the cmdlets names one, every name is in its table, and the values are read as documented. Nothing here sets
/// a variable another test reads (the tests run in parallel).
/// </summary>
public class EngineEnvironmentTests
{
    private static string RepoRoot([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", ".."));

    private static readonly Regex VariableLiteral = new(@"""(PSCONTAINERS_[A-Z_]+)""", RegexOptions.Compiled);

    [Fact]
    public void No_other_engine_or_cmdlet_source_reads_a_PSCONTAINERS_variable_by_its_literal_name()
    {
        var offenders = new List<string>();
        int files = 0;
        foreach (var project in new[] { "src/PsContainers.Core", "src/PsContainers" })
        {
            var dir = Path.Combine(RepoRoot(), project);
            Assert.True(Directory.Exists(dir), $"{dir} is missing: the test cannot see the sources");
            foreach (var f in Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories))
            {
                string rel = Path.GetRelativePath(RepoRoot(), f);
                if (rel.Contains("/obj/") || rel.Contains("/bin/")) continue;
                files++;
                if (rel.EndsWith("/EngineEnvironment.cs", StringComparison.Ordinal)) continue;
                foreach (Match m in VariableLiteral.Matches(File.ReadAllText(f))) offenders.Add($"{rel}: {m.Groups[1].Value}");
            }
        }
        Assert.True(files > 100, $"only {files} sources found");
        Assert.Empty(offenders);
    }

    [Fact]
    public void Every_variable_constant_is_listed_once_and_documented_in_the_table()
    {
        var constants = typeof(EngineEnvironment).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name.EndsWith("Variable", StringComparison.Ordinal))
            .Select(f => (string)f.GetRawConstantValue()!).ToList();
        Assert.Equal(16, constants.Count);
        Assert.Equal(constants.Order(), EngineEnvironment.Names.Order());
        Assert.Equal(EngineEnvironment.Names.Count, EngineEnvironment.Names.Distinct().Count());
        string source = File.ReadAllText(Path.Combine(RepoRoot(), "src/PsContainers.Core/EngineEnvironment.cs"));
        foreach (var n in EngineEnvironment.Names)
        {
            Assert.StartsWith("PSCONTAINERS_", n);
            Assert.Contains($"<item><term>{n}</term>", source);
        }
        // the names the documentation and the tests use stay the same
        Assert.Equal("PSCONTAINERS_ROOT", PscPaths.RootVariable);
        Assert.Equal("PSCONTAINERS_INSECURE_REGISTRIES", PsContainers.Core.Registry.RegistryOptions.InsecureVariable);
    }

    [Fact]
    public void Unset_and_empty_are_both_not_given()
    {
        string name = "PSCONTAINERS_XUNIT_PROBE_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        Assert.Null(EngineEnvironment.Get(name));
        try
        {
            Environment.SetEnvironmentVariable(name, "value");
            Assert.Equal("value", EngineEnvironment.Get(name));
            Environment.SetEnvironmentVariable(name, "");
            Assert.Null(EngineEnvironment.Get(name));
        }
        finally { Environment.SetEnvironmentVariable(name, null); }
    }

    [Theory]
    [InlineData("0", 0L, 0L)]
    [InlineData(" 42 ", 1L, 42L)]
    [InlineData("0", 1L, null)]
    [InlineData("-1", 0L, null)]
    [InlineData("12MB", 0L, null)]
    [InlineData("1,000", 0L, null)]
    [InlineData("", 0L, null)]
    [InlineData(null, 0L, null)]
    [InlineData("99999999999999999999", 0L, null)]
    public void Counts_are_decimal_integers_at_or_above_their_minimum(string? text, long min, long? expected) =>
        Assert.Equal(expected, EngineEnvironment.Count(text, min));

    [Theory]
    [InlineData(null, "/pscontainers")]
    [InlineData("/pscontainers", "/pscontainers")]
    [InlineData("/machine.slice/pscontainers/", "/machine.slice/pscontainers")]
    [InlineData("//a//b", "/a/b")]
    [InlineData("/", "/")]
    public void The_cgroup_parent_is_an_absolute_cgroupfs_path(string? value, string expected) =>
        Assert.Equal(expected, EngineEnvironment.ParseCgroupParent(value));

    [Theory]
    [InlineData("pscontainers")]
    [InlineData("machine.slice:psc:x")]
    [InlineData("/a/../b")]
    [InlineData("/a/./b")]
    [InlineData("/a:b")]
    public void A_cgroup_parent_that_is_not_an_absolute_cgroupfs_path_is_refused_naming_the_variable(string value)
    {
        var e = Assert.Throws<ArgumentException>(() => EngineEnvironment.ParseCgroupParent(value));
        Assert.Contains("PSCONTAINERS_CGROUP_PARENT", e.Message);
        Assert.Contains(value, e.Message);
    }
}
