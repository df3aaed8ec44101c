using System.Globalization;
using PsContainers.Core.Containers;
using PsContainers.Core.Runtime.Spec;
using PsContainers.Core.Util;
using PsContainers.FileSystem;

namespace PsContainers.Core.Pods;

/// <summary>
/// The /dev/shm of a pod that shares its IPC namespace: one host-side tmpfs at pods/&lt;id&gt;/shm (nosuid, nodev,
/// noexec, mode 1777, <see cref="ContainerPod.ShmSize"/> bytes), bound at /dev/shm into the infra container and every
/// member, so POSIX shared memory (shm_open, which lives in /dev/shm) is shared as SysV IPC is through the namespace.
/// This is podman's pod behaviour (members use the infra container's shm mount) and docker's <c>--ipc shareable</c>
/// (a tmpfs under the container's directory, bound by every <c>--ipc container:x</c> container). The tmpfs is mounted
/// when the infra container (or a member) first starts and stays, with its files, until the pod is removed
/// (<see cref="Release"/>), also across pod stop and start.
/// </summary>
public sealed class PodShm(ISyscalls sys, PodStore store)
{
    /// <summary>Where a pod's /dev/shm tmpfs is mounted on the host: pods/&lt;id&gt;/shm.</summary>
    public string DirOf(string podId) => Path.Combine(store.DirOf(podId), "shm");

    /// <summary>
    /// Mount the pod's tmpfs unless it is mounted already (idempotent, serialized by a lock beside the pod records, so
    /// two starts never stack two file systems).
    /// </summary>
    /// <returns>The host directory of the pod's /dev/shm.</returns>
    /// <exception cref="PscException">PodShmFailed (ResourceUnavailable): the tmpfs could not be mounted (errno in the message), or the pod's directory or its shm is a symbolic link (nothing is mounted then).</exception>
    public string Ensure(ContainerPod pod)
    {
        if (!ContainerStore.IsFullId(pod.Id)) throw new ArgumentException($"'{pod.Id}' is not a pod id.", nameof(pod));
        string dir = DirOf(pod.Id);
        Directory.CreateDirectory(dir);
        using var l = FileLock.Exclusive(Path.Combine(store.Root, ".shm.lock"));
        // mount(2) follows links: a link at the pod's directory or its shm would put the tmpfs somewhere else on the host
        if (new DirectoryInfo(store.DirOf(pod.Id)).LinkTarget is not null || new DirectoryInfo(dir).LinkTarget is not null)
            throw new PscException(ErrorIds.PodShmFailed, PscErrorCategory.ResourceUnavailable, $"Cannot mount the /dev/shm of pod '{pod.Name}': '{dir}' is reached through a symbolic link.", pod.Name);
        if (sys.IsMountPoint(dir)) return dir;
        long size = pod.ShmSize > 0 ? pod.ShmSize : HostConfig.DefaultShmSize;
        int e = sys.Mount("shm", dir, "tmpfs", Libc.MS_NOSUID | Libc.MS_NODEV | Libc.MS_NOEXEC,
            "mode=1777,size=" + size.ToString(CultureInfo.InvariantCulture));
        if (e != 0)
            throw new PscException(ErrorIds.PodShmFailed, PscErrorCategory.ResourceUnavailable, $"Cannot mount the /dev/shm of pod '{pod.Name}' at '{dir}' (errno {e}).", pod.Name);
        return dir;
    }

    /// <summary>
    /// Unmount the pod's tmpfs (its files go with it) and remove its directory; nothing there is fine (idempotent). The
    /// directory is removed only when empty, never walked.
    /// </summary>
    public void Release(string podId)
    {
        string dir = DirOf(podId);
        if (!Directory.Exists(dir)) return;
        for (int i = 0; i < 4 && sys.IsMountPoint(dir); i++) sys.Unmount(dir);
        try { Directory.Delete(dir, recursive: false); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>
    /// Make <paramref name="spec"/>'s /dev/shm the pod's: the default tmpfs the spec builder adds (source "shm") becomes a
    /// bind mount of the pod's tmpfs (<see cref="Ensure"/>d first; nosuid, nodev, noexec, private propagation). A spec
    /// without that default mount is left alone and nothing is mounted; a /dev/shm mount the container asked for
    /// itself (-Tmpfs /dev/shm, a volume there) comes later in the list and still wins, as it does in docker.
    /// </summary>
    /// <exception cref="PscException">PodShmFailed (<see cref="Ensure"/>).</exception>
    public void Share(ContainerPod pod, RuntimeSpec spec)
    {
        if (spec.Mounts is not { } mounts) return;
        int at = mounts.FindIndex(m => m.Destination == "/dev/shm" && m.Type == "tmpfs" && m.Source == "shm");
        if (at < 0) return;
        mounts[at] = new SpecMount { Destination = "/dev/shm", Type = "bind", Source = Ensure(pod), Options = ["rbind", "nosuid", "noexec", "nodev", "rprivate"] };
    }
}
