using System.Text.Json;
using PsContainers.Core;
using PsContainers.Core.Containers;
using PsContainers.Core.Networking;
using PsContainers.Core.Pods;
using PsContainers.Core.Targets;

namespace PsContainers.Core.Tests.Pods;

/// <summary>Pod records: pods/&lt;id&gt;/pod.json written whole, unique names, lookup by name, id and id prefix, removal.</summary>
public sealed class PodStoreTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "psc-pod-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly PodStore _store;

    public PodStoreTests() => _store = new PodStore(new PscPaths(_root));

    public void Dispose() { try { Directory.Delete(_root, true); } catch { } }

    internal static ContainerPod NewPod(string name, string? id = null) => new()
    {
        Id = id ?? ContainerStore.NewId(),
        Name = name,
        Created = new DateTime(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc),
        Hostname = name,
        InfraContainerId = ContainerStore.NewId(),
        SharedNamespaces = [PodNamespace.Net, PodNamespace.Ipc, PodNamespace.Uts],
        Labels = new() { ["tier"] = "front" },
        PortMappings = PortParser.Parse("8080:80"),
    };

    private ContainerPod Publish(string name, string? id = null)
    {
        var p = NewPod(name, id);
        using (_store.Lock()) _store.Publish(p);
        return p;
    }

    [Fact]
    public void APublishedPodRoundTripsThroughItsRecord()
    {
        var p = Publish("web");
        string file = Path.Combine(_root, "pods", p.Id, "pod.json");
        Assert.True(File.Exists(file));
        using (var doc = JsonDocument.Parse(File.ReadAllText(file)))
        {
            var r = doc.RootElement;
            Assert.Equal(p.Id, r.GetProperty("Id").GetString());
            Assert.Equal("web", r.GetProperty("Name").GetString());
            Assert.Equal(p.InfraContainerId, r.GetProperty("InfraContainerId").GetString());
            Assert.Equal(["Net", "Ipc", "Uts"], r.GetProperty("SharedNamespaces").EnumerateArray().Select(e => e.GetString()!).ToArray());
            Assert.Equal("8080", r.GetProperty("PortBindings").GetProperty("80/tcp")[0].GetProperty("HostPort").GetString());
            Assert.False(r.TryGetProperty("Removing", out _));
            Assert.False(r.TryGetProperty("Containers", out _));
            Assert.False(r.TryGetProperty("Status", out _));
        }
        var loaded = _store.Load(p.Id)!;
        Assert.Equal("web", loaded.Name);
        Assert.Equal(p.Created, loaded.Created);
        Assert.Equal("front", loaded.Labels["tier"]);
        Assert.Equal([PodNamespace.Net, PodNamespace.Ipc, PodNamespace.Uts], loaded.SharedNamespaces);
        Assert.Equal("0.0.0.0:8080->80/tcp", loaded.Ports);
        // docker's HostConfig.PortBindings shape, as a container shows it (issue 11)
        Assert.Equal(["80/tcp"], loaded.PortBindings.Keys);
        Assert.Equal([new PortBinding("", "8080")], loaded.PortBindings["80/tcp"]);
        Assert.Equal(80, Assert.Single(loaded.PortMappings).ContainerPort);
        Assert.Equal(p.InfraContainerId[..12], loaded.InfraShortId);
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(Path.Combine(_root, "pods"), "*", SearchOption.AllDirectories), f => Path.GetFileName(f).StartsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public void ASecondPodWithTheSameNameIsRefused()
    {
        var first = Publish("web");
        var ex = Assert.Throws<ConflictException>(() => Publish("web"));
        Assert.Equal(ErrorIds.PodNameInUse, ex.ErrorId);
        Assert.Equal(PscErrorCategory.ResourceExists, ex.Category);
        Assert.Equal(first.Id, Assert.Single(_store.LoadAll()).Id);
    }

    [Fact]
    public void FindTakesTheNameTheFullIdOrAUniquePrefixAndRefusesAnAmbiguousOne()
    {
        var a = Publish("alpha", "ab" + new string('1', 62));
        var b = Publish("beta", "ab" + new string('2', 62));
        Assert.Equal(a.Id, _store.Find("alpha")!.Id);
        Assert.Equal(b.Id, _store.Find(b.Id)!.Id);
        Assert.Equal(a.Id, _store.Find("ab1")!.Id);
        Assert.Null(_store.Find("alpha", idOnly: true));
        Assert.Null(_store.Find("gamma"));
        Assert.Null(_store.Find("ffff"));
        var ex = Assert.Throws<InvalidArgumentException>(() => _store.Find("ab"));
        Assert.Equal(ErrorIds.AmbiguousPodId, ex.ErrorId);
    }

    [Fact]
    public void DeleteForgetsTheRecordTheDirectoryAndTheName()
    {
        var p = Publish("web");
        using (_store.Lock()) _store.Delete(p);
        Assert.Null(_store.Load(p.Id));
        Assert.False(Directory.Exists(Path.Combine(_root, "pods", p.Id)));
        Assert.Null(_store.Find("web"));
        var again = Publish("web"); // the name is free again
        Assert.Equal(again.Id, _store.Find("web")!.Id);
    }

    [Fact]
    public void APodBeingRemovedIsHiddenFromTheCatalog()
    {
        var p = Publish("web");
        var catalog = new PodCatalog(_store);
        Assert.Single(catalog.Find("web", idOnly: false));
        p.Removing = true;
        _store.Save(p);
        Assert.True(_store.Load(p.Id)!.Removing);
        Assert.Empty(catalog.Find("web", idOnly: false));
        Assert.Empty(catalog.List());
        Assert.Null(catalog.Reload(p));
    }

    [Fact]
    public void TheCatalogListsByNameAndMatchesWildcardsOnNames()
    {
        Publish("web-2");
        Publish("db");
        Publish("web-1");
        var catalog = new PodCatalog(_store);
        Assert.Equal(["db", "web-1", "web-2"], catalog.List().Select(p => p.Name).ToArray());
        var w = Wildcard.Parse("web-*");
        Assert.Equal(["web-1", "web-2"], catalog.List().Where(p => catalog.Matches(p, w)).Select(p => p.Name).ToArray());
        Assert.Equal("pod", catalog.Kind);
        Assert.Equal(ErrorIds.PodNotFound, catalog.NotFoundErrorId);
    }
}
