using PsContainers.Core.Compose;

namespace PsContainers.Core.Tests.Compose;

/// <summary>The dotenv grammar (compose-go dotenv): quoting, comments, export, expansion order, errors with file:line.</summary>
public class DotEnvFileTests
{
    private static OrderedDictionary<string, string> Parse(string text, Dictionary<string, string>? outer = null) =>
        DotEnvFile.Parse(text, ".env", outer is null ? null : n => outer.TryGetValue(n, out var v) ? v : null);

    [Fact]
    public void ReadsTheQuotingRules()
    {
        var env = Parse("""
            # a comment
            PLAIN=hello world   
            COMMENTED=value # trailing comment
            HASH=a#b
            export EXPORTED=yes
            SINGLE='abc$def # not a comment'
            DOUBLE="abc$def"
            ESCAPES="line1\nline2\t\"q\" \\ \$HOME"
            MULTI="first
            second"
            EMPTY=
            QUOTED_EMPTY=""
            SPACED = spaced
            COLON: yaml style
            """);
        Assert.Equal("hello world", env["PLAIN"]);
        Assert.Equal("value", env["COMMENTED"]);
        Assert.Equal("a#b", env["HASH"]);
        Assert.Equal("yes", env["EXPORTED"]);
        Assert.Equal("abc$def # not a comment", env["SINGLE"]);
        Assert.Equal("abc", env["DOUBLE"]); // docker/compose#11058: $def is expanded (unset)
        Assert.Equal("line1\nline2\t\"q\" \\ $HOME", env["ESCAPES"]);
        Assert.Equal("first\nsecond", env["MULTI"]);
        Assert.Equal("", env["EMPTY"]);
        Assert.Equal("", env["QUOTED_EMPTY"]);
        Assert.Equal("spaced", env["SPACED"]);
        Assert.Equal("yaml style", env["COLON"]);
    }

    [Fact]
    public void ExpandsFromTheOuterEnvironmentFirstThenEarlierKeys()
    {
        var env = Parse("""
            A=file-a
            B=${A}-b
            C=$HOST_ONLY/${A}
            D='${A}'
            E=${UNSET:-fallback}
            """, new() { ["A"] = "outer-a", ["HOST_ONLY"] = "h" });
        Assert.Equal("file-a", env["A"]);
        Assert.Equal("outer-a-b", env["B"]);
        Assert.Equal("h/outer-a", env["C"]);
        Assert.Equal("${A}", env["D"]);
        Assert.Equal("fallback", env["E"]);
    }

    [Fact]
    public void EarlierKeysFeedLaterOnesWithoutOuterValue()
    {
        var env = Parse("BASE=/srv\nDATA=${BASE}/data\n");
        Assert.Equal("/srv/data", env["DATA"]);
    }

    [Fact]
    public void ABareKeyInheritsOrIsLeftOut()
    {
        var env = Parse("INHERITED\nMISSING\n", new() { ["INHERITED"] = "from-host" });
        Assert.Equal("from-host", env["INHERITED"]);
        Assert.False(env.ContainsKey("MISSING"));
    }

    [Fact]
    public void ABomAndCrLfAreAccepted()
    {
        var env = Parse("\uFEFFA=1\r\nB=2\r\n");
        Assert.Equal("1", env["A"]);
        Assert.Equal("2", env["B"]);
    }

    [Fact]
    public void ErrorsNameFileAndLine()
    {
        var e = Assert.Throws<PscException>(() => Parse("A=1\nB=\"open\nC=3\n"));
        Assert.Equal(ErrorIds.EnvFileInvalid, e.ErrorId);
        Assert.StartsWith(".env:2:", e.Message);
        var bad = Assert.Throws<PscException>(() => Parse("A=1\n\nBAD KEY=2\n"));
        Assert.Equal(ErrorIds.EnvFileInvalid, bad.ErrorId);
        Assert.StartsWith(".env:3:", bad.Message);
        var req = Assert.Throws<InvalidArgumentException>(() => Parse("X=${NOPE:?set NOPE}\n"));
        Assert.StartsWith(".env:1", req.Message);
    }

    [Fact]
    public void AMissingFileIsNotFound()
    {
        var e = Assert.Throws<ResourceNotFoundException>(() => DotEnvFile.Read("/nonexistent/.env"));
        Assert.Equal(ErrorIds.EnvFileNotFound, e.ErrorId);
    }
}
