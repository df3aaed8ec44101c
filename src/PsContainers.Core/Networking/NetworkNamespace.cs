using PsContainers.Core.Util;

namespace PsContainers.Core.Networking;

/// <summary>
/// Persistent network namespaces, bind-mounted at a file like `ip netns add` does, so CNI plugins and the
/// runtime can reach them by path and they outlive the process that made them.
/// </summary>
/// <remarks>
/// The namespace is made on a dedicated short-lived thread: unshare(CLONE_NEWNET) moves only that thread,
/// the thread bind-mounts /proc/thread-self/ns/net at the file, brings up its loopback, and setns()es back
/// before it ends. Unlike CLONE_NEWPID, CLONE_NEWNET does not stop the thread from creating threads, and the
/// thread runs only P/Invokes (no I/O, no allocation-heavy work), so no runtime thread is ever born inside.
/// </remarks>
public static class NetworkNamespace
{
    /// <summary>
    /// Where the engine's namespaces live ($PSCONTAINERS_NETNS_DIR, else /run/netns, which makes them visible to
    /// `ip netns`); read once, as pscmon's net-release reads it (<see cref="Cni.ContainerNetns.DefaultDirectory"/>).
    /// </summary>
    public static string Directory { get; } = Cni.ContainerNetns.DefaultDirectory;

    /// <summary>The namespace file of a container (<see cref="Cni.ContainerNetns.PathFor"/>, under <see cref="Directory"/>).</summary>
    public static string PathFor(string containerId) => Cni.ContainerNetns.PathFor(Directory, containerId);

    /// <summary>Create a new network namespace with loopback up, bind-mounted at <paramref name="path"/>.</summary>
    public static void Create(string path)
    {
        var sys = LinuxSyscalls.Instance;
        PrepareDirectory(Path.GetDirectoryName(path)!);
        if (IsMounted(path))
            throw new ConflictException(ErrorIds.NetnsExists, $"A network namespace is already mounted at '{path}'.", path);
        using (File.Create(path)) { }
        string? error = null;
        using var hostNs = File.OpenHandle("/proc/thread-self/ns/net");
        int hostFd = (int)hostNs.DangerousGetHandle();
        var t = new Thread(() =>
        {
            if (sys.NetUnshare(NetSys.CLONE_NEWNET, out int e1) != 0) { error = $"unshare(CLONE_NEWNET) failed (errno {e1})"; return; }
            try
            {
                if (sys.NetMount("/proc/thread-self/ns/net", path, "none", NetSys.MS_BIND, null, out int e2) != 0)
                    error = $"bind-mount of the namespace at '{path}' failed (errno {e2})";
                else if (sys.InterfaceUp("lo", out int e3) != 0)
                    error = $"bringing up loopback failed (errno {e3})";
            }
            finally
            {
                if (sys.NetSetns(hostFd, NetSys.CLONE_NEWNET, out int e4) != 0 && error is null)
                    error = $"returning to the host network namespace failed (errno {e4})";
            }
        }, 256 * 1024) { IsBackground = true, Name = "psc-netns" };
        t.Start();
        t.Join();
        if (error is not null)
        {
            try { Delete(path); } catch { }
            throw new PscException(ErrorIds.NetnsCreateFailed, PscErrorCategory.ResourceUnavailable, "Cannot create a network namespace: " + error + ".", path);
        }
    }

    /// <summary>
    /// Pin an existing network namespace at <paramref name="path"/> (as <c>ip netns attach</c> does): bind-mount
    /// <paramref name="source"/>, a namespace file (another pin, or /proc/PID/ns/net), at a new file there. The pin keeps
    /// the namespace alive after its processes and its first file are gone; <see cref="Delete"/> releases it.
    /// </summary>
    /// <exception cref="PscException">NetnsExists (something is mounted at the path), NetnsCreateFailed (the bind mount failed).</exception>
    public static void Pin(string source, string path)
    {
        var sys = LinuxSyscalls.Instance;
        PrepareDirectory(Path.GetDirectoryName(path)!);
        if (IsMounted(path))
            throw new ConflictException(ErrorIds.NetnsExists, $"A network namespace is already mounted at '{path}'.", path);
        using (File.Create(path)) { }
        if (sys.NetMount(source, path, "none", NetSys.MS_BIND, null, out int e) != 0)
        {
            try { Delete(path); } catch { }
            throw new PscException(ErrorIds.NetnsCreateFailed, PscErrorCategory.ResourceUnavailable, $"Cannot pin the network namespace '{source}' at '{path}' (errno {e}).", path);
        }
    }

    /// <summary>
    /// Make the namespace directory a shared mount of itself, as `ip netns add` does. Namespace mounts then live
    /// on that mount, so they propagate into container mount namespaces, and a later `ip netns add` (which binds
    /// the directory over itself) cannot hide them and make them impossible to unmount.
    /// </summary>
    private static void PrepareDirectory(string dir)
    {
        System.IO.Directory.CreateDirectory(dir);
        var sys = LinuxSyscalls.Instance;
        if (sys.NetMount("none", dir, null, NetSys.MS_SHARED | NetSys.MS_REC, null, out int e) == 0) return;
        if (e != 22 /*EINVAL: not a mount point yet*/) return;
        using var l = Util.FileLock.Exclusive(Path.Combine(NetworkStore.RunDirectory, "netns-dir.lock"));
        if (sys.NetMount("none", dir, null, NetSys.MS_SHARED | NetSys.MS_REC, null, out e) == 0) return;
        if (sys.NetMount(dir, dir, "none", NetSys.MS_BIND | NetSys.MS_REC, null, out e) == 0)
            sys.NetMount("none", dir, null, NetSys.MS_SHARED | NetSys.MS_REC, null, out _);
    }

    /// <summary>Unmount and remove a namespace file. Missing files are fine (idempotent).</summary>
    public static void Delete(string path)
    {
        var sys = LinuxSyscalls.Instance;
        for (int i = 0; i < 4 && IsMounted(path); i++)
            sys.NetUmount2(path, NetSys.MNT_DETACH, out _);
        try { File.Delete(path); } catch (FileNotFoundException) { } catch (DirectoryNotFoundException) { }
    }

    public static bool Exists(string path) => File.Exists(path) && IsMounted(path);

    /// <summary>True when something is mounted at <paramref name="path"/> (per /proc/self/mountinfo).</summary>
    public static bool IsMounted(string path)
    {
        string full = Path.GetFullPath(path);
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var parts = line.Split(' ');
            if (parts.Length > 4 && Unescape(parts[4]) == full) return true;
        }
        return false;
    }

    internal static string Unescape(string s) =>
        s.Contains('\\') ? System.Text.RegularExpressions.Regex.Replace(s, @"\\([0-7]{3})", m => ((char)Convert.ToInt32(m.Groups[1].Value, 8)).ToString()) : s;
}
