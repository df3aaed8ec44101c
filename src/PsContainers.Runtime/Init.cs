using System.Globalization;
using System.Text;
using PsContainers.Cgroups;
using PsContainers.Contract;
using PsContainers.Core.Runtime.Spec;
using PsContainers.FileSystem;

namespace PsContainers.Runtime;

/// <summary>
/// The container side. Runs in the process the C constructor left in the new (or joined) namespaces:
/// "init" sets up the container and waits on the exec fifo for `start`; "exec" runs a process in a running container.
/// The sync socket is fd 3, the console socket fd 4 (or absent), the exec fifo fd 5 (O_PATH).
/// </summary>
internal static class Init
{
    private const int SyncFd = 3, ConsoleFd = 4, FifoFd = 5, FilterFd = 6;
    private static bool _inUserNs;
    // no mount namespace of its own: mounts happen in the runtime's mount namespace and the root is a chroot
    private static readonly bool SharedMountNs = Environment.GetEnvironmentVariable("_PSC_NOMNTNS") == "1";
    private static bool _syncClosed;
    // the runtime's own /proc/self/fd (O_PATH), opened before pivot_root: afterwards "/proc" is the container's (or absent)
    private static SafeFd? _procFdDir;
    private static bool _pivoted;

    public static int Run(string mode)
    {
        try
        {
            var msg = Sync.Receive(SyncFd) ?? throw new RuntimeError("the parent closed the sync socket");
            if (msg.Type != SyncMessage.Config) throw new RuntimeError($"unexpected sync message '{(char)msg.Type}'");
            var spec = RuntimeSpec.Parse(msg.Payload);
            // paths as the parent resolved them against the bundle
            if (Environment.GetEnvironmentVariable("_PSC_ROOTFS") is { Length: > 0 } rootfs) spec.Root!.Path = rootfs;
            string bundle = Environment.GetEnvironmentVariable("_PSC_BUNDLE") ?? "/";
            foreach (var m in spec.Mounts ?? new())
                if (m.Source is { Length: > 0 } src && src[0] != '/' && IsBind(m)) m.Source = Path.GetFullPath(src, bundle);
            Program.Trace("init: config received");
            _inUserNs = InUserNamespace();
            if (mode == "exec") return Exec(spec);
            return Container(spec);
        }
        catch (Exception e)
        {
            string text = e is RuntimeError ? e.Message : e.ToString();
            if (_syncClosed) Console.Error.WriteLine("pscrun: " + text); // after create returned: the container's stderr is all we have
            else try { Sync.Send(SyncFd, SyncMessage.Error, text); } catch { }
            return e is RuntimeError r ? r.ExitCode : 1;
        }
    }

    public static bool InUserNamespace()
    {
        // the parent says so when the config has a user namespace; otherwise the runtime itself may run in one
        if (Environment.GetEnvironmentVariable("_PSC_USERNS") == "1") return true;
        string map;
        try { map = File.ReadAllText("/proc/self/uid_map"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return true; } // the host's root could read it
        var f = map.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return !(f.Length == 3 && f[0] == "0" && f[1] == "0" && f[2] == "4294967295");
    }

    private static int Container(RuntimeSpec spec)
    {
        var linux = spec.Linux!;
        var proc = spec.Process!;
        string rootfs = spec.Root!.Path;
        Native.Umask(0);
        Native.Setsid();

        // 1. propagation: stop host mount events from flowing in (rslave, or rprivate when asked)
        ulong rootProp = Validation.PropagationFlag(linux.RootfsPropagation ?? "");
        ulong first = (rootProp & (Libc.MS_PRIVATE)) != 0 ? Libc.MS_PRIVATE | Libc.MS_REC : Libc.MS_SLAVE | Libc.MS_REC;
        // in the runtime's mount namespace the host's propagation is not ours to change
        if (!SharedMountNs) Check(Native.Mount(null, "/", null, first, null), "make / slave");
        Check(Native.Mount(rootfs, rootfs, null, Libc.MS_BIND | Libc.MS_REC, null), $"bind mount the rootfs '{rootfs}'");
        _procFdDir = OpenTrusted("/proc/self/fd", "open /proc/self/fd");

        // every path inside the rootfs is resolved in it (RootedPath: symlinks and ".." never leave it) and every mount
        // goes onto the descriptor of its resolved destination, so a link swapped in meanwhile cannot redirect it
        // (opened after the bind mount above: that is the tree pivot_root makes the root)
        using (var root = OpenRoot(rootfs))
        {
            // 2. mounts, in order
            bool devBound = false;
            int idx = 0;
            foreach (var m in spec.Mounts ?? new())
            {
                if (m.Destination.TrimEnd('/') == "/dev" && IsBind(m)) devBound = true;
                MountOne(root, m, idx++, linux);
            }

            Program.Trace("init: mounts done");
            // 3. /dev: devices, symlinks
            if (!devBound) SetupDev(root, linux.Devices);

            // the working directory exists, as runc makes it (docker and podman rely on that for an image's WORKDIR
            // the rootfs lacks): created as root, 0755 (umask is 0 here), resolved in the root so a link on the way
            // stays inside it; after the mounts, so it is made in a volume mounted on its path
            if (!string.IsNullOrEmpty(proc.Cwd) && proc.Cwd != "/")
            {
                try { root.CreateDirectories(proc.Cwd).Dispose(); }
                catch (FsException e) { throw new RuntimeError($"process.cwd: cannot create '{proc.Cwd}': {Native.Strerror(e.Errno)}", e.Errno); }
            }
        }

        // 4. createRuntime/prestart hooks run in the parent now; createContainer hooks here, before pivot_root
        Sync.Send(SyncFd, SyncMessage.Hooks);
        var ack = Sync.Receive(SyncFd) ?? throw new RuntimeError("the parent went away during hooks");
        if (ack.Type == SyncMessage.Error) return 1;
        Hooks.Run(spec.Hooks?.CreateContainer, "createContainer", StateFor(spec, RuntimeStatus.Created), warnOnly: false);

        // 5. pivot_root, drop the old root (without a mount namespace of our own: chroot, the host keeps its root)
        Check(Native.Chdir(rootfs), "chdir to the rootfs");
        if (SharedMountNs)
        {
            if (rootProp != 0) Check(Native.Mount(null, ".", null, rootProp & ~Libc.MS_REC, null), "linux.rootfsPropagation");
            Check(Native.Chroot("."), "chroot to the rootfs");
            rootProp = 0;
        }
        else
        {
            Check(Native.PivotRoot(".", "."), "pivot_root");
            Check(Native.Mount(null, ".", null, Libc.MS_SLAVE | Libc.MS_REC, null), "make the old root slave");
            Check(Native.Umount(".", Libc.MNT_DETACH), "unmount the old root");
        }
        Check(Native.Chdir("/"), "chdir /");
        _pivoted = true;
        // the rootfs mount itself; mounts below keep the propagation their own options gave them
        if (rootProp != 0) Check(Native.Mount(null, "/", null, rootProp & ~Libc.MS_REC, null), "linux.rootfsPropagation");

        using (var root = OpenRoot("/"))
        {
            // 6. terminal
            if (proc.Terminal) SetupConsole(proc, root);

            // 7. sysctls (before /proc/sys turns read-only), masked and read-only paths, read-only root
            foreach (var (k, v) in linux.Sysctl ?? new())
            {
                int e = Native.WriteFile("/proc/sys/" + k.Replace('.', '/'), v);
                if (e != 0) throw new RuntimeError($"linux.sysctl: cannot set {k}={v}: {Native.Strerror(e)}", e);
            }
            foreach (var p in linux.MaskedPaths ?? new()) Mask(root, p);
            foreach (var p in linux.ReadonlyPaths ?? new()) ReadOnly(root, p, "linux.readonlyPaths");
        }
        _procFdDir?.Dispose();
        _procFdDir = null;
        if (spec.Root.Readonly)
        {
            ulong cur = CurrentFlags("/");
            Check(Native.Mount(null, "/", null, Libc.MS_BIND | Libc.MS_REMOUNT | Libc.MS_RDONLY | cur, null), "root.readonly");
        }

        // 8. names, sysctls, limits
        if (!string.IsNullOrEmpty(spec.Hostname)) Check(Native.SetHostname(spec.Hostname!), "hostname");
        if (!string.IsNullOrEmpty(spec.Domainname)) Check(Native.SetDomainname(spec.Domainname!), "domainname");
        ApplyProcessLimits(proc);
        if (linux.Personality is { ValueKind: System.Text.Json.JsonValueKind.Object } per)
            Native.Syscall(135 /*personality*/, per.GetProperty("domain").GetString() == "LINUX32" ? 8 : 0);

        Native.Chdir(proc.Cwd); // as root; again after switching user
        // as runc: a command that cannot be found or executed fails `create`, not the started container
        LookPath(proc);

        Program.Trace("init: ready");
        // 9. ready: the parent writes state and exits; wait here for `start`
        Sync.Send(SyncFd, SyncMessage.Ready);
        Libc.close(SyncFd);
        _syncClosed = true;
        int fifo = Native.Open($"/proc/self/fd/{FifoFd}", Libc.O_WRONLY | Libc.O_CLOEXEC);
        if (fifo < 0) throw new RuntimeError($"open exec fifo: {Native.Strerror(-fifo)}");
        Native.WriteAll(fifo, "0"u8);
        Libc.close(FifoFd);
        // the write end stays open (close-on-exec): `start` sees EOF once the user program is exec'd (or we died),
        // so poststart hooks run after it as runtime.md requires

        // 10. started: startContainer hooks, then become the user program
        // the program has not been executed yet: still "created" (runtime.md State)
        Hooks.Run(spec.Hooks?.StartContainer, "startContainer", StateFor(spec, RuntimeStatus.Created), warnOnly: false);
        Finalize(spec, proc);
        return 127;
    }

    private static int Exec(RuntimeSpec spec)
    {
        var proc = spec.Process!;
        // a container without a mount namespace of its own: its root is the chroot of its init process
        if (Environment.GetEnvironmentVariable("_PSC_CHROOT") is { Length: > 0 } root)
        {
            Check(Native.Chroot(root), "chroot to the container's root");
            Check(Native.Chdir("/"), "chdir /");
        }
        if (proc.Terminal) { Native.Setsid(); SetupConsole(proc, root: null); }
        ApplyProcessLimits(proc);
        LookPath(proc); // reported by `exec` itself, as runc does
        Finalize(spec, proc, sync: SyncFd);
        return 127;
    }

    // createContainer and startContainer hooks run in the container namespace: the pid is the one the container
    // sees (runtime.md State), 1 in a new pid namespace
    private static ContainerRuntimeState StateFor(RuntimeSpec spec, RuntimeStatus status) => new()
    {
        Id = Environment.GetEnvironmentVariable("_PSC_ID") ?? "",
        Status = status.Text(),
        Pid = Environment.ProcessId,
        Bundle = Environment.GetEnvironmentVariable("_PSC_BUNDLE") ?? "",
        Annotations = spec.Annotations,
    };

    private static void Check(int errno, string what)
    {
        if (errno != 0) throw Native.Fail(what, errno);
    }

    private static bool IsBind(SpecMount m) => m.Type == "bind" || (m.Options ?? new()).Any(o => o is "bind" or "rbind");

    // ---- mounts ----

    private static readonly Dictionary<string, (ulong Flag, bool Clear)> MountFlags = new()
    {
        ["ro"] = (Libc.MS_RDONLY, false), ["rw"] = (Libc.MS_RDONLY, true),
        ["nosuid"] = (Libc.MS_NOSUID, false), ["suid"] = (Libc.MS_NOSUID, true),
        ["nodev"] = (Libc.MS_NODEV, false), ["dev"] = (Libc.MS_NODEV, true),
        ["noexec"] = (Libc.MS_NOEXEC, false), ["exec"] = (Libc.MS_NOEXEC, true),
        ["sync"] = (Libc.MS_SYNCHRONOUS, false), ["async"] = (Libc.MS_SYNCHRONOUS, true),
        ["dirsync"] = (Libc.MS_DIRSYNC, false), ["remount"] = (Libc.MS_REMOUNT, false),
        ["mand"] = (Libc.MS_MANDLOCK, false), ["nomand"] = (Libc.MS_MANDLOCK, true),
        ["atime"] = (Libc.MS_NOATIME, true), ["noatime"] = (Libc.MS_NOATIME, false),
        ["diratime"] = (Libc.MS_NODIRATIME, true), ["nodiratime"] = (Libc.MS_NODIRATIME, false),
        ["relatime"] = (Libc.MS_RELATIME, false), ["norelatime"] = (Libc.MS_RELATIME, true),
        ["strictatime"] = (Libc.MS_STRICTATIME, false), ["nostrictatime"] = (Libc.MS_STRICTATIME, true),
        ["lazytime"] = (Libc.MS_LAZYTIME, false), ["nolazytime"] = (Libc.MS_LAZYTIME, true),
        ["silent"] = (Libc.MS_SILENT, false), ["loud"] = (Libc.MS_SILENT, true),
        ["nosymfollow"] = (Libc.MS_NOSYMFOLLOW, false), ["symfollow"] = (Libc.MS_NOSYMFOLLOW, true),
        ["bind"] = (Libc.MS_BIND, false), ["rbind"] = (Libc.MS_BIND | Libc.MS_REC, false),
    };

    private static (ulong Flags, List<ulong> Propagation, string Data) ParseOptions(List<string>? options)
    {
        ulong flags = 0;
        var prop = new List<ulong>();
        var data = new List<string>();
        foreach (var o in options ?? new())
        {
            if (MountFlags.TryGetValue(o, out var f)) { if (f.Clear) flags &= ~f.Flag; else flags |= f.Flag; }
            else if (Validation.PropagationFlag(o) is var p && p != 0) prop.Add(p);
            else if (o is "tmpcopyup" or "copy-symlink" or "notmpcopyup") { }
            else data.Add(o);
        }
        return (flags, prop, string.Join(',', data));
    }

    // ---- paths inside the root ----

    private static SafeFd OpenTrusted(string hostPath, string what)
    {
        try { return SafeFd.Open(hostPath, OpenFlags.Path | OpenFlags.Directory); }
        catch (FsException e) { throw new RuntimeError($"{what}: {Errno.Describe(e.Errno)}", e.Errno); }
    }

    private static RootedPath OpenRoot(string hostPath) => new(OpenTrusted(hostPath, $"open the root '{hostPath}'"), ownsRoot: true);

    /// <summary>
    /// Run a call that takes a path (mount(2), statfs(2)) on exactly the object <paramref name="fd"/> refers to, through
    /// its magic link "/proc/self/fd/N" (as runc does since CVE-2021-30465): nothing is resolved by name any more. After
    /// pivot_root "/proc" is the container's and may be absent, so the number is looked up relative to the runtime's
    /// own /proc/self/fd, opened before and entered with fchdir for the call.
    /// </summary>
    private static T OnFd<T>(SafeFd fd, Func<string, T> call)
    {
        if (!_pivoted) return call(fd.ProcPath);
        Check(Native.Fchdir(_procFdDir!.Fd), "chdir to the runtime's /proc/self/fd");
        try { return call(fd.Fd.ToString(CultureInfo.InvariantCulture)); }
        finally { Native.Chdir("/"); }
    }

    /// <summary>
    /// The destination <paramref name="path"/> (a container path) resolved in <paramref name="root"/>, created when missing
    /// (directories mode 0755 like runc; a file 0644 in a directory created as needed), as an O_PATH descriptor to mount onto.
    /// Symlinks on the way are followed inside the root, a dangling one to where it points (inside the root).
    /// </summary>
    private static SafeFd Prepare(RootedPath root, string path, bool dir)
    {
        if (dir)
        {
            // usually there already: one openat2(2); the component walk that creates is the slower path
            try { return root.Open(path, OpenFlags.Path | OpenFlags.Directory); }
            catch (FsException e) when (e.Errno == Errno.ENOENT) { return root.CreateDirectories(path); }
        }
        try { return root.Open(path); }
        catch (FsException e) when (e.Errno == Errno.ENOENT)
        {
            byte[] resolved = root.ResolveBytes(BytePath.FromString(path));
            using (var parent = root.OpenParent(resolved, out var name, createParents: true))
            {
                try { Fs.CreateFile(parent, name, 0x1a4).Dispose(); }
                catch (FsException ce) when (ce.Errno == Errno.EEXIST) { } // created meanwhile: whatever it is, resolve it again
            }
            return root.Open(resolved);
        }
    }

    private static RuntimeError PathError(string what, FsException e) => new($"{what}: {e.Message}", e.Errno);

    private static void MountOne(RootedPath root, SpecMount m, int index, SpecLinux linux)
    {
        string field = $"mounts[{index}] ({m.Destination})";
        string dest = m.Destination;
        var (flags, prop, data) = ParseOptions(m.Options);
        bool bind = (flags & Libc.MS_BIND) != 0 || m.Type == "bind";
        try
        {
            if (bind)
            {
                string src = m.Source ?? throw new RuntimeError($"{field}: a bind mount needs a source");
                bool isDir = Directory.Exists(src);
                if (!isDir && !File.Exists(src) && !IsSpecial(src)) throw new RuntimeError($"{field}: source '{src}' does not exist");
                using (var target = Prepare(root, dest, isDir))
                    Check(OnFd(target, t => Native.Mount(src, t, null, Libc.MS_BIND | (flags & Libc.MS_REC), null)), $"{field}: bind mount");
                ulong extra = flags & ~(Libc.MS_BIND | Libc.MS_REC | Libc.MS_REMOUNT);
                if (extra != 0)
                {
                    // the descriptor above names what was under the mount: resolve again to reach the new one
                    using var top = root.Open(dest);
                    Check(OnFd(top, t =>
                    {
                        ulong locked = _inUserNs ? CurrentFlags(t) & (Libc.MS_NOSUID | Libc.MS_NODEV | Libc.MS_NOEXEC | Libc.MS_RDONLY) : 0;
                        if ((extra & Libc.MS_RDONLY) == 0 && (flags & Libc.MS_RDONLY) == 0) locked &= ~Libc.MS_RDONLY;
                        return Native.Mount(null, t, null, Libc.MS_BIND | Libc.MS_REMOUNT | extra | locked, null);
                    }), $"{field}: remount with options");
                }
            }
            else if (m.Type == "cgroup")
            {
                MountCgroup(root, dest, flags, field, linux);
            }
            else
            {
                if (string.IsNullOrEmpty(m.Type)) throw new RuntimeError($"{field}: type is required for non-bind mounts");
                using var target = Prepare(root, dest, true);
                int e = OnFd(target, t => Native.Mount(m.Source ?? m.Type, t, m.Type, flags, data.Length > 0 ? data : null));
                if (e == Native.EPERM && m.Type == "sysfs" && _inUserNs)
                {
                    // sysfs needs a network namespace owned by our user namespace; fall back to a read-only bind of the host's
                    e = OnFd(target, t => Native.Mount("/sys", t, null, Libc.MS_BIND | Libc.MS_REC, null));
                    if (e == 0)
                    {
                        using var top = root.Open(dest);
                        e = OnFd(top, t => Native.Mount(null, t, null, Libc.MS_BIND | Libc.MS_REMOUNT | Libc.MS_RDONLY | CurrentFlags(t), null));
                    }
                }
                Check(e, $"{field}: mount {m.Type}");
            }
            if (prop.Count > 0)
            {
                using var top = root.Open(dest);
                foreach (var p in prop) Check(OnFd(top, t => Native.Mount(null, t, null, p, null)), $"{field}: propagation");
            }
        }
        catch (FsException e) { throw PathError(field, e); }
    }

    private static bool IsSpecial(string p) => p.StartsWith("/dev/", StringComparison.Ordinal) || p.StartsWith("/proc/", StringComparison.Ordinal);

    private static void MountCgroup(RootedPath root, string dest, ulong flags, string field, SpecLinux linux)
    {
        ulong basic = flags & (Libc.MS_NOSUID | Libc.MS_NODEV | Libc.MS_NOEXEC | Libc.MS_RELATIME);
        using (var d = Prepare(root, dest, dir: true))
        {
            if (CgroupHierarchy.IsV2)
            {
                Check(OnFd(d, t => Native.Mount("cgroup2", t, "cgroup2", flags, null)), $"{field}: mount cgroup2");
                return;
            }
            Check(OnFd(d, t => Native.Mount("tmpfs", t, "tmpfs", basic, "mode=755")), $"{field}: mount the cgroup tmpfs");
        }
        bool ownNs = (linux.Namespaces ?? new()).Any(n => n.Type == "cgroup");
        var own = Environment.GetEnvironmentVariable("_PSC_CGROUPS") ?? "";
        var mine = own.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).Where(x => x.Length == 2).ToDictionary(x => x[0], x => x[1]);
        // the tmpfs just mounted (resolved again: the descriptor above names the directory under it); the hierarchy
        // directories and links are made in it by name, never through a link
        using var tmpfs = root.Open(dest, OpenFlags.Path | OpenFlags.Directory);
        const int dirFlags = OpenFlags.Path | OpenFlags.Directory | OpenFlags.NoFollow;
        foreach (var (key, mp) in CgroupHierarchy.Hierarchies())
        {
            string name = key == "unified" ? "unified" : key.StartsWith("name=", StringComparison.Ordinal) ? key[5..] : key;
            var nb = BytePath.FromString(name);
            if (!Fs.TryMkdir(tmpfs, nb, 0x1ed, out int me) && me != Errno.EEXIST) throw new FsException(me, "mkdirat", nb);
            using (var target = Fs.OpenAt(tmpfs, nb, dirFlags))
            {
                int e;
                if (ownNs) e = OnFd(target, t => key == "unified" ? Native.Mount("cgroup2", t, "cgroup2", basic, null) : Native.Mount("cgroup", t, "cgroup", basic, key));
                else e = OnFd(target, t => Native.Mount(mine.TryGetValue(key, out var hostDir) ? hostDir : mp, t, null, Libc.MS_BIND | Libc.MS_REC, null));
                if (e != 0) throw Native.Fail($"{field}: mount the {key} cgroup hierarchy", e);
            }
            if ((flags & Libc.MS_RDONLY) != 0)
            {
                using var top = Fs.OpenAt(tmpfs, nb, dirFlags); // the hierarchy now mounted there
                Check(OnFd(top, t => Native.Mount(null, t, null, Libc.MS_BIND | Libc.MS_REMOUNT | Libc.MS_RDONLY | basic, null)), $"{field}: read-only {key}");
            }
            if (key.Contains(','))
                foreach (var c in key.Split(','))
                {
                    if (c.StartsWith("name=", StringComparison.Ordinal)) continue;
                    var cb = BytePath.FromString(c);
                    if (!Fs.Exists(tmpfs, cb)) try { Fs.Symlink(BytePath.FromString(key), tmpfs, cb); } catch (FsException) { }
                }
        }
        if ((flags & Libc.MS_RDONLY) != 0)
            Check(OnFd(tmpfs, t => Native.Mount(null, t, null, Libc.MS_REMOUNT | Libc.MS_RDONLY | basic, "mode=755")), $"{field}: read-only cgroup tmpfs");
    }

    private static ulong CurrentFlags(string path)
    {
        ulong st = Native.StatfsFlags(path);
        ulong f = 0;
        if ((st & 1) != 0) f |= Libc.MS_RDONLY;
        if ((st & 2) != 0) f |= Libc.MS_NOSUID;
        if ((st & 4) != 0) f |= Libc.MS_NODEV;
        if ((st & 8) != 0) f |= Libc.MS_NOEXEC;
        if ((st & 1024) != 0) f |= Libc.MS_NOATIME;
        if ((st & 2048) != 0) f |= Libc.MS_NODIRATIME;
        if ((st & 4096) != 0) f |= Libc.MS_RELATIME;
        return f;
    }

    // ---- /dev ----

    private static readonly (string Path, long Major, long Minor)[] DefaultDevices =
    {
        ("/dev/null", 1, 3), ("/dev/zero", 1, 5), ("/dev/full", 1, 7), ("/dev/random", 1, 8), ("/dev/urandom", 1, 9), ("/dev/tty", 5, 0),
    };

    private static void SetupDev(RootedPath root, List<SpecDevice>? devices)
    {
        var list = DefaultDevices.Select(d => new SpecDevice { Path = d.Path, Type = "c", Major = d.Major, Minor = d.Minor, FileMode = 0x1b6, Uid = 0, Gid = 0 }).ToList();
        foreach (var d in devices ?? new()) { list.RemoveAll(x => x.Path == d.Path); list.Add(d); }
        try
        {
            foreach (var d in list)
            {
                if (_inUserNs)
                {
                    // mknod is not allowed in a user namespace: bind the host's node
                    using var node = Prepare(root, d.Path, false);
                    Check(OnFd(node, t => Native.Mount(d.Path, t, null, Libc.MS_BIND, null)), $"linux.devices: bind {d.Path}");
                    continue;
                }
                // a symlink in the final component is followed (inside the root): the node replaces what it points to
                byte[] resolved = root.ResolveBytes(BytePath.FromString(d.Path));
                using var parent = root.OpenParent(resolved, out var name, createParents: true);
                Fs.TryUnlink(parent, name, directory: false, out _);
                uint type = d.Type switch { "b" => 0x6000u, "p" => 0x1000u, _ => 0x2000u };
                uint mode = (d.FileMode ?? 0x1b6) & 0xfff;
                try { Fs.Mknod(parent, name, type | mode, d.Type == "p" ? 0 : Native.Makedev(d.Major, d.Minor)); }
                catch (FsException e) { throw Native.Fail($"linux.devices: mknod {d.Path}", e.Errno); }
                if (d.Uid is not null || d.Gid is not null)
                    try { Fs.Chown(parent, name, d.Uid ?? 0, d.Gid ?? 0); } catch (FsException) { }
            }
            // the links are made in /dev itself (resolved in the root), never through an existing entry
            using var dev = root.Open("/dev", OpenFlags.Path | OpenFlags.Directory);
            foreach (var (target, link) in new[] { ("/proc/self/fd", "fd"), ("/proc/self/fd/0", "stdin"), ("/proc/self/fd/1", "stdout"), ("/proc/self/fd/2", "stderr") })
                TrySymlinkIfMissing(dev, target, link);
            if (File.Exists("/proc/kcore")) TrySymlinkIfMissing(dev, "/proc/kcore", "core");
            Fs.TryUnlink(dev, "ptmx"u8, directory: false, out _);
            try { Fs.Symlink("pts/ptmx"u8, dev, "ptmx"u8); } catch (FsException) { }
        }
        catch (FsException e) { throw PathError("linux.devices", e); }
    }

    private static void TrySymlinkIfMissing(SafeFd dir, string target, string name)
    {
        var n = BytePath.FromString(name);
        if (Fs.Exists(dir, n)) return;
        try { Fs.Symlink(BytePath.FromString(target), dir, n); } catch (FsException) { }
    }

    /// <summary>With <paramref name="root"/> (create, after pivot_root) the slave is also bind-mounted onto /dev/console.</summary>
    private static void SetupConsole(SpecProcess proc, RootedPath? root)
    {
        int master = Native.OpenPtyMaster(out string slave);
        if (master < 0) throw new RuntimeError($"process.terminal: cannot open /dev/ptmx: {Native.Strerror(-master)}");
        if (proc.ConsoleSize is { } cs)
        {
            Span<ushort> ws = stackalloc ushort[4];
            ws[0] = (ushort)cs.Height; ws[1] = (ushort)cs.Width;
            unsafe { fixed (ushort* p = ws) Native.Ioctl(master, 0x5414 /*TIOCSWINSZ*/, (nint)p); }
        }
        int e = Native.SendFd(ConsoleFd, master, slave);
        if (e != 0) throw Native.Fail("process.terminal: send the console to --console-socket", e);
        Libc.close(ConsoleFd);
        Libc.close(master);
        if (root is not null)
        {
            try
            {
                using var console = Prepare(root, "/dev/console", false);
                Check(OnFd(console, t => Native.Mount(slave, t, null, Libc.MS_BIND, null)), "bind the console to /dev/console");
            }
            catch (FsException fe) { throw PathError("bind the console to /dev/console", fe); }
        }
        int s = Native.Open(slave, Libc.O_RDWR | Libc.O_NOCTTY);
        if (s < 0) throw new RuntimeError($"open {slave}: {Native.Strerror(-s)}");
        for (int fd = 0; fd < 3; fd++) Native.Dup2(s, fd);
        Native.Ioctl(0, 0x540E /*TIOCSCTTY*/, 0);
        if (s > 2) Libc.close(s);
    }

    private static void Mask(RootedPath root, string path)
    {
        SafeFd fd;
        try { fd = root.Open(path); }
        catch (FsException e) when (e.Errno is Errno.ENOENT or Errno.ENOTDIR) { return; }
        catch (FsException e) { throw PathError($"linux.maskedPaths: {path}", e); }
        using (fd)
        {
            if (fd.Stat().IsDirectory)
            {
                int e = OnFd(fd, t => Native.Mount("tmpfs", t, "tmpfs", Libc.MS_RDONLY, null));
                if (e != 0 && e != Native.ENOENT) throw Native.Fail($"linux.maskedPaths: {path}", e);
            }
            else
            {
                int e = OnFd(fd, t => Native.Mount("/dev/null", t, null, Libc.MS_BIND, null));
                if (e != 0 && e != Native.ENOENT && e != Native.ENOTDIR) throw Native.Fail($"linux.maskedPaths: {path}", e);
            }
        }
    }

    private static void ReadOnly(RootedPath root, string path, string field)
    {
        try
        {
            SafeFd fd;
            try { fd = root.Open(path); }
            catch (FsException e) when (e.Errno == Errno.ENOENT) { return; }
            using (fd)
            {
                int e = OnFd(fd, t => Native.Mount(t, t, null, Libc.MS_BIND | Libc.MS_REC, null));
                if (e == Native.ENOENT) return;
                if (e != 0) throw Native.Fail($"{field}: {path}", e);
            }
            using var top = root.Open(path);
            Check(OnFd(top, t => Native.Mount(null, t, null, Libc.MS_BIND | Libc.MS_REMOUNT | Libc.MS_RDONLY | CurrentFlags(t), null)), $"{field}: {path}");
        }
        catch (FsException e) { throw PathError($"{field}: {path}", e); }
    }

    // ---- process ----

    private static void ApplyProcessLimits(SpecProcess proc)
    {
        foreach (var r in proc.Rlimits ?? new())
        {
            int e = Native.SetRlimit(Validation.RlimitIndex(r.Type), r.Soft, r.Hard);
            if (e != 0) throw Native.Fail($"process.rlimits: {r.Type} {r.Soft}:{r.Hard}", e);
        }
        if (proc.IoPriority is { } io)
        {
            long cls = io.Class switch { "IOPRIO_CLASS_RT" => 1, "IOPRIO_CLASS_BE" => 2, _ => 3 };
            long r = Native.Syscall(251 /*ioprio_set*/, 1 /*IOPRIO_WHO_PROCESS*/, 0, (cls << 13) | (uint)io.Priority);
            if (r < 0) throw Native.Fail("process.ioPriority", (int)-r);
        }
    }

    private static ulong CapMask(List<string>? caps, int last)
    {
        ulong m = 0;
        foreach (var c in caps ?? new())
        {
            int i = Validation.CapIndex(c);
            if (i >= 0 && i <= last) m |= 1UL << i;
        }
        return m;
    }

    private static ulong ReadStatusMask(string key)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(key, StringComparison.Ordinal)) return ulong.Parse(line[key.Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return ulong.MaxValue;
    }

    /// <summary>Capabilities, user, no_new_privs, umask, seccomp (last), then execve. Returns only by throwing.</summary>
    private static void Finalize(RuntimeSpec spec, SpecProcess proc, int sync = -1)
    {
        int last = int.TryParse(File.ReadAllText("/proc/sys/kernel/cap_last_cap").Trim(), out int l) ? l : 40;
        string exe = LookPath(proc);
        var env = proc.Env ?? new List<string>();
        // the runtime compiled the filter (or took it from its cache) and handed it over as a sealed memfd; loaded below
        var sc = spec.Linux?.Seccomp;
        byte[]? filter = null;
        if (sc is not null) { filter = Seccomp.ReadAll(FilterFd); Libc.close(FilterFd); }
        var caps = proc.Capabilities;
        ulong allowed = ReadStatusMask("CapPrm:");
        ulong eff = caps is null ? allowed : CapMask(caps.Effective, last) & allowed;
        ulong perm = caps is null ? allowed : CapMask(caps.Permitted, last) & allowed;
        ulong inh = caps is null ? 0 : CapMask(caps.Inheritable, last) & allowed;
        // seccomp goes last when no_new_privs allows it or CAP_SYS_ADMIN stays; otherwise it must be installed while we still have it
        bool seccompEarly = filter is not null && !proc.NoNewPrivileges && (eff & (1UL << 21)) == 0;
        if (seccompEarly) Seccomp.Load(filter!, sc!);

        if (caps is not null)
        {
            ulong bounding = CapMask(caps.Bounding, last);
            for (int c = 0; c <= last; c++)
                if ((bounding & (1UL << c)) == 0)
                {
                    int r = Native.Prctl(24 /*PR_CAPBSET_DROP*/, (ulong)c);
                    if (r < 0 && -r != Native.EINVAL) throw Native.Fail($"process.capabilities.bounding: drop {Validation.Capabilities[c]}", -r);
                }
        }
        Native.Prctl(8 /*PR_SET_KEEPCAPS*/, 1);
        var u = proc.User;
        var gids = (u.AdditionalGids ?? new()).ToArray();
        // (uid_t)-1 and (gid_t)-1 mean "leave unchanged" to setresuid/setresgid: the process would stay root
        if (u.Uid == uint.MaxValue || u.Gid == uint.MaxValue || gids.Contains(uint.MaxValue))
            throw Native.Fail("process.user: 4294967295 is (uid_t)-1, which the kernel takes as 'unchanged' (the process would keep root)", Native.EINVAL);
        int ge = Native.SetGroups(gids);
        if (ge != 0 && !(ge == Native.EPERM && gids.Length == 0)) throw Native.Fail("process.user.additionalGids: setgroups", ge);
        Check(Native.SetResGid(u.Gid), $"process.user.gid: setresgid({u.Gid})");
        Check(Native.SetResUid(u.Uid), $"process.user.uid: setresuid({u.Uid})");
        Native.Prctl(8, 0);
        if (caps is not null || u.Uid != 0)
        {
            unsafe
            {
                uint* hdr = stackalloc uint[2];
                hdr[0] = 0x20080522; hdr[1] = 0;
                uint* data = stackalloc uint[6];
                data[0] = (uint)eff; data[1] = (uint)perm; data[2] = (uint)inh;
                data[3] = (uint)(eff >> 32); data[4] = (uint)(perm >> 32); data[5] = (uint)(inh >> 32);
                long r = Native.Syscall(126 /*capset*/, (long)hdr, (long)data);
                if (r < 0) throw Native.Fail("process.capabilities: capset", (int)-r);
            }
            foreach (var a in caps?.Ambient ?? new())
            {
                int i = Validation.CapIndex(a);
                if (i < 0 || i > last) continue;
                int r = Native.Prctl(47 /*PR_CAP_AMBIENT*/, 2 /*RAISE*/, (ulong)i);
                // the kernel refuses (EPERM) a capability that is not both permitted and inheritable; runc skips it too
                if (r < 0 && -r != Native.EPERM) throw Native.Fail($"process.capabilities.ambient: raise {a}", -r);
            }
        }
        if (Native.Chdir(proc.Cwd) is int ce && ce != 0) throw Native.Fail($"process.cwd: chdir '{proc.Cwd}'", ce);
        if (proc.NoNewPrivileges)
        {
            int r = Native.Prctl(38 /*PR_SET_NO_NEW_PRIVS*/, 1);
            if (r < 0) throw Native.Fail("process.noNewPrivileges", -r);
        }
        Native.Umask(u.Umask ?? 0x12);
        // no descriptor but 0-2 (and the sync socket, closed on exec) reaches the program
        Native.Syscall(436 /*close_range*/, 3, uint.MaxValue, 4 /*CLOSE_RANGE_CLOEXEC*/);
        if (filter is not null && !seccompEarly) Seccomp.Load(filter, sc!);
        Program.Trace("init: exec");
        int err = Native.Execve(exe, proc.Args!, env);
        // what a shell answers (and docker records): 127 when the program (or a script's interpreter) is missing,
        // 126 when it cannot be executed
        throw new RuntimeError($"exec '{exe}': {Native.Strerror(err)}", err)
        {
            ExitCode = err is Native.ENOENT or Native.ENOTDIR ? StartFailure.NotFound : StartFailure.CannotExecute,
        };
    }

    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>
    /// The program to execute, checked as runc checks it before it reports the container created (Go's exec.LookPath:
    /// a name with a slash is taken as it is, another is searched in the process' PATH; it must be a file with an
    /// execute bit). Errors carry runc's wording, which <see cref="StartFailure.ExitCodeFor"/> maps to 127/126.
    /// </summary>
    private static string LookPath(SpecProcess proc)
    {
        string a0 = proc.Args![0];
        if (a0.Contains('/'))
        {
            if (Directory.Exists(a0)) throw new RuntimeError($"exec: \"{a0}\": is a directory: permission denied") { ExitCode = StartFailure.CannotExecute };
            if (!File.Exists(a0)) throw new RuntimeError($"exec: \"{a0}\": stat {a0}: no such file or directory") { ExitCode = StartFailure.NotFound };
            if ((File.GetUnixFileMode(a0) & AnyExecute) == 0) throw new RuntimeError($"exec: \"{a0}\": permission denied") { ExitCode = StartFailure.CannotExecute };
            return a0;
        }
        string path = (proc.Env ?? new()).LastOrDefault(e => e.StartsWith("PATH=", StringComparison.Ordinal))?[5..]
            ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string c = dir.TrimEnd('/') + "/" + a0;
            if (File.Exists(c) && (File.GetUnixFileMode(c) & AnyExecute) != 0) return c;
        }
        throw new RuntimeError($"exec: \"{a0}\": executable file not found in $PATH") { ExitCode = StartFailure.NotFound };
    }
}
