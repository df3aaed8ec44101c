using PsContainers.Core.Kube;

namespace PsContainers.Core.Tests.Kube;

/// <summary><see cref="KubeNames"/>: the apimachinery rules and the deterministic repairs.</summary>
public sealed class KubeNamesTests
{
    [Theory]
    [InlineData("web", true)]
    [InlineData("web-1", true)]
    [InlineData("1web", true)]
    [InlineData("Web", false)]
    [InlineData("web_1", false)]
    [InlineData("-web", false)]
    [InlineData("web-", false)]
    [InlineData("a.b", false)]
    [InlineData("", false)]
    public void DnsLabel(string s, bool ok) => Assert.Equal(ok, KubeNames.IsDnsLabel(s));

    [Fact]
    public void Lengths()
    {
        Assert.True(KubeNames.IsDnsLabel(new string('a', 63)));
        Assert.False(KubeNames.IsDnsLabel(new string('a', 64)));
        Assert.True(KubeNames.IsDnsSubdomain(new string('a', 63) + "." + new string('b', 63)));
        Assert.False(KubeNames.IsDnsSubdomain(new string('a', 254)));
        Assert.True(KubeNames.IsPortName("abcdefghijklmno"));
        Assert.False(KubeNames.IsPortName("abcdefghijklmnop"));
        Assert.False(KubeNames.IsPortName("8080"));
        Assert.False(KubeNames.IsPortName("a--b"));
        Assert.False(KubeNames.IsDns1035Label("9lives"));
    }

    [Theory]
    [InlineData("app", true)]
    [InlineData("example.com/tier", true)]
    [InlineData("Example.com/tier", false)]
    [InlineData("a/b/c", false)]
    [InlineData("/x", false)]
    [InlineData("x/", false)]
    [InlineData("my_key.v1", true)]
    [InlineData("bad key", false)]
    public void QualifiedName(string s, bool ok) => Assert.Equal(ok, KubeNames.IsQualifiedName(s));

    [Theory]
    [InlineData("My_Web.App", "my-web-app")]
    [InlineData("__x__", "x")]
    [InlineData("web", "web")]
    [InlineData("!!!", "x")]
    [InlineData("Ünïcode name", "n-code-name")]
    public void ToDnsLabel(string s, string expected) => Assert.Equal(expected, KubeNames.ToDnsLabel(s));

    [Fact]
    public void Repairs_AreValid_AndLongNamesKeepAHash()
    {
        string longName = new string('A', 40) + "_" + new string('b', 40);
        string label = KubeNames.ToDnsLabel(longName);
        Assert.True(KubeNames.IsDnsLabel(label));
        Assert.Equal(63, label.Length);
        Assert.EndsWith("-" + KubeNames.ShortHash(longName), label);
        Assert.NotEqual(label, KubeNames.ToDnsLabel(longName + "x"));
        Assert.Equal("data-vol.1", KubeNames.ToDnsSubdomain("Data_Vol.1"));
        Assert.Equal("svc-9lives", KubeNames.ToDns1035Label("9lives"));
        Assert.Equal("front-end", KubeNames.ToLabelValue("front end!"));
        Assert.Equal("example.com/tier-name", KubeNames.ToQualifiedName("Example.com/tier name"));
        Assert.Equal("http-main-port", KubeNames.ToPortName("HTTP_Main_Port_Long"));
        Assert.Equal("p-8080", KubeNames.ToPortName("8080"));
        foreach (var s in new[] { "x", "A B C", "--", "a..b", "9", new string('z', 300) })
        {
            Assert.True(KubeNames.IsDnsLabel(KubeNames.ToDnsLabel(s)), s);
            Assert.True(KubeNames.IsDnsSubdomain(KubeNames.ToDnsSubdomain(s)), s);
            Assert.True(KubeNames.IsDns1035Label(KubeNames.ToDns1035Label(s)), s);
            Assert.True(KubeNames.IsPortName(KubeNames.ToPortName(s)), s);
            Assert.True(KubeNames.IsLabelValue(KubeNames.ToLabelValue(s)), s);
            Assert.True(KubeNames.IsQualifiedName(KubeNames.ToQualifiedName(s)), s);
        }
    }

    [Fact]
    public void Scope_GivesTheSameNameToTheSameOriginal_AndSuffixesOthers()
    {
        var scope = new KubeNameScope();
        Assert.Equal("web-a", scope.Take("web-a", "web-a"));
        Assert.Equal("web-a-" + KubeNames.ShortHash("web_a"), scope.Take("web_a", "web-a"));
        Assert.Equal("web-a", scope.Take("web-a", "web-a"));
        var ports = new KubeNameScope(KubeNames.MaxPortNameLength);
        ports.Take("1", "tcp-8080-abcdef");
        string second = ports.Take("2", "tcp-8080-abcdef");
        Assert.True(KubeNames.IsPortName(second), second);
    }
}
