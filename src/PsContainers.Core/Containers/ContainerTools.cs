using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.IO.Pipes;
using System.Text;
using PsContainers.Core.Archive;
using PsContainers.Core.Runtime;
using PsContainers.FileSystem;

namespace PsContainers.Core.Containers;

/// <summary>One line of a process' output.</summary>
public readonly record struct OutputLine(bool IsError, string Text);

/// <summary>Exec, top, stats, copy and export for containers.</summary>
public sealed partial class ContainerManager
{
    private Container RequireRunning(Container c)
    {
        var cur = Store.Load(c.Id) ?? throw NotFound(c.Name);
        ContainerStateMachine.Require(cur, ContainerOperation.Exec);
        return cur;
    }

    /// <summary>
    /// Run a process in a running container with its output as lines (stdout and stderr interleaved as
    /// they arrive). <paramref name="exitCode"/> is set when the enumeration ends. stdin: optional lines.
    /// </summary>
    public IEnumerable<OutputLine> Exec(Container c, IReadOnlyList<string> command, ExecOptions options, Action<int> exitCode,
        Stream? stdin = null, CancellationToken ct = default)
    {
        var cur = RequireRunning(c);
        var rt = RuntimeFor(cur);
        options = options with { Args = command };
        if (options.Detach)
        {
            string pidFile = Path.Combine(Paths.RuntimeState, $".exec-{Guid.NewGuid():N}.pid");
            try { rt.Exec(cur.Id, options with { PidFile = pidFile }); }
            finally { try { File.Delete(pidFile); } catch (IOException) { } }
            exitCode(0);
            yield break;
        }
        var queue = new BlockingCollection<OutputLine>();
        using var outPipe = new AnonymousPipeServerStream(PipeDirection.In, HandleInheritability.None);
        using var errPipe = new AnonymousPipeServerStream(PipeDirection.In, HandleInheritability.None);
        AnonymousPipeServerStream? inPipe = stdin is null ? null : new AnonymousPipeServerStream(PipeDirection.Out, HandleInheritability.None);
        int code = -1;
        Exception? failure = null;
        var runner = new Thread(() =>
        {
            try
            {
                code = rt.Exec(cur.Id, options, new ProcessStdio(inPipe?.ClientSafePipeHandle, outPipe.ClientSafePipeHandle, errPipe.ClientSafePipeHandle));
            }
            catch (Exception e) { failure = e; }
            finally
            {
                outPipe.DisposeLocalCopyOfClientHandle();
                errPipe.DisposeLocalCopyOfClientHandle();
                inPipe?.DisposeLocalCopyOfClientHandle();
            }
        }) { IsBackground = true, Name = "psc-exec" };
        runner.Start();
        if (inPipe is not null)
        {
            var pipe = inPipe;
            new Thread(() =>
            {
                try { stdin!.CopyTo(pipe); } catch (IOException) { } catch (ObjectDisposedException) { }
                finally { try { pipe.Dispose(); } catch { } }
            }) { IsBackground = true, Name = "psc-exec-stdin" }.Start();
        }
        var readers = new[] { Pump(outPipe, false, queue), Pump(errPipe, true, queue) };
        Task.WhenAll(readers).ContinueWith(_ => queue.CompleteAdding(), TaskScheduler.Default);
        foreach (var line in queue.GetConsumingEnumerable(ct)) yield return line;
        runner.Join();
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        exitCode(code);
    }

    private static Task Pump(Stream s, bool isError, BlockingCollection<OutputLine> q) => Task.Run(async () =>
    {
        using var r = new StreamReader(s, new UTF8Encoding(false));
        while (await r.ReadLineAsync().ConfigureAwait(false) is string line) q.Add(new OutputLine(isError, line));
    });

    /// <summary>
    /// A process on the caller's terminal (exec -it): the monitor runs "runtime exec --tty" with a console
    /// socket, puts the terminal in raw mode and relays it. The process' exit code is the monitor's.
    /// </summary>
    public Process ExecInTerminal(Container c, IReadOnlyList<string> command, ExecOptions options)
    {
        var cur = RequireRunning(c);
        var rt = RuntimeFor(cur);
        var psi = new ProcessStartInfo(MonitorExecutable) { UseShellExecute = false };
        foreach (var a in new[] { "--exec-tty", "--id", cur.Id, "--runtime", rt.RuntimePath, "--runtime-root", rt.StateRoot, "--" })
            psi.ArgumentList.Add(a);
        if (options.Cwd is not null) { psi.ArgumentList.Add("--cwd"); psi.ArgumentList.Add(options.Cwd); }
        if (options.User is not null) { psi.ArgumentList.Add("--user"); psi.ArgumentList.Add(options.User); }
        psi.ArgumentList.Add("--env"); psi.ArgumentList.Add("TERM=" + (Environment.GetEnvironmentVariable("TERM") is { Length: > 0 } t ? t : "xterm"));
        foreach (var e in options.Env ?? []) { psi.ArgumentList.Add("--env"); psi.ArgumentList.Add(e); }
        psi.ArgumentList.Add(cur.Id);
        foreach (var a in command) psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }

    // ------------------------------------------------------------------ top

    private static readonly long ClockTicks = 100;

    /// <summary>The processes of a running container (from the runtime's list of pids and /proc).</summary>
    public List<ContainerProcess> Top(Container c)
    {
        var cur = Store.Load(c.Id) ?? throw NotFound(c.Name);
        ContainerStateMachine.Require(cur, ContainerOperation.ReadProcesses);
        var pids = RuntimeFor(cur).Ps(cur.Id);
        var boot = BootTime();
        var users = ReadPasswd(Path.Combine(Store.DirOf(c.Id), "rootfs"));
        var list = new List<ContainerProcess>();
        foreach (int pid in pids)
        {
            try
            {
                string stat = File.ReadAllText($"/proc/{pid}/stat");
                int close = stat.LastIndexOf(')');
                string[] f = stat[(close + 2)..].Split(' ');
                string status = File.ReadAllText($"/proc/{pid}/status");
                int uid = int.Parse(Field(status, "Uid:").Split('\t', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture);
                string nspid = Field(status, "NSpid:");
                var ns = nspid.Split('\t', StringSplitOptions.RemoveEmptyEntries);
                string cmd = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
                if (cmd.Length == 0) cmd = "[" + stat[(stat.IndexOf('(') + 1)..close] + "]";
                long utime = long.Parse(f[11], CultureInfo.InvariantCulture), stime = long.Parse(f[12], CultureInfo.InvariantCulture);
                long start = long.Parse(f[19], CultureInfo.InvariantCulture);
                long rss = long.Parse(f[21], CultureInfo.InvariantCulture) * Environment.SystemPageSize;
                list.Add(new ContainerProcess
                {
                    ContainerName = cur.Name,
                    Pid = pid,
                    ParentPid = int.Parse(f[1], CultureInfo.InvariantCulture),
                    ContainerPid = ns.Length > 1 ? int.Parse(ns[^1], CultureInfo.InvariantCulture) : null,
                    User = users.TryGetValue(uid, out var u) ? u : uid.ToString(CultureInfo.InvariantCulture),
                    State = f[0],
                    CpuTime = TimeSpan.FromSeconds((utime + stime) / (double)ClockTicks),
                    MemoryBytes = rss,
                    StartTime = boot.AddSeconds(start / (double)ClockTicks).ToLocalTime(),
                    Command = cmd,
                });
            }
            catch (IOException) { } // exited meanwhile
            catch (FormatException) { }
        }
        return list;
    }

    private static string Field(string status, string key)
    {
        foreach (var line in status.Split('\n')) if (line.StartsWith(key, StringComparison.Ordinal)) return line[key.Length..].Trim();
        return "";
    }

    private static DateTime BootTime()
    {
        foreach (var line in File.ReadLines("/proc/stat"))
            if (line.StartsWith("btime ", StringComparison.Ordinal))
                return DateTimeOffset.FromUnixTimeSeconds(long.Parse(line[6..].Trim(), CultureInfo.InvariantCulture)).UtcDateTime;
        return DateTime.UtcNow;
    }

    /// <summary>
    /// uid to name from the container's /etc/passwd, resolved inside <paramref name="rootfs"/> with
    /// <see cref="RootedPath"/> (a link to the host's /etc never leaves the root) and read only when it is a regular
    /// file (a FIFO or device planted there is never opened for reading). Empty when it cannot be read.
    /// </summary>
    private static Dictionary<int, string> ReadPasswd(string rootfs)
    {
        var d = new Dictionary<int, string>();
        try
        {
            using var rp = RootedPath.Open(rootfs);
            using var fd = rp.Open("/etc/passwd", OpenFlags.ReadOnly | OpenFlags.NonBlock | OpenFlags.NoCtty);
            if (!Fs.Stat(fd).IsRegular) return d;
            using var reader = new StreamReader(fd.ToStream(FileAccess.Read), new UTF8Encoding(false));
            while (reader.ReadLine() is string line)
            {
                var p = line.Split(':');
                if (p.Length > 2 && int.TryParse(p[2], out int uid)) d.TryAdd(uid, p[0]);
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return d;
    }

    // ------------------------------------------------------------------ stats

    /// <summary>The cgroup directories of a running container's init, per controller (v1) or the unified one (v2 "").</summary>
    public static Dictionary<string, string> CgroupDirs(int pid)
    {
        var d = new Dictionary<string, string>();
        foreach (var line in File.ReadLines($"/proc/{pid}/cgroup"))
        {
            var p = line.Split(':', 3);
            if (p.Length < 3) continue;
            if (p[1].Length == 0)
            {
                string v2 = "/sys/fs/cgroup" + p[2];
                if (File.Exists(Path.Combine(v2, "cgroup.controllers")) && Directory.Exists(v2) && File.Exists("/sys/fs/cgroup/cgroup.controllers")) d[""] = v2;
                continue;
            }
            foreach (var ctl in p[1].Split(','))
            {
                string mountDir = "/sys/fs/cgroup/" + p[1];
                if (!Directory.Exists(mountDir)) mountDir = "/sys/fs/cgroup/" + ctl;
                d[ctl] = mountDir + p[2];
            }
        }
        return d;
    }

    private static long ReadLong(string path, long fallback = 0)
    {
        try
        {
            string t = File.ReadAllText(path).Trim();
            return t == "max" ? -1 : long.Parse(t, CultureInfo.InvariantCulture);
        }
        catch (Exception) { return fallback; }
    }

    private readonly record struct RawSample(long CpuNs, long Mem, long Limit, long Pids, long Read, long Write, int Version, long TimeTicks);

    private static RawSample Sample(int pid)
    {
        var cg = CgroupDirs(pid);
        long cpu, mem, lim, pids, rd = 0, wr = 0;
        int version;
        if (cg.TryGetValue("memory", out var memDir) || cg.ContainsKey("cpuacct"))
        {
            version = 1;
            cpu = cg.TryGetValue("cpuacct", out var ca) ? ReadLong(Path.Combine(ca, "cpuacct.usage")) : 0;
            mem = memDir is null ? 0 : ReadLong(Path.Combine(memDir, "memory.usage_in_bytes"));
            if (memDir is not null)
            {
                // docker subtracts the page cache's inactive files
                try
                {
                    foreach (var line in File.ReadLines(Path.Combine(memDir, "memory.stat")))
                        if (line.StartsWith("total_inactive_file ", StringComparison.Ordinal)) mem -= long.Parse(line[20..], CultureInfo.InvariantCulture);
                }
                catch (IOException) { }
            }
            lim = memDir is null ? -1 : ReadLong(Path.Combine(memDir, "memory.limit_in_bytes"), -1);
            if (lim >= 0x7FFFFFFFFFFFF000) lim = -1;
            pids = cg.TryGetValue("pids", out var pd) ? ReadLong(Path.Combine(pd, "pids.current")) : 0;
            if (cg.TryGetValue("blkio", out var bd))
            {
                foreach (var f in new[] { "blkio.throttle.io_service_bytes_recursive", "blkio.throttle.io_service_bytes" })
                {
                    string p = Path.Combine(bd, f);
                    if (!File.Exists(p)) continue;
                    foreach (var line in File.ReadLines(p))
                    {
                        var x = line.Split(' ');
                        if (x.Length == 3 && x[1] == "Read") rd += long.Parse(x[2], CultureInfo.InvariantCulture);
                        if (x.Length == 3 && x[1] == "Write") wr += long.Parse(x[2], CultureInfo.InvariantCulture);
                    }
                    break;
                }
            }
        }
        else if (cg.TryGetValue("", out var u))
        {
            version = 2;
            cpu = 0;
            try
            {
                foreach (var line in File.ReadLines(Path.Combine(u, "cpu.stat")))
                    if (line.StartsWith("usage_usec ", StringComparison.Ordinal)) cpu = long.Parse(line[11..], CultureInfo.InvariantCulture) * 1000;
            }
            catch (IOException) { }
            mem = ReadLong(Path.Combine(u, "memory.current"));
            lim = ReadLong(Path.Combine(u, "memory.max"), -1);
            pids = ReadLong(Path.Combine(u, "pids.current"));
            try
            {
                foreach (var line in File.ReadLines(Path.Combine(u, "io.stat")))
                    foreach (var kv in line.Split(' ').Skip(1))
                    {
                        if (kv.StartsWith("rbytes=", StringComparison.Ordinal)) rd += long.Parse(kv[7..], CultureInfo.InvariantCulture);
                        if (kv.StartsWith("wbytes=", StringComparison.Ordinal)) wr += long.Parse(kv[7..], CultureInfo.InvariantCulture);
                    }
            }
            catch (IOException) { }
        }
        else throw PscException.NotFound(ErrorIds.CgroupNotFound, $"No cgroup found for process {pid}.", pid);
        return new RawSample(cpu, Math.Max(0, mem), lim, pids, rd, wr, version, Stopwatch.GetTimestamp());
    }

    /// <summary>One statistics sample; CPU % is measured over <paramref name="interval"/>.</summary>
    public ContainerStatistic Stats(Container c, TimeSpan interval, CancellationToken ct = default)
    {
        var cur = Store.Load(c.Id) ?? throw NotFound(c.Name);
        ContainerStateMachine.Require(cur, ContainerOperation.ReadProcesses);
        var a = Sample(cur.State.Pid);
        ct.WaitHandle.WaitOne(interval);
        var b = Sample(cur.State.Pid);
        double wallNs = Stopwatch.GetElapsedTime(a.TimeTicks, b.TimeTicks).TotalNanoseconds;
        double cpu = wallNs > 0 ? Math.Max(0, b.CpuNs - a.CpuNs) / wallNs * 100.0 : 0;
        long? limit = b.Limit > 0 ? b.Limit : null;
        return new ContainerStatistic
        {
            ContainerId = cur.Id, Name = cur.Name, Time = DateTime.UtcNow,
            CpuPercent = Math.Round(cpu, 2),
            MemoryUsage = b.Mem, MemoryLimit = limit,
            MemoryPercent = limit is long l ? Math.Round(b.Mem * 100.0 / l, 2) : 0,
            Pids = b.Pids, BlockRead = b.Read, BlockWrite = b.Write, CgroupVersion = b.Version,
        };
    }

    // ------------------------------------------------------------------ copy / export

    /// <summary>Run <paramref name="work"/> with the container's rootfs mounted (mounting it for a stopped container).</summary>
    public T WithRootfs<T>(Container c, Func<string, T> work, CancellationToken ct = default)
    {
        using var l = Store.LockContainer(c.Id, ct);
        var cur = Store.Load(c.Id) ?? throw NotFound(c.Name);
        string rootfs = Path.Combine(Store.DirOf(c.Id), "rootfs");
        bool mounted = LinuxSyscallsIsMounted(rootfs);
        if (!mounted) MountRootfs(cur);
        try { return work(rootfs); }
        finally { if (!mounted && !cur.State.Running) UnmountRootfs(cur); }
    }

    private bool LinuxSyscallsIsMounted(string p) => Directory.Exists(p) && _sys.IsMountPoint(p);

    /// <summary>
    /// docker cp CONTAINER:SRC DEST. <paramref name="containerPath"/> is resolved inside the container's root with
    /// <see cref="RootedPath"/> (symlinks followed as the container sees them, the final one too, ".." clamped at the
    /// root), so nothing outside the root is ever read. The copy keeps owners, modes, times, xattrs (byte-exact, except
    /// overlayfs' trusted.overlay.*), hard links and names that are not UTF-8 (<see cref="SafeTree.Copy(SafeFd, ReadOnlySpan{byte}, SafeFd, ReadOnlySpan{byte}, CopyOptions?)"/>,
    /// cp -a); symlinks below the source are copied as links. Placement follows docker cp: a directory copied to an
    /// existing host directory lands inside it under its own name, or only its content when the source ends in "/.";
    /// a file copied to an existing directory lands inside it; otherwise <paramref name="hostPath"/> is the new name
    /// and its parent must exist. Errors (<see cref="PscException"/>): ContainerPathNotFound, HostPathNotFound
    /// (missing parent, or a trailing "/" naming a missing directory), CopyDirectoryToFile, CopyFailed (an I/O error).
    /// </summary>
    public void CopyFrom(Container c, string containerPath, string hostPath, CancellationToken ct = default) =>
        WithRootfs(c, root => { CopyOutOfRoot(root, c.Name, containerPath, hostPath, ct); return 0; }, ct);

    /// <summary><see cref="CopyFrom"/> from a root directory that is already there (<paramref name="name"/> is for messages).</summary>
    internal static void CopyOutOfRoot(string root, string name, string containerPath, string hostPath, CancellationToken ct = default)
    {
        var options = new CopyOptions { SkipTrustedOverlayXattrs = true, OneFileSystem = true, Cancellation = ct };
        bool contentsOnly = EndsWithDot(containerPath);
        Guard(containerPath, () =>
            {
                using var rp = RootedPath.Open(root);
                SafeFd? found = null;
                byte[]? srcName = null;
                FsStat st = default;
                // The resolved path's last component is never a link (the resolution followed it). If it is one when
                // it is opened, the container changed it in between (ln -sfn unlinks, then links): resolve again, and
                // give up with an error rather than copy the link a process inside the container just made.
                for (int attempt = 0; ; attempt++)
                {
                    var resolved = rp.ResolveBytes(BytePath.FromString(containerPath));
                    var comps = BytePath.Split(resolved);
                    try { found = comps.Count == 0 ? rp.Open("/"u8, OpenFlags.Path | OpenFlags.Directory) : rp.OpenParent(resolved, out _); }
                    catch (FsException e) when (e.Errno is Errno.ENOENT or Errno.ENOTDIR) { found = null; }
                    srcName = comps.Count == 0 ? null : comps[^1];
                    if (found is null || (srcName is not null && !Fs.TryStat(found, srcName, out st)))
                    {
                        found?.Dispose();
                        throw PscException.NotFound(ErrorIds.ContainerPathNotFound, $"'{containerPath}' does not exist in container '{name}'.", containerPath);
                    }
                    if (srcName is null) break;
                    if (!st.IsSymlink)
                    {
                        if ((EndsWithSeparator(containerPath) || contentsOnly) && !st.IsDirectory)
                        {
                            found.Dispose();
                            throw PscException.NotFound(ErrorIds.ContainerPathNotFound, $"'{containerPath}' in container '{name}' is not a directory.", containerPath);
                        }
                        break;
                    }
                    found.Dispose();
                    if (attempt >= 8)
                        throw new PscException(ErrorIds.CopyFailed, PscErrorCategory.ResourceBusy, $"'{containerPath}' in container '{name}' kept changing while it was being copied.", containerPath);
                }
                using var srcParent = found;
                if (srcName is null) st = Fs.Stat(srcParent);
                byte[] baseName = GivenName(containerPath) ?? srcName ?? "rootfs"u8.ToArray();

                string dest = Path.GetFullPath(hostPath);
                if (Directory.Exists(dest))
                {
                    using var destDir = SafeFd.Open(dest, OpenFlags.Path | OpenFlags.Directory);
                    if (st.IsDirectory && (contentsOnly || srcName is null))
                    {
                        using var srcDir = srcName is null ? Fs.OpenAt(srcParent, "."u8, OpenFlags.ReadOnly | OpenFlags.Directory) : Fs.OpenDirectory(srcParent, srcName);
                        SafeTree.CopyContents(srcDir, destDir, options with { CopyRootMetadata = false });
                    }
                    else SafeTree.Copy(srcParent, srcName!, destDir, baseName, options);
                    return;
                }
                if (st.IsDirectory && (File.Exists(dest) || new FileInfo(dest).LinkTarget is not null))
                    throw PscException.InvalidArgument(ErrorIds.CopyDirectoryToFile, $"Cannot copy the directory '{containerPath}' over the file '{hostPath}'.", hostPath);
                if (!st.IsDirectory && EndsWithSeparator(hostPath))
                    throw PscException.NotFound(ErrorIds.HostPathNotFound, $"The directory '{hostPath}' does not exist.", hostPath);
                string parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(dest)) ?? "/";
                if (!Directory.Exists(parent))
                    throw PscException.NotFound(ErrorIds.HostPathNotFound, $"The directory '{parent}' does not exist.", hostPath);
                using var destParent = SafeFd.Open(parent, OpenFlags.Path | OpenFlags.Directory);
                byte[] destName = BytePath.FromString(Path.GetFileName(Path.TrimEndingDirectorySeparator(dest)));
                if (srcName is null)
                {
                    using var srcDir = Fs.OpenAt(srcParent, "."u8, OpenFlags.ReadOnly | OpenFlags.Directory);
                    Fs.Mkdir(destParent, destName, 0x1c0);
                    using var destDir = Fs.OpenDirectory(destParent, destName);
                    SafeTree.CopyContents(srcDir, destDir, options);
                }
                else SafeTree.Copy(srcParent, srcName, destParent, destName, options);
            });
    }

    /// <summary>
    /// docker cp SRC CONTAINER:DEST. The host source is the user's path (a final symlink is followed, like docker cp
    /// -L; links below it are copied as links). <paramref name="containerPath"/> is resolved inside the container's
    /// root with <see cref="RootedPath"/>: when it is an existing directory (a symlink to one is followed inside the
    /// root) the source lands inside it under its own name, or only its content when the source ends in "/.";
    /// otherwise its parent must exist and the final name is created there, replacing a file or a symlink that is in
    /// the way - never writing through a link, never leaving the root. Owners, modes, times, xattrs, hard links and
    /// names that are not UTF-8 are kept (cp -a). Errors (<see cref="PscException"/>): HostPathNotFound,
    /// ContainerPathNotFound (missing parent, or a trailing "/" naming a missing directory), CopyDirectoryToFile,
    /// CopyFailed.
    /// </summary>
    public void CopyTo(Container c, string hostPath, string containerPath, CancellationToken ct = default)
    {
        if (!File.Exists(hostPath) && !Directory.Exists(hostPath))
            throw PscException.NotFound(ErrorIds.HostPathNotFound, $"'{hostPath}' does not exist.", hostPath);
        WithRootfs(c, root => { CopyIntoRoot(hostPath, root, c.Name, containerPath, ct); return 0; }, ct);
    }

    /// <summary><see cref="CopyTo"/> into a root directory that is already there (<paramref name="name"/> is for messages).</summary>
    internal static void CopyIntoRoot(string hostPath, string root, string name, string containerPath, CancellationToken ct = default)
    {
        if (!File.Exists(hostPath) && !Directory.Exists(hostPath))
            throw PscException.NotFound(ErrorIds.HostPathNotFound, $"'{hostPath}' does not exist.", hostPath);
        var options = new CopyOptions { SkipTrustedOverlayXattrs = true, Cancellation = ct };
        bool contentsOnly = EndsWithDot(hostPath);
        string src = Path.TrimEndingDirectorySeparator(Path.GetFullPath(hostPath));
        if (new FileInfo(src).LinkTarget is not null && new FileInfo(src).ResolveLinkTarget(returnFinalTarget: true) is { } final)
            src = Path.TrimEndingDirectorySeparator(final.FullName);
        bool srcIsDir = Directory.Exists(src);
        Guard(containerPath, () =>
            {
                using var srcParent = SafeFd.Open(src == "/" ? "/" : Path.GetDirectoryName(src)!, OpenFlags.Path | OpenFlags.Directory);
                byte[]? srcName = src == "/" ? null : BytePath.FromString(Path.GetFileName(src));
                using var rp = RootedPath.Open(root);
                var cpath = BytePath.FromString(containerPath);
                SafeFd? destDir = null;
                try { destDir = rp.Open(cpath, OpenFlags.Path | OpenFlags.Directory); }
                catch (FsException e) when (e.Errno is Errno.ENOENT or Errno.ENOTDIR) { }
                if (destDir is not null)
                {
                    using (destDir)
                    {
                        if (srcIsDir && (contentsOnly || srcName is null))
                        {
                            using var srcDir = srcName is null ? SafeFd.OpenDirectory("/") : Fs.OpenDirectory(srcParent, srcName);
                            SafeTree.CopyContents(srcDir, destDir, options with { CopyRootMetadata = false });
                        }
                        else SafeTree.Copy(srcParent, srcName!, destDir, srcName!, options);
                    }
                    return;
                }
                if (EndsWithSeparator(containerPath))
                    throw PscException.NotFound(ErrorIds.ContainerPathNotFound, $"The directory '{containerPath}' does not exist in container '{name}'.", containerPath);
                SafeFd parent;
                byte[] fname;
                try { parent = rp.OpenParent(cpath, out fname); }
                catch (FsException e) when (e.Errno is Errno.ENOENT or Errno.ENOTDIR)
                {
                    throw PscException.NotFound(ErrorIds.ContainerPathNotFound, $"The directory that would hold '{containerPath}' does not exist in container '{name}'.", containerPath);
                }
                using (parent)
                {
                    if (srcIsDir && Fs.TryStat(parent, fname, out var existing) && !existing.IsDirectory && !existing.IsSymlink)
                        throw PscException.InvalidArgument(ErrorIds.CopyDirectoryToFile, $"Cannot copy the directory '{hostPath}' over the file '{containerPath}'.", containerPath);
                    if (srcName is null)
                    {
                        using var srcDir = SafeFd.OpenDirectory("/");
                        Fs.Mkdir(parent, fname, 0x1c0);
                        using var created = Fs.OpenDirectory(parent, fname);
                        SafeTree.CopyContents(srcDir, created, options);
                    }
                    else SafeTree.Copy(srcParent, srcName, parent, fname, options);
                }
            });
    }

    private static bool EndsWithDot(string p) => p == "." || p.EndsWith("/.", StringComparison.Ordinal);
    private static bool EndsWithSeparator(string p) => p.Length > 1 && p.EndsWith('/');

    /// <summary>The last component of a path as the user wrote it, or null when it is "", "." or "..".</summary>
    private static byte[]? GivenName(string p)
    {
        var comps = BytePath.Split(BytePath.FromString(p));
        return comps.Count == 0 || BytePath.IsDotOrDotDot(comps[^1]) ? null : comps[^1];
    }

    /// <summary>Turn file system failures of a copy into engine errors.</summary>
    private static void Guard(string containerPath, Action work)
    {
        try { work(); }
        catch (FsException e) when (e.Errno == Errno.ELOOP)
        {
            throw PscException.InvalidArgument(ErrorIds.TooManySymlinks, $"Too many symbolic links resolving '{containerPath}': {e.Message}", containerPath);
        }
        catch (FsException e)
        {
            throw new PscException(ErrorIds.CopyFailed, PscErrorCategory.WriteError, $"Copying '{containerPath}' failed: {e.Message}", containerPath, e);
        }
    }

    /// <summary>
    /// docker export: the container's root file system (mounted for the call when the container is stopped) as one
    /// POSIX pax tar stream. See <see cref="ExportTree"/> for what is written.
    /// </summary>
    public void Export(Container c, Stream output, CancellationToken ct = default)
    {
        WithRootfs(c, root =>
        {
            using var fd = SafeFd.OpenDirectory(root);
            ExportTree(fd, output, ct);
            return 0;
        }, ct);
    }

    /// <summary>
    /// Write the tree under <paramref name="root"/> (a directory descriptor) to <paramref name="output"/> as a pax tar
    /// (<see cref="TarArchiveWriter"/>), the way docker export does: member names relative to the root without a
    /// leading "./" (directories end in "/"; the root itself is not an entry), in byte order, names and link targets as
    /// exact bytes (not UTF-8 is kept). Each entry keeps its numeric owner, full mode (setuid/setgid/sticky), mtime with
    /// nanoseconds and every extended attribute byte-exact (security.capability included; overlayfs' trusted.overlay.*
    /// left out). Symlinks are written as links and never followed; a file with several names is written once and then
    /// as hard-link entries naming the first; character and block devices and FIFOs become device/FIFO entries;
    /// sockets are left out (tar cannot hold them). Only the root's file system is walked
    /// (<see cref="SafeTree.Walk"/> with one-file-system): a mount point inside is written as an empty directory.
    /// A file that shrinks while it is read is padded with zeros to the size in its header. The stream is left open.
    /// Throws <see cref="FsException"/> on I/O errors and <see cref="OperationCanceledException"/> when cancelled.
    /// </summary>
    public static void ExportTree(SafeFd root, Stream output, CancellationToken ct = default)
    {
        using var w = new TarArchiveWriter(output, leaveOpen: true, new TarWriterOptions { SubsecondTimes = true });
        var links = new Dictionary<(ulong, ulong), byte[]>();
        var buffer = new byte[1 << 16];
        foreach (var e in SafeTree.Walk(root, new WalkOptions { OneFileSystem = true, Sorted = true }))
        {
            ct.ThrowIfCancellationRequested();
            if (e.Depth == 0) continue;
            var st = e.Status;
            if (st.IsSocket) continue;
            var entry = new TarEntry
            {
                Name = st.IsDirectory ? [.. e.RelativePath, (byte)'/'] : e.RelativePath,
                Mode = (int)st.Permissions,
                Uid = st.Uid,
                Gid = st.Gid,
                ModificationTime = new TarTimestamp(st.Mtime.Seconds, (int)st.Mtime.Nanoseconds),
            };
            if (!st.IsDirectory && st.Nlink > 1)
            {
                if (links.TryGetValue(st.Identity, out var first))
                {
                    entry.Kind = TarEntryKind.HardLink;
                    entry.LinkName = first;
                    w.WriteHeader(entry);
                    continue;
                }
                links[st.Identity] = e.RelativePath;
            }
            foreach (var (attr, value) in e.GetXattrs())
            {
                if (attr.AsSpan().StartsWith("trusted.overlay."u8)) continue;
                // an attribute name that is not UTF-8 cannot be written as a pax SCHILY.xattr key: it is left out
                if (BytePath.TryToString(attr, out var an)) entry.Xattrs.Add(new TarXattr(an, value));
            }
            if (st.IsDirectory) { entry.Kind = TarEntryKind.Directory; w.WriteHeader(entry); }
            else if (st.IsSymlink) { entry.Kind = TarEntryKind.Symlink; entry.LinkName = e.ReadLink(); w.WriteHeader(entry); }
            else if (st.IsCharDevice || st.IsBlockDevice)
            {
                entry.Kind = st.IsCharDevice ? TarEntryKind.CharDevice : TarEntryKind.BlockDevice;
                entry.DevMajor = st.RdevMajor;
                entry.DevMinor = st.RdevMinor;
                w.WriteHeader(entry);
            }
            else if (st.IsFifo) { entry.Kind = TarEntryKind.Fifo; w.WriteHeader(entry); }
            else if (st.IsRegular)
            {
                FileStream data;
                try { data = e.OpenRead(); }
                catch (FsException fe) when (fe.Errno is Errno.ENOENT or Errno.ELOOP or Errno.EINVAL) { links.Remove(st.Identity); continue; } // replaced meanwhile
                using (data)
                {
                    entry.Kind = TarEntryKind.RegularFile;
                    entry.Size = data.Length;
                    w.WriteHeader(entry);
                    long left = entry.Size;
                    while (left > 0)
                    {
                        ct.ThrowIfCancellationRequested();
                        int n = data.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                        if (n == 0) { Array.Clear(buffer); n = (int)Math.Min(buffer.Length, left); }
                        w.WriteData(buffer.AsSpan(0, n));
                        left -= n;
                    }
                }
            }
        }
        w.Finish();
    }
}
