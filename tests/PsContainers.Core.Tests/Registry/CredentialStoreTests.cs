using System.Text;
using System.Text.Json.Nodes;
using PsContainers.Core.Registry;

namespace PsContainers.Core.Tests.Registry;

[CollectionDefinition("RegistryEnvironment", DisableParallelization = true)]
public class RegistryEnvironmentCollection { }

[Collection("RegistryEnvironment")]
public class CredentialStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "psc-cred-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string? _authFile = Environment.GetEnvironmentVariable("REGISTRY_AUTH_FILE");
    private readonly string? _dockerConfig = Environment.GetEnvironmentVariable("DOCKER_CONFIG");

    public CredentialStoreTests()
    {
        Directory.CreateDirectory(_dir);
        Environment.SetEnvironmentVariable("REGISTRY_AUTH_FILE", Path.Combine(_dir, "containers", "auth.json"));
        Environment.SetEnvironmentVariable("DOCKER_CONFIG", Path.Combine(_dir, "docker"));
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("REGISTRY_AUTH_FILE", _authFile);
        Environment.SetEnvironmentVariable("DOCKER_CONFIG", _dockerConfig);
        Directory.Delete(_dir, true);
    }

    [Fact]
    public void SavesWithMode0600InBothFilesKeepingOtherContent()
    {
        string docker = Path.Combine(_dir, "docker", "config.json");
        Directory.CreateDirectory(Path.GetDirectoryName(docker)!);
        File.WriteAllText(docker, "{\"auths\":{\"other.example\":{\"auth\":\"eDp5\"}},\"psFormat\":\"table\"}");
        var files = CredentialStore.Save("docker.io", new RegistryCredential("alice", "pa:ss"));
        Assert.Equal(2, files.Count);
        foreach (var f in files)
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f));
        var d = JsonNode.Parse(File.ReadAllText(docker))!;
        Assert.Equal("table", (string?)d["psFormat"]);
        Assert.Equal("eDp5", (string?)d["auths"]!["other.example"]!["auth"]);
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:pa:ss")), (string?)d["auths"]![CredentialStore.DockerHubKey]!["auth"]);
        var a = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "containers", "auth.json")))!;
        Assert.NotNull(a["auths"]!["docker.io"]);

        var found = CredentialStore.Find("docker.io");
        Assert.Equal(new RegistryCredential("alice", "pa:ss"), found);
        Assert.Equal(new RegistryCredential("x", "y"), CredentialStore.Find("other.example"));
        Assert.Null(CredentialStore.Find("nobody.example"));
    }

    [Fact]
    public void ReadsDockerStyleKeysWithSchemeAndPath()
    {
        string docker = Path.Combine(_dir, "docker", "config.json");
        Directory.CreateDirectory(Path.GetDirectoryName(docker)!);
        File.WriteAllText(docker, "{\"auths\":{\"https://reg.example:5000/v1/\":{\"username\":\"u\",\"password\":\"p\"}}}");
        Assert.Equal(new RegistryCredential("u", "p"), CredentialStore.Find("reg.example:5000"));
    }

    [Fact]
    public void RemovesFromEveryFile()
    {
        CredentialStore.Save("reg.example", new RegistryCredential("a", "b"));
        var changed = CredentialStore.Remove("reg.example");
        Assert.Equal(2, changed.Count);
        Assert.Null(CredentialStore.Find("reg.example"));
        Assert.Empty(CredentialStore.Remove("reg.example"));
    }
}
