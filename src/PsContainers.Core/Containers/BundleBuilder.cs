using PsContainers.Core.Runtime;
using PsContainers.Core.Runtime.Spec;
using PsContainers.Contract;

namespace PsContainers.Core.Containers;

/// <summary>
/// Writes a container's OCI bundle (runtime-spec "Filesystem Bundle": config.json next to the mounted rootfs) — the one
/// path that create (to check the settings), start and the -Interactive -Tty run share. The spec is made once per start:
/// <list type="number">
/// <item><see cref="SpecBuilder"/>'s secure defaults for the container's process and limits (docker's and podman's:
/// capability set, masked and read-only paths, seccomp profile, device rules, nosuid/nodev mounts);</item>
/// <item>the image's WORKDIR (or -WorkingDirectory) is created in the rootfs when missing, as docker and podman do;</item>
/// <item>the contributors, in <see cref="Contributors"/>' order, make typed edits: -Init, -Tmpfs, -Sysctl, -Device, then the lifecycle
/// participants (pod membership, network, volumes) that also set things up and are released in reverse when a later one fails;</item>
/// <item>config.json is written atomically into the container's directory (the bundle).</item>
/// </list>
/// </summary>
public sealed class BundleBuilder
{
    private readonly ContainerStore _store;
    private readonly IReadOnlyList<ISpecContributor> _static;

    /// <param name="store">Where the containers' directories (bundles) are.</param>
    /// <param name="participants">The engine's lifecycle participants, in their order (<see cref="Engine.Participants"/>).</param>
    public BundleBuilder(ContainerStore store, IReadOnlyList<IContainerParticipant> participants)
    {
        _store = store;
        _static = [new InitSpecContributor(), new TmpfsSpecContributor(), new SysctlSpecContributor(), new DeviceSpecContributor(), new Build.BuildStepSpecContributor(store)];
        Contributors = [.. _static, .. participants];
    }

    /// <summary>Every contributor in the order they edit the spec: init, tmpfs, sysctl, devices, a build step's hook, then the participants (pod membership, network, volumes).</summary>
    public IReadOnlyList<ISpecContributor> Contributors { get; }

    /// <summary>
    /// Create time: check everything the spec builder and the plain contributors refuse (capabilities, ulimits, limits,
    /// tmpfs paths) without touching anything: no rootfs, no user lookup, no participant set-up, nothing written.
    /// </summary>
    /// <exception cref="PscException">InvalidArgument errors of <see cref="SpecBuilder.Build"/> and the contributors.</exception>
    public void Validate(Container c)
    {
        var spec = SpecBuilder.Build(Options(c, validateOnly: true), null);
        foreach (var s in _static) s.ContributeSpec(c, spec, _store.DirOf(c.Id));
    }

    /// <summary>
    /// Start time (container lock held, rootfs mounted at <paramref name="rootfs"/>): build the spec, let every contributor
    /// edit it, write config.json into the bundle. <paramref name="onTerminal"/>: the process gets the caller's terminal
    /// (process.terminal, and TERM from the caller's environment, else xterm, unless the container sets it).
    /// </summary>
    /// <returns>The spec written.</returns>
    /// <exception cref="PscException">The spec's or a contributor's error; participants that had set up are released.</exception>
    public RuntimeSpec Write(Container c, string rootfs, bool onTerminal = false)
    {
        string bundle = _store.DirOf(c.Id);
        var spec = SpecBuilder.Build(Options(c, validateOnly: false), rootfs);
        // a WORKDIR (or -WorkingDirectory) the image lacks is created, as podman and docker do
        // (when that fails, e.g. a file is in the way, the runtime's own attempt reports it as the start error)
        if (spec.Process is { } p)
        {
            try { ContainerWorkingDirectory.Ensure(rootfs, p.Cwd, p.User.Uid, p.User.Gid); }
            catch (PsContainers.FileSystem.FsException) { }
        }
        if (onTerminal && spec.Process is not null)
        {
            spec.Process.Terminal = true;
            spec.Process.Env ??= new List<string>();
            if (!spec.Process.Env.Any(e => e.StartsWith("TERM=", StringComparison.Ordinal)))
                spec.Process.Env.Add("TERM=" + (Environment.GetEnvironmentVariable("TERM") is { Length: > 0 } t ? t : "xterm"));
        }
        PhaseTrace.Mark("bundle: spec built");
        ContainerParticipants.ContributeSpec(Contributors, c, spec, bundle);
        PhaseTrace.Mark("bundle: contributed");
        ContainerStore.WriteRecord(Path.Combine(bundle, ContainerMarkers.BundleConfigFile), spec.ToJson());
        return spec;
    }

    /// <summary>The container's settings as <see cref="SpecOptions"/> (at create, without the user and the bind mounts, which need the rootfs and the host).</summary>
    private SpecOptions Options(Container c, bool validateOnly) => new()
    {
        Args = c.Config.Entrypoint.Concat(c.Config.Cmd).ToList(),
        Env = c.Config.Env,
        WorkingDirectory = c.Config.WorkingDir,
        User = validateOnly ? null : c.Config.User,
        Hostname = c.UtsHostname,
        Domainname = c.Config.Domainname,
        ShmSizeBytes = c.HostConfig.ShmSize,
        GroupAdd = c.HostConfig.GroupAdd,
        HostUts = false,
        // -Tty: a pseudo-terminal; on the caller's terminal RunInTerminal relays it, otherwise (detached, or
        // attached without -Interactive) the monitor keeps its master and logs what is written to it
        Terminal = c.Config.Tty,
        // as created, or as Update-Container (docker update) last set them
        Resources = c.HostConfig.Resources,
        ReadOnlyRootfs = c.HostConfig.ReadonlyRootfs,
        Mounts = validateOnly ? null : c.Mounts.Where(m => m.Type == MountKind.Bind).Select(m => new BindMount(m.Source!, m.Destination, m.ReadOnly)).ToList(),
        CapAdd = c.HostConfig.CapAdd,
        CapDrop = c.HostConfig.CapDrop,
        Privileged = c.HostConfig.Privileged,
        // docker's defaults: no_new_privs off, the default seccomp profile, unless -SecurityOption says otherwise
        NoNewPrivileges = c.HostConfig.SecurityOptions?.NoNewPrivileges ?? false,
        SeccompUnconfined = c.HostConfig.SecurityOptions?.SeccompUnconfined ?? false,
        SeccompProfileJson = c.HostConfig.SecurityOptions?.SeccompProfile,
        Ulimits = c.HostConfig.Ulimits,
        Network = c.HostConfig.NetworkModeKind == NetworkMode.Host ? "host" : "none",
        RootfsPath = _store.RootfsOf(c.Id),
        CgroupsPath = EngineEnvironment.CgroupParent.TrimEnd('/') + "/" + c.Id,
        Annotations = new Dictionary<string, string> { ["io.pscontainers.name"] = c.Name.Length > 0 ? c.Name : "-", ["io.pscontainers.image"] = c.Image },
    };
}
