using PsContainers.Core.Containers;
using PsContainers.Core.Targets;
using PsContainers.Core.Volumes;

namespace PsContainers.Core.Tests.Targets;

/// <summary>
/// The one naming rule (<see cref="TargetSelector{T}"/>) over real stores in a temporary root: containers (names, ids,
/// prefixes) and volumes (names only) answer alike.
/// </summary>
public sealed class TargetSelectorTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "psc-targets-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly ContainerStore _containers;
    private readonly VolumeStore _volumes;

    public TargetSelectorTests()
    {
        var paths = new PscPaths(_root);
        _containers = new ContainerStore(paths);
        _volumes = new VolumeStore(paths);
    }

    public void Dispose() { try { Directory.Delete(_root, true); } catch (IOException) { } }

    private Container Publish(string name, string? id = null)
    {
        var c = new Container
        {
            Id = id ?? ContainerStore.NewId(),
            Name = name,
            Image = "busybox",
            ImageId = "sha256:" + new string('a', 64),
            Created = DateTime.UtcNow,
            Config = new ContainerConfig { Cmd = ["sh"] },
            State = new ContainerState { Status = ContainerStatus.Created },
        };
        using (_containers.LockStore()) _containers.Publish(c);
        return c;
    }

    private TargetSelector<Container> Containers() => new(new ContainerCatalog(_containers));

    [Fact]
    public void ALiteralFindsByNameFullIdAndUniquePrefix()
    {
        var web = Publish("web", "ab" + new string('1', 62));
        Publish("db", "cd" + new string('2', 62));
        var s = Containers();
        Assert.Equal(web.Id, Assert.Single(s.Resolve("web")).Id);
        Assert.Equal(web.Id, Assert.Single(s.Resolve(web.Id)).Id);
        Assert.Equal(web.Id, Assert.Single(s.Resolve("ab1")).Id);
        Assert.Equal(web.Id, Assert.Single(s.Resolve(web.Id, idOnly: true)).Id);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void EmptyTextIsRefusedAsInvalidArgumentNotObjectNotFound(string text)
    {
        Publish("web");
        var ex = Assert.Throws<InvalidArgumentException>(() => Containers().Resolve(text));
        Assert.Equal(ErrorIds.EmptyTargetName, ex.ErrorId);
        Assert.StartsWith("An empty name names no container", ex.Message);
        var vex = Assert.Throws<InvalidArgumentException>(() => new TargetSelector<ContainerVolume>(new VolumeCatalog(_volumes)).Resolve(text, idOnly: false));
        Assert.StartsWith("An empty name names no volume", vex.Message);
    }

    [Fact]
    public void AnInvalidNameSaysTheLengthLimitAndTheCharacters()
    {
        string tooLong = new('a', ContainerStore.MaxNameLength + 1);
        Assert.False(ContainerStore.IsValidName(tooLong));
        Assert.StartsWith($"'{tooLong}' is not a valid container name: it has 129 characters, and a container name has at most 128 (letters",
            ContainerStore.InvalidNameMessage(tooLong, "container"));
        Assert.Equal("'a b' is not a valid pod name: use letters, digits, '_', '.' and '-', starting with a letter or digit, at most 128 characters.",
            ContainerStore.InvalidNameMessage("a b", "pod"));
    }

    [Fact]
    public void ALiteralThatNamesNothingIsObjectNotFoundWithTheKindsIdAndTheText()
    {
        Publish("web");
        var ex = Assert.Throws<ResourceNotFoundException>(() => Containers().Resolve("nosuch"));
        Assert.Equal(ErrorIds.ContainerNotFound, ex.ErrorId);
        Assert.Equal(PscErrorCategory.ObjectNotFound, ex.Category);
        Assert.Equal("nosuch", ex.Target);
        Assert.Contains("No such container: nosuch", ex.Message);

        var vex = Assert.Throws<ResourceNotFoundException>(() => new TargetSelector<ContainerVolume>(new VolumeCatalog(_volumes)).Resolve("nosuch"));
        Assert.Equal(ErrorIds.VolumeNotFound, vex.ErrorId);
        Assert.Equal("nosuch", vex.Target);
    }

    [Fact]
    public void AnIdOnlyLookupDoesNotTakeAName()
    {
        Publish("cafe", "cafe" + new string('9', 60));
        Publish("beef", "0" + new string('8', 63));
        // "beef" is a name, and no id starts with it: -Id does not find it, a name does
        var ex = Assert.Throws<ResourceNotFoundException>(() => Containers().Resolve("beef", idOnly: true));
        Assert.Equal(ErrorIds.ContainerNotFound, ex.ErrorId);
        Assert.Equal("beef", Assert.Single(Containers().Resolve("beef")).Name);
        // "cafe" is a name and an id prefix of the same container: both lookups find it
        Assert.Equal("cafe", Assert.Single(Containers().Resolve("cafe", idOnly: true)).Name);
        Assert.Equal("beef", Assert.Single(Containers().Resolve("0888", idOnly: true)).Name);
    }

    [Fact]
    public void AnAmbiguousIdPrefixIsAnError()
    {
        Publish("one", "ab" + new string('1', 62));
        Publish("two", "ab" + new string('2', 62));
        var ex = Assert.Throws<InvalidArgumentException>(() => Containers().Resolve("ab"));
        Assert.Equal(ErrorIds.AmbiguousContainerId, ex.ErrorId);
        Assert.Equal("ab", ex.Target);
        Assert.Equal("one", Assert.Single(Containers().Resolve("ab1")).Name);
    }

    [Fact]
    public void APatternSelectsItsMatchesInNameOrderAndNothingWhenNoneMatch()
    {
        Publish("web2"); Publish("web1"); Publish("db");
        var s = Containers();
        Assert.Equal(["web1", "web2"], s.Resolve("WEB*").Select(c => c.Name));
        Assert.Empty(s.Resolve("zz*"));
        Assert.Equal(["db"], s.Resolve("[d]?").Select(c => c.Name));
        var ex = Assert.Throws<InvalidArgumentException>(() => s.Resolve("web["));
        Assert.Equal(ErrorIds.InvalidWildcardPattern, ex.ErrorId);
    }

    [Fact]
    public void AnEscapedWildcardIsALiteral()
    {
        Publish("web");
        var ex = Assert.Throws<ResourceNotFoundException>(() => Containers().Resolve("we`*"));
        Assert.Equal("we`*", ex.Target);
        Assert.Contains("No such container: we*", ex.Message);
    }

    [Fact]
    public void SeveralInputsNamingOneObjectYieldItOnce()
    {
        var web = Publish("web", "ab" + new string('1', 62));
        Publish("db");
        var all = Containers().ResolveAll(["web", "w*", web.Id, "ab", "db", "*"]);
        Assert.Equal(["web", "db"], all.Select(c => c.Name));
        Assert.Equal(2, all.Select(c => c.Id).Distinct().Count());
    }

    [Fact]
    public void APipedObjectIsReReadAndAGoneOneIsNotFound()
    {
        var web = Publish("web");
        var stale = new Container { Id = web.Id, Name = "web", State = new ContainerState { Status = ContainerStatus.Running } };
        var s = Containers();
        var current = s.Reload(stale);
        Assert.Equal(ContainerStatus.Created, current.State.Status);
        Assert.NotSame(stale, current);

        var gone = new Container { Id = ContainerStore.NewId(), Name = "ghost" };
        var ex = Assert.Throws<ResourceNotFoundException>(() => s.Reload(gone));
        Assert.Equal(ErrorIds.ContainerNotFound, ex.ErrorId);
        Assert.Equal("ghost", ex.Target);
    }

    [Fact]
    public void APipedObjectIsFoundByItsIdNeverByItsName()
    {
        // an object read on another host, or before its container was removed and another made under its name
        var web = Publish("web");
        var other = new Container { Id = ContainerStore.NewId(), Name = "web" };
        var ex = Assert.Throws<ResourceNotFoundException>(() => Containers().Reload(other));
        Assert.Equal(ErrorIds.ContainerNotFound, ex.ErrorId);
        Assert.Equal("web", ex.Target);
        Assert.StartsWith($"No container with Id {other.Id[..12]} (web) exists here", ex.Message);
        Assert.Equal(web.Id, Containers().Reload(new Container { Id = web.Id, Name = "renamed-since" }).Id);
    }

    [Fact]
    public void VolumesFollowTheSameRule()
    {
        _volumes.Create("data1"); _volumes.Create("data2"); _volumes.Create("logs");
        var s = new TargetSelector<ContainerVolume>(new VolumeCatalog(_volumes));
        Assert.Equal(["data1", "data2"], s.Resolve("data*").Select(v => v.Name));
        Assert.Empty(s.Resolve("x*"));
        Assert.Equal("logs", Assert.Single(s.Resolve("logs")).Name);
        Assert.Throws<ResourceNotFoundException>(() => s.Resolve("LOGS"));
        // volumes have no ids: an id lookup finds nothing
        Assert.Throws<ResourceNotFoundException>(() => s.Resolve("logs", idOnly: true));
        Assert.Equal(["data1", "data2", "logs"], s.ResolveAll(["data1", "d*", "*"]).Select(v => v.Name));
    }
}
