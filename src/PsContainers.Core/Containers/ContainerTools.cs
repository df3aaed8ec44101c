using System.Collections.Concurrent;
using System.Diagnostics;
using System.Formats.Tar;
using System.Globalization;
using System.IO.Pipes;
using System.Text;
using PsContainers.Core.Runtime;

namespace PsContainers.Core.Containers;

/// <summary>One line of a process' output.</summary>
public readonly record struct OutputLine(bool IsError, string Text);

/// <summary>Exec, top, stats, copy and export for containers.</summary>
public sealed partial class ContainerManager
{
    private Container RequireRunning(Container c)
    {
        var cur = Store.Load(c.Id) ?? throw NotFound(c.Name);
        if (cur.State.Status == ContainerStatus.Paused)
            throw PscException.InvalidOperation("ContainerPaused", $"Container '{cur.Name}' is paused; resume it first.", cur.Name);
        if (!cur.State.Running)
            throw PscException.InvalidOperation("ContainerNotRunning", $"Container '{cur.Name}' is not running.", cur.Name);
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
        var psi = new ProcessStartInfo(MonitorPath) { UseShellExecute = false };
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
        if (!cur.State.Running) throw PscException.InvalidOperation("ContainerNotRunning", $"Container '{cur.Name}' is not running.", cur.Name);
        var pids = RuntimeFor(cur).Ps(cur.Id);
        var boot = BootTime();
        var users = ReadPasswd(Path.Combine(Store.DirOf(c.Id), "rootfs", "etc", "passwd"));
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

    private static Dictionary<int, string> ReadPasswd(string path)
    {
        var d = new Dictionary<int, string>();
        try
        {
            foreach (var line in File.ReadLines(path))
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
        else throw PscException.NotFound("CgroupNotFound", $"No cgroup found for process {pid}.", pid);
        return new RawSample(cpu, Math.Max(0, mem), lim, pids, rd, wr, version, Stopwatch.GetTimestamp());
    }

    /// <summary>One statistics sample; CPU % is measured over <paramref name="interval"/>.</summary>
    public ContainerStatistic Stats(Container c, TimeSpan interval, CancellationToken ct = default)
    {
        var cur = Store.Load(c.Id) ?? throw NotFound(c.Name);
        if (!cur.State.Running) throw PscException.InvalidOperation("ContainerNotRunning", $"Container '{cur.Name}' is not running.", cur.Name);
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
    /// Resolve <paramref name="path"/> inside <paramref name="root"/> the way the container sees it: every
    /// symlink is followed relative to the root, and ".." never leaves it.
    /// </summary>
    public static string SecureJoin(string root, string path, bool followFinal = true)
    {
        root = Path.GetFullPath(root).TrimEnd('/');
        var parts = new Stack<string>(path.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse());
        var resolved = new List<string>();
        int links = 0;
        while (parts.Count > 0)
        {
            string p = parts.Pop();
            if (p == ".") continue;
            if (p == "..") { if (resolved.Count > 0) resolved.RemoveAt(resolved.Count - 1); continue; }
            string candidate = root + "/" + string.Join('/', resolved.Append(p));
            bool last = parts.Count == 0;
            var fi = new FileInfo(candidate);
            if (fi.Exists || Directory.Exists(candidate))
            {
                FileSystemInfo info = Directory.Exists(candidate) && fi.LinkTarget is null ? new DirectoryInfo(candidate) : fi;
                if (info.LinkTarget is string target && (!last || followFinal))
                {
                    if (++links > 40) throw PscException.InvalidArgument("TooManySymlinks", $"Too many symbolic links resolving '{path}'.", path);
                    if (target.StartsWith('/')) resolved.Clear();
                    foreach (var t in target.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse()) parts.Push(t);
                    continue;
                }
            }
            resolved.Add(p);
        }
        return root + (resolved.Count > 0 ? "/" + string.Join('/', resolved) : "");
    }

    /// <summary>Copy from the container (path inside it) to a host path.</summary>
    public void CopyFrom(Container c, string containerPath, string hostPath, CancellationToken ct = default)
    {
        WithRootfs(c, root =>
        {
            string src = SecureJoin(root, containerPath);
            if (Directory.Exists(src))
            {
                string dest = Directory.Exists(hostPath) ? Path.Combine(hostPath, Path.GetFileName(src.TrimEnd('/')) is { Length: > 0 } n ? n : "root") : hostPath;
                CopyTree(root, src, dest, insideIsSource: true, ct);
            }
            else if (File.Exists(src))
            {
                string dest = Directory.Exists(hostPath) ? Path.Combine(hostPath, Path.GetFileName(src)) : hostPath;
                File.Copy(src, dest, true);
            }
            else throw PscException.NotFound("ContainerPathNotFound", $"'{containerPath}' does not exist in container '{c.Name}'.", containerPath);
            return 0;
        }, ct);
    }

    /// <summary>Copy a host path into the container.</summary>
    public void CopyTo(Container c, string hostPath, string containerPath, CancellationToken ct = default)
    {
        if (!File.Exists(hostPath) && !Directory.Exists(hostPath))
            throw PscException.NotFound("HostPathNotFound", $"'{hostPath}' does not exist.", hostPath);
        WithRootfs(c, root =>
        {
            string dest = SecureJoin(root, containerPath);
            if (Directory.Exists(dest)) dest = SecureJoin(root, containerPath.TrimEnd('/') + "/" + Path.GetFileName(hostPath.TrimEnd('/')), followFinal: false);
            else if (containerPath.EndsWith('/'))
                throw PscException.NotFound("ContainerPathNotFound", $"The directory '{containerPath}' does not exist in container '{c.Name}'.", containerPath);
            string parent = Path.GetDirectoryName(dest)!;
            if (!Directory.Exists(parent))
                throw PscException.NotFound("ContainerPathNotFound", $"The directory '{Path.GetDirectoryName(containerPath)}' does not exist in container '{c.Name}'.", containerPath);
            if (Directory.Exists(hostPath)) CopyTree(root, hostPath, dest, insideIsSource: false, ct);
            else
            {
                if (new FileInfo(dest).LinkTarget is not null) File.Delete(dest); // never write through a link
                File.Copy(hostPath, dest, true);
            }
            return 0;
        }, ct);
    }

    private static void CopyTree(string root, string src, string dest, bool insideIsSource, CancellationToken ct)
    {
        Directory.CreateDirectory(dest);
        foreach (var e in new DirectoryInfo(src).EnumerateFileSystemInfos())
        {
            ct.ThrowIfCancellationRequested();
            string target = Path.Combine(dest, e.Name);
            if (!insideIsSource && new FileInfo(target).LinkTarget is not null) File.Delete(target);
            if (e.LinkTarget is string link)
            {
                if (File.Exists(target) || Directory.Exists(target)) { if (Directory.Exists(target) && new FileInfo(target).LinkTarget is null) Directory.Delete(target, true); else File.Delete(target); }
                File.CreateSymbolicLink(target, link); // copied as a link, never followed
            }
            else if (e is DirectoryInfo) CopyTree(root, e.FullName, target, insideIsSource, ct);
            else File.Copy(e.FullName, target, true);
        }
    }

    /// <summary>Write the container's filesystem as a tar stream.</summary>
    public void Export(Container c, Stream output, CancellationToken ct = default)
    {
        WithRootfs(c, root =>
        {
            using var w = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
            AddTree(w, root, "", ct);
            return 0;
        }, ct);
    }

    private static void AddTree(TarWriter w, string dir, string rel, CancellationToken ct)
    {
        foreach (var e in new DirectoryInfo(dir).EnumerateFileSystemInfos())
        {
            ct.ThrowIfCancellationRequested();
            string name = rel.Length == 0 ? e.Name : rel + "/" + e.Name;
            w.WriteEntry(e.FullName, e is DirectoryInfo && e.LinkTarget is null ? name + "/" : name);
            if (e is DirectoryInfo && e.LinkTarget is null) AddTree(w, e.FullName, name, ct);
        }
    }
}
