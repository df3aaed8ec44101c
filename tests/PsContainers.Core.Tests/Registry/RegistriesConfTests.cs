using PsContainers.Core.Images;
using PsContainers.Core.Registry;
using PsContainers.Core.Tests.Images;

namespace PsContainers.Core.Tests.Registry;

/// <summary>
/// registries.conf (containers-registries.conf(5) v2) as <see cref="RegistriesConf"/> reads it: search registries,
/// aliases, drop-ins, the errors of a malformed file, and podman's short-name candidates; and the local store
/// finding a short name under a search registry without any network.
/// </summary>
public sealed class RegistriesConfTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("psc-regconf-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static string[] Names(ShortNameResolution r) => r.Candidates.Select(c => c.ToString()).ToArray();

    [Fact]
    public void NothingConfiguredResolvesToDockerIo()
    {
        var conf = RegistriesConf.Load(Path.Combine(_dir, "absent.conf"));
        Assert.Empty(conf.UnqualifiedSearchRegistries);
        Assert.Empty(conf.Aliases);
        Assert.Equal(["docker.io/library/busybox:latest"], Names(conf.Resolve("busybox")));
        Assert.Equal(["docker.io/team/app:2"], Names(conf.Resolve("team/app:2")));
        Assert.Null(conf.Resolve("busybox").Alias);
    }

    [Fact]
    public void SearchRegistriesAreTriedInOrderWithTheTagOrDigest()
    {
        var conf = RegistriesConf.Parse("""
            # comment
            unqualified-search-registries = ["127.0.0.1:5000", "quay.io", "docker.io"]
            short-name-mode = "permissive"
            [[registry]]
            prefix = "docker.io"
            location = "mirror.example"
            """, "test.conf");
        Assert.Equal(["127.0.0.1:5000", "quay.io", "docker.io"], conf.UnqualifiedSearchRegistries);
        Assert.Equal("permissive", conf.ShortNameMode);
        Assert.Equal(["127.0.0.1:5000/busybox:latest", "quay.io/busybox:latest", "docker.io/library/busybox:latest"], Names(conf.Resolve("busybox")));
        Assert.Equal(["127.0.0.1:5000/team/app:2", "quay.io/team/app:2", "docker.io/team/app:2"], Names(conf.Resolve("team/app:2")));
        string digest = "sha256:" + new string('a', 64);
        Assert.Equal("127.0.0.1:5000/app@" + digest, conf.Resolve("app@" + digest).Candidates[0].ToString());
    }

    [Fact]
    public void AQualifiedNameIsItselfWhateverIsConfigured()
    {
        var conf = RegistriesConf.Parse("unqualified-search-registries = [\"quay.io\"]\n[aliases]\n\"app\" = \"quay.io/x/app\"", "t");
        Assert.Equal(["127.0.0.1:5000/app:1"], Names(conf.Resolve("127.0.0.1:5000/app:1")));
        Assert.Equal(["localhost/app:latest"], Names(conf.Resolve("localhost/app")));
        Assert.Equal(["docker.io/library/app:latest"], Names(conf.Resolve("docker.io/app")));
    }

    [Fact]
    public void AnAliasDecidesAloneAndKeepsTheTag()
    {
        var conf = RegistriesConf.Parse("""
            unqualified-search-registries = ["docker.io"]
            [aliases]
            "fedora" = "registry.fedoraproject.org/fedora"
            "team/app" = "127.0.0.1:5000/prod/app"
            """, "/etc/x.conf");
        var r = conf.Resolve("fedora:40");
        Assert.Equal(["registry.fedoraproject.org/fedora:40"], Names(r));
        Assert.Equal("registry.fedoraproject.org/fedora", r.Alias);
        Assert.Equal("/etc/x.conf", r.AliasSource);
        Assert.Equal(["127.0.0.1:5000/prod/app:latest"], Names(conf.Resolve("team/app")));
        Assert.Equal(["docker.io/library/fedorax:latest"], Names(conf.Resolve("fedorax")));
    }

    [Fact]
    public void DropInsReplaceTheSearchListAndAddAliasesInNameOrder()
    {
        string main = Path.Combine(_dir, "registries.conf");
        File.WriteAllText(main, "unqualified-search-registries = [\"quay.io\"]\n[aliases]\n\"a\" = \"quay.io/a\"\n\"b\" = \"quay.io/b\"\n");
        Directory.CreateDirectory(main + ".d");
        File.WriteAllText(Path.Combine(main + ".d", "20-b.conf"), "[aliases]\n\"b\" = \"ghcr.io/late/b\"\n");
        File.WriteAllText(Path.Combine(main + ".d", "10-a.conf"), "unqualified-search-registries = [\"127.0.0.1:5000\"]\n[aliases]\n\"b\" = \"ghcr.io/early/b\"\n");
        File.WriteAllText(Path.Combine(main + ".d", "ignored.txt"), "not toml [");
        var conf = RegistriesConf.Load(main);
        Assert.Equal(["127.0.0.1:5000"], conf.UnqualifiedSearchRegistries);
        Assert.Equal("quay.io/a", conf.Aliases["a"]);
        Assert.Equal("ghcr.io/late/b", conf.Aliases["b"]);
        Assert.Equal(Path.Combine(main + ".d", "20-b.conf"), conf.AliasSources["b"]);
        Assert.Equal([main, Path.Combine(main + ".d", "10-a.conf"), Path.Combine(main + ".d", "20-b.conf")], conf.Files);

        // a drop-in without the key keeps the earlier list; an empty list empties it (docker.io again)
        File.WriteAllText(Path.Combine(main + ".d", "30-empty.conf"), "unqualified-search-registries = []\n");
        var emptied = RegistriesConf.Load(main);
        Assert.Empty(emptied.UnqualifiedSearchRegistries);
        Assert.Equal(["docker.io/library/x:latest"], Names(emptied.Resolve("x")));
    }

    [Theory]
    [InlineData("unqualified-search-registries = [", "not valid TOML")]
    [InlineData("unqualified-search-registries = \"docker.io\"", "must be an array")]
    [InlineData("unqualified-search-registries = [\"docker.io/library\"]", "not a registry host")]
    [InlineData("unqualified-search-registries = [5000]", "not a registry host")]
    [InlineData("short-name-mode = \"sometimes\"", "enforcing, permissive or disabled")]
    [InlineData("[aliases]\n\"quay.io/x\" = \"quay.io/x\"", "must be a short name")]
    [InlineData("[aliases]\n\"x:1\" = \"quay.io/x\"", "must be a short name")]
    [InlineData("[aliases]\n\"x\" = \"x\"", "not a name with a registry")]
    [InlineData("[aliases]\n\"x\" = \"quay.io/x:1\"", "not a name with a registry")]
    [InlineData("[aliases]\n\"x\" = 1", "not a name with a registry")]
    [InlineData("aliases = 1", "must be a table")]
    public void AMalformedFileIsRegistryConfigInvalidNamingTheFile(string text, string why)
    {
        var e = Assert.Throws<PscException>(() => RegistriesConf.Parse(text, "/etc/containers/bad.conf"));
        Assert.Equal(ErrorIds.RegistryConfigInvalid, e.ErrorId);
        Assert.Contains("/etc/containers/bad.conf", e.Message);
        Assert.Contains(why, e.Message);
    }

    [Theory]
    [InlineData("busybox", true)]
    [InlineData("library/busybox:1", true)]
    [InlineData("team/app", true)]
    [InlineData("docker.io/busybox", false)]
    [InlineData("localhost/app", false)]
    [InlineData("host:5000/app", false)]
    [InlineData("sha256:abcd", false)]
    public void ShortNamesNameNoRegistry(string name, bool isShort) => Assert.Equal(isShort, RegistriesConf.IsShortName(name));

    [Fact]
    public void TheStoreFindsAShortNameUnderASearchRegistryOrAliasWithoutNetwork()
    {
        using var t = new TempStore();
        var b = TestImages.PutImage(t.Store, TestImages.ThreeLayers("s"), label: "s");
        var img = t.Store.CommitImage(b.ManifestDigest, [ImageReference.Parse("127.0.0.1:1/team/app:1")], NullProgressSink.Instance, default);

        t.Store.ShortNames = () => RegistriesConf.Empty;
        Assert.Null(t.Store.FindImage("team/app:1")); // docker.io/team/app:1 is not stored

        t.Store.ShortNames = () => RegistriesConf.Parse("unqualified-search-registries = [\"quay.io\", \"127.0.0.1:1\"]", "t");
        Assert.Equal(img.Id, t.Store.FindImage("team/app:1")?.Id);
        Assert.Null(t.Store.FindImage("team/app:2"));

        t.Store.ShortNames = () => RegistriesConf.Parse("[aliases]\n\"app\" = \"127.0.0.1:1/team/app\"", "t");
        Assert.Equal(img.Id, t.Store.FindImage("app:1")?.Id);
        Assert.Null(t.Store.FindImage("team/app:1")); // no search registry: docker.io only
    }
}
