using System.Text.Json;
using System.Text.RegularExpressions;
using PsContainers.Core.Containers;
using PsContainers.Core.Util;

namespace PsContainers.Core.Pods;

/// <summary>
/// Pod records on disk: PscPaths.Pods/&lt;id&gt;/pod.json (written atomically: temp file and rename), names reserved in
/// .names/&lt;name&gt; under the pods' lock (.lock), so a pod name is unique across every process, as container names
/// are (<see cref="ContainerStore"/>). Reads are pure. The directory also holds infra-rootfs/, the empty root file
/// system of every infra container, and a pod's directory its shm/ mount point (<see cref="PodShm"/>).
/// </summary>
public sealed partial class PodStore
{
    public PodStore(PscPaths paths) => Paths = paths;

    public PscPaths Paths { get; }
    public string Root => Paths.Pods;
    private string NamesDir => Path.Combine(Root, ".names");
    public string DirOf(string id) => Path.Combine(Root, id);
    private string RecordOf(string id) => Path.Combine(DirOf(id), "pod.json");
    private string NameFile(string name) => Path.Combine(NamesDir, name);

    /// <summary>The empty directory every infra container uses as its image (a directory image; pscinit is bound in at start).</summary>
    public string InfraRootfs => Path.Combine(Root, "infra-rootfs");

    [GeneratedRegex("^[a-f0-9]{1,63}$")]
    private static partial Regex IdPrefixRegex();

    /// <summary>The lock of every pod change (create, remove, membership checks); pod-wide operations hold it briefly.</summary>
    public FileLock Lock(CancellationToken ct = default)
    {
        Directory.CreateDirectory(Root);
        return FileLock.Exclusive(Path.Combine(Root, ".lock"), ct);
    }

    /// <summary>
    /// Reserve the pod's name and write its record (call under <see cref="Lock"/>): the record appears complete or
    /// not at all.
    /// </summary>
    /// <exception cref="PscException">PodNameInUse (ResourceExists): another pod has the name.</exception>
    internal void Publish(ContainerPod pod)
    {
        Directory.CreateDirectory(NamesDir);
        string f = NameFile(pod.Name);
        if (File.Exists(f))
        {
            string owner = File.ReadAllText(f).Trim();
            if (owner != pod.Id && File.Exists(RecordOf(owner)))
                throw PscException.Exists(ErrorIds.PodNameInUse, $"The pod name '{pod.Name}' is already in use by pod {owner[..Math.Min(12, owner.Length)]}.", pod.Name);
        }
        AtomicFile.WriteAllText(f, pod.Id, durable: false);
        Directory.CreateDirectory(DirOf(pod.Id));
        Save(pod);
    }

    /// <summary>Replace the pod's record atomically.</summary>
    internal void Save(ContainerPod pod) =>
        AtomicFile.WriteAllText(RecordOf(pod.Id), JsonSerializer.Serialize(pod, ContainerStore.Json), durable: false, createDirectory: false);

    /// <summary>Forget the pod (call under <see cref="Lock"/>): its record, its directory (which holds nothing else once its /dev/shm is released, <see cref="PodShm.Release"/>) and its name.</summary>
    internal void Delete(ContainerPod pod)
    {
        try { File.Delete(RecordOf(pod.Id)); } catch (DirectoryNotFoundException) { }
        try { Directory.Delete(DirOf(pod.Id)); } catch (DirectoryNotFoundException) { } catch (IOException) { }
        string f = NameFile(pod.Name);
        try { if (File.Exists(f) && File.ReadAllText(f).Trim() == pod.Id) File.Delete(f); } catch (IOException) { }
    }

    /// <summary>The pod with this full id as recorded (no members read); null when there is none.</summary>
    public ContainerPod? Load(string id)
    {
        if (!ContainerStore.IsFullId(id)) return null;
        try { return JsonSerializer.Deserialize<ContainerPod>(File.ReadAllText(RecordOf(id)), ContainerStore.Json); }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
        catch (JsonException) { return null; }
    }

    /// <summary>Every pod as recorded, unordered.</summary>
    public List<ContainerPod> LoadAll()
    {
        var list = new List<ContainerPod>();
        if (!Directory.Exists(Root)) return list;
        foreach (var d in Directory.EnumerateDirectories(Root))
            if (Load(Path.GetFileName(d)) is { } p) list.Add(p);
        return list;
    }

    /// <summary>By exact name, full id, or unique id prefix (podman's lookup: name first); null when nothing matches.</summary>
    /// <exception cref="InvalidArgumentException">AmbiguousPodId: the prefix fits several pods.</exception>
    public ContainerPod? Find(string nameOrId, bool idOnly = false)
    {
        if (string.IsNullOrEmpty(nameOrId)) return null;
        if (!idOnly && ContainerStore.IsValidName(nameOrId) && File.Exists(NameFile(nameOrId)))
        {
            string id = "";
            try { id = File.ReadAllText(NameFile(nameOrId)).Trim(); } catch (IOException) { }
            if (Load(id) is { } byName && byName.Name == nameOrId) return byName;
        }
        if (ContainerStore.IsFullId(nameOrId)) return Load(nameOrId);
        if (!IdPrefixRegex().IsMatch(nameOrId)) return null;
        var matches = LoadAll().Where(p => p.Id.StartsWith(nameOrId, StringComparison.Ordinal)).ToList();
        if (matches.Count > 1)
            throw new InvalidArgumentException(ErrorIds.AmbiguousPodId, $"The id prefix '{nameOrId}' matches {matches.Count} pods; give more characters.", nameOrId);
        return matches.Count == 1 ? matches[0] : null;
    }
}
