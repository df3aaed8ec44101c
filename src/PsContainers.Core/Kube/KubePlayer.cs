using PsContainers.Core.Containers;
using PsContainers.Core.Pods;
using PsContainers.Core.Volumes;
using PsContainers.FileSystem;

namespace PsContainers.Core.Kube;

/// <summary>
/// Carries out a <see cref="KubePlayPlan"/> on the engine: podman's <c>kube play</c> (<see cref="Play"/>) and
/// <c>kube down</c> (<see cref="Down"/>). Every change is asked for first through the approval callback (the cmdlet's
/// ShouldProcess), so -WhatIf changes nothing.
/// </summary>
public sealed class KubePlayer
{
    private readonly Engine _engine;

    /// <param name="engine">The engine whose pods, containers and volumes are made and removed.</param>
    public KubePlayer(Engine engine) { _engine = engine; }

    /// <summary>The directory of the ConfigMap and Secret volume files of played pods: &lt;root&gt;/kube.</summary>
    public static string FilesRoot(PscPaths paths) => FilesRoot(paths.Root);

    /// <summary>The directory of the ConfigMap and Secret volume files of played pods under the store root <paramref name="storeRoot"/>.</summary>
    public static string FilesRoot(string storeRoot) => Path.Combine(storeRoot, "kube");

    /// <summary>
    /// Play <paramref name="plan"/> (podman kube play): the claims' volumes (an existing one is reused, as podman does),
    /// then the pods in order. Every pod is approved first; with <paramref name="replace"/> (podman --replace) the pods
    /// of the same names, and the replicas a former play of one of the plan's Deployments made beyond its replicas now,
    /// are all removed before any pod is created, so that the host ports they held are free for the new ones. Each
    /// pod's hostPath types are checked (or created), its ConfigMap/Secret files written afresh, the pod and its
    /// containers created, and started unless <paramref name="noStart"/> (podman --start=false). A pod whose creation
    /// fails is removed again before the error is thrown; pods made before it stay (Remove-ContainerKube removes them).
    /// </summary>
    /// <param name="approve">(target, action) → whether to do it; false skips that volume or pod.</param>
    /// <returns>One result per volume (created or reused) and per pod made, in that order.</returns>
    /// <exception cref="PscException">PodNameInUse (without <paramref name="replace"/>), KubeHostPathInvalid, and the
    /// pod and container create and start errors.</exception>
    public IReadOnlyList<KubePlayResult> Play(KubePlayPlan plan, bool replace, bool noStart, Func<string, string, bool> approve, CancellationToken ct = default)
    {
        var results = new List<KubePlayResult>();
        var approved = plan.Pods.Where(p => approve(p.Name,
            $"{(replace ? "Replace" : "Create")} pod ({p.Source}: {string.Join(", ", p.Containers.Select(c => c.Name))}){(noStart ? "" : " and start it")}")).ToList();
        var replaced = replace ? Replaced(plan, approved, approve) : [];
        // everything that can be checked is checked before anything is made or removed (podman kube play --replace):
        // a play that fails here leaves the pods it would have replaced running
        Preflight(approved, replaced);
        foreach (var v in plan.Volumes)
        {
            if (!approve(v.Name, "Create volume (PersistentVolumeClaim)")) continue;
            bool existing = _engine.Volumes.Get(v.Name) is not null;
            if (!existing) _engine.Volumes.Create(v.Name, v.Labels.ToDictionary(kv => kv.Key, kv => kv.Value));
            results.Add(new KubePlayResult
            {
                Kind = KubePlayResult.VolumeKind, Name = v.Name, Source = "PersistentVolumeClaim/" + v.Name, Status = existing ? "Existing" : "Created",
            });
        }
        foreach (var old in replaced)
        {
            ct.ThrowIfCancellationRequested();
            RemovePod(old, ct);
        }
        foreach (var p in approved)
        {
            ct.ThrowIfCancellationRequested();
            var pod = PlayPod(p, noStart, ct);
            results.Add(new KubePlayResult
            {
                Kind = KubePlayResult.PodKind, Name = pod.Name, Id = pod.Id, Source = p.Source, Status = pod.Status.ToString(),
                Containers = p.Containers.Select(c => c.Name!).ToArray(),
                Volumes = p.Containers.SelectMany(c => c.Mounts)
                    .Where(m => m.Type == MountKind.Volume && !m.Options.Contains(MountSpec.AnonymousOption) && m.Source is not null)
                    .Select(m => m.Source!).Distinct(StringComparer.Ordinal).ToArray(),
                Ports = pod.PortMappings.Select(m => m.ToString()).ToArray(),
            });
        }
        return results;
    }

    /// <summary>
    /// The pods a replace removes for the <paramref name="approved"/> pods of <paramref name="plan"/>: each pod of the
    /// same name, and each pod a former play of one of their Deployments made (<see cref="KubePlayRecord.DeploymentLabel"/>)
    /// that the plan does not make again (a Deployment scaled down), when <paramref name="approve"/>d.
    /// </summary>
    private List<ContainerPod> Replaced(KubePlayPlan plan, IReadOnlyList<KubePlayPod> approved, Func<string, string, bool> approve)
    {
        var names = approved.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var planned = plan.Pods.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var deployments = approved.Select(p => KubePlayRecord.DeploymentOf(p.Options.Labels)?.Deployment).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var result = new List<ContainerPod>();
        foreach (var old in _engine.Pods.Store.LoadAll().OrderBy(old => old.Name, StringComparer.Ordinal))
        {
            if (names.Contains(old.Name)) result.Add(old);
            else if (!planned.Contains(old.Name) && KubePlayRecord.DeploymentOf(old.Labels) is { } d && deployments.Contains(d.Deployment)
                     && approve(old.Name, $"Remove pod (replica {d.Replica} of Deployment/{d.Deployment}, which now has fewer)"))
                result.Add(old);
        }
        return result;
    }

    /// <summary>
    /// The checks of <see cref="Play"/> before anything changes, for the <paramref name="approved"/> pods with
    /// <paramref name="replaced"/> about to go: no pod or container name is taken by anything but a pod being
    /// replaced (and its containers); every image is in the store; every hostPath passes its type check without being
    /// created (one of no type must exist: it is bound as it is) and lies outside the engine's directory of played pods'
    /// files (<see cref="FilesRoot(PscPaths)"/>: the engine's own state, which a replace deletes; an earlier generate wrote such hostPaths).
    /// </summary>
    /// <exception cref="PscException">PodNameInUse, ContainerNameInUse (Conflict), ImageNotFound, KubeHostPathInvalid.</exception>
    private void Preflight(IReadOnlyList<KubePlayPod> approved, IReadOnlyList<ContainerPod> replaced)
    {
        var going = replaced.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        var store = new KubeStoreFiles(_engine.Paths.Root);
        foreach (var p in approved)
        {
            if (_engine.Pods.Store.Find(p.Name) is { } taken && taken.Name == p.Name && !going.Contains(taken.Id))
                throw new ConflictException(ErrorIds.PodNameInUse, $"The pod name '{p.Name}' is already in use by pod {taken.ShortId}.", p.Name) { Remedy = Remedy.ReplacePod };
            foreach (var c in p.Containers)
            {
                if (c.Name is { } cname && _engine.ContainerStore.Find(cname) is { } holder && holder.Name == cname && !(holder.Pod is { } podId && going.Contains(podId)))
                    throw PscException.Exists(ErrorIds.ContainerNameInUse,
                        $"The container name '{cname}' of pod '{p.Name}' is already in use by container {holder.Id[..Math.Min(12, holder.Id.Length)]}, which is not in a pod this play replaces.", cname);
                if (_engine.Images.FindImage(c.Image) is null)
                    throw PscException.NotFound(ErrorIds.ImageNotFound, $"The image '{c.Image}' of container '{c.Name}' (pod '{p.Name}') is not in the store.", c.Image);
            }
            foreach (var h in p.HostPaths)
            {
                if (store.InFiles(h.Path))
                    throw PscException.InvalidArgument(ErrorIds.KubeHostPathInvalid,
                        $"The hostPath volume '{h.Volume}' of pod '{p.Name}' names '{h.Path}', inside the engine's directory of played pods' files ({store.FilesRoot}); a hostPath there is refused (use a configMap or secret volume).", h.Path);
                CheckHostPath(h, create: false);
            }
        }
    }

    private ContainerPod PlayPod(KubePlayPod p, bool noStart, CancellationToken ct)
    {
        foreach (var h in p.HostPaths) CheckHostPath(h, create: true);
        if (_engine.Pods.Store.Find(p.Name) is { } taken && taken.Name == p.Name)
            throw new ConflictException(ErrorIds.PodNameInUse, $"The pod name '{p.Name}' is already in use by pod {taken.ShortId}.", p.Name) { Remedy = Remedy.ReplacePod };
        var pod = _engine.Pods.Create(p.Options, ct);
        try
        {
            WriteFiles(p);
            // the pod's emptyDir volumes are made once, before any container, so that every container mounts the same one
            foreach (var name in p.Containers.SelectMany(c => c.Mounts).Where(m => m.Type == MountKind.Volume && m.Options.Contains(MountSpec.AnonymousOption)).Select(m => m.Name!).Distinct())
                if (_engine.Volumes.Get(name) is null) _engine.Volumes.Create(name, null, anonymous: true);
            // the planned options as they are: create does not change them (a member's network is set in its own copy)
            foreach (var o in p.Containers) _engine.Containers.Create(o, ct);
            return noStart ? _engine.Pods.WithMembers(pod) : _engine.Pods.Start(pod, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            try { RemovePod(pod, CancellationToken.None); } catch (Exception) { /* the play's error is what matters */ }
            throw;
        }
    }

    /// <summary>Writes the pod's ConfigMap and Secret files into a fresh <see cref="KubePlayPod.FilesDirectory"/> (the old one deleted without following links).</summary>
    private static void WriteFiles(KubePlayPod p)
    {
        if (p.FilesDirectory is not { } dir) return;
        SafeTree.Delete(dir);
        Directory.CreateDirectory(Path.GetDirectoryName(dir)!);
        Directory.CreateDirectory(dir).UnixFileMode = (UnixFileMode)0b111_101_101;
        foreach (var v in p.FileVolumes) Directory.CreateDirectory(Path.Combine(dir, v)).UnixFileMode = (UnixFileMode)0b111_101_101;
        foreach (var f in p.Files)
        {
            // the directory is new and only this loop writes in it, so no component can be a link; the planner refused '..'
            string full = Path.Combine(dir, f.RelativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, f.Content);
            File.SetUnixFileMode(full, (UnixFileMode)(f.Mode & 0b111_111_111));
        }
    }

    /// <summary>
    /// Kubernetes' hostPath type checks (podman kube play does the same); a path of no type must exist (it is bound as
    /// docker -v binds an existing path). With <paramref name="create"/> false a missing path of a *OrCreate type passes
    /// (it is made later), and nothing is created.
    /// </summary>
    private static void CheckHostPath(KubeHostPath h, bool create)
    {
        PscException Bad(string what) => PscException.InvalidArgument(ErrorIds.KubeHostPathInvalid, $"The hostPath volume '{h.Volume}' needs {what} at '{h.Path}'.", h.Path);
        var info = new FileInfo(h.Path);
        bool exists = info.Exists || Directory.Exists(h.Path) || (Fs.TryStat(null, System.Text.Encoding.UTF8.GetBytes(h.Path), out _, followSymlinks: true));
        switch (h.Type)
        {
            case "":
                if (!exists) throw Bad("an existing file or directory (the volume has no type that creates it)");
                break;
            case "DirectoryOrCreate":
                if (!exists) { if (create) Directory.CreateDirectory(h.Path).UnixFileMode = (UnixFileMode)0b111_101_101; }
                else if (!Directory.Exists(h.Path)) throw Bad("a directory");
                break;
            case "Directory":
                if (!Directory.Exists(h.Path)) throw Bad("an existing directory");
                break;
            case "FileOrCreate":
                if (!exists)
                {
                    if (!create) break;
                    using (File.Create(h.Path)) { }
                    File.SetUnixFileMode(h.Path, (UnixFileMode)0b110_100_100);
                }
                else if (Directory.Exists(h.Path)) throw Bad("a file");
                break;
            case "File":
                if (!info.Exists) throw Bad("an existing file");
                break;
            case "Socket" or "CharDevice" or "BlockDevice":
                // the path as asked for, links followed (a hostPath is a host path the manifest names, as docker -v takes one)
                uint wanted = h.Type switch { "Socket" => FsStat.S_IFSOCK, "CharDevice" => FsStat.S_IFCHR, _ => FsStat.S_IFBLK };
                if (!Fs.TryStat(null, System.Text.Encoding.UTF8.GetBytes(h.Path), out var st, followSymlinks: true) || st.Type != wanted)
                    throw Bad(h.Type == "Socket" ? "a socket" : h.Type == "CharDevice" ? "a character device" : "a block device");
                break;
        }
    }

    /// <summary>
    /// Take down what playing <paramref name="plan"/> made (podman kube down): each of its pods that exists is removed
    /// with its containers (running ones killed), its ConfigMap/Secret files and its emptyDir volumes; with
    /// <paramref name="removeVolumes"/> the claims' named volumes too (podman kube down --force). Pods and volumes
    /// that do not exist are skipped.
    /// </summary>
    /// <param name="approve">(target, action) → whether to do it.</param>
    /// <returns>The names of the pods and volumes removed.</returns>
    /// <exception cref="PscException">The pod and volume removal errors (VolumeInUse when another container still uses a claim's volume).</exception>
    public IReadOnlyList<string> Down(KubePlayPlan plan, bool removeVolumes, Func<string, string, bool> approve, CancellationToken ct = default)
    {
        var removed = new List<string>();
        foreach (var p in plan.Pods)
        {
            if (_engine.Pods.Store.Find(p.Name) is not { } pod || pod.Name != p.Name) continue;
            if (!approve(p.Name, $"Remove pod ({p.Source}) and its containers")) continue;
            RemovePod(pod, ct);
            removed.Add(p.Name);
        }
        if (removeVolumes)
            foreach (var v in plan.Volumes)
            {
                if (_engine.Volumes.Get(v.Name) is null || !approve(v.Name, "Remove volume (PersistentVolumeClaim)")) continue;
                _engine.Volumes.Remove(v.Name);
                removed.Add(v.Name);
            }
        return removed;
    }

    /// <summary>Remove a pod (forced), then its emptyDir volumes and its ConfigMap/Secret files.</summary>
    private void RemovePod(ContainerPod pod, CancellationToken ct)
    {
        var anonymous = _engine.Pods.ContainersOf(pod).SelectMany(c => c.Mounts)
            .Where(m => m.Type == MountKind.Volume && m.Options.Contains(MountSpec.AnonymousOption) && m.Name is not null).Select(m => m.Name!).Distinct().ToList();
        _engine.Pods.Remove(pod, force: true, ct);
        foreach (var name in anonymous)
            if (_engine.Volumes.Get(name) is not null && _engine.Volumes.UsersOf(name).Length == 0) _engine.Volumes.Remove(name);
        SafeTree.Delete(Path.Combine(FilesRoot(_engine.Paths), pod.Name));
    }
}
