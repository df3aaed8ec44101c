using System.Security.Cryptography;
using System.Text;
using PsContainers.Core.Build;

namespace PsContainers.Core.Tests.BuildFrontend;

/// <summary>Build cache keys: stable, each input changes the key, nothing else does.</summary>
public sealed class BuildCacheKeyTests
{
    private const string Parent = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    private const string Text = "{\"keyword\":\"RUN\"}";

    [Fact]
    public void IsTheDocumentedEncoding()
    {
        // recompute by the documented recipe: every field as a big-endian int32 length and UTF-8 bytes (-1 = absent)
        static byte[] F(string? s)
        {
            if (s is null) return [0xff, 0xff, 0xff, 0xff];
            var b = Encoding.UTF8.GetBytes(s);
            return [(byte)(b.Length >> 24), (byte)(b.Length >> 16), (byte)(b.Length >> 8), (byte)b.Length, .. b];
        }
        byte[] all = [.. F("psc-build-cache-v1"), .. F(Parent), .. F(Text), .. F("2"), .. F("A=1"), .. F("B=2"), .. F(null)];
        string expected = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(all));
        Assert.Equal(expected, BuildCacheKey.Compute(Parent, Text, ["B=2", "A=1"]));
        Assert.Matches("^sha256:[0-9a-f]{64}$", expected);
    }

    [Fact]
    public void StableAcrossCalls() =>
        Assert.Equal(BuildCacheKey.Compute(Parent, Text, ["A=1"], "sha256:c"), BuildCacheKey.Compute(Parent, Text, ["A=1"], "sha256:c"));

    [Fact]
    public void EachInputChangesTheKey()
    {
        string k = BuildCacheKey.Compute(Parent, Text, ["A=1"], "sha256:c");
        var others = new[]
        {
            BuildCacheKey.Compute(Parent.Replace('1', '2'), Text, ["A=1"], "sha256:c"),
            BuildCacheKey.Compute(Parent, Text + " ", ["A=1"], "sha256:c"),
            BuildCacheKey.Compute(Parent, Text, ["A=2"], "sha256:c"),
            BuildCacheKey.Compute(Parent, Text, ["A=1", "B="], "sha256:c"),
            BuildCacheKey.Compute(Parent, Text, [], "sha256:c"),
            BuildCacheKey.Compute(Parent, Text, ["A=1"], "sha256:d"),
            BuildCacheKey.Compute(Parent, Text, ["A=1"], ""),
            BuildCacheKey.Compute(Parent, Text, ["A=1"]),
        };
        Assert.All(others, o => Assert.NotEqual(k, o));
        Assert.Equal(others.Length, others.Distinct().Count());
        Assert.NotEqual(BuildCacheKey.Compute(Parent, Text, ["A=1"], ""), BuildCacheKey.Compute(Parent, Text, ["A=1"], null));
    }

    [Fact]
    public void FieldBoundariesCannotBeShifted()
    {
        Assert.NotEqual(BuildCacheKey.Compute("ab", "c", []), BuildCacheKey.Compute("a", "bc", []));
        Assert.NotEqual(BuildCacheKey.Compute("p", "t", ["A=1B=2"]), BuildCacheKey.Compute("p", "t", ["A=1", "B=2"]));
    }

    [Fact]
    public void ArgOrderDoesNotMatter() =>
        Assert.Equal(BuildCacheKey.Compute(Parent, Text, ["A=1", "B=2"]), BuildCacheKey.Compute(Parent, Text, ["B=2", "A=1"]));

    private static DockerfileInstruction At(string dockerfile, int index) => DockerfileParser.Parse(dockerfile, "Dockerfile").Instructions[index];

    [Fact]
    public void InstructionTextIgnoresLinesAndFilesButNotMeaning()
    {
        string a = BuildCacheKey.InstructionText(At("FROM a\nRUN apk add x", 1), null);
        Assert.Equal(a, BuildCacheKey.InstructionText(At("FROM a\n\n\n# c\nRUN apk add x", 1), null));
        Assert.Equal(a, BuildCacheKey.InstructionText(DockerfileParser.Parse("FROM b\nRUN apk add x", "Other").Instructions[1], null));
        Assert.Equal(a, BuildCacheKey.InstructionText(At("FROM a\nrun apk \\\nadd x", 1), null));
        Assert.Equal("{\"keyword\":\"RUN\",\"flags\":[],\"argv\":[\"/bin/sh\",\"-c\",\"apk add x\"],\"mounts\":[],\"network\":null,\"security\":null,\"heredocs\":[]}", a);
        // what the step does changes the text
        Assert.NotEqual(a, BuildCacheKey.InstructionText(At("FROM a\nRUN apk add y", 1), null));
        Assert.NotEqual(a, BuildCacheKey.InstructionText(At("FROM a\nRUN apk add x", 1), ["/bin/bash", "-c"]));
        Assert.NotEqual(a, BuildCacheKey.InstructionText(At("FROM a\nRUN --network=none apk add x", 1), null));
        // the exec form of the very same argv runs the same thing
        Assert.Equal(a, BuildCacheKey.InstructionText(At("FROM a\nRUN [\"/bin/sh\", \"-c\", \"apk add x\"]", 1), null));
        Assert.NotEqual(
            BuildCacheKey.InstructionText(At("FROM a\nRUN <<EOF\none\nEOF", 1), null),
            BuildCacheKey.InstructionText(At("FROM a\nRUN <<EOF\ntwo\nEOF", 1), null));
        Assert.NotEqual(
            BuildCacheKey.InstructionText(At("FROM a\nCOPY <<EOF /f\none\nEOF", 1), null),
            BuildCacheKey.InstructionText(At("FROM a\nCOPY <<EOF /f\ntwo\nEOF", 1), null));
        Assert.NotEqual(
            BuildCacheKey.InstructionText(At("FROM a\nCOPY --chown=1 a /b", 1), null),
            BuildCacheKey.InstructionText(At("FROM a\nCOPY --chown=2 a /b", 1), null));
        Assert.NotEqual(
            BuildCacheKey.InstructionText(At("FROM a\nCOPY a /b", 1), null),
            BuildCacheKey.InstructionText(At("FROM a\nADD a /b", 1), null));
    }

    [Fact]
    public void ExpandedWordsAreWhatCounts()
    {
        var i = At("FROM a\nCOPY $SRC /dst", 1);
        string one = BuildCacheKey.InstructionText(i.Expand(new Dictionary<string, string> { ["SRC"] = "one" }), null);
        string two = BuildCacheKey.InstructionText(i.Expand(new Dictionary<string, string> { ["SRC"] = "two" }), null);
        Assert.NotEqual(one, two);
        Assert.Equal(one, BuildCacheKey.InstructionText(At("FROM a\nCOPY one /dst", 1).Expand(new Dictionary<string, string>()), null));
        var env = At("FROM a\nENV A=$X", 1);
        Assert.NotEqual(
            BuildCacheKey.InstructionText(env.Expand(new Dictionary<string, string> { ["X"] = "1" }), null),
            BuildCacheKey.InstructionText(env.Expand(new Dictionary<string, string> { ["X"] = "2" }), null));
    }
}
