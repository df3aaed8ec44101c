using System.Globalization;
using System.Text;
using System.Text.Json;
using PsContainers.Cgroups;
using PsContainers.Contract;
using PsContainers.Core.Runtime.Spec;
using PsContainers.FileSystem;

namespace PsContainers.Runtime;

/// <summary>The runtime side of the lifecycle: create, start, state, kill, delete, exec, pause, resume, ps, list.</summary>
internal sealed class Runtime
{
    public string Root { get; }

    public Runtime(string root) { Root = root; }

    /// <summary>False with --no-seccomp-cache: the filter is built with libseccomp every time.</summary>
    public bool SeccompCache { get; init; } = true;

    /// <summary>The container's seccomp program in a sealed memfd for the container process (fd 6), or -1 without linux.seccomp.</summary>
    private int SeccompFd(RuntimeSpec spec) =>
        spec.Linux?.Seccomp is { } sc ? Seccomp.ToMemfd(PsContainers.Runtime.SeccompCache.Program(sc, SeccompCache ? Root : null)) : -1;

    private string Dir(string id) => Path.Combine(Root, id);
    private string StateFile(string id) => Path.Combine(Dir(id), "state.json");
    private string FifoPath(string id) => Path.Combine(Dir(id), "exec.fifo");
    private string ConfigCopy(string id) => Path.Combine(Dir(id), "config.json");

    public InternalState Load(string id)
    {
        Validation.CheckId(id);
        string f = StateFile(id);
        string text;
        try { text = File.ReadAllText(f); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new RuntimeError($"container '{id}' does not exist");
        }
        try { return InternalState.Parse(text); }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new RuntimeError($"container '{id}': the state file is damaged: {e.Message}");
        }
    }

    private static void WriteAtomic(string path, string text)
    {
        string tmp = path + ".tmp-" + Environment.ProcessId;
        using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write))
        {
            // atomic by rename; no fsync: runtime state lives on /run (tmpfs) and does not outlive a reboot, as with runc
            fs.Write(Encoding.UTF8.GetBytes(text));
        }
        File.Move(tmp, path, true);
    }

    /// <summary>Start time of a process (clock ticks since boot), 0 when it does not exist; zombies count as gone.</summary>
    public static ulong StartTime(int pid)
    {
        if (pid <= 0) return 0;
        try
        {
            string s = File.ReadAllText($"/proc/{pid}/stat");
            int close = s.LastIndexOf(')');
            var f = s[(close + 2)..].Split(' ');
            if (f[0] is "Z" or "X") return 0;
            return ulong.Parse(f[19], CultureInfo.InvariantCulture); // field 22
        }
        catch (Exception) { return 0; }
    }

    /// <summary>
    /// runtime.md's status of a container: stopped (its init is gone, or its pid now belongs to another process),
    /// created (the exec fifo still waits for start), paused (its cgroup is frozen), else running.
    /// </summary>
    public RuntimeStatus Status(InternalState st)
    {
        if (st.Pid <= 0 || StartTime(st.Pid) != st.StartTime) return RuntimeStatus.Stopped;
        if (File.Exists(FifoPath(st.Id))) return RuntimeStatus.Created;
        if (CgroupManager.For(st.Cgroups).IsFrozen()) return RuntimeStatus.Paused;
        return RuntimeStatus.Running;
    }

    /// <summary>The state runtime.md's "state" operation reports (and hooks receive on stdin).</summary>
    public ContainerRuntimeState PublicState(InternalState st, RuntimeStatus? status = null)
    {
        var s = status ?? Status(st);
        return new ContainerRuntimeState
        {
            OciVersion = st.OciVersion, Id = st.Id, Status = s.Text(), Pid = s == RuntimeStatus.Stopped ? 0 : st.Pid,
            Bundle = st.Bundle, Annotations = st.Annotations, Rootfs = st.Rootfs, Created = st.Created, Owner = st.Owner,
        };
    }

    // ---- create ----

    public InternalState Create(string id, string bundle, string? pidFile, string? consoleSocket)
    {
        Validation.CheckId(id);
        bundle = Path.GetFullPath(bundle);
        string cfgPath = Path.Combine(bundle, ContainerMarkers.BundleConfigFile);
        string json;
        try { json = File.ReadAllText(cfgPath); }
        catch (Exception e) { throw new RuntimeError($"cannot read {cfgPath}: {e.Message}"); }
        RuntimeSpec spec;
        try { spec = RuntimeSpec.Parse(json); }
        catch (JsonException e) { throw new RuntimeError($"config.json: invalid JSON: {e.Message}"); }
        Validation.Check(spec);
        Program.Trace("config parsed and checked");
        string rootfs = Path.GetFullPath(spec.Root!.Path, bundle);
        if (!Directory.Exists(rootfs)) throw new RuntimeError($"root.path: '{rootfs}' is not a directory");
        bool sharedMnt = !spec.Linux!.Namespaces!.Any(n => n.Type == "mount");
        string realRootfs = sharedMnt ? Native.RealPath(rootfs) ?? rootfs : rootfs;
        if (sharedMnt && realRootfs == "/")
            throw new RuntimeError("root.path: without a mount namespace the rootfs must not be the runtime's own root '/'");
        if (spec.Process!.Terminal && consoleSocket is null) throw new RuntimeError("process.terminal: a terminal needs --console-socket");
        if (!spec.Process.Terminal && consoleSocket is not null) throw new RuntimeError("--console-socket is only used with process.terminal = true");

        Directory.CreateDirectory(Root);
        string dir = Dir(id);
        try { Directory.CreateDirectory(Root); if (Directory.Exists(dir)) throw new IOException(); Directory.CreateDirectory(dir); }
        catch (IOException) { throw new RuntimeError($"container with id '{id}' already exists"); }

        int initPid = 0, relay = 0, sock = -1, consoleFd = -1, fifoFd = -1, filterFd = -1;
        CgroupSet? cg = null;
        HashSet<int>? mountsBefore = null;
        try
        {
            File.WriteAllText(ConfigCopy(id), json);
            int fe = Native.Mkfifo(FifoPath(id), 0x192 /*0622*/);
            if (fe != 0) throw Native.Fail("create the exec fifo", fe);
            // the container's root (maybe a mapped uid) opens it for writing
            File.SetUnixFileMode(FifoPath(id), (UnixFileMode)0x192 /*0622*/);
            uint rootUid = HostId(spec.Linux!.UidMappings), rootGid = HostId(spec.Linux.GidMappings);
            if (rootUid != 0 || rootGid != 0) Native.Lchown(FifoPath(id), rootUid, rootGid);
            cg = CgroupHierarchy.Create(spec.Linux!.CgroupsPath, id, spec.Linux.Resources);
            // a group that existed is joined, with its processes (runc 1.1 warns the same; runc 1.2 refuses)
            if (cg.Joined.Any() && CgroupManager.For(cg).Pids().Count is int held and > 0)
                Program.Warn($"container's cgroup is not empty: {held} process(es) found");
            CgroupManager.For(cg).Apply(spec.Linux.Resources, spec.Linux.Devices);

            if (consoleSocket is not null)
            {
                consoleFd = Native.ConnectUnix(consoleSocket);
                if (consoleFd < 0) throw new RuntimeError($"--console-socket '{consoleSocket}': {Native.Strerror(-consoleFd)}");
            }
            fifoFd = Native.Open(FifoPath(id), Libc.O_PATH | Libc.O_CLOEXEC);
            if (fifoFd < 0) throw Native.Fail("open the exec fifo", -fifoFd);


            var st = new InternalState
            {
                Id = id, Bundle = bundle, Rootfs = rootfs, Created = DateTime.UtcNow, Owner = "root",
                OciVersion = spec.OciVersion, Annotations = spec.Annotations, Cgroups = cg,
            };
            var env = BaseEnv(id, bundle);
            env.Add("_PSC_ROOTFS=" + (sharedMnt ? realRootfs : rootfs));
            if (sharedMnt) mountsBefore = MountsAt(realRootfs).Select(m => m.Id).ToHashSet();
            env.Add("_PSC_CGROUPS=" + string.Join('\n', cg.Dirs.Select(kv => kv.Key + "\t" + kv.Value)));
            env.Add("_PSC_CGJOIN=" + CgroupManager.For(cg).JoinFiles());
            if (spec.Linux.UidMappings is { Count: > 0 } || spec.Process.OomScoreAdj is not null) env.Add("_PSC_HANDSHAKE=1");
            Program.Trace("cgroups ready");
            filterFd = SeccompFd(spec);
            (sock, relay) = SpawnInit("init", env, spec.Linux.Namespaces!, consoleFd, fifoFd, filterFd: filterFd);
            if (filterFd >= 0) { Libc.close(filterFd); filterFd = -1; }
            if (consoleFd >= 0) { Libc.close(consoleFd); consoleFd = -1; }
            Libc.close(fifoFd); fifoFd = -1;

            initPid = Handshake(sock, relay, spec, json, st, cg, isExec: false, pid => initPid = pid);
            Program.Trace("container ready");
            st.Pid = initPid;
            if (mountsBefore is not null) st.SharedRootMount = TopMountAt(realRootfs, mountsBefore);
            st.StartTime = StartTime(initPid);
            if (st.StartTime == 0) throw new RuntimeError("the container process exited during create");
            WriteAtomic(StateFile(id), st.ToJson());
            if (pidFile is not null) WriteAtomic(Path.GetFullPath(pidFile), initPid.ToString(CultureInfo.InvariantCulture));
            Libc.close(sock);
            return st;
        }
        catch
        {
            if (sock >= 0) Libc.close(sock);
            if (consoleFd >= 0) Libc.close(consoleFd);
            if (fifoFd >= 0) Libc.close(fifoFd);
            if (filterFd >= 0) Libc.close(filterFd);
            if (relay > 0) { Native.Kill(relay, Libc.SIGKILL); Native.WaitPid(relay, out _); }
            if (initPid > 0) { Native.Kill(initPid, Libc.SIGKILL); WaitGone(initPid, 5000); }
            if (mountsBefore is not null) DetachSharedRoot(realRootfs, TopMountAt(realRootfs, mountsBefore));
            if (cg is not null)
            {
                KillLeftovers(cg, spec);
                CgroupManager.For(cg).Remove();
            }
            try { SafeTree.Delete(dir); } catch (IOException) { }
            throw;
        }
    }

    /// <summary>
    /// runc's destroy rule for the processes left in a container's group: SIGKILL to every one when the container has
    /// no pid namespace of its own (none, or one joined by path), since they outlive its init. With a new pid namespace
    /// the kernel killed them with the init: pscrun still sweeps a group it made itself, but not a joined one, whose
    /// other processes (a pod's, a systemd unit's) are not the container's. Returns whether every process was signalled.
    /// </summary>
    private static bool KillLeftovers(CgroupSet cg, RuntimeSpec? spec)
    {
        bool ownPidNs = spec?.Linux?.Namespaces?.Any(n => n.Type == "pid" && string.IsNullOrEmpty(n.Path)) == true;
        if (ownPidNs && cg.Joined.Any()) return false;
        foreach (var p in CgroupManager.For(cg).Pids()) Native.Kill(p, Libc.SIGKILL);
        return true;
    }

    private static uint HostId(List<SpecIdMapping>? maps)
    {
        foreach (var m in maps ?? new()) if (m.ContainerID == 0) return m.HostID;
        return 0;
    }

    private static List<string> BaseEnv(string id, string bundle)
    {
        var env = new List<string>();
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            string k = (string)e.Key;
            if (k.StartsWith("_PSC_", StringComparison.Ordinal)) continue;
            env.Add(k + "=" + e.Value);
        }
        env.Add("_PSC_ID=" + id);
        env.Add("_PSC_BUNDLE=" + bundle);
        return env;
    }

    /// <summary>Start pscrun again as the container process; the C constructor enters the namespaces.</summary>
    private static (int Sock, int Pid) SpawnInit(string mode, List<string> env, List<SpecNamespace> namespaces, int consoleFd, int fifoFd, int targetPid = 0, int filterFd = -1)
    {
        long flags = 0;
        var paths = new StringBuilder();
        foreach (var ns in namespaces)
        {
            if (targetPid > 0)
            {
                // exec: join the container's namespaces; our own user namespace cannot be joined again
                string target = $"/proc/{targetPid}/ns/{Validation.NsProcName(ns.Type)}";
                if (ns.Type == "user" && SameNs(target, "/proc/self/ns/user")) continue;
                paths.Append(ns.Type).Append(':').Append(target).Append('\n');
            }
            else if (string.IsNullOrEmpty(ns.Path)) flags |= (uint)Validation.NsFlag(ns.Type);
            else paths.Append(ns.Type).Append(':').Append(ns.Path).Append('\n');
        }
        if (namespaces.Any(n => n.Type == "user")) env.Add("_PSC_USERNS=1");
        if (!namespaces.Any(n => n.Type == "mount"))
        {
            // no mount namespace of its own: the container's root is a chroot in the runtime's mount namespace
            env.Add("_PSC_NOMNTNS=1");
            if (targetPid > 0) env.Add($"_PSC_CHROOT=/proc/{targetPid}/root");
        }
        env.Add("_PSC_INIT=3");
        env.Add("_PSC_MODE=" + mode);
        env.Add("_PSC_NS=" + flags.ToString(CultureInfo.InvariantCulture));
        if (paths.Length > 0) env.Add("_PSC_NSPATHS=" + paths);
        if (Native.SocketPair(out int parent, out int child) != 0) throw new RuntimeError("socketpair failed");
        var fds = new List<(int, int)> { (3, child) };
        if (consoleFd >= 0) fds.Add((4, consoleFd));
        if (fifoFd >= 0) fds.Add((5, fifoFd));
        if (filterFd >= 0) fds.Add((6, filterFd));
        string self = Environment.ProcessPath ?? "/proc/self/exe";
        int pid = Native.Spawn(self, new[] { "pscrun", "init" }, env, fds);
        Libc.close(child);
        if (pid < 0) { Libc.close(parent); throw new RuntimeError($"cannot start the container process: {Native.Strerror(-pid)}"); }
        return (parent, pid);
    }

    private static bool SameNs(string a, string b)
    {
        try { return new FileInfo(a).LinkTarget == new FileInfo(b).LinkTarget; }
        catch (IOException) { return false; }
    }

    /// <summary>Drive the sync protocol until the container side is ready (SyncMessage.Ready) or, for exec, has exec'd (EOF).</summary>
    private int Handshake(int sock, int relay, RuntimeSpec spec, string payload, InternalState st, CgroupSet cg, bool isExec, Action<int> onPid)
    {
        int pid = 0;
        while (true)
        {
            var msg = Sync.Receive(sock);
            if (msg is null)
            {
                if (isExec && pid > 0) return pid;
                if (pid > 0) { Native.WaitPid(pid, out int code, noHang: true); }
                throw new RuntimeError("the container process exited unexpectedly during setup");
            }
            switch (msg.Value.Type)
            {
                case SyncMessage.UserNamespaceReady:
                    if (!isExec)
                    {
                        var linux = spec.Linux!;
                        if (linux.UidMappings is { Count: > 0 })
                        {
                            WriteMap($"/proc/{relay}/uid_map", linux.UidMappings, "linux.uidMappings");
                            WriteMap($"/proc/{relay}/gid_map", linux.GidMappings!, "linux.gidMappings");
                        }
                        if (spec.Process!.OomScoreAdj is int adj)
                        {
                            int e = Native.WriteFile($"/proc/{relay}/oom_score_adj", adj.ToString(CultureInfo.InvariantCulture));
                            if (e != 0) throw Native.Fail("process.oomScoreAdj", e);
                        }
                    }
                    Sync.Send(sock, SyncMessage.Mapped);
                    break;
                case SyncMessage.ProcessId:
                    pid = int.Parse(msg.Value.Payload, CultureInfo.InvariantCulture);
                    onPid(pid);
                    Native.WaitPid(relay, out _);
                    Sync.Send(sock, SyncMessage.Config, payload);
                    break;
                case SyncMessage.Hooks:
                    {
                        // runtime.md: the create environment is done (lifecycle step 2), the program has not run: "created"
                        var s = PublicState(st, RuntimeStatus.Created);
                        s.Pid = pid;
                        try
                        {
                            Hooks.Run(spec.Hooks?.Prestart, "prestart", s, warnOnly: false);
                            Hooks.Run(spec.Hooks?.CreateRuntime, "createRuntime", s, warnOnly: false);
                        }
                        catch
                        {
                            Sync.Send(sock, SyncMessage.Error);
                            throw;
                        }
                        Sync.Send(sock, SyncMessage.HooksDone);
                        break;
                    }
                case SyncMessage.Ready:
                    return pid;
                case SyncMessage.Error:
                    throw new RuntimeError(msg.Value.Payload);
                default:
                    throw new RuntimeError($"unexpected sync message '{(char)msg.Value.Type}'");
            }
        }
    }

    private static void WriteMap(string file, List<SpecIdMapping> maps, string field)
    {
        var sb = new StringBuilder();
        foreach (var m in maps) sb.Append(CultureInfo.InvariantCulture, $"{m.ContainerID} {m.HostID} {m.Size}\n");
        int e = Native.WriteFile(file, sb.ToString());
        if (e != 0) throw Native.Fail($"{field}: write {Path.GetFileName(file)}", e);
    }

    private static bool WaitGone(int pid, int ms)
    {
        var until = Environment.TickCount64 + ms;
        while (StartTime(pid) != 0)
        {
            if (Environment.TickCount64 > until) return false;
            Native.WaitPid(pid, out _, noHang: true); // reap if it is our child
            Thread.Sleep(1);
        }
        return true;
    }

    // ---- a container without a mount namespace of its own ----

    /// <summary>The mounts whose mount point is exactly <paramref name="path"/>, in /proc/self/mountinfo order.</summary>
    private static List<(int Id, int Parent)> MountsAt(string path)
    {
        var l = new List<(int, int)>();
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var f = line.Split(' ');
            if (f.Length > 4 && UnescapeMountPath(f[4]) == path)
                l.Add((int.Parse(f[0], CultureInfo.InvariantCulture), int.Parse(f[1], CultureInfo.InvariantCulture)));
        }
        return l;
    }

    private static string UnescapeMountPath(string s)
    {
        if (!s.Contains('\\')) return s;
        var sb = new StringBuilder();
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 3 < s.Length && s[(i + 1)..(i + 4)].All(c => c is >= '0' and <= '7'))
            {
                sb.Append((char)Convert.ToInt32(s[(i + 1)..(i + 4)], 8));
                i += 3;
            }
            else sb.Append(s[i]);
        }
        return sb.ToString();
    }

    /// <summary>The topmost mount at path if it is not one of <paramref name="before"/> (i.e. ours), else 0.</summary>
    private static int TopMountAt(string path, HashSet<int> before)
    {
        var at = MountsAt(path);
        foreach (var (id, _) in at)
            if (!at.Any(m => m.Parent == id) && !before.Contains(id)) return id;
        return 0;
    }

    /// <summary>
    /// Lazily unmount the rootfs bind mount made in the runtime's mount namespace, and with it every mount below it
    /// (the configured mounts, /dev, masked paths); only when it is still the topmost mount at the rootfs.
    /// </summary>
    private static void DetachSharedRoot(string rootfs, int mountId)
    {
        if (mountId == 0) return;
        var at = MountsAt(rootfs);
        if (!at.Any(m => m.Id == mountId)) return; // already gone
        if (at.Any(m => m.Parent == mountId))
        {
            Program.Warn($"the rootfs bind mount at '{rootfs}' is covered by another mount: left in place");
            return;
        }
        int e = Native.Umount(rootfs, Libc.MNT_DETACH);
        if (e != 0) Program.Warn($"cannot unmount the rootfs bind mount at '{rootfs}': {Native.Strerror(e)}");
    }

    // ---- start ----

    public void Start(string id)
    {
        var st = Load(id);
        var status = Status(st);
        if (status != RuntimeStatus.Created) throw new RuntimeError($"cannot start container '{id}': it is {status.Text()}, not created");
        int fd = Native.Open(FifoPath(id), Libc.O_RDONLY | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
        if (fd < 0) throw new RuntimeError($"cannot start container '{id}': {Native.Strerror(-fd)}");
        try
        {
            Span<byte> b = stackalloc byte[1];
            while (true)
            {
                int r = Native.PollIn(fd, 100);
                if (r > 0)
                {
                    int n = Native.Read(fd, b);
                    if (n == 1) { WaitForExec(fd); break; }
                    if (n < 0 && -n != Native.EAGAIN) throw Native.Fail("read the exec fifo", -n);
                    if (n == 0 && StartTime(st.Pid) != st.StartTime) throw new RuntimeError($"container '{id}' exited before it could start");
                    Thread.Sleep(1);
                }
                else if (StartTime(st.Pid) != st.StartTime) throw new RuntimeError($"container '{id}' exited before it could start");
            }
        }
        finally { Libc.close(fd); }
        try { File.Delete(FifoPath(id)); } catch (IOException) { }
        Program.Trace("started");
        var spec = LoadSpec(id);
        Hooks.Run(spec?.Hooks?.Poststart, "poststart", PublicState(st, RuntimeStatus.Running), warnOnly: true);
    }

    /// <summary>Block until the container process closes its end of the fifo: it has exec'd the program (or exited).</summary>
    private static void WaitForExec(int fd)
    {
        Span<byte> b = stackalloc byte[16];
        for (int i = 0; i < 30000; i++)
        {
            int r = Native.PollIn(fd, 1000);
            if (r < 0) return;
            if (r == 0) continue;
            int n = Native.Read(fd, b);
            if (n == 0 || (n < 0 && -n != Native.EAGAIN)) return;
        }
    }

    private RuntimeSpec? LoadSpec(string id) => Config(id)?.Spec;

    private (string Id, string Json, RuntimeSpec Spec)? _config;

    /// <summary>
    /// The container's config.json as create copied it, text and model, or null when it is missing or unreadable.
    /// Read and parsed once per command: exec needs it for the base process, the seccomp program and the payload.
    /// </summary>
    public (string Json, RuntimeSpec Spec)? Config(string id)
    {
        if (_config is { } c && c.Id == id) return (c.Json, c.Spec);
        try
        {
            string json = File.ReadAllText(ConfigCopy(id));
            _config = (id, json, RuntimeSpec.Parse(json));
            return (json, _config.Value.Spec);
        }
        catch (Exception) { return null; }
    }

    // ---- kill / delete ----

    /// <summary>A signal name or number as runc kill takes it (<see cref="Signals.TryParse"/>).</summary>
    /// <exception cref="RuntimeError">Not a signal.</exception>
    public static int ParseSignal(string s) =>
        Signals.TryParse(s, out int n) ? n : throw new RuntimeError($"invalid signal '{s}'");

    public void Kill(string id, string signal, bool all)
    {
        var st = Load(id);
        int sig = ParseSignal(signal);
        var status = Status(st);
        if (status == RuntimeStatus.Stopped) throw new RuntimeError($"container '{id}' is not running");
        if (all)
        {
            foreach (var p in CgroupManager.For(st.Cgroups).Pids()) Native.Kill(p, sig);
            if (status == RuntimeStatus.Paused && sig == Libc.SIGKILL) CgroupManager.For(st.Cgroups).Freeze(false);
        }
        int e = Native.Kill(st.Pid, sig);
        if (e != 0 && e != Native.ESRCH) throw Native.Fail($"kill {st.Pid}", e);
    }

    public void Delete(string id, bool force)
    {
        InternalState st;
        try { st = Load(id); }
        catch (RuntimeError) when (force)
        {
            // no state at all, or what an interrupted create left (no state.json yet): remove the directory
            SafeTree.Delete(Dir(id));
            return;
        }
        var status = Status(st);
        if (status != RuntimeStatus.Stopped)
        {
            if (!force) throw new RuntimeError($"cannot delete container '{id}' that is not stopped: {status.Text()}");
            Native.Kill(st.Pid, Libc.SIGKILL);
        }
        var spec = LoadSpec(id);
        // with a shared pid namespace other processes may be left in the cgroup
        bool killedAll = KillLeftovers(st.Cgroups, spec);
        if (CgroupManager.For(st.Cgroups).IsFrozen()) CgroupManager.For(st.Cgroups).Freeze(false);
        if (st.Pid > 0 && StartTime(st.Pid) == st.StartTime) WaitGone(st.Pid, 10000);
        // a joined group may keep processes that are not the container's: its pid namespace died with its init
        if (killedAll) for (int i = 0; i < 500 && CgroupManager.For(st.Cgroups).Pids().Count > 0; i++) Thread.Sleep(2);
        Hooks.Run(spec?.Hooks?.Poststop, "poststop", PublicState(st, RuntimeStatus.Stopped), warnOnly: true);
        if (st.SharedRootMount != 0) DetachSharedRoot(Native.RealPath(st.Rootfs) ?? st.Rootfs, st.SharedRootMount);
        if (!CgroupManager.For(st.Cgroups).Remove()) Program.Warn($"some cgroups of '{id}' could not be removed");
        foreach (var d in st.Cgroups.Joined.Where(Directory.Exists))
            Program.Warn($"cgroup '{d}' existed before container '{id}' and still holds processes or groups: left in place");
        SafeTree.Delete(Dir(id));
    }

    // ---- pause / ps / list ----

    public void Pause(string id, bool pause)
    {
        var st = Load(id);
        var status = Status(st);
        if (pause && status is not (RuntimeStatus.Running or RuntimeStatus.Created)) throw new RuntimeError($"cannot pause container '{id}': it is {status.Text()}");
        if (!pause && status != RuntimeStatus.Paused) throw new RuntimeError($"cannot resume container '{id}': it is not paused");
        if (!CgroupManager.For(st.Cgroups).Freeze(pause)) throw new RuntimeError($"timed out {(pause ? "freezing" : "thawing")} container '{id}'");
    }

    public List<int> Ps(string id)
    {
        var st = Load(id);
        return CgroupManager.For(st.Cgroups).Pids();
    }

    public List<InternalState> List()
    {
        var l = new List<InternalState>();
        if (!Directory.Exists(Root)) return l;
        foreach (var d in Directory.GetDirectories(Root).OrderBy(x => x, StringComparer.Ordinal))
        {
            try { l.Add(Load(Path.GetFileName(d))); } catch (RuntimeError) { } catch (JsonException) { }
        }
        return l;
    }

    // ---- exec ----

    public int Exec(string id, SpecProcess process, string? consoleSocket, bool detach, string? pidFile)
    {
        var st = Load(id);
        var status = Status(st);
        if (status is not (RuntimeStatus.Running or RuntimeStatus.Created)) throw new RuntimeError($"cannot exec in container '{id}': it is {status.Text()}");
        var (configJson, spec) = Config(id) ?? throw new RuntimeError($"container '{id}': its config is missing");
        Validation.CheckProcess(process);
        if (process.Args is null || process.Args.Count == 0) throw new RuntimeError("process.args: must not be empty");
        if (process.Terminal && consoleSocket is null) throw new RuntimeError("--tty needs --console-socket");
        spec.Process = process;
        // the container's config with this process in it, for the container side
        string payload = RuntimeSpecWriter.WithProcess(configJson, process);
        if (!detach) Native.Prctl(36 /*PR_SET_CHILD_SUBREAPER*/, 1);
        int consoleFd = -1;
        if (process.Terminal)
        {
            consoleFd = Native.ConnectUnix(consoleSocket!);
            if (consoleFd < 0) throw new RuntimeError($"--console-socket '{consoleSocket}': {Native.Strerror(-consoleFd)}");
        }
        var env = BaseEnv(id, st.Bundle);
        env.Add("_PSC_CGJOIN=" + CgroupManager.For(st.Cgroups).JoinFiles());
        int filterFd;
        try { filterFd = SeccompFd(spec); }
        catch { if (consoleFd >= 0) Libc.close(consoleFd); throw; }
        var (sock, relay) = SpawnInit("exec", env, spec.Linux?.Namespaces ?? new(), consoleFd, -1, st.Pid, filterFd);
        if (consoleFd >= 0) Libc.close(consoleFd);
        if (filterFd >= 0) Libc.close(filterFd);
        int pid = 0;
        try
        {
            pid = Handshake(sock, relay, spec, payload, st, st.Cgroups, isExec: true, p => pid = p);
        }
        catch
        {
            if (pid > 0) { Native.Kill(pid, Libc.SIGKILL); Native.WaitPid(pid, out _); }
            Native.WaitPid(relay, out _);
            throw;
        }
        finally { Libc.close(sock); }
        if (pidFile is not null) WriteAtomic(Path.GetFullPath(pidFile), pid.ToString(CultureInfo.InvariantCulture));
        if (detach) return 0;
        using var fwd = Program.ForwardSignals(pid);
        int r = Native.WaitPid(pid, out int code);
        if (r < 0) throw Native.Fail("wait for the exec process", -r);
        return code;
    }
}
