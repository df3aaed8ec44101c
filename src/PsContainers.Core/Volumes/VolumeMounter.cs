using PsContainers.Core.Containers;
using PsContainers.Contract;
using System.Text.Json;
using PsContainers.Core.Util;
using PsContainers.FileSystem;

namespace PsContainers.Core.Volumes;

/// <summary>
/// Turns a container's -Volume/-Mount/-Tmpfs requests and its image's VOLUMEs into runtime mounts: named volumes
/// are created on first use and filled from the image (copy-up), anonymous volumes are made for image VOLUMEs,
/// bind sources are checked, destinations are resolved safely inside the container root. The result is saved as
/// the container's mounts.json, which is how volume users are found.
/// </summary>
public sealed class VolumeMounter
{
    public PscPaths Paths { get; }
    public VolumeStore Volumes { get; }

    public VolumeMounter(PscPaths paths) : this(paths, new VolumeStore(paths)) { }

    /// <summary>Over the engine's volume store (see <see cref="Engine"/>).</summary>
    public VolumeMounter(PscPaths paths, VolumeStore volumes) { Paths = paths; Volumes = volumes; }

    public string MountsPath(string containerId) => Path.Combine(Paths.Containers, containerId, VolumeLayout.ContainerMountsFile);

    /// <summary>
    /// Resolve the mounts of a container. <paramref name="rootfs"/> is the container's root file system (merged),
    /// used for safe destination resolution and copy-up; null skips both (destinations are used as given).
    /// Destinations are resolved inside the root with <see cref="RootedPath"/> (symlinks followed as the container
    /// sees them, ".." clamped at the root) and returned in container form ("/real/dir"). A volume that has never been
    /// filled and is empty is filled from the image's directory at the destination (docker's copy-up), also resolved
    /// inside the root, with <see cref="SafeTree.CopyContents"/> (cp -a: owners, modes, times, xattrs, hard links;
    /// links copied as links; other mounts not entered). Errors (<see cref="PscException"/>): DuplicateMountTarget,
    /// BindSourceNotFound, TooManySymlinks, InvalidMountTarget (a destination that is not UTF-8 once resolved),
    /// VolumeCopyUpFailed.
    /// </summary>
    public List<ResolvedMount> Prepare(string containerId, string? containerName, IEnumerable<MountRequest> requests,
        IEnumerable<string>? imageVolumes = null, string? rootfs = null, CancellationToken ct = default)
    {
        var reqs = requests.ToList();
        foreach (var iv in imageVolumes ?? Array.Empty<string>())
        {
            string t = NormalizeTarget(iv);
            if (!reqs.Any(r => NormalizeTarget(r.Target) == t)) reqs.Add(new MountRequest { Type = MountKind.Volume, Target = t });
        }
        var dup = reqs.GroupBy(r => NormalizeTarget(r.Target)).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new InvalidArgumentException(ErrorIds.DuplicateMountTarget, $"Two mounts have the same container path '{dup.Key}'.", dup.Key);

        // check every bind source first: nothing is created when one is bad
        foreach (var r in reqs.Where(r => r.Type == MountKind.Bind))
        {
            string src = Path.GetFullPath(r.Source!);
            if (!File.Exists(src) && !System.IO.Directory.Exists(src) && !r.CreateHostPath)
                throw new ResourceNotFoundException(ErrorIds.BindSourceNotFound, $"The bind mount source '{r.Source}' does not exist.", r.Source);
        }

        var result = new List<ResolvedMount>();
        var createdAnon = new List<string>();
        using var root = rootfs is null ? null : RootedPath.Open(rootfs);
        try
        {
            // parents before children: /data before /data/sub
            foreach (var r in reqs.OrderBy(r => NormalizeTarget(r.Target).Count(c => c == '/')))
            {
                ct.ThrowIfCancellationRequested();
                string dest = root is null ? NormalizeTarget(r.Target) : ResolveTarget(root, r.Target);
                var m = new ResolvedMount { Destination = dest, ReadOnly = r.ReadOnly };
                switch (r.Type)
                {
                    case MountKind.Bind:
                        {
                            string src = Path.GetFullPath(r.Source!);
                            if (!File.Exists(src) && !System.IO.Directory.Exists(src)) System.IO.Directory.CreateDirectory(src);
                            m.Type = MountKind.Bind; m.Source = src;
                            var o = new List<string> { "rbind" };
                            o.Add(r.Options.FirstOrDefault(x => x.Contains("private") || x.Contains("shared") || x.Contains("slave")) ?? "rprivate");
                            if (r.ReadOnly) o.Add("ro");
                            m.Options = o.ToArray();
                            break;
                        }
                    case MountKind.Tmpfs:
                        {
                            m.Type = MountKind.Tmpfs; m.Source = "tmpfs";
                            var o = new List<string> { "nosuid", "nodev" };
                            o.AddRange(r.Options);
                            if (!r.Options.Any(x => x.StartsWith("mode="))) o.Add("mode=1777");
                            if (r.ReadOnly) o.Add("ro");
                            m.Options = o.Distinct().ToArray();
                            break;
                        }
                    default:
                        {
                            ContainerVolume v;
                            bool created;
                            if (r.Source is null) { v = Volumes.Create(null, null, anonymous: true); created = true; createdAnon.Add(v.Name); }
                            else if (r.Anonymous && Volumes.Get(r.Source) is null) { v = Volumes.Create(r.Source, null, anonymous: true); created = true; }
                            else v = Volumes.GetOrCreate(r.Source, out created);
                            if (!v.CopiedUp && !r.NoCopy && root is not null)
                            {
                                CopyUp(root, dest, v.Mountpoint, ct);
                                v.CopiedUp = true;
                                Volumes.Save(v);
                            }
                            _ = created;
                            m.Type = MountKind.Bind; m.Source = v.Mountpoint; m.Volume = v.Name; m.Anonymous = v.Anonymous;
                            var o = new List<string> { "rbind", "rprivate" };
                            if (r.ReadOnly) o.Add("ro");
                            m.Options = o.ToArray();
                            break;
                        }
                }
                result.Add(m);
            }
            var rec = new ContainerMounts { ContainerId = containerId, ContainerName = containerName, Mounts = result };
            AtomicFile.WriteAllText(MountsPath(containerId), JsonSerializer.Serialize(rec, new JsonSerializerOptions { WriteIndented = true }));
            return result;
        }
        catch
        {
            foreach (var a in createdAnon) try { Volumes.Remove(a); } catch { }
            throw;
        }
    }

    /// <summary>The saved mounts of a container, or null.</summary>
    public ContainerMounts? GetMounts(string containerId)
    {
        try { return JsonSerializer.Deserialize<ContainerMounts>(File.ReadAllText(MountsPath(containerId))); }
        catch (IOException) { return null; }
        catch (JsonException) { return null; }
    }

    /// <summary>
    /// Forget a container's mounts (it is being removed); with <paramref name="removeAnonymous"/> its anonymous
    /// volumes are deleted too (Remove-Container -Volumes). Named volumes always stay.
    /// </summary>
    public List<string> Release(string containerId, bool removeAnonymous)
    {
        var removed = new List<string>();
        var rec = GetMounts(containerId);
        try { File.Delete(MountsPath(containerId)); } catch (DirectoryNotFoundException) { }
        if (rec is null || !removeAnonymous) return removed;
        foreach (var m in rec.Mounts.Where(m => m.Anonymous && m.Volume is not null))
        {
            try { Volumes.Remove(m.Volume!); removed.Add(m.Volume!); }
            catch (PscException e) when (e.ErrorId is ErrorIds.VolumeInUse or ErrorIds.VolumeNotFound) { }
        }
        return removed;
    }

    internal static string NormalizeTarget(string t) => "/" + string.Join('/', t.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != "."));

    /// <summary>A mount destination resolved inside the container root, in container form.</summary>
    private static string ResolveTarget(RootedPath root, string target)
    {
        try { return root.Resolve(target); }
        catch (FsException e) when (e.Errno == Errno.ELOOP)
        {
            throw new PscException(ErrorIds.TooManySymlinks, PscErrorCategory.InvalidData, $"Too many symbolic links while resolving '{target}' in the container.", target, e);
        }
        catch (FsException e) when (e.Errno == Errno.EILSEQ)
        {
            throw new PscException(ErrorIds.InvalidMountTarget, PscErrorCategory.InvalidData, $"The mount path '{target}' resolves to a name that is not UTF-8 in the container.", target, e);
        }
    }

    /// <summary>
    /// Docker's copy-up: when the volume directory is empty and the image has a directory at
    /// <paramref name="containerPath"/> (resolved inside the root, so a link to the host's /etc is the container's
    /// /etc), copy its content and its own owner, mode and times into the volume (cp -a SRC/. DEST).
    /// </summary>
    private static void CopyUp(RootedPath root, string containerPath, string volumeDirectory, CancellationToken ct)
    {
        try
        {
            SafeFd from;
            try { from = root.Open(containerPath, OpenFlags.ReadOnly | OpenFlags.Directory); }
            catch (FsException e) when (e.Errno is Errno.ENOENT or Errno.ENOTDIR or Errno.ELOOP or Errno.EACCES) { return; }
            using (from)
            {
                using var to = SafeFd.OpenDirectory(volumeDirectory);
                if (!Fs.IsEmptyDirectory(to, ""u8)) return;
                SafeTree.CopyContents(from, to, new CopyOptions { SkipTrustedOverlayXattrs = true, OneFileSystem = true, Cancellation = ct });
            }
        }
        catch (FsException e)
        {
            throw new PscException(ErrorIds.VolumeCopyUpFailed, PscErrorCategory.WriteError, $"Copying the image content at '{containerPath}' into the volume failed: {e.Message}", volumeDirectory, e);
        }
    }
}
