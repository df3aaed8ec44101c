using PsContainers.Core.Containers;
using PsContainers.FileSystem;

namespace PsContainers.Core.Tests.Containers;

/// <summary>
/// ContainerManager.MountDestinations: the runtime's mount points that docker diff and docker commit leave out, read
/// from a bundle's config.json through the typed runtime-spec reader (no hand walk of the JSON).
/// </summary>
public sealed class BundleMountDestinationsTests : IDisposable
{
    private readonly string _bundle = Directory.CreateTempSubdirectory("psc-bundle-mounts-").FullName;

    public void Dispose() => SafeTree.Delete(_bundle);

    private void Config(string json) => File.WriteAllText(Path.Combine(_bundle, "config.json"), json);

    [Fact]
    public void EveryMountDestinationReadsAbsoluteWithoutATrailingSlash()
    {
        Config("""
            {"ociVersion":"1.2.0","root":{"path":"rootfs"},
             "mounts":[{"destination":"/proc","type":"proc","source":"proc"},
                       {"destination":"/etc/hosts/","type":"bind","source":"/x/hosts","options":["rbind","ro"]},
                       {"destination":"dev/shm","type":"tmpfs","source":"shm"},
                       {"destination":"/","type":"bind","source":"/y"}]}
            """);
        var set = ContainerManager.MountDestinations(_bundle);
        Assert.Equal(new[] { "/", "/dev/shm", "/etc/hosts", "/proc" }, set.Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void ASpecWithoutMountsHasNone()
    {
        Config("""{"ociVersion":"1.2.0","root":{"path":"rootfs"}}""");
        Assert.Empty(ContainerManager.MountDestinations(_bundle));
    }

    [Fact]
    public void ABundleNeverWrittenOrNotJsonHasNone()
    {
        Assert.Empty(ContainerManager.MountDestinations(Path.Combine(_bundle, "missing")));
        Config("{ not json");
        Assert.Empty(ContainerManager.MountDestinations(_bundle));
        Config("""[{"destination":"/proc"}]"""); // not an object: config.json must be one
        Assert.Empty(ContainerManager.MountDestinations(_bundle));
    }
}
