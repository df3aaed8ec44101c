using System.Diagnostics;
using System.Globalization;
using System.Text;
using PsContainers.Core.Runtime;
using PsContainers.Core.Runtime.Spec;
using PsContainers.Core.Util;

namespace PsContainers.Core.Containers;

/// <summary>
/// Container lifecycle: create, start (through a pscmon monitor), stop, kill, restart, pause, resume,
/// rename, remove, wait. Every operation works from the state on disk, so any process sees the same
/// containers; operations on one container are serialised by its lock file.
/// </summary>
public sealed partial class ContainerManager
{
    public PscPaths Paths { get; }
    public ContainerStore Store { get; }
    private readonly ISyscalls _sys;
    private readonly List<IContainerImageResolver> _resolvers = new();

    private readonly Engine _engine;

    /// <summary>Made by <see cref="Engine"/>, which owns the stores it works with.</summary>
    internal ContainerManager(Engine engine)
    {
        _engine = engine;
        Paths = engine.Paths;
        _sys = engine.Syscalls;
        Store = engine.ContainerStore;
        _resolvers.Add(new StoreImageResolver(engine.Images));
        _resolvers.Add(new DirectoryImageResolver());
    }

    /// <summary>The OCI runtime binary: the configured one; the bundled pscrun when it answers, else runc.</summary>
    public string RuntimePath
    {
        get
        {
            var cfg = EngineConfiguration.Load(Paths);
            if (!cfg.IsDefaultRuntime) return cfg.Runtime;
            string? env = Environment.GetEnvironmentVariable("PSCONTAINERS_RUNTIME");
            if (!string.IsNullOrEmpty(env)) return env;
            return s_defaultRuntime ??= OciRuntimeClient.GetVersion(cfg.Runtime) is not null ? cfg.Runtime : "/usr/sbin/runc";
        }
    }
    private static string? s_defaultRuntime;

    public string MonitorPath => Environment.GetEnvironmentVariable("PSCONTAINERS_MONITOR") is { Length: > 0 } m ? m : Path.Combine(PscPaths.BinDirectory, "pscmon");

    private OciRuntimeClient RuntimeFor(Container c) => new(string.IsNullOrEmpty(c.Runtime) ? RuntimePath : c.Runtime, Paths.RuntimeState, _sys);

    // ------------------------------------------------------------------ create

    public ResolvedImage ResolveImage(string reference)
    {
        foreach (var r in _resolvers)
        {
            var img = r.Resolve(reference);
            if (img is not null) return img;
        }
        throw PscException.NotFound("ImageNotFound", $"No image '{reference}' in the local store. Import or pull it first.", reference);
    }

    private ResolvedImage ImageOf(Container c)
    {
        foreach (var r in _resolvers)
        {
            var img = r.ResolveById(c.ImageId) ?? r.Resolve(c.Image);
            if (img is not null && img.Id == c.ImageId) return img;
        }
        throw PscException.NotFound("ImageNotFound", $"The image {c.Image} ({Digest.Short(c.ImageId)}) of container '{c.Name}' is no longer in the store.", c.Name);
    }

    public static (string Policy, int Max) ParseRestart(string? text)
    {
        string t = string.IsNullOrWhiteSpace(text) ? "no" : text.Trim();
        string[] p = t.Split(':');
        switch (p[0])
        {
            case "no" when p.Length == 1:
            case "always" when p.Length == 1:
            case "unless-stopped" when p.Length == 1:
                return (p[0], 0);
            case "on-failure" when p.Length == 1:
                return ("on-failure", 0);
            case "on-failure" when p.Length == 2 && int.TryParse(p[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 0:
                return ("on-failure", n);
        }
        throw PscException.InvalidArgument("InvalidRestartPolicy", $"Restart policy '{text}' is not one of no, on-failure[:max-retries], always, unless-stopped.", text);
    }

    /// <summary>Parse an --env-file: NAME=value lines, # comments, a bare NAME takes the host's value.</summary>
    public static List<string> ReadEnvironmentFile(string path)
    {
        var list = new List<string>();
        foreach (var raw in File.ReadAllLines(path))
        {
            string line = raw.TrimStart();
            if (line.Length == 0 || line[0] == '#') continue;
            int eq = line.IndexOf('=');
            if (eq == 0) throw PscException.InvalidArgument("InvalidEnvironment", $"'{raw}' in {path} has no variable name.", path);
            if (eq < 0)
            {
                string? v = Environment.GetEnvironmentVariable(line.Trim());
                if (v is not null) list.Add(line.Trim() + "=" + v);
            }
            else list.Add(line);
        }
        return list;
    }

    public static MountPoint ParseVolume(string spec)
    {
        string[] p = spec.Split(':');
        if (p.Length is < 2 or > 3 || p[0].Length == 0 || p[1].Length == 0)
            throw PscException.InvalidArgument("InvalidVolume", $"Volume '{spec}' is not of the form host-path:container-path[:ro|rw].", spec);
        bool ro = false;
        if (p.Length == 3)
        {
            foreach (var o in p[2].Split(','))
            {
                if (o == "ro") ro = true;
                else if (o is "rw" or "z" or "Z") { }
                else throw PscException.InvalidArgument("InvalidVolume", $"Volume option '{o}' in '{spec}' is not ro or rw.", spec);
            }
        }
        if (!p[1].StartsWith('/'))
            throw PscException.InvalidArgument("InvalidVolume", $"The container path in '{spec}' must be absolute.", spec);
        if (!p[0].StartsWith('/'))
            return new MountPoint { Type = "volume", Source = p[0], Destination = p[1], ReadOnly = ro };
        return new MountPoint { Type = "bind", Source = Path.GetFullPath(p[0]), Destination = p[1], ReadOnly = ro };
    }

    /// <summary>Create a container (nothing runs yet). Bad options fail before anything is written.</summary>
    public Container Create(ContainerCreateOptions o, CancellationToken ct = default)
    {
        PhaseTrace.Mark("create: begin");
        var image = ResolveImage(o.Image);
        PhaseTrace.Mark("create: image resolved");
        var (policy, max) = ParseRestart(o.Restart);
        if (o.AutoRemove && policy != "no")
            throw PscException.InvalidArgument("ConflictingOptions", "-Remove cannot be combined with a restart policy.", o.Restart);
        if (o.Name is not null && !ContainerStore.IsValidName(o.Name))
            throw PscException.InvalidArgument("InvalidContainerName", $"'{o.Name}' is not a valid container name: use letters, digits, '_', '.' and '-', starting with a letter or digit.", o.Name);
        if (o.Init && !File.Exists(InitPath))
            throw new PscException("InitNotFound", PscErrorCategory.NotInstalled, $"-Init needs the init program '{InitPath}', which is missing from this installation.", InitPath);

        var participants = _engine.Participants;
        var networks = o.Networks.Count == 0 ? new List<string> { "none" } : o.Networks.ToList();
        string mode = networks[0];
        var mounts = o.Volumes.Select(ParseVolume).Concat(o.Mounts).ToList();
        foreach (var m in mounts.Where(m => m.Type == "bind"))
            if (!File.Exists(m.Source) && !Directory.Exists(m.Source))
                throw PscException.NotFound("MountSourceNotFound", $"The host path '{m.Source}' of a volume does not exist.", m.Source);

        string id = ContainerStore.NewId();
        string runtime = RuntimePath;
        PhaseTrace.Mark("create: runtime chosen");
        var env = image.Env.ToList();
        foreach (var e in o.Environment) SetEnv(env, e);
        var c = new Container
        {
            Id = id,
            Name = o.Name ?? "",
            Image = o.Image,
            ImageId = image.Id,
            Created = DateTime.UtcNow,
            Runtime = runtime,
            Config = new ContainerConfig
            {
                Hostname = o.Hostname ?? id[..12],
                User = o.User ?? image.User,
                Entrypoint = o.Entrypoint ?? image.Entrypoint,
                Cmd = o.Command is { Length: > 0 } ? o.Command : (o.Entrypoint is not null ? [] : image.Cmd),
                Env = env.ToArray(),
                WorkingDir = o.WorkingDirectory ?? image.WorkingDir,
                Tty = o.Tty,
                OpenStdin = o.Interactive,
                StopSignal = o.StopSignal ?? image.StopSignal,
                StopTimeout = o.StopTimeout,
                Labels = new Dictionary<string, string>(image.Labels.Concat(o.Labels).GroupBy(k => k.Key).Select(g => g.Last())),
            },
            HostConfig = new HostConfig
            {
                Memory = o.Memory, Cpus = o.Cpus, PidsLimit = o.PidsLimit,
                RestartPolicy = policy, MaximumRetryCount = max,
                NetworkMode = mode, Networks = networks.ToArray(), PortBindings = o.Publish.ToArray(),
                ReadonlyRootfs = o.ReadOnly, Privileged = o.Privileged,
                CapAdd = o.CapAdd.ToArray(), CapDrop = o.CapDrop.ToArray(), Ulimits = o.Ulimits.ToArray(),
                AutoRemove = o.AutoRemove, Init = o.Init, Tmpfs = o.Tmpfs.ToArray(),
                SecurityOptions = o.Security ?? new(),
            },
            Mounts = mounts,
            State = new ContainerState { Status = ContainerStatus.Created },
        };
        if (c.Config.Entrypoint.Length + c.Config.Cmd.Length == 0)
            throw PscException.InvalidArgument("NoCommand", $"Image '{o.Image}' has no command; give one.", o.Image);
        // validate everything the spec builder checks (capabilities, ulimits, limits) before writing anything
        BuildSpec(c, rootfs: null, validateOnly: true);
        PhaseTrace.Mark("create: validated");

        foreach (var p in participants) p.Create(c, o, image);
        using (Store.LockStore(ct))
        {
            if (c.Name.Length == 0)
            {
                for (int i = 0; i < 20 && c.Name.Length == 0; i++)
                {
                    string n = ContainerStore.RandomName();
                    if (i > 10) n += "_" + RandomSuffix();
                    if (Store.Find(n) is null && !File.Exists(Store.NameFile(n))) c.Name = n;
                }
            }
            PhaseTrace.Mark("create: locked, name chosen");
            Store.Publish(c);
            PhaseTrace.Mark("create: published");
        }
        c.Path = Store.DirOf(id);
        return c;
    }

    private static string RandomSuffix() => System.Security.Cryptography.RandomNumberGenerator.GetInt32(1000).ToString(CultureInfo.InvariantCulture);

    private static void SetEnv(List<string> env, string entry)
    {
        int eq = entry.IndexOf('=');
        string name = eq < 0 ? entry : entry[..eq];
        if (name.Length == 0) throw PscException.InvalidArgument("InvalidEnvironment", $"Environment entry '{entry}' has no name.", entry);
        env.RemoveAll(e => e == name || e.StartsWith(name + "=", StringComparison.Ordinal));
        env.Add(eq < 0 ? entry + "=" + (Environment.GetEnvironmentVariable(name) ?? "") : entry);
    }

    /// <summary>The OCI config for a container (the runtime glue's secure defaults plus the container's settings).</summary>
    /// <summary>The init program -Init runs as PID 1 (built from src/PsContainers.Init).</summary>
    public static string InitPath => Path.Combine(PscPaths.BinDirectory, "pscinit");
    /// <summary>Where the init program appears inside the container.</summary>
    public const string InitDestination = "/dev/init";

    internal RuntimeSpec BuildSpec(Container c, string? rootfs, bool validateOnly = false)
    {
        var args = c.Config.Entrypoint.Concat(c.Config.Cmd).ToList();
        var o = new SpecOptions
        {
            Args = args,
            Env = c.Config.Env,
            WorkingDirectory = c.Config.WorkingDir,
            User = validateOnly ? null : c.Config.User,
            Hostname = c.HostConfig.NetworkMode == "host" ? null : c.Config.Hostname,
            HostUts = false,
            // -Tty: a pseudo-terminal; on the caller's terminal RunInTerminal relays it, otherwise (detached, or
            // attached without -Interactive) the monitor keeps its master and logs what is written to it
            Terminal = c.Config.Tty,
            MemoryBytes = c.HostConfig.Memory,
            Cpus = c.HostConfig.Cpus,
            PidsLimit = c.HostConfig.PidsLimit,
            ReadOnlyRootfs = c.HostConfig.ReadonlyRootfs,
            Mounts = c.Mounts.Where(m => m.Type == "bind").Select(m => new BindMount(m.Source!, m.Destination, m.ReadOnly)).ToList(),
            CapAdd = c.HostConfig.CapAdd,
            CapDrop = c.HostConfig.CapDrop,
            Privileged = c.HostConfig.Privileged,
            // docker's defaults: no_new_privs off, the default seccomp profile, unless -SecurityOption says otherwise
            NoNewPrivileges = c.HostConfig.SecurityOptions?.NoNewPrivileges ?? false,
            SeccompUnconfined = c.HostConfig.SecurityOptions?.SeccompUnconfined ?? false,
            SeccompProfileJson = c.HostConfig.SecurityOptions?.SeccompProfile,
            Ulimits = c.HostConfig.Ulimits.Select(Ulimit.Parse).ToList(),
            Network = c.HostConfig.NetworkMode == "host" ? "host" : "none",
            RootfsPath = Path.Combine(Store.DirOf(c.Id), "rootfs"),
            CgroupsPath = "/pscontainers/" + c.Id,
            Annotations = new Dictionary<string, string> { ["io.pscontainers.name"] = c.Name.Length > 0 ? c.Name : "-", ["io.pscontainers.image"] = c.Image },
        };
        if (validateOnly && o.Mounts is { Count: > 0 }) o = o with { Mounts = null };
        var spec = SpecBuilder.Build(o, rootfs);
        // a WORKDIR (or -WorkingDirectory) the image lacks is created, as podman and docker do
        // (when that fails, e.g. a file is in the way, the runtime's own attempt reports it as the start error)
        if (rootfs is not null && !validateOnly && spec.Process is { } p)
        {
            try { ContainerWorkingDirectory.Ensure(rootfs, p.Cwd, p.User.Uid, p.User.Gid); }
            catch (PsContainers.FileSystem.FsException) { }
        }
        if (c.HostConfig.Init)
        {
            // like docker's --init: a tiny init (static, so it runs in any image) is PID 1; it forwards signals to
            // the command and reaps orphans. Bound onto the /dev tmpfs, so the container's own layer is untouched.
            spec.Mounts.Add(new SpecMount { Destination = InitDestination, Type = "bind", Source = InitPath, Options = ["bind", "ro", "nosuid", "nodev"] });
            if (spec.Process is not null) spec.Process.Args = new List<string> { InitDestination, "--" }.Concat(spec.Process.Args ?? []).ToList();
        }
        if (c.HostConfig.NetworkMode == "host" && File.Exists("/etc/resolv.conf"))
            spec.Mounts.Add(new SpecMount { Destination = "/etc/resolv.conf", Type = "bind", Source = "/etc/resolv.conf", Options = ["rbind", "ro", "rprivate"] });
        foreach (var t in c.HostConfig.Tmpfs)
        {
            int colon = t.IndexOf(':');
            string dest = colon < 0 ? t : t[..colon];
            if (!dest.StartsWith('/')) throw PscException.InvalidArgument("InvalidTmpfs", $"Tmpfs path '{t}' must be absolute.", t);
            var opts = new List<string> { "nosuid", "nodev", "noexec" };
            if (colon >= 0) opts = t[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries).ToList();
            spec.Mounts.Add(new SpecMount { Destination = dest, Type = "tmpfs", Source = "tmpfs", Options = opts });
        }
        return spec;
    }

    // ------------------------------------------------------------------ rootfs

    /// <summary>Mount the overlay (image layers + the container's upper/work) at &lt;id&gt;/rootfs if not mounted.</summary>
    public string MountRootfs(Container c)
    {
        string dir = Store.DirOf(c.Id);
        string rootfs = Path.Combine(dir, "rootfs"), upper = Path.Combine(dir, "upper"), work = Path.Combine(dir, "work");
        Directory.CreateDirectory(rootfs); Directory.CreateDirectory(upper); Directory.CreateDirectory(work);
        if (_sys.IsMountPoint(rootfs)) return rootfs;
        var layers = ImageOf(c).LayerPaths;
        PhaseTrace.Mark("mount: layers resolved");
        if (layers.Count == 0) throw PscException.InvalidData("ImageHasNoLayers", $"The image of '{c.Name}' has no layers.", c.Name);
        string lower = string.Join(':', layers.Reverse().Select(EscapeOverlay));
        string data = $"lowerdir={lower},upperdir={EscapeOverlay(upper)},workdir={EscapeOverlay(work)}";
        // a container removed on exit never needs its upper layer after a crash: skip overlay's sync on unmount
        int e = _sys.Mount("overlay", rootfs, "overlay", 0, c.HostConfig.AutoRemove ? data + ",volatile" : data);
        if (e == 22 /* EINVAL: a kernel without volatile */ && c.HostConfig.AutoRemove) e = _sys.Mount("overlay", rootfs, "overlay", 0, data);
        if (e != 0)
            throw new PscException("RootfsMountFailed", PscErrorCategory.ResourceUnavailable,
                $"Cannot mount the root filesystem of '{c.Name}' (errno {e}).", c.Name);
        return rootfs;
    }

    private static string EscapeOverlay(string p) => p.Replace("\\", "\\\\").Replace(":", "\\:").Replace(",", "\\,");

    public void UnmountRootfs(Container c)
    {
        string rootfs = Path.Combine(Store.DirOf(c.Id), "rootfs");
        if (Directory.Exists(rootfs) && _sys.IsMountPoint(rootfs)) _sys.Unmount(rootfs);
    }

    // ------------------------------------------------------------------ start

    /// <summary>Launches the monitor for a container; the attached stream is returned for attached starts.</summary>
    public sealed class Launch : IDisposable
    {
        internal Process? Process;
        internal Process? Foreground;
        public int Pid { get; internal set; }
        public Stream? Output => Process?.StandardOutput.BaseStream;
        public Stream? Input => Process?.StandardInput.BaseStream;
        internal string? RemovesDirectory;

        /// <summary>
        /// Wait for the monitor's clean-up after the exit: until the container is gone (-Remove) or the
        /// monitor has exited.
        /// </summary>
        public bool WaitForCleanup(TimeSpan timeout)
        {
            if (RemovesDirectory is null) return WaitForMonitor(timeout);
            var sw = Stopwatch.StartNew();
            while (sw.Elapsed < timeout)
            {
                if (!Directory.Exists(RemovesDirectory)) return true;
                try { if (Process is null || Process.HasExited) return true; } catch (InvalidOperationException) { return true; }
                Thread.Sleep(1);
            }
            return false;
        }

        /// <summary>Wait until the monitor process has exited (after its clean-up).</summary>
        public bool WaitForMonitor(TimeSpan timeout)
        {
            try { return Process is null || Process.WaitForExit(timeout); } catch (InvalidOperationException) { return true; }
        }
        public void Dispose() { try { Process?.Dispose(); } catch { } }
    }

    /// <summary>
    /// Start a created or exited container: mount its rootfs, write its bundle and hand it to a new
    /// monitor. Returns after the runtime started the process (or throws its error). Running: no-op.
    /// </summary>
    public Launch Start(Container c, bool attach = false, bool stdin = false, CancellationToken ct = default)
    {
        PhaseTrace.Mark("start: begin");
        using var l = Store.LockContainer(c.Id, ct);
        var cur = LoadForChange(c);
        PhaseTrace.Mark("start: locked and loaded");
        if (cur.State.Running) { Copy(cur, c); return new Launch { Pid = cur.State.Pid }; } // already running: nothing to do
        ContainerStateMachine.Require(cur, ContainerOperation.Start);
        try { File.Delete(Path.Combine(Store.DirOf(c.Id), "userstop")); } catch (IOException) { }
        try { File.Delete(Path.Combine(Store.DirOf(c.Id), "paused")); } catch (IOException) { }
        string rootfs = MountRootfs(cur);
        PhaseTrace.Mark("start: rootfs mounted");
        try
        {
            var spec = BuildSpec(cur, rootfs);
            PhaseTrace.Mark("start: spec built");
            ContainerParticipants.ContributeSpec(_engine.Participants, cur, spec, Store.DirOf(c.Id));
            ContainerStore.WriteRecord(Path.Combine(Store.DirOf(c.Id), "config.json"), spec.ToJson());
            PhaseTrace.Mark("start: bundle written");
            var launch = RunMonitor(cur, attach, stdin, foreground: false);
            PhaseTrace.Mark("start: monitor reported");
            var st = Store.Load(c.Id);
            if (st is not null) Copy(st, c);
            return launch;
        }
        catch
        {
            UnmountRootfs(cur);
            throw;
        }
    }

    private static void Copy(Container from, Container to) { to.State = from.State; to.Name = from.Name; to.Path = from.Path; }

    private List<string> MonitorArgs(Container c, bool attach, bool stdin, bool foreground)
    {
        var a = new List<string>
        {
            "--id", c.Id, "--dir", Store.DirOf(c.Id), "--bundle", Store.DirOf(c.Id),
            "--runtime", RuntimeFor(c).RuntimePath, "--runtime-root", Paths.RuntimeState,
            "--restart", c.HostConfig.RestartPolicy, "--max-retries", c.HostConfig.MaximumRetryCount.ToString(CultureInfo.InvariantCulture),
            "--restart-count", c.State.RestartCount.ToString(CultureInfo.InvariantCulture),
            "--lock", Store.LockFile, "--name-file", Store.NameFile(c.Name),
        };
        if (c.HostConfig.AutoRemove) a.Add("--remove");
        if (attach) a.Add("--attach");
        if (c.Config.Tty && !foreground) a.Add("--tty");
        if (stdin) a.Add("--stdin");
        if (foreground) a.Add("--foreground");
        // a program the monitor runs after the exit and the unmount (like podman's exit command), given the container id
        if (Environment.GetEnvironmentVariable("PSCONTAINERS_EXIT_COMMAND") is { Length: > 0 } exit)
        {
            a.Add("--exit-command"); a.Add(exit);
            a.Add("--exit-arg"); a.Add(c.Id);
        }
        return a;
    }

    private Launch RunMonitor(Container c, bool attach, bool stdin, bool foreground)
    {
        string mon = MonitorPath;
        if (!File.Exists(mon))
            throw new PscException("MonitorNotFound", PscErrorCategory.NotInstalled, $"The container monitor '{mon}' does not exist (build the module first).", mon);
        Directory.CreateDirectory(Paths.RuntimeState);
        var psi = new ProcessStartInfo(mon) { UseShellExecute = false };
        foreach (var a in MonitorArgs(c, attach, stdin, foreground)) psi.ArgumentList.Add(a);
        if (foreground)
        {
            var fp = Process.Start(psi)!;
            return new Launch { Process = null, Pid = fp.Id, Foreground = fp };
        }
        psi.RedirectStandardInput = true;
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        var p = Process.Start(psi)!;
        PhaseTrace.Mark("monitor: spawned");
        if (!stdin) p.StandardInput.Close();
        var launch = new Launch { Process = p, RemovesDirectory = c.HostConfig.AutoRemove ? Store.DirOf(c.Id) : null };
        var (type, payload) = ReadFrame(p.StandardOutput.BaseStream);
        if (type == 'S')
        {
            launch.Pid = int.Parse(Encoding.UTF8.GetString(payload), CultureInfo.InvariantCulture);
            if (!attach) { p.StandardOutput.Close(); }
            return launch;
        }
        string err = type == 'E' ? Encoding.UTF8.GetString(payload) : p.StandardError.ReadToEnd();
        launch.Dispose();
        throw new PscException("ContainerStartFailed", PscErrorCategory.InvalidOperation,
            $"Container '{c.Name}' could not be started: {OciRuntimeClient.CleanError(err)}", c.Name);
    }

    /// <summary>Read one monitor frame: type byte, int32 length, payload. Type 0 at end of stream.</summary>
    public static (char Type, byte[] Payload) ReadFrame(Stream s)
    {
        Span<byte> h = stackalloc byte[5];
        if (!ReadExactly(s, h)) return ('\0', []);
        int n = BitConverter.ToInt32(h[1..]);
        var payload = new byte[n];
        if (!ReadExactly(s, payload)) return ('\0', []);
        return ((char)h[0], payload);
    }

    private static bool ReadExactly(Stream s, Span<byte> buf)
    {
        int off = 0;
        while (off < buf.Length)
        {
            int n = s.Read(buf[off..]);
            if (n <= 0) return false;
            off += n;
        }
        return true;
    }

    /// <summary>
    /// Run a container in the foreground on the caller's terminal (-Interactive -Tty): the runtime puts the
    /// terminal in raw mode and relays input, output and resizes; the monitor records the state.
    /// Returns the exit code.
    /// </summary>
    public int RunInTerminal(Container c, CancellationToken ct = default)
    {
        Process fg;
        using (Store.LockContainer(c.Id, ct))
        {
            var cur = LoadForChange(c);
            ContainerStateMachine.Require(cur, ContainerOperation.Start);
            string rootfs = MountRootfs(cur);
            var spec = BuildSpec(cur, rootfs);
            spec.Process.Terminal = true;
            spec.Process.Env ??= new List<string>();
            if (!spec.Process.Env.Any(e => e.StartsWith("TERM=", StringComparison.Ordinal)))
                spec.Process.Env.Add("TERM=" + (Environment.GetEnvironmentVariable("TERM") is { Length: > 0 } t ? t : "xterm"));
            ContainerParticipants.ContributeSpec(_engine.Participants, cur, spec, Store.DirOf(c.Id));
            ContainerStore.WriteRecord(Path.Combine(Store.DirOf(c.Id), "config.json"), spec.ToJson());
            fg = RunMonitor(cur, false, false, foreground: true).Foreground!;
        }
        fg.WaitForExit();
        int code = fg.ExitCode;
        fg.Dispose();
        var after = Store.Load(c.Id);
        if (after is not null) { Copy(after, c); return after.State.ExitCode ?? code; }
        return code;
    }

    // ------------------------------------------------------------------ stop / kill

    public static int ParseSignal(string? signal)
    {
        string s = (signal ?? "TERM").Trim().ToUpperInvariant();
        if (int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n is > 0 and < 65) return n;
        if (s.StartsWith("SIG", StringComparison.Ordinal)) s = s[3..];
        string[] names = ["", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM",
            "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS"];
        int i = Array.IndexOf(names, s);
        if (i > 0) return i;
        throw PscException.InvalidArgument("InvalidSignal", $"'{signal}' is not a signal name or number.", signal);
    }

    /// <summary>
    /// Stop: the stop signal, then KILL after <paramref name="timeout"/> seconds; waits until the monitor has
    /// recorded the exit and cleaned up. The restart policy does not restart a stopped container.
    /// </summary>
    public void Stop(Container c, int? timeout = null, string? signal = null, CancellationToken ct = default)
    {
        int sig = ParseSignal(signal ?? c.Config.StopSignal ?? "TERM");
        int wait = timeout ?? c.Config.StopTimeout ?? 10;
        using var l = Store.LockContainer(c.Id, ct);
        var cur = LoadForChange(c);
        if (!ContainerStateMachine.CanStop(cur.State.Status)) { Copy(cur, c); return; } // not running: nothing to do
        new StopSequence(Store, RuntimeFor(cur), cur).Run(sig, TimeSpan.FromSeconds(Math.Max(0, wait)), ct);
        var after = Store.Load(c.Id);
        if (after is not null) Copy(after, c);
    }

    /// <summary>Send a signal to the container's main process (docker kill).</summary>
    public void Kill(Container c, string? signal = "KILL", CancellationToken ct = default)
    {
        int sig = ParseSignal(signal ?? "KILL");
        var cur = Reconcile(Store.Load(c.Id) ?? throw NotFound(c.Name));
        ContainerStateMachine.Require(cur.State.Status, ContainerOperation.Kill, c.Name);
        var stop = new StopSequence(Store, RuntimeFor(cur), cur);
        if (sig == 9) stop.Run(9, TimeSpan.Zero, ct);
        else
        {
            if (sig == 15) stop.MarkUserStop();
            stop.Signal(sig);
        }
        var after = Store.Load(c.Id);
        if (after is not null) Copy(after, c);
    }

    public void Restart(Container c, int? timeout = null, CancellationToken ct = default)
    {
        var cur = Store.Load(c.Id) ?? throw NotFound(c.Name);
        ContainerStateMachine.Require(cur, ContainerOperation.Restart);
        Stop(c, timeout, null, ct);
        using (Start(c, ct: ct)) { }
    }

    public void Pause(Container c, CancellationToken ct = default)
    {
        using var l = Store.LockContainer(c.Id, ct);
        var cur = LoadForChange(c);
        ContainerStateMachine.Require(cur.State.Status, ContainerOperation.Pause, c.Name);
        RuntimeFor(cur).Pause(cur.Id);
        File.WriteAllText(Path.Combine(Store.DirOf(c.Id), "paused"), "");
        Copy(Store.Load(c.Id) ?? cur, c);
    }

    public void Resume(Container c, CancellationToken ct = default)
    {
        using var l = Store.LockContainer(c.Id, ct);
        var cur = LoadForChange(c);
        ContainerStateMachine.Require(cur.State.Status, ContainerOperation.Resume, c.Name);
        RuntimeFor(cur).Resume(cur.Id);
        File.Delete(Path.Combine(Store.DirOf(c.Id), "paused"));
        Copy(Store.Load(c.Id) ?? cur, c);
    }

    public void Rename(Container c, string newName, CancellationToken ct = default)
    {
        if (!ContainerStore.IsValidName(newName))
            throw PscException.InvalidArgument("InvalidContainerName", $"'{newName}' is not a valid container name.", newName);
        using var l = Store.LockStore(ct);
        var cur = Store.Load(c.Id) ?? throw NotFound(c.Name);
        ContainerStateMachine.Require(cur, ContainerOperation.Rename);
        if (cur.Name == newName) return;
        Store.ReserveName(newName, cur.Id);
        string old = cur.Name;
        cur.Name = newName;
        Store.SaveDefinition(cur);
        Store.ReleaseName(old, cur.Id);
        Copy(cur, c);
    }

    /// <summary>Remove a container; a running one only with <paramref name="force"/> (it is killed first).</summary>
    /// <param name="removeVolumes">Also delete the container's anonymous volumes (docker rm -v, Remove-Container -Volumes).</param>
    public void Remove(Container c, bool force = false, bool removeVolumes = false, CancellationToken ct = default)
    {
        using (var l = Store.LockContainer(c.Id, ct))
        {
            var cur = LoadForChange(c);
            ContainerStateMachine.Require(cur, force ? ContainerOperation.ForceRemove : ContainerOperation.Remove);
            if (ContainerStateMachine.CanStop(cur.State.Status))
            {
                new StopSequence(Store, RuntimeFor(cur), cur).Run(9, TimeSpan.Zero, ct);
            }
            var participants = _engine.Participants;
            for (int i = participants.Count - 1; i >= 0; i--) participants[i].Released(cur);
            foreach (var p in participants) p.Removed(cur, removeVolumes);
            try { RuntimeFor(cur).Delete(cur.Id, force: true); } catch (PscException) { }
            using (Store.LockStore(ct))
            {
                if (Directory.Exists(Store.DirOf(c.Id))) Store.DeleteDirectory(cur);
            }
        }
    }

    /// <summary>Block until the container is not running; its exit code.</summary>
    public int Wait(Container c, CancellationToken ct = default)
    {
        int delay = 2;
        while (true)
        {
            var s = Store.Load(c.Id);
            if (s is null) return c.State.ExitCode ?? -1;
            if (!s.State.Running && s.State.Status != ContainerStatus.Created || s.State.Status == ContainerStatus.Exited)
            {
                Copy(s, c);
                return s.State.ExitCode ?? -1;
            }
            if (s.State.Status == ContainerStatus.Created && !Store.MonitorAlive(s))
            {
                // not started yet: wait like docker does (until it runs and exits)
            }
            ct.ThrowIfCancellationRequested();
            Thread.Sleep(delay);
            delay = Math.Min(delay * 2, 50);
        }
    }

    /// <summary>
    /// Make what is recorded about a container true (Get-Container does this for what it shows): a container
    /// recorded as running whose monitor is gone has what it left killed and unmounted, and is recorded exited.
    /// Under the container lock; when another command holds it, that command reconciles, and this only reads.
    /// Reading a container (<see cref="ContainerStore.Load"/>) never does this.
    /// </summary>
    public Container Reconcile(Container c)
    {
        if (!c.State.MonitorLost) return c;
        return Store.TryReconcile(c.Id, RepairOrphan) ?? c;
    }

    /// <summary>Load a container to change it, with its lock held: reconciled first, so it acts on the truth.</summary>
    private Container LoadForChange(Container c) => Store.ReconcileLocked(c.Id, RepairOrphan) ?? throw NotFound(c.Name);

    /// <summary>A container found "running" whose monitor is gone (lock held): kill what is left, unmount, release.</summary>
    private void RepairOrphan(Container c)
    {
        var rt = RuntimeFor(c);
        new StopSequence(Store, rt, c, orphan: true).Run(9, TimeSpan.Zero, CancellationToken.None);
        try { rt.Delete(c.Id, force: true); } catch (PscException) { }
        UnmountRootfs(c);
        ContainerParticipants.Released(_engine.Participants, c);
    }

    private static PscException NotFound(string name) =>
        PscException.NotFound("ContainerNotFound", $"No container '{name}'.", name);
}
