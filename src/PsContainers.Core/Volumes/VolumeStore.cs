using System.Security.Cryptography;
using System.Text.Json;
using PsContainers.Contract;
using PsContainers.Core.Events;
using PsContainers.Core.Util;
using PsContainers.FileSystem;

namespace PsContainers.Core.Volumes;

/// <summary>
/// Volumes under &lt;root&gt;/volumes/&lt;name&gt;/_data with a volume.json beside the data. Which containers use a
/// volume is read from the containers' mounts.json files.
/// </summary>
public sealed class VolumeStore
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public PscPaths Paths { get; }
    public string Directory => Paths.Volumes;
    private string LockPath => Path.Combine(Directory, VolumeLayout.LockFile);

    public VolumeStore(PscPaths paths) { Paths = paths; }

    public string VolumeDirectory(string name) => Path.Combine(Directory, name);
    public string DataDirectory(string name) => DataDirectoryIn(Directory, name);

    /// <summary>
    /// A volume's data directory under the volumes directory <paramref name="volumes"/>: &lt;volumes&gt;/&lt;name&gt;/_data (what
    /// containers mount; docker's …/volumes/&lt;name&gt;/_data). Null when <paramref name="name"/> is not a plain name
    /// (<see cref="VolumeLayout.IsPlainName"/>), so that no other path is ever named.
    /// </summary>
    public static string? DataDirectoryOf(string volumes, string name) => VolumeLayout.IsPlainName(name) ? DataDirectoryIn(volumes, name) : null;

    private static string DataDirectoryIn(string volumes, string name) => Path.Combine(volumes, name, "_data");
    private string MetaPath(string name) => Path.Combine(Directory, name, VolumeLayout.MetadataFile);

    public ContainerVolume? Get(string name)
    {
        if (name.Contains('/') || name.StartsWith('.')) return null;
        try
        {
            var v = JsonSerializer.Deserialize<ContainerVolume>(File.ReadAllText(MetaPath(name)), Json);
            if (v is null) return null;
            v.Mountpoint = DataDirectory(name);
            return v;
        }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
        catch (JsonException) { return null; }
    }

    public List<ContainerVolume> List()
    {
        var list = new List<ContainerVolume>();
        if (!System.IO.Directory.Exists(Directory)) return list;
        foreach (var d in System.IO.Directory.EnumerateDirectories(Directory).Order())
        {
            var name = Path.GetFileName(d);
            if (name.StartsWith('.')) continue;
            if (Get(name) is ContainerVolume v) list.Add(v);
        }
        return list;
    }

    /// <summary>Create a volume; <paramref name="name"/> null makes an anonymous one (64 hex digits, like docker).</summary>
    public ContainerVolume Create(string? name, IDictionary<string, string>? labels = null, bool anonymous = false)
    {
        if (name is null) { name = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)); anonymous = true; }
        MountParser.ValidateVolumeName(name);
        System.IO.Directory.CreateDirectory(Directory);
        using var l = FileLock.Exclusive(LockPath);
        if (Get(name) is not null)
            throw new ConflictException(ErrorIds.VolumeExists, $"A volume named '{name}' already exists.", name);
        return CreateLocked(name, labels, anonymous);
    }

    /// <summary>The volume, created when missing; <c>created</c> says which.</summary>
    public ContainerVolume GetOrCreate(string name, out bool created)
    {
        MountParser.ValidateVolumeName(name);
        created = false;
        if (Get(name) is ContainerVolume v) return v;
        System.IO.Directory.CreateDirectory(Directory);
        using var l = FileLock.Exclusive(LockPath);
        if (Get(name) is ContainerVolume v2) return v2;
        created = true;
        return CreateLocked(name, null, false);
    }

    private ContainerVolume CreateLocked(string name, IDictionary<string, string>? labels, bool anonymous)
    {
        string dir = VolumeDirectory(name);
        TreeDirectory.Ensure(Directory);
        System.IO.Directory.CreateDirectory(dir);
        var data = System.IO.Directory.CreateDirectory(DataDirectory(name));
        data.UnixFileMode = (UnixFileMode)0x1ed; // 0755
        var v = new ContainerVolume
        {
            Name = name,
            CreatedAt = DateTime.UtcNow,
            Anonymous = anonymous,
            Labels = labels is null ? new() : new Dictionary<string, string>(labels),
            Mountpoint = DataDirectory(name),
        };
        Save(v);
        Events?.Emit(EventType.Volume, "create", name, ("driver", "local"));
        return v;
    }

    /// <summary>Where volume events (create, destroy) are recorded; none when null.</summary>
    public EventLog? Events { get; init; }

    public void Save(ContainerVolume v)
    {
        var copy = new ContainerVolume { Name = v.Name, Driver = v.Driver, CreatedAt = v.CreatedAt, Anonymous = v.Anonymous, Labels = v.Labels, CopiedUp = v.CopiedUp, Mountpoint = v.Mountpoint };
        AtomicFile.WriteAllText(MetaPath(v.Name), JsonSerializer.Serialize(copy, Json));
    }

    /// <summary>
    /// Remove a volume and its data; refused while a container's mounts use it. The data is deleted with
    /// <see cref="SafeTree.Delete(string)"/>: links inside are removed, never followed, and a file system still mounted
    /// inside the volume is left alone. Errors (<see cref="PscException"/>): VolumeNotFound, VolumeInUse, VolumeBusy
    /// (a mount inside it; the rest is deleted), VolumeRemoveFailed (an I/O error).
    /// </summary>
    public void Remove(string name)
    {
        using var l = FileLock.Exclusive(LockPath);
        if (Get(name) is null) throw new ResourceNotFoundException(ErrorIds.VolumeNotFound, $"No volume named '{name}'.", name);
        var users = UsersOf(name);
        if (users.Length > 0)
            throw new ConflictException(ErrorIds.VolumeInUse, $"Volume '{name}' is in use by container(s) {string.Join(", ", users)}; remove them first.", name, inUse: true);
        // the metadata goes first, so a crash halfway leaves no half volume that looks whole
        File.Delete(MetaPath(name));
        try { SafeTree.Delete(VolumeDirectory(name)); }
        catch (FsException e) when (e.Errno == Errno.EBUSY)
        {
            throw new ConflictException(ErrorIds.VolumeBusy, $"Volume '{name}' has a file system mounted inside it ({e.DisplayPath}); it was left in place: {e.Message}", name, inUse: true, inner: e);
        }
        catch (FsException e)
        {
            throw new PscException(ErrorIds.VolumeRemoveFailed, PscErrorCategory.WriteError, $"Removing the data of volume '{name}' failed: {e.Message}", name, e);
        }
        Events?.Emit(EventType.Volume, "destroy", name, ("driver", "local"));
    }

    /// <summary>
    /// Names of the containers whose mounts.json lists the volume. A container being deleted (its directory already
    /// renamed to <c>.trash-&lt;id&gt;</c> by its monitor) uses nothing any more: like docker run --rm, a -Remove run
    /// that has returned leaves its volumes free.
    /// </summary>
    public string[] UsersOf(string name) =>
        AllContainerMounts().Where(c => c.Mounts.Any(m => m.Volume == name))
            .Select(c => c.ContainerName ?? c.ContainerId[..Math.Min(12, c.ContainerId.Length)]).ToArray();

    public IEnumerable<ContainerMounts> AllContainerMounts()
    {
        if (!System.IO.Directory.Exists(Paths.Containers)) yield break;
        foreach (var d in System.IO.Directory.EnumerateDirectories(Paths.Containers))
        {
            if (Path.GetFileName(d).StartsWith('.')) continue; // .trash-<id> (being deleted), .names, .locks
            ContainerMounts? m = null;
            try { m = JsonSerializer.Deserialize<ContainerMounts>(File.ReadAllText(Path.Combine(d, VolumeLayout.ContainerMountsFile)), Json); }
            catch (IOException) { }
            catch (JsonException) { }
            if (m is not null) yield return m;
        }
    }

    /// <summary>
    /// Bytes used by the regular files under <paramref name="dir"/> (apparent sizes), from
    /// <see cref="SafeTree.Size(string)"/>: symlinks never followed, hard links counted once, other mounts not entered,
    /// unreadable directories skipped. 0 when the directory does not exist.
    /// </summary>
    public static long DirectorySize(string dir) => SafeTree.Size(dir);

    /// <summary>Fill in Size and UsedBy.</summary>
    public ContainerVolume WithUsage(ContainerVolume v)
    {
        v.Size = DirectorySize(v.Mountpoint);
        v.UsedBy = UsersOf(v.Name);
        return v;
    }
}
