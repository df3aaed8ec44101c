using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using PsContainers.Contract;
using PsContainers.Core.Util;
using PsContainers.FileSystem;

namespace PsContainers.Core.Containers;

/// <summary>
/// Container records on disk: PscPaths.Containers/&lt;id&gt;/container.json (the definition, written by the
/// engine), state.json (written by the monitor, or by the engine while no monitor runs), json.log,
/// config.json (the OCI bundle), rootfs/ upper/ work/ (the overlay). Names are reserved in
/// .names/&lt;name&gt; under the store lock, so a name is unique across every process.
/// </summary>
public sealed partial class ContainerStore : Images.IImageUsers
{
    public PscPaths Paths { get; }
    private readonly ISyscalls _sys;

    public ContainerStore(PscPaths paths, ISyscalls? syscalls = null)
    {
        Paths = paths;
        _sys = syscalls ?? LinuxSyscalls.Instance;
    }

    public string Root => Paths.Containers;
    public string LockFile => System.IO.Path.Combine(Root, ".lock");
    private string NamesDir => System.IO.Path.Combine(Root, ".names");
    private string LocksDir => System.IO.Path.Combine(Root, ContainerMarkers.LocksDirectory);
    public string DirOf(string id) => System.IO.Path.Combine(Root, id);
    /// <summary>The container's root file system mount point (&lt;id&gt;/rootfs, <see cref="ContainerMarkers.RootfsDirectory"/>, which pscmon unmounts).</summary>
    public string RootfsOf(string id) => System.IO.Path.Combine(DirOf(id), ContainerMarkers.RootfsDirectory);
    /// <summary>The container's writable layer, the overlay upper directory (&lt;id&gt;/upper): what docker diff and commit read.</summary>
    public string UpperOf(string id) => System.IO.Path.Combine(DirOf(id), "upper");
    /// <summary>The overlay work directory of the container's root file system (&lt;id&gt;/work).</summary>
    public string WorkOf(string id) => System.IO.Path.Combine(DirOf(id), "work");
    public string NameFile(string name) => System.IO.Path.Combine(NamesDir, name);

    /// <summary>
    /// Replace a record atomically (temp file + rename in the same directory): a kill -9 at any moment leaves
    /// the old or the new content, never a mix. Not fsynced: records describe processes, which do not survive
    /// an OS crash either, and an fsync costs 5-20 ms on a busy disk on every container start.
    /// </summary>
    internal static void WriteRecord(string path, string text) => AtomicFile.WriteAllText(path, text, durable: false, createDirectory: false);

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")]
    private static partial Regex NameRegex();
    [GeneratedRegex("^[a-f0-9]{64}$")]
    private static partial Regex IdRegex();

    /// <summary>The longest container or pod name, in characters.</summary>
    public const int MaxNameLength = 128;

    public static bool IsValidName(string name) => name.Length is > 0 and <= MaxNameLength && NameRegex().IsMatch(name);

    /// <summary>
    /// Why <paramref name="name"/> is not a valid name of a <paramref name="noun"/> ("container", "pod"), as one
    /// sentence that states both rules and leads with the one it breaks: at most <see cref="MaxNameLength"/>
    /// characters; letters, digits, '_', '.' and '-', starting with a letter or digit.
    /// </summary>
    public static string InvalidNameMessage(string name, string noun) =>
        name.Length > MaxNameLength
            ? $"'{name}' is not a valid {noun} name: it has {name.Length} characters, and a {noun} name has at most {MaxNameLength} (letters, digits, '_', '.' and '-', starting with a letter or digit)."
            : $"'{name}' is not a valid {noun} name: use letters, digits, '_', '.' and '-', starting with a letter or digit, at most {MaxNameLength} characters.";
    public static bool IsFullId(string s) => IdRegex().IsMatch(s);

    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    private static readonly string[] Adjectives = ["admiring", "brave", "clever", "eager", "festive", "gentle", "happy", "jolly", "keen", "lucid", "modest", "nifty", "quirky", "serene", "tender", "vibrant", "wizardly", "zealous"];
    private static readonly string[] Nouns = ["babbage", "curie", "darwin", "euler", "feynman", "gauss", "hopper", "kepler", "lovelace", "meitner", "newton", "noether", "pascal", "ritchie", "shannon", "tesla", "turing", "wozniak"];

    public static string RandomName() =>
        $"{Adjectives[RandomNumberGenerator.GetInt32(Adjectives.Length)]}_{Nouns[RandomNumberGenerator.GetInt32(Nouns.Length)]}";

    /// <summary>The store-wide lock (names, creation, removal).</summary>
    public FileLock LockStore(CancellationToken ct = default) => FileLock.Exclusive(LockFile, ct);

    /// <summary>The per-container lock serialising lifecycle operations on one container.</summary>
    public FileLock LockContainer(string id, CancellationToken ct = default) =>
        FileLock.Exclusive(ContainerMarkers.LockFile(Root, id), ct);

    /// <summary>
    /// Reserve <paramref name="name"/> for <paramref name="id"/> and publish the container directory. Call
    /// under <see cref="LockStore"/>. Throws ResourceExists when the name belongs to a live container.
    /// </summary>
    internal void Publish(Container c) => Publish(c, null)?.Dispose();

    /// <summary>
    /// <see cref="Publish(Container)"/>, and the container's directory has the file <paramref name="guardFile"/>,
    /// created and flocked (exclusive) before the directory appears; the lock is returned (null without a file).
    /// </summary>
    internal FileLock? Publish(Container c, string? guardFile)
    {
        ReserveName(c.Name, c.Id);
        string tmp = System.IO.Path.Combine(Root, AtomicFile.TempPrefix + c.Id);
        FileLock? guard = null;
        try
        {
            // each container's directory (its overlay upper directory inside) is a tree of its own
            TreeDirectory.Ensure(Root);
            Directory.CreateDirectory(tmp);
            // the lock is on the file, which the rename below moves with its directory
            if (guardFile is not null) guard = FileLock.Exclusive(System.IO.Path.Combine(tmp, guardFile));
            c.BundlePath = DirOf(c.Id);
            File.WriteAllText(System.IO.Path.Combine(tmp, "container.json"), JsonSerializer.Serialize(c, Json));
            WriteStateFile(tmp, c.State);
            Directory.Move(tmp, DirOf(c.Id)); // the container appears complete or not at all
            BindVolumes(c);
            return guard;
        }
        catch
        {
            guard?.Dispose();
            try { SafeTree.Delete(tmp); } catch { }
            try { File.Delete(NameFile(c.Name)); } catch { }
            throw;
        }
    }

    /// <summary>Create the name file for id; a stale file (its container is gone) is taken over.</summary>
    internal void ReserveName(string name, string id)
    {
        Directory.CreateDirectory(NamesDir);
        string f = NameFile(name);
        if (File.Exists(f))
        {
            string owner = File.ReadAllText(f).Trim();
            if (owner != id && Directory.Exists(DirOf(owner)) && !File.Exists(System.IO.Path.Combine(DirOf(owner), ContainerMarkers.Removing)))
                throw PscException.Exists(ErrorIds.ContainerNameInUse,
                    $"The container name '{name}' is already in use by container {owner[..Math.Min(12, owner.Length)]}. Remove or rename that container to reuse the name.", name);
        }
        Directory.CreateDirectory(NamesDir);
        WriteRecord(f, id);
    }

    internal void ReleaseName(string name, string id)
    {
        string f = NameFile(name);
        try
        {
            if (File.Exists(f) && File.ReadAllText(f).Trim() == id) File.Delete(f);
        }
        catch (IOException) { }
    }

    public void SaveDefinition(Container c) =>
        WriteRecord(System.IO.Path.Combine(DirOf(c.Id), "container.json"), JsonSerializer.Serialize(c, Json));

    public void SaveState(Container c) => WriteStateFile(DirOf(c.Id), c.State);

    private static void WriteStateFile(string dir, ContainerState s) =>
        WriteRecord(System.IO.Path.Combine(dir, ContainerMarkers.StateFile), ToStateFile(s).ToJson());

    /// <summary>The state as the shared state.json record (<see cref="ContainerStateFile"/>).</summary>
    internal static ContainerStateFile ToStateFile(ContainerState s) => new()
    {
        Status = s.Status, Pid = s.Pid, MonitorPid = s.MonitorPid, RestartCount = s.RestartCount,
        StartedAt = s.StartedAt, FinishedAt = s.FinishedAt, ExitCode = s.ExitCode, Error = s.Error,
        OomKilled = s.OOMKilled,
    };

    /// <summary>The state a state.json records (the monitor's or ours), read by <see cref="ContainerStateFile.Parse(string)"/>.</summary>
    /// <exception cref="JsonException">Not a state record.</exception>
    internal static ContainerState ParseState(string json)
    {
        var f = ContainerStateFile.Parse(json);
        return new ContainerState
        {
            Status = f.Status, Pid = f.Pid, MonitorPid = f.MonitorPid, RestartCount = f.RestartCount,
            StartedAt = f.StartedAt, FinishedAt = f.FinishedAt, ExitCode = f.ExitCode, Error = f.Error,
            OOMKilled = f.OomKilled,
        };
    }

    /// <summary>
    /// Read one container by full id; null when it does not exist (or is being removed). A pure read: a container
    /// whose monitor is gone is reported exited, and nothing is killed or unmounted (see <see cref="ReconcileLocked"/>).
    /// </summary>
    public Container? Load(string id)
    {
        var c = Read(id);
        if (c is not null)
        {
            Observe(c);
            BindRuntime(c);
        }
        return c;
    }

    /// <summary>
    /// Links a running container's inspect fields that the network setup decides at start (NetworkSettings: addresses,
    /// MAC, gateway, the host ports in use, the namespace) to its network.json, read on first use only, so that a
    /// listing reads no more files; a container that does not run has them cleared (docker inspect after a stop).
    /// </summary>
    private void BindRuntime(Container c)
    {
        c.NetworkSettings.Bind(c.State.Running && c.BundlePath is { } dir
            ? new Lazy<Networking.ContainerNetworkState?>(() => Networking.ContainerNetworkState.ReadFrom(Networking.ContainerNetworkState.PathIn(dir)))
            : null);
        // a pod member shows the pod's networks (podman's inspect): the infra container's, whose namespace it joins
        if (c.Pod is not null && c.HostConfig.NetworkModeKind == NetworkMode.Container && c.HostConfig.NetworkContainerId is { } infra && infra != c.Id)
            c.NetworkSettings.BindPod(new Lazy<ContainerNetworkSettings?>(() => Load(infra)?.NetworkSettings));
        BindVolumes(c);
    }

    /// <summary>Links the container's volume mounts to the store's volumes directory (Mounts[].Source: the host directory).</summary>
    private void BindVolumes(Container c)
    {
        string volumes = Paths.Volumes;
        foreach (var m in c.Mounts)
            if (m.Type == MountKind.Volume) m.Bind(name => Volumes.VolumeStore.DataDirectoryOf(volumes, name));
    }

    /// <summary>The records of one container as written (no liveness check); null when it does not exist.</summary>
    private Container? Read(string id)
    {
        string dir = DirOf(id);
        try
        {
            string def = File.ReadAllText(System.IO.Path.Combine(dir, "container.json"));
            if (File.Exists(System.IO.Path.Combine(dir, ContainerMarkers.Removing))) return null;
            var c = JsonSerializer.Deserialize<Container>(def, Json);
            if (c is null) return null;
            c.BundlePath = dir;
            string stPath = System.IO.Path.Combine(dir, ContainerMarkers.StateFile);
            c.State = File.Exists(stPath) ? ParseState(File.ReadAllText(stPath)) : new ContainerState();
            c.State.Health = ContainerHealthcheck.ReadHealth(c);
            return c;
        }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
        catch (JsonException) { return null; }
    }

    /// <summary>Every container (unordered).</summary>
    public List<Container> LoadAll()
    {
        var list = new List<Container>();
        if (!Directory.Exists(Root)) return list;
        foreach (var d in Directory.EnumerateDirectories(Root))
        {
            string id = System.IO.Path.GetFileName(d);
            if (!IsFullId(id)) continue;
            var c = Load(id);
            if (c is not null) list.Add(c);
        }
        return list;
    }

    /// <summary>
    /// Every container and the image it uses, for the image store (rmi's "in use", disk usage): a pure read that never
    /// repairs. Volumes are the names of the volumes it mounts; Running is <see cref="ContainerState.Running"/> as
    /// <see cref="Load"/> sees it (a container whose monitor is gone is not running).
    /// </summary>
    public IReadOnlyList<Images.ContainerUse> GetImageUsers()
    {
        var list = new List<Images.ContainerUse>();
        if (!Directory.Exists(Root)) return list;
        foreach (var d in Directory.EnumerateDirectories(Root))
        {
            string id = System.IO.Path.GetFileName(d);
            if (!IsFullId(id)) continue;
            var c = Load(id);
            if (c is null || string.IsNullOrEmpty(c.ImageId)) continue;
            string imageId = c.ImageId.StartsWith("sha256:", StringComparison.Ordinal) ? c.ImageId : "sha256:" + c.ImageId;
            var volumes = c.Mounts.Where(m => m.Type == MountKind.Volume && !string.IsNullOrEmpty(m.Name)).Select(m => m.Name!).ToList();
            list.Add(new Images.ContainerUse(c.Id, c.Name, imageId, UpperOf(c.Id), volumes, c.State.Running));
        }
        return list;
    }

    /// <summary>
    /// Turn the recorded state into the truth: a container whose monitor is gone is not running. Only in memory:
    /// the record is repaired by <see cref="ReconcileLocked"/>. A container that does not run has State.Pid 0, as docker
    /// inspect shows it once the container exited (moby SetStopped), and MonitorPid 0: the monitor no longer supervises
    /// it (state.json keeps the monitor's pid, which <see cref="WaitMonitorGone"/> reads while it cleans up). A
    /// container whose monitor was lost keeps both until it is reconciled: the repair stops what they name.
    /// </summary>
    private void Observe(Container c)
    {
        var s = c.State;
        if (!s.Running)
        {
            s.Pid = 0;
            s.MonitorPid = 0;
        }
        else
        {
            if (MonitorAliveFor(c))
            {
                if (s.Status == ContainerStatus.Running && File.Exists(System.IO.Path.Combine(c.BundlePath!, ContainerMarkers.Paused)))
                    s.Status = ContainerStatus.Paused;
                return;
            }
            // the monitor died (kill -9, reboot): the container cannot be supervised any more
            s.Status = ContainerStatus.Exited;
            s.ExitCode ??= -1;
            s.FinishedAt ??= DateTime.UtcNow;
            s.Error ??= "The container's monitor exited unexpectedly; the exit code is unknown.";
            s.MonitorLost = true;
        }
    }

    /// <summary>
    /// Make the record of one container true, with its lock held by the caller: a container whose monitor is gone
    /// is handed to <paramref name="repair"/> (kill what it left, unmount) and recorded exited. Returns the
    /// container as it is now; null when it does not exist.
    /// </summary>
    internal Container? ReconcileLocked(string id, Action<Container> repair)
    {
        var c = Load(id);
        if (c is null || !c.State.MonitorLost) return c;
        try { repair(c); }
        catch (Exception) { /* best effort: what could not be cleaned up is tried again by the next reconcile */ return c; }
        c.State.MonitorLost = false;
        c.State.Pid = 0; // repaired: nothing of it runs any more (docker: State.Pid 0 once exited)
        c.State.MonitorPid = 0;
        if (Directory.Exists(DirOf(id))) SaveState(c);
        return c;
    }

    /// <summary>
    /// <see cref="ReconcileLocked"/> when the container lock is free; when another command holds it, that command
    /// is changing the container and reconciles it itself, so this only reads.
    /// </summary>
    internal Container? TryReconcile(string id, Action<Container> repair)
    {
        Directory.CreateDirectory(LocksDir);
        var l = FileLock.TryExclusive(ContainerMarkers.LockFile(Root, id));
        if (l is null) return Load(id);
        using (l) return ReconcileLocked(id, repair);
    }

    /// <summary>The monitor recorded in state.json is alive and is this container's pscmon.</summary>
    public bool MonitorAlive(Container c) => MonitorAliveFor(c);

    /// <summary>
    /// Until the container's monitor (as state.json records it now, else as <paramref name="c"/> does) has finished
    /// its clean-up (runtime delete, unmount, participants) and exited, or <paramref name="timeout"/> passed.
    /// </summary>
    public void WaitMonitorGone(Container c, TimeSpan timeout, CancellationToken ct = default)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        int mon = 0;
        try { mon = ContainerStateFile.ReadFrom(DirOf(c.Id))?.MonitorPid ?? 0; } catch { }
        if (mon <= 0) mon = c.State.MonitorPid;
        var probe = new Container { Id = c.Id, State = new ContainerState { MonitorPid = mon } };
        while (MonitorAliveFor(probe) && sw.Elapsed < timeout)
        {
            ct.ThrowIfCancellationRequested();
            Thread.Sleep(5);
        }
    }

    /// <summary>Whether <paramref name="c"/>'s monitor pid is still its pscmon (its command line names pscmon and the
    /// container: pids are reused) and has not exited (not a zombie).</summary>
    private bool MonitorAliveFor(Container c)
    {
        int pid = c.State.MonitorPid;
        if (pid <= 0) return false;
        string? cmd = _sys.ReadProcFile(pid, "cmdline");
        return cmd is not null && cmd.Contains(c.Id, StringComparison.Ordinal) && cmd.Contains("pscmon", StringComparison.Ordinal)
            && !IsZombie(pid);
    }

    /// <summary>A process that is a zombie (Z) or dead (X) in /proc/&lt;pid&gt;/stat, or gone.</summary>
    private bool IsZombie(int pid)
    {
        string? stat = _sys.ReadProcFile(pid, "stat");
        if (stat is null) return true;
        int close = stat.LastIndexOf(')');
        return close > 0 && close + 2 < stat.Length && (stat[close + 2] == 'Z' || stat[close + 2] == 'X');
    }

    /// <summary>Find by exact name, full id, or unique id prefix (at least 1 character).</summary>
    public Container? Find(string nameOrId)
    {
        if (string.IsNullOrEmpty(nameOrId)) return null;
        if (IsValidName(nameOrId) && File.Exists(NameFile(nameOrId)))
        {
            string id = "";
            try { id = File.ReadAllText(NameFile(nameOrId)).Trim(); } catch (IOException) { }
            if (IsFullId(id) && Load(id) is { } byName && byName.Name == nameOrId) return byName;
        }
        return FindById(nameOrId);
    }

    /// <summary>Find by full id or unique id prefix (at least 1 hex digit); never by name.</summary>
    /// <exception cref="InvalidArgumentException">AmbiguousContainerId: the prefix fits several containers.</exception>
    public Container? FindById(string idOrPrefix)
    {
        if (IsFullId(idOrPrefix)) return Load(idOrPrefix);
        if (!Regex.IsMatch(idOrPrefix, "^[a-f0-9]{1,63}$") || !Directory.Exists(Root)) return null;
        var matches = Directory.EnumerateDirectories(Root, idOrPrefix + "*").Select(System.IO.Path.GetFileName).Where(n => n is not null && IsFullId(n)).ToList();
        if (matches.Count > 1)
            throw new InvalidArgumentException(ErrorIds.AmbiguousContainerId,
                $"The id prefix '{idOrPrefix}' matches {matches.Count} containers; give more characters.", idOrPrefix);
        return matches.Count == 1 ? Load(matches[0]!) : null;
    }

    /// <summary>
    /// Delete a container's directory (under the store lock; never through a live mount): the rootfs is unmounted
    /// first, then the directory is deleted with <see cref="SafeTree.Delete(string)"/>, which never follows a link and
    /// refuses to cross into a file system still mounted inside it (then RootfsBusy, with the mount left intact).
    /// Errors (<see cref="PscException"/>): RootfsBusy, ContainerRemoveFailed (an I/O error).
    /// </summary>
    internal void DeleteDirectory(Container c)
    {
        string dir = DirOf(c.Id);
        if (!Directory.Exists(dir)) return;
        string rootfs = RootfsOf(c.Id);
        if (Directory.Exists(rootfs) && _sys.IsMountPoint(rootfs))
        {
            _sys.Unmount(rootfs);
            if (_sys.IsMountPoint(rootfs))
                throw new ConflictException(ErrorIds.RootfsBusy, $"The root filesystem of '{c.Name}' is still mounted at {rootfs}.", c.Name, inUse: true);
        }
        File.WriteAllText(System.IO.Path.Combine(dir, ContainerMarkers.Removing), "");
        try { SafeTree.Delete(dir); }
        catch (FsException e) when (e.Errno == Errno.EBUSY)
        {
            throw new ConflictException(ErrorIds.RootfsBusy, $"A file system is still mounted inside the directory of '{c.Name}' ({e.DisplayPath}); it was left in place: {e.Message}", c.Name, inUse: true, inner: e);
        }
        catch (FsException e)
        {
            throw new PscException(ErrorIds.ContainerRemoveFailed, PscErrorCategory.WriteError, $"Removing the directory of '{c.Name}' failed: {e.Message}", c.Name, e);
        }
        ReleaseName(c.Name, c.Id);
        try { File.Delete(ContainerMarkers.LockFile(Root, c.Id)); } catch (IOException) { }
    }
}
