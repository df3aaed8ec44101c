using PsContainers.Cgroups;
using PsContainers.Contract;
using static PsContainers.FileSystem.Libc;
using static PsContainers.FileSystem.Errno;
using static PsContainers.Monitor.Native;

namespace PsContainers.Monitor;

/// <summary>
/// What one pscmon run works with, passed to its parts instead of static state: the options, the framed launcher
/// stream (<see cref="MonitorProtocol"/>; fd 1 until detached), the json-file log, the state writer, the trace, and the
/// steps every mode shares (runtime calls, reaping, the clean-up after the container ended).
/// </summary>
internal sealed unsafe class MonitorContext(MonitorOptions options)
{
    public MonitorOptions Options { get; } = options;
    public JsonFileLog Log { get; } = new();
    public StateWriter State { get; } = new(options);
    /// <summary>Gives back the resident pages of the monitor's code and read-only data while it idles.</summary>
    public ResidentImage Image { get; } = new();
    private readonly string? _trace = Environment.GetEnvironmentVariable("PSCMON_TRACE");
    private int _launcher = 1; // fd of the framed launcher stream, -1 once detached

    /// <summary>The launcher still reads the frames.</summary>
    public bool Attached => _launcher >= 0;

    /// <summary>A time-stamped line in $PSCMON_TRACE (when set).</summary>
    public void Mark(string what)
    {
        if (_trace is null) return;
        try { File.AppendAllText(_trace, $"pscmon {DateTime.Now:HH:mm:ss.ffffff} {what}\n"); } catch { }
    }

    private EventJournal? _events;

    /// <summary>
    /// Record a container event in the store's journal (best effort): the actor is this container, with its name (from
    /// --name-file's file name, the name at launch) and image (--image) as attributes, plus <paramref name="attributes"/>.
    /// </summary>
    public void Event(string action, params (string Key, string Value)[] attributes)
    {
        var attrs = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Options.NameFile is not null) attrs["name"] = Path.GetFileName(Options.NameFile);
        if (Options.Image is not null) attrs["image"] = Options.Image;
        foreach (var (k, v) in attributes) attrs[k] = v;
        _events ??= EventJournal.ForContainerDirectory(Options.Dir);
        _events.TryAppend(EngineEvent.Now(EventType.Container, action, Options.Id, attrs));
    }

    /// <summary>
    /// After the container's init exited and before the runtime deletes its cgroup: whether the OOM killer killed a
    /// process of this run (<paramref name="counter"/> taken at the start; null when the group has no counter). When it
    /// did, the "oom" event is published, before "die", as docker publishes it.
    /// </summary>
    public bool OomCheck(OomKillCounter? counter)
    {
        if (counter is null || !counter.Killed()) return false;
        Event("oom");
        return true;
    }

    public List<string> RuntimeArgs(params string[] rest)
    {
        var l = new List<string> { Options.Runtime };
        if (Options.RuntimeRoot.Length > 0) { l.Add("--root"); l.Add(Options.RuntimeRoot); }
        l.AddRange(rest);
        return l;
    }

    public int RunRuntime(params string[] rest) => Wait(Spawn(Options.Runtime, RuntimeArgs(rest), -1, -1, -1));

    /// <summary>
    /// Release the container's network now, for the ends the runtime's poststop hook cannot see as final: the monitor
    /// stopped restarting after the runtime's container was already deleted (a stop during the restart delay, a
    /// restart whose create failed). Runs the bundle's own "pscmon net-release" poststop hook (config.json
    /// hooks.poststop), which takes the network lock and continues detached; nothing when the bundle has none.
    /// </summary>
    public void ReleaseNetwork()
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Options.Bundle, ContainerMarkers.BundleConfigFile)));
            if (!doc.RootElement.TryGetProperty("hooks", out var hooks) || !hooks.TryGetProperty("poststop", out var post)) return;
            foreach (var h in post.EnumerateArray())
            {
                if (!h.TryGetProperty("path", out var path) || !h.TryGetProperty("args", out var a)) continue;
                var args = a.EnumerateArray().Select(x => x.GetString() ?? "").ToList();
                if (args.Count < 2 || args[1] != NetReleaseHook.Subcommand) continue;
                int pid = Spawn(path.GetString() ?? "", args, -1, -1, -1);
                if (pid > 0) Wait(pid);
                Mark("network released");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or InvalidOperationException) { }
    }

    public void Relay(MonitorFrameType type, ReadOnlySpan<byte> data)
    {
        if (_launcher >= 0) Frame(MonitorProtocol.Encode(type, data));
    }

    /// <summary>Write one encoded frame (<see cref="MonitorProtocol"/>) to the launcher; detaches when it went away.</summary>
    public void Frame(byte[] f)
    {
        if (_launcher < 0) return;
        fixed (byte* p = f)
        {
            int off = 0;
            while (off < f.Length)
            {
                nint n = write(_launcher, p + off, (nuint)(f.Length - off));
                if (n < 0)
                {
                    if (Errno == EINTR) continue;
                    Detach(); // the launcher went away (EPIPE): keep running, log only
                    return;
                }
                off += (int)n;
            }
        }
    }

    /// <summary>Stop writing frames: the launcher's stream becomes /dev/null.</summary>
    public void Detach()
    {
        if (_launcher < 0) return;
        int devnull = Open("/dev/null", O_RDWR);
        dup2(devnull, 1);
        close(devnull);
        _launcher = -1;
    }

    /// <summary>The engine marked the exit as the user's stop (Stop-Container, Send-ContainerSignal).</summary>
    public bool UserStopped() => File.Exists(Path.Combine(Options.Dir, ContainerMarkers.UserStop));

    /// <summary>
    /// The restart policy now: the one Update-Container (docker update --restart) left in the
    /// <see cref="ContainerMarkers.RestartPolicyFile"/> marker while this monitor runs, else the --restart it was given.
    /// </summary>
    public RestartPolicy CurrentRestartPolicy()
    {
        try
        {
            string text = File.ReadAllText(Path.Combine(Options.Dir, ContainerMarkers.RestartPolicyFile)).Trim();
            return RestartPolicy.TryParse(text, out var p) ? p : Options.Restart;
        }
        catch (IOException) { return Options.Restart; }
    }

    /// <summary>
    /// Reap every exited child; return init's exit code once it has exited. Each other child reaped is passed to
    /// <paramref name="other"/> (pid, exit code) when given.
    /// </summary>
    public static int? Reap(int pid, Action<int, int>? other = null)
    {
        int? result = null;
        int status;
        while (true)
        {
            int w = waitpid(-1, &status, WNOHANG);
            if (w <= 0) break;
            if (w == pid) result = DecodeWaitStatus(status);
            else other?.Invoke(w, DecodeWaitStatus(status));
        }
        return result;
    }

    /// <summary>Reap every exited child without waiting (each passed to <paramref name="other"/> when given).</summary>
    public static void ReapOthers(Action<int, int>? other = null)
    {
        int st, w;
        while ((w = waitpid(-1, &st, WNOHANG)) > 0) other?.Invoke(w, DecodeWaitStatus(st));
    }

    /// <summary>After the container ended: close the log, unmount the rootfs, run the exit command, remove the container when asked.</summary>
    public void Cleanup()
    {
        Log.Close();
        string rootfs = Path.Combine(Options.Dir, ContainerMarkers.RootfsDirectory);
        Umount(rootfs);
        Mark("cleanup: unmounted");
        if (Options.ExitCommand is not null)
        {
            var args = new List<string> { Options.ExitCommand };
            args.AddRange(Options.ExitArgs);
            int p = Spawn(Options.ExitCommand, args, -1, -1, -1);
            if (p > 0) Wait(p);
        }
        if (Options.Remove) RemoveContainer(rootfs);
    }

    private void RemoveContainer(string rootfs)
    {
        int lockFd = Options.LockFile is null ? -1 : Open(Options.LockFile, O_RDWR | O_CREAT);
        if (lockFd >= 0) flock(lockFd, LOCK_EX);
        Mark("remove: locked");
        string? trash = null;
        List<string> anonymous = [];
        try
        {
            if (IsMountPoint(rootfs)) return; // never delete through a live mount
            // the volumes' records go before the container does, so a -Remove run that returned has left none behind
            if (Options.VolumesDir is not null)
                try { anonymous = ForgetAnonymousVolumes(VolumeLayout.AnonymousVolumes(File.ReadAllBytes(Path.Combine(Options.Dir, VolumeLayout.ContainerMountsFile)))); }
                catch (IOException) { }
            // a rename makes the container disappear at once; the files are deleted after the lock is released
            trash = Path.Combine(Path.GetDirectoryName(Options.Dir.TrimEnd('/'))!, ContainerMarkers.TrashPrefix + Options.Id);
            Directory.Move(Options.Dir, trash);
            Event("destroy");
            if (Options.NameFile is not null && File.Exists(Options.NameFile) && File.ReadAllText(Options.NameFile).Trim() == Options.Id)
                File.Delete(Options.NameFile);
            if (Options.LockFile is not null)
                try { File.Delete(ContainerMarkers.LockFile(Path.GetDirectoryName(Options.LockFile)!, Options.Id)); } catch { }
        }
        catch { trash = null; }
        finally { if (lockFd >= 0) close(lockFd); }
        // never follows a link out of the container's directory, never enters a mount left inside it
        if (trash is not null) try { PsContainers.FileSystem.SafeTree.Delete(trash); } catch { }
        // never follows a link out of a volume, never enters a mount left inside it
        foreach (string vol in anonymous) try { PsContainers.FileSystem.SafeTree.Delete(vol); } catch { }
    }

    /// <summary>
    /// docker run --rm: forget the container's anonymous volumes under the volume store's lock, each only while no other
    /// container's mounts.json names it: its record goes first (as VolumeStore.Remove does), with a "destroy" volume
    /// event; returns the volume directories, which the caller deletes once the container is gone.
    /// </summary>
    private List<string> ForgetAnonymousVolumes(List<string> names)
    {
        var forgotten = new List<string>();
        if (names.Count == 0) return forgotten;
        string dir = Options.VolumesDir!;
        int lockFd = Open(Path.Combine(dir, VolumeLayout.LockFile), O_RDWR | O_CREAT);
        if (lockFd >= 0) flock(lockFd, LOCK_EX);
        try
        {
            foreach (string name in names)
            {
                if (UsedElsewhere(name)) continue;
                string vol = Path.Combine(dir, name);
                try { File.Delete(Path.Combine(vol, VolumeLayout.MetadataFile)); }
                catch (IOException) { continue; }
                forgotten.Add(vol);
                _events ??= EventJournal.ForContainerDirectory(Options.Dir);
                _events.TryAppend(EngineEvent.Now(EventType.Volume, "destroy", name, new Dictionary<string, string> { ["driver"] = "local" }));
            }
        }
        finally { if (lockFd >= 0) close(lockFd); }
        return forgotten;
    }

    /// <summary>Whether another container's mounts.json (not this one's, not one being deleted) lists the volume.</summary>
    private bool UsedElsewhere(string name)
    {
        string self = Path.GetFullPath(Options.Dir).TrimEnd('/');
        foreach (var d in Directory.EnumerateDirectories(Path.GetDirectoryName(self)!))
        {
            if (Path.GetFileName(d).StartsWith('.') || d.TrimEnd('/') == self) continue; // .trash-<id>, .names, .locks
            try { if (VolumeLayout.AnonymousVolumes(File.ReadAllBytes(Path.Combine(d, VolumeLayout.ContainerMountsFile))).Contains(name)) return true; }
            catch (IOException) { }
        }
        return false;
    }
}
