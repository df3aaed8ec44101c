using System.Diagnostics;
using System.Globalization;
using System.Text;
using PsContainers.Core.Runtime;
using PsContainers.Core.Runtime.Spec;
using PsContainers.Contract;
using PsContainers.Core.Util;
using PsContainers.FileSystem;
using PsContainers.Core.Volumes;

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
            if (EngineEnvironment.Runtime is { } env) return env;
            return _defaultRuntime ??= OciRuntimeClient.GetVersion(cfg.Runtime) is not null ? cfg.Runtime : "/usr/sbin/runc";
        }
    }
    /// <summary>The default runtime once probed (the bundled pscrun answers its --version, or runc): once per engine.</summary>
    private string? _defaultRuntime;

    private MonitorClient Monitor => _monitor ??= new(Store, Paths, MonitorExecutable);
    private MonitorClient? _monitor;

    /// <summary>Writes the bundle (config.json) of a start: secure defaults, then init, tmpfs, pod membership, network, volumes.</summary>
    public BundleBuilder Bundles => _bundles ??= new(Store, _engine.Participants);
    private BundleBuilder? _bundles;

    /// <summary>pscmon: $PSCONTAINERS_MONITOR, else the one next to the module's other helpers.</summary>
    public static string MonitorExecutable => EngineEnvironment.Monitor ?? Path.Combine(PscPaths.BinDirectory, "pscmon");

    internal OciRuntimeClient RuntimeFor(Container c) => new(string.IsNullOrEmpty(c.Runtime) ? RuntimePath : c.Runtime, Paths.RuntimeState, _sys);

    // ------------------------------------------------------------------ create

    public ResolvedImage ResolveImage(string reference)
    {
        foreach (var r in _resolvers)
        {
            var img = r.Resolve(reference);
            if (img is not null) return img;
        }
        throw PscException.NotFound(ErrorIds.ImageNotFound, $"No image '{reference}' in the local store. Import or pull it first.", reference);
    }

    /// <summary>The unpacked layers (base first) of a container's image, without reading the image's config again.</summary>
    /// <exception cref="PscException">ImageNotFound: the image is gone from the store.</exception>
    private IReadOnlyList<string> LayersOf(Container c)
    {
        foreach (var r in _resolvers)
            if (r.LayerPaths(c.ImageId, c.Image) is { } layers) return layers;
        throw PscException.NotFound(ErrorIds.ImageNotFound, $"The image {c.Image} ({Digest.Short(c.ImageId)}) of container '{c.Name}' is no longer in the store.", c.Name);
    }

    /// <summary>
    /// docker's --restart value ("no", "always", "unless-stopped", "on-failure[:N]"; null or blank = "no") as a typed
    /// policy (<see cref="RestartPolicy.TryParse"/>).
    /// </summary>
    /// <exception cref="PscException">InvalidRestartPolicy: anything else.</exception>
    public static RestartPolicy ParseRestart(string? text)
    {
        if (RestartPolicy.TryParse(text, out var policy)) return policy;
        throw PscException.InvalidArgument(ErrorIds.InvalidRestartPolicy, $"Restart policy '{text}' is not one of no, on-failure[:max-retries], always, unless-stopped.", text);
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
            if (eq == 0) throw PscException.InvalidArgument(ErrorIds.InvalidEnvironment, $"'{raw}' in {path} has no variable name.", path);
            if (eq < 0)
            {
                string? v = Environment.GetEnvironmentVariable(line.Trim());
                if (v is not null) list.Add(line.Trim() + "=" + v);
            }
            else list.Add(line);
        }
        return list;
    }

    /// <summary>Create a container (nothing runs yet) from the image <see cref="ContainerCreateOptions.Image"/> names,
    /// read from the store here (<see cref="ResolveImage"/>; ImageNotFound). See <see cref="Create(ContainerCreateOptions, ResolvedImage?, CancellationToken)"/>.</summary>
    public Container Create(ContainerCreateOptions o, CancellationToken ct = default) => Create(o, null, ct);

    /// <summary>
    /// Create a container (nothing runs yet). Bad options fail before anything is written (limits as
    /// <see cref="ResourceLimits.Validate(int)"/> checks them: InvalidMemory, InvalidCpus, InvalidCpuShares, InvalidCpuset; a restart policy with
    /// <see cref="ContainerCreateOptions.AutoRemove"/>: ConflictingOptions; a bind's missing host path: MountSourceNotFound).
    /// </summary>
    /// <param name="o">The options, parsed at the edge (typed restart policy, mounts in the record's form); input only, never changed.</param>
    /// <param name="image">The image <paramref name="o"/>'s Image names, when the caller already read it (the run
    /// cmdlets resolve it to decide whether to pull: docker run's --pull missing), so that one run reads the image's
    /// record and config once; null to resolve it here.</param>
    /// <param name="ct">Cancels the wait for the store lock.</param>
    public Container Create(ContainerCreateOptions o, ResolvedImage? image, CancellationToken ct = default)
    {
        PhaseTrace.Mark("create: begin");
        // a pod member's options are the pod's for what it shares (a copy: the caller's options stay as they are)
        Pods.ContainerPod? pod = null;
        if (o.Pod is not null) (pod, o) = _engine.Pods.PrepareMember(o);
        image ??= ResolveImage(o.Image);
        PhaseTrace.Mark("create: image resolved");
        var policy = o.Restart;
        if (o.AutoRemove && policy.Restarts)
            throw new InvalidArgumentException(ErrorIds.ConflictingOptions, "A container removed when it exits cannot have a restart policy.", policy.ToString()) { Remedy = Remedy.RemoveOrRestart };
        if (o.Name is not null && !ContainerStore.IsValidName(o.Name))
            throw PscException.InvalidArgument(ErrorIds.InvalidContainerName, ContainerStore.InvalidNameMessage(o.Name, "container"), o.Name);
        if (o.Init && !File.Exists(InitSpecContributor.ProgramPath))
            throw new PscException(ErrorIds.InitNotFound, PscErrorCategory.NotInstalled, $"The init program '{InitSpecContributor.ProgramPath}' is missing from this installation.", InitSpecContributor.ProgramPath) { Remedy = Remedy.ReinstallOrNoInit };

        var participants = _engine.Participants;
        ContainerWorkingDirectory.RequireAbsolute(o.WorkingDirectory);
        var network = Networking.NetworkChoice.Decide(o.Networks);
        foreach (var d in o.Dns)
            if (!Networking.ExtraHost.IsIPAddress(d))
                throw PscException.InvalidArgument(ErrorIds.InvalidDns, $"Name server '{d}' is not an IP address.", d);
        // the container's own copies: its recorded volume mounts are linked to the store (Source: the host directory), the options' are not
        var mounts = o.Mounts.Select(m => m.Copy()).ToList();
        foreach (var m in mounts.Where(m => m.Type == MountKind.Bind))
            if (!File.Exists(m.Source) && !Directory.Exists(m.Source))
                throw PscException.NotFound(ErrorIds.MountSourceNotFound, $"The host path '{m.Source}' of a volume does not exist.", m.Source);
        // limits refused at create as docker refuses them, not first at start (a start converts them with the same checks)
        o.Resources.Validate();

        string id = ContainerStore.NewId();
        string runtime = RuntimePath;
        PhaseTrace.Mark("create: runtime chosen");
        var env = image.Env.ToList();
        foreach (var e in o.Environment) SetEnv(env, e);
        var healthcheck = ContainerHealthcheck.Effective(o, image);
        var c = new Container
        {
            Id = id,
            Name = o.Name ?? "",
            Image = o.Image,
            ImageId = image.Id,
            Created = DateTime.UtcNow,
            Runtime = runtime,
            Pod = pod?.Id,
            Config = new ContainerConfig
            {
                // docker: a container on the host's network keeps its own UTS namespace; without -Hostname it gets the
                // host's name at start (moby initializeNetworking), an empty Hostname here; with one, that name (moby #20177)
                Hostname = o.Hostname ?? (network.Mode == NetworkMode.Host ? "" : id[..12]),
                Domainname = string.IsNullOrEmpty(o.Domainname) ? null : o.Domainname,
                User = o.User ?? image.User,
                // docker run --entrypoint "": an empty entrypoint clears the image's (and, as any given entrypoint, its CMD)
                Entrypoint = o.Entrypoint is [""] ? [] : o.Entrypoint ?? image.Entrypoint,
                Cmd = o.Command is { Length: > 0 } ? o.Command : (o.Entrypoint is not null ? [] : image.Cmd),
                Env = env.ToArray(),
                WorkingDir = o.WorkingDirectory ?? image.WorkingDir,
                Tty = o.Tty,
                OpenStdin = o.Interactive,
                // docker: -i attaches stdin (once) and a run without -d attaches stdout and stderr; create attaches as run would
                AttachStdin = o.Interactive && !o.Detach,
                StdinOnce = o.Interactive && !o.Detach,
                AttachStdout = !o.Detach,
                AttachStderr = !o.Detach,
                Shell = image.Shell,
                VolumeList = (o.IgnoreImageVolumes ? [] : image.Volumes.Where(v => v.StartsWith('/')))
                    .Concat(o.Mounts.Where(m => m.Type == MountKind.Volume && m.Options.Contains(MountSpec.AnonymousOption)).Select(m => m.Destination))
                    .Distinct(StringComparer.Ordinal).ToArray(),
                StopSignal = o.StopSignal ?? image.StopSignal,
                StopTimeout = o.StopTimeout,
                Labels = new Dictionary<string, string>(image.Labels.Concat(o.Labels).GroupBy(k => k.Key).Select(g => g.Last())),
                Healthcheck = healthcheck,
                ExposedPortList = image.ExposedPorts.Concat(o.Publish.Select(p => $"{p.ContainerPort.ToString(CultureInfo.InvariantCulture)}/{p.Protocol}"))
                    .Distinct(StringComparer.Ordinal).ToArray(),
            },
            HostConfig = new HostConfig
            {
                Resources = o.Resources,
                RestartPolicy = policy,
                NetworkModeKind = network.Mode, PortMappings = o.Publish.ToList(), PublishAllPorts = o.PublishAll,
                Dns = o.Dns.ToArray(), DnsSearch = o.DnsSearch.ToArray(), DnsOptions = o.DnsOptions.ToArray(),
                ReadonlyRootfs = o.ReadOnly, ReadOnlyTmpfs = o.ReadOnlyTmpfs, Privileged = o.Privileged,
                CapAdd = o.CapAdd.ToArray(), CapDrop = o.CapDrop.ToArray(), Ulimits = o.Ulimits.ToList(),
                AutoRemove = o.AutoRemove, Init = o.Init,
                SecurityOptions = o.Security ?? new(),
                ExtraHosts = o.AddHosts.Select(h => h.ToString()).ToArray(),
                ShmSize = o.ShmSize is > 0 ? o.ShmSize.Value : HostConfig.DefaultShmSize,
                Sysctls = new Dictionary<string, string>(o.Sysctls, StringComparer.Ordinal),
                Devices = o.Devices.ToList(), GroupAdd = o.GroupAdd.ToArray(),
            },
            NetworkSettings = new ContainerNetworkSettings { EndpointsConfig = Endpoints(network, o) },
            Mounts = mounts,
            State = new ContainerState { Status = ContainerStatus.Created },
        };
        if (c.Config.Entrypoint.Length + c.Config.Cmd.Length == 0)
            throw PscException.InvalidArgument(ErrorIds.NoCommand, $"Image '{o.Image}' has no command; give one.", o.Image);
        // validate everything the spec builder checks (capabilities, ulimits, limits, tmpfs) before writing anything
        Bundles.Validate(c);
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
            o.Guard = Store.Publish(c, o.GuardFileName);
            PhaseTrace.Mark("create: published");
        }
        c.BundlePath = Store.DirOf(id);
        EmitEvent(c, "create");
        if (o.Files.Count > 0)
        {
            try { _engine.Files.WriteFiles(c, o.Files, ct); }
            catch
            {
                RemoveCore(c, force: true, removeVolumes: true, ownGuard: o.Guard is not null, CancellationToken.None);
                o.Guard?.Dispose();
                o.Guard = null;
                throw;
            }
        }
        return c;
    }

    /// <summary>
    /// The endpoint of each bridge network: -IPAddress on the first one, the aliases on every one, plus what
    /// <see cref="ContainerCreateOptions.Endpoints"/> gives that network (its own aliases after the common ones, its
    /// own address instead).
    /// </summary>
    internal static OrderedDictionary<string, ContainerEndpoint> Endpoints(Networking.NetworkChoice network, ContainerCreateOptions o)
    {
        var endpoints = new OrderedDictionary<string, ContainerEndpoint>();
        foreach (var n in network.Networks)
        {
            var own = o.Endpoints.GetValueOrDefault(n);
            string? fixedAddress = own?.IPAddress ?? (endpoints.Count == 0 ? o.IPAddress : null);
            endpoints[n] = new ContainerEndpoint
            {
                IPAMConfig = fixedAddress is null ? null : new EndpointIPAMConfig { IPv4Address = fixedAddress },
                Aliases = o.Aliases.Concat(own?.Aliases ?? []).Distinct().ToArray(),
            };
        }
        return endpoints;
    }

    private static string RandomSuffix() => System.Security.Cryptography.RandomNumberGenerator.GetInt32(1000).ToString(CultureInfo.InvariantCulture);

    private static void SetEnv(List<string> env, string entry)
    {
        int eq = entry.IndexOf('=');
        string name = eq < 0 ? entry : entry[..eq];
        if (name.Length == 0) throw PscException.InvalidArgument(ErrorIds.InvalidEnvironment, $"Environment entry '{entry}' has no name.", entry);
        env.RemoveAll(e => e == name || e.StartsWith(name + "=", StringComparison.Ordinal));
        env.Add(eq < 0 ? entry + "=" + (Environment.GetEnvironmentVariable(name) ?? "") : entry);
    }

    // ------------------------------------------------------------------ rootfs

    /// <summary>Mount the overlay (image layers + the container's upper/work) at &lt;id&gt;/rootfs if not mounted.</summary>
    public string MountRootfs(Container c)
    {
        string rootfs = Store.RootfsOf(c.Id), upper = Store.UpperOf(c.Id), work = Store.WorkOf(c.Id);
        Directory.CreateDirectory(rootfs); Directory.CreateDirectory(upper); Directory.CreateDirectory(work);
        if (_sys.IsMountPoint(rootfs)) return rootfs;
        var layers = LayersOf(c);
        PhaseTrace.Mark("mount: layers resolved");
        if (layers.Count == 0) throw PscException.InvalidData(ErrorIds.ImageHasNoLayers, $"The image of '{c.Name}' has no layers.", c.Name);
        string lower = string.Join(':', layers.Reverse().Select(EscapeOverlay));
        string data = $"lowerdir={lower},upperdir={EscapeOverlay(upper)},workdir={EscapeOverlay(work)}";
        // the upper directory must stay a faithful diff for a commit (LayerDiff): no renamed directories recorded as
        // redirects, no metadata-only copy-ups, whatever the kernel's or the module's defaults (overlayfs.rst)
        string faithful = data + ",redirect_dir=off,metacopy=off";
        // a container removed on exit never needs its upper layer after a crash: skip overlay's sync on unmount. A volatile
        // mount leaves work/work/incompat/volatile, and overlayfs refuses the next mount while it is there
        // (overlayfs.rst "Volatile mount"); the engine mounts a new container's root once before its start when it writes
        // files into it (ContainerFiles.WriteFiles), so that marker goes first: its data is the engine's own, just written.
        // A build step's working container is the same: its upper directory becomes a layer, written out by the store
        // when it is committed (ImageStore.LayerBlobs), or is deleted, and a build a crash cut short is started again (the
        // next build collects what it left), so a step's RUN or COPY does not wait at the unmount as well.
        bool transient = c.HostConfig.AutoRemove || c.Labels.ContainsKey(Build.BuildWorkingContainer.StepLabel);
        if (transient) SafeTree.Delete(Path.Combine(work, "work", "incompat"));
        int e = _sys.Mount("overlay", rootfs, "overlay", 0, transient ? faithful + ",volatile" : faithful);
        if (e == 22 /* EINVAL: a kernel without volatile */ && transient) e = _sys.Mount("overlay", rootfs, "overlay", 0, faithful);
        if (e == 22 /* EINVAL: a kernel before metacopy (4.19), where both are off anyway */) e = _sys.Mount("overlay", rootfs, "overlay", 0, data);
        if (e != 0)
            throw new PscException(ErrorIds.RootfsMountFailed, PscErrorCategory.ResourceUnavailable,
                $"Cannot mount the root filesystem of '{c.Name}' (errno {e}).", c.Name);
        return rootfs;
    }

    private static string EscapeOverlay(string p) => p.Replace("\\", "\\\\").Replace(":", "\\:").Replace(",", "\\,");

    public void UnmountRootfs(Container c)
    {
        string rootfs = Store.RootfsOf(c.Id);
        if (Directory.Exists(rootfs) && _sys.IsMountPoint(rootfs)) _sys.Unmount(rootfs);
    }

    // ------------------------------------------------------------------ start

    /// <summary>
    /// Start a created or exited container: mount its rootfs, write its bundle (<see cref="Bundles"/>) and hand it to a
    /// new monitor. Returns after the runtime started the process (or throws its error), with the container as it is
    /// then in <see cref="MonitorLaunch.Container"/>. Running or restarting: no-op (the launch has no monitor), as docker's
    /// 304 Not Modified. What is legal is <see cref="ContainerStateMachine.Decide"/>'s rule.
    /// </summary>
    /// <remarks>A container made to be removed when it exits (<see cref="HostConfig.AutoRemove"/>, docker create --rm) whose
    /// start fails in the engine (its root, mounts, user or network could not be set up) is removed with its anonymous
    /// volumes before the error is thrown, as docker's containerStart does for AutoRemove; a failure the runtime reports
    /// (126, 127) is an exit, and its monitor removes it.</remarks>
    /// <exception cref="InvalidStateException">ContainerPaused (InvalidOperation): the container is paused; docker refuses
    /// it too ("cannot start a paused container, try unpause instead") and nothing is changed.</exception>
    public MonitorLaunch Start(Container c, bool attach = false, bool stdin = false, CancellationToken ct = default)
    {
        try { return StartCore(c, attach, stdin, ct); }
        catch (PscException e) when (c.HostConfig.AutoRemove && e is not InvalidStateException)
        {
            RemoveAfterFailedStart(c);
            throw;
        }
    }

    /// <summary>docker's clean-up of a failed start of an AutoRemove container: removed (volumes too), best effort; the
    /// start's error is the one reported.</summary>
    private void RemoveAfterFailedStart(Container c)
    {
        try { Remove(c, force: true, removeVolumes: true); }
        catch (Exception e) when (e is PscException or IOException) { }
    }

    private MonitorLaunch StartCore(Container c, bool attach, bool stdin, CancellationToken ct)
    {
        PhaseTrace.Mark("start: begin");
        using var l = Store.LockContainer(c.Id, ct);
        var cur = LoadForChange(c);
        PhaseTrace.Mark("start: locked and loaded");
        if (!ContainerStateMachine.Decide(cur, ContainerOperation.Start)) return new MonitorLaunch { Pid = cur.State.Pid, Container = cur }; // already running
        WaitPreviousMonitor(cur, ct);
        try { File.Delete(Path.Combine(Store.DirOf(c.Id), ContainerMarkers.UserStop)); } catch (IOException) { }
        try { File.Delete(Path.Combine(Store.DirOf(c.Id), ContainerMarkers.Paused)); } catch (IOException) { }
        string rootfs;
        try { rootfs = MountRootfs(cur); }
        catch (PscException e) { RecordStartFailure(cur, e); throw; }
        PhaseTrace.Mark("start: rootfs mounted");
        try
        {
            try { Bundles.Write(cur, rootfs); }
            catch (PscException e) { RecordStartFailure(cur, e); throw; }
            PhaseTrace.Mark("start: bundle written");
            var launch = Monitor.Launch(cur, RuntimeFor(cur).RuntimePath, attach, stdin, foreground: false);
            PhaseTrace.Mark("start: monitor reported");
            launch.Container = Store.Load(c.Id) ?? cur;
            return launch;
        }
        catch
        {
            ReleaseFailedStart(cur);
            throw;
        }
    }

    /// <summary>
    /// Undo a start that failed after its bundle was set up (the runtime could not run the command: 126, 127; or the
    /// monitor failed): the root file system is unmounted and every participant releases what ContributeSpec took
    /// (network namespace, veth, address lease, port rules and published host ports; volume mounts), in reverse order,
    /// as when a container stops. The runtime's poststop hook never runs for a container that was not created, so this
    /// is the only release (issue 10.9: everything a stopped container held is released, whatever stopped it; podman
    /// releases a failed start's network too). Best effort and idempotent; the caller holds the container's lock.
    /// </summary>
    private void ReleaseFailedStart(Container cur)
    {
        try { UnmountRootfs(cur); } catch (Exception e) when (e is PscException or IOException) { }
        ContainerParticipants.Released(_engine.Participants, cur);
    }

    /// <summary>
    /// A start that failed in the engine, before the runtime ran anything (an unknown -User or group, a mount or
    /// network it could not set up), recorded as docker records a failed start (daemon containerStart: SetError, and an
    /// exit code): State.Error is the reason and State.ExitCode the error's docker code, 125 unless it carries its own;
    /// the status stays (docker shows a container that never ran as "created"), StartedAt and FinishedAt too. Failures
    /// the runtime reports (127 not found, 126 not executable) are recorded by the monitor, which ran it: Exited.
    /// </summary>
    private void RecordStartFailure(Container cur, PscException e)
    {
        cur.State.Error = e.Message;
        cur.State.ExitCode = e.ExitCode ?? StartFailure.EngineError;
        try { Store.SaveState(cur); }
        catch (IOException) { } // the start's own error is the one to report
    }

    /// <summary>
    /// Run a container in the foreground on the caller's terminal (-Interactive -Tty): the runtime puts the
    /// terminal in raw mode and relays input, output and resizes; the monitor records the state.
    /// Returns the exit code. A failed start of an AutoRemove container removes it, as <see cref="Start"/> does.
    /// </summary>
    public int RunInTerminal(Container c, CancellationToken ct = default)
    {
        try { return RunInTerminalCore(c, ct); }
        catch (PscException e) when (c.HostConfig.AutoRemove && e is not InvalidStateException)
        {
            RemoveAfterFailedStart(c);
            throw;
        }
    }

    private int RunInTerminalCore(Container c, CancellationToken ct)
    {
        Process fg;
        using (Store.LockContainer(c.Id, ct))
        {
            var cur = LoadForChange(c);
            ContainerStateMachine.Require(cur, ContainerOperation.Start);
            WaitPreviousMonitor(cur, ct);
            string rootfs;
            try { rootfs = MountRootfs(cur); }
            catch (PscException e) { RecordStartFailure(cur, e); throw; }
            try { Bundles.Write(cur, rootfs, onTerminal: true); }
            catch (Exception e)
            {
                if (e is PscException p) RecordStartFailure(cur, p);
                UnmountRootfs(cur);
                throw;
            }
            fg = Monitor.Launch(cur, RuntimeFor(cur).RuntimePath, false, false, foreground: true).Foreground!;
        }
        fg.WaitForExit();
        int code = fg.ExitCode;
        fg.Dispose();
        var after = Store.Load(c.Id);
        if (after is { State.Error.Length: > 0, State.Running: false })
        {
            // the monitor recorded a start the runtime refused (126, 127): release what the bundle's setup took
            using (Store.LockContainer(c.Id, ct))
                ReleaseFailedStart(after);
        }
        return after?.State.ExitCode ?? code;
    }

    // ------------------------------------------------------------------ stop / kill

    /// <summary>
    /// A signal name or number (<see cref="Signals.TryParse"/>: "TERM", "SIGTERM", "term", "15", "RTMIN+3") as its
    /// number; null means TERM.
    /// </summary>
    /// <exception cref="PscException">InvalidSignal: not a signal name or a number 1-64.</exception>
    public static int ParseSignal(string? signal)
    {
        if (Signals.TryParse(signal ?? "TERM", out int n)) return n;
        throw PscException.InvalidArgument(ErrorIds.InvalidSignal, $"'{signal}' is not a signal name or number.", signal);
    }

    /// <summary>
    /// Stop: the stop signal, then KILL after <paramref name="timeout"/> seconds; waits until the monitor has
    /// recorded the exit and cleaned up. The restart policy does not restart a stopped container. Only
    /// <paramref name="c"/>'s id is used: the record is read again under the container lock and everything is decided
    /// from it (status, stop signal, stop timeout), so a stale object (an earlier Get-Container) cannot make it act on
    /// old state. A container that does not run: no-op (docker's 304 Not Modified).
    /// </summary>
    /// <param name="timeout">Seconds before KILL; null: the container's StopTimeout, else 10 (docker stop -t).</param>
    /// <param name="signal">The first signal; null: the container's StopSignal, else TERM (docker stop -s).</param>
    /// <returns>The container as it is afterwards (the argument is not changed).</returns>
    /// <exception cref="PscException">ContainerNotFound; InvalidSignal.</exception>
    public Container Stop(Container c, int? timeout = null, string? signal = null, CancellationToken ct = default)
    {
        if (signal is not null) ParseSignal(signal); // a bad -Signal fails before the lock
        using var l = Store.LockContainer(c.Id, ct);
        var cur = LoadForChange(c);
        if (!ContainerStateMachine.Decide(cur, ContainerOperation.Stop)) return cur; // not running: nothing to do
        int sig = ParseSignal(signal ?? cur.Config.StopSignal ?? "TERM");
        int wait = timeout ?? cur.Config.StopTimeout ?? 10;
        EmitEvent(cur, "kill", ("signal", sig.ToString(CultureInfo.InvariantCulture)));
        new StopSequence(Store, RuntimeFor(cur), _sys, cur).Run(sig, TimeSpan.FromSeconds(Math.Max(0, wait)), ct);
        EmitEvent(cur, "stop");
        return Store.Load(c.Id) ?? cur;
    }

    /// <summary>
    /// Send a signal to the container's main process (docker kill). Only <paramref name="c"/>'s id is used: the record is
    /// read again (and reconciled) before deciding. Without the container lock, as docker's kill may interrupt a stop in progress.
    /// </summary>
    /// <returns>The container as it is afterwards (the argument is not changed).</returns>
    /// <exception cref="PscException">ContainerNotFound; InvalidSignal; ContainerNotRunning (<see cref="InvalidStateException"/>).</exception>
    public Container Kill(Container c, string? signal = "KILL", CancellationToken ct = default)
    {
        int sig = ParseSignal(signal ?? "KILL");
        var cur = Reconcile(Store.Load(c.Id) ?? throw NotFound(c.Name));
        ContainerStateMachine.Require(cur, ContainerOperation.Kill);
        var stop = new StopSequence(Store, RuntimeFor(cur), _sys, cur);
        EmitEvent(cur, "kill", ("signal", sig.ToString(CultureInfo.InvariantCulture)));
        if (sig == 9) stop.Run(9, TimeSpan.Zero, ct);
        else
        {
            if (sig == 15) stop.MarkUserStop();
            stop.Signal(sig);
        }
        return Store.Load(c.Id) ?? cur;
    }

    /// <summary>
    /// Stop (as <see cref="Stop"/>, with <paramref name="timeout"/>), then start again. Legal in every state but removing
    /// (docker restart): a paused container is thawed by the stop sequence so that it can act on the stop signal, then
    /// started again, and a container that does not run is just started.
    /// </summary>
    /// <returns>The container as it is afterwards (the argument is not changed).</returns>
    public Container Restart(Container c, int? timeout = null, CancellationToken ct = default)
    {
        var cur = Store.Load(c.Id) ?? throw NotFound(c.Name);
        ContainerStateMachine.Require(cur, ContainerOperation.Restart);
        var stopped = Stop(cur, timeout, null, ct);
        using var launch = Start(stopped, ct: ct);
        EmitEvent(cur, "restart");
        return launch.Container ?? stopped;
    }

    /// <summary>Freeze every process of a running container (docker pause).</summary>
    /// <returns>The container as it is afterwards (the argument is not changed).</returns>
    public Container Pause(Container c, CancellationToken ct = default)
    {
        using var l = Store.LockContainer(c.Id, ct);
        var cur = LoadForChange(c);
        ContainerStateMachine.Require(cur.State.Status, ContainerOperation.Pause, c.Name);
        RuntimeFor(cur).Pause(cur.Id);
        File.WriteAllText(Path.Combine(Store.DirOf(c.Id), ContainerMarkers.Paused), "");
        EmitEvent(cur, "pause");
        return Store.Load(c.Id) ?? cur;
    }

    /// <summary>Thaw a paused container (docker unpause).</summary>
    /// <returns>The container as it is afterwards (the argument is not changed).</returns>
    public Container Resume(Container c, CancellationToken ct = default)
    {
        using var l = Store.LockContainer(c.Id, ct);
        var cur = LoadForChange(c);
        ContainerStateMachine.Require(cur.State.Status, ContainerOperation.Resume, c.Name);
        RuntimeFor(cur).Resume(cur.Id);
        File.Delete(Path.Combine(Store.DirOf(c.Id), ContainerMarkers.Paused));
        EmitEvent(cur, "unpause");
        return Store.Load(c.Id) ?? cur;
    }

    /// <summary>Give a container a new, unique name (docker rename).</summary>
    /// <returns>The container as it is afterwards (the argument is not changed).</returns>
    public Container Rename(Container c, string newName, CancellationToken ct = default)
    {
        if (!ContainerStore.IsValidName(newName))
            throw PscException.InvalidArgument(ErrorIds.InvalidContainerName, ContainerStore.InvalidNameMessage(newName, "container"), newName);
        using var l = Store.LockStore(ct);
        var cur = Store.Load(c.Id) ?? throw NotFound(c.Name);
        ContainerStateMachine.Require(cur, ContainerOperation.Rename);
        if (cur.Name == newName) return cur;
        Store.ReserveName(newName, cur.Id);
        string old = cur.Name;
        cur.Name = newName;
        Store.SaveDefinition(cur);
        Store.ReleaseName(old, cur.Id);
        EmitEvent(cur, "rename", ("oldName", old));
        return cur;
    }

    /// <summary>Remove a container; a running one only with <paramref name="force"/> (it is killed first).</summary>
    /// <param name="removeVolumes">Also delete the container's anonymous volumes (docker rm -v, Remove-Container -Volumes).</param>
    public void Remove(Container c, bool force = false, bool removeVolumes = false, CancellationToken ct = default) =>
        RemoveCore(c, force, removeVolumes, ownGuard: false, ct);

    /// <summary>
    /// Remove a build's working container by the build that holds its guard (forced, volumes kept): the guard's check is
    /// passed over, and the guard stays held until the container is gone, so no other process ever sees it unguarded.
    /// </summary>
    internal void RemoveOwnWorkingContainer(Container c, CancellationToken ct = default) =>
        RemoveCore(c, force: true, removeVolumes: false, ownGuard: true, ct);

    private void RemoveCore(Container c, bool force, bool removeVolumes, bool ownGuard, CancellationToken ct)
    {
        using (var l = Store.LockContainer(c.Id, ct))
        {
            var cur = LoadForChange(c);
            ContainerStateMachine.Require(cur, force ? ContainerOperation.ForceRemove : ContainerOperation.Remove);
            _engine.Pods.CheckRemovable(cur);
            if (!ownGuard && Build.BuildWorkingContainer.InUse(Store, cur))
                throw new ConflictException(ErrorIds.BuildContainerInUse,
                    $"Container '{cur.Name}' is the working container of a build in progress ({cur.Labels[Build.BuildWorkingContainer.StepLabel]}): it goes when its build ends.", cur.Name, inUse: true);
            if (ContainerStateMachine.CanStop(cur.State.Status))
            {
                EmitEvent(cur, "kill", ("signal", "9"));
                new StopSequence(Store, RuntimeFor(cur), _sys, cur).Run(9, TimeSpan.Zero, ct);
            }
            // a -Remove container's monitor removes it itself and needs this lock for that: never wait for it here
            if (!cur.HostConfig.AutoRemove) WaitPreviousMonitor(cur, ct);
            var participants = _engine.Participants;
            for (int i = participants.Count - 1; i >= 0; i--) participants[i].Released(cur);
            foreach (var p in participants) p.Removed(cur, removeVolumes);
            try { RuntimeFor(cur).Delete(cur.Id, force: true); } catch (PscException) { }
            using (Store.LockStore(ct))
            {
                if (Directory.Exists(Store.DirOf(c.Id))) Store.DeleteDirectory(cur);
            }
            EmitEvent(cur, "destroy");
        }
    }

    /// <summary>
    /// The monitor records a container exited before it has finished with it (runtime delete, unmount of the root,
    /// the exit command), as docker reports a container stopped before its clean-up ends. A start or a removal right
    /// after that waits (under the container lock, up to 10 s) until that monitor is gone, so its unmount cannot take
    /// the freshly mounted root filesystem of the next start, and a removal never deletes under a live mount.
    /// </summary>
    private void WaitPreviousMonitor(Container cur, CancellationToken ct)
    {
        if (!cur.State.Running) Store.WaitMonitorGone(cur, TimeSpan.FromSeconds(10), ct);
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
                return s.State.ExitCode ?? -1;
            // created but not started yet: wait like docker does (until it runs and exits)
            ct.ThrowIfCancellationRequested();
            Thread.Sleep(delay);
            delay = Math.Min(delay * 2, 50);
        }
    }

    /// <summary>
    /// Make what is recorded about a container true: a container recorded as running whose monitor is gone has what it
    /// left killed and unmounted (the one stop sequence), and is recorded exited. Under the container lock; when another
    /// command holds it, that command reconciles, and this only reads. Only changing commands call this (start, stop,
    /// kill, remove, prune's removal, a pod's stop, Restore-Container); a read (<see cref="ContainerStore.Load"/>,
    /// Get-Container, Get-ContainerSystemInfo, Get-ContainerStatistic, Get-ContainerPod, a prune's plan) never does:
    /// docker ps after a crashed shim shows the container exited and kills nothing.
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
        new StopSequence(Store, rt, _sys, c, orphan: true).Run(9, TimeSpan.Zero, CancellationToken.None);
        try { rt.Delete(c.Id, force: true); } catch (PscException) { }
        UnmountRootfs(c);
        ContainerParticipants.Released(_engine.Participants, c);
    }

    internal static PscException NotFound(string name) =>
        PscException.NotFound(ErrorIds.ContainerNotFound, $"No container '{name}'.", name);
}
