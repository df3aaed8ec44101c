using PsContainers.Core.Containers;
using PsContainers.Core.Networking;
using PsContainers.Core.Runtime.Spec;
using PsContainers.Core.Tests.Fakes;
using PsContainers.Core.Tests.Images;
using PsContainers.Core.Volumes;

namespace PsContainers.Core.Tests.Containers;

/// <summary>
/// <see cref="BundleBuilder"/>: the one path that checks a container's settings at create and writes its config.json
/// at start; the typed contributors edit the spec in a fixed order. Root-free: the participants here are recorders
/// and the rootfs is a plain directory.
/// </summary>
public sealed class BundleBuilderTests : IDisposable
{
    private readonly TempStore _t = new();
    private readonly PsContainers.Core.Engine _engine;
    private readonly List<string> _log = new();

    public BundleBuilderTests() => _engine = new PsContainers.Core.Engine(_t.Paths, new RecordingSyscalls());

    public void Dispose() => _t.Dispose();

    private sealed class Recorder(string name, List<string> log, bool fail = false) : IContainerParticipant
    {
        public string Name => name;
        public void Create(Container container, ContainerCreateOptions options, ResolvedImage image) => log.Add(name + ".create");
        public void ContributeSpec(Container container, RuntimeSpec spec, string bundle)
        {
            log.Add($"{name}.contribute mounts={spec.Mounts?.Count}");
            if (fail) throw new PscException("Injected", PscErrorCategory.InvalidOperation, name + " failed", name);
            (spec.Mounts ??= new()).Add(new SpecMount { Destination = "/" + name, Type = "tmpfs", Source = "tmpfs" });
        }
        public void Released(Container container) => log.Add(name + ".released");
        public void Removed(Container container, bool removeVolumes) => log.Add(name + ".removed");
    }

    private Container NewContainer(bool init = false, params MountSpec[] mounts)
    {
        string id = ContainerStore.NewId();
        Directory.CreateDirectory(_engine.ContainerStore.DirOf(id));
        return new Container
        {
            Id = id, Name = "bundle-test", Image = "test/image",
            Config = new ContainerConfig { Cmd = ["/bin/echo", "hi"], Hostname = id[..12] },
            HostConfig = new HostConfig { Init = init, NetworkModeKind = NetworkMode.None },
            Mounts = mounts.ToList(),
        };
    }

    private string Rootfs(Container c)
    {
        string r = Path.Combine(_engine.ContainerStore.DirOf(c.Id), "rootfs");
        Directory.CreateDirectory(r);
        return r;
    }

    private static MountSpec Tmpfs(string destination) => new() { Type = MountKind.Tmpfs, Destination = destination, Tmpfs = new TmpfsMount() };

    [Fact]
    public void The_engine_orders_init_tmpfs_sysctl_devices_build_step_pod_network_volumes()
    {
        var b = _engine.Containers.Bundles;
        Assert.Equal(["init", "tmpfs", "sysctl", "devices", "build-step", "pod", "network", "volumes"], b.Contributors.Select(x => x.Name));
        Assert.IsType<InitSpecContributor>(b.Contributors[0]);
        Assert.IsType<TmpfsSpecContributor>(b.Contributors[1]);
        Assert.IsType<SysctlSpecContributor>(b.Contributors[2]);
        Assert.IsType<DeviceSpecContributor>(b.Contributors[3]);
        Assert.IsType<PsContainers.Core.Build.BuildStepSpecContributor>(b.Contributors[4]);
        Assert.Same(_engine.Participants[0], b.Contributors[5]);
        Assert.IsType<PsContainers.Core.Pods.PodParticipant>(b.Contributors[5]);
        Assert.Same(_engine.Participants[1], b.Contributors[6]);
        Assert.IsType<NetworkParticipant>(b.Contributors[6]);
        Assert.IsType<VolumeParticipant>(b.Contributors[7]);
        Assert.Same(b, _engine.Containers.Bundles);
    }

    [Fact]
    public void The_containers_limits_reach_config_json_through_the_one_mapping_beside_the_device_rules()
    {
        var b = new BundleBuilder(_engine.ContainerStore, []);
        var c = NewContainer();
        c.HostConfig.Resources = new ResourceLimits { Memory = 64L << 20, MemorySwap = -1, Cpus = 0.5, CpuShares = 256, CpusetCpus = "0", PidsLimit = 17 };
        b.Write(c, Rootfs(c));
        var written = RuntimeSpec.Parse(File.ReadAllText(Path.Combine(_engine.ContainerStore.DirOf(c.Id), "config.json")));
        var r = written.Linux!.Resources!;
        var expected = c.HostConfig.Resources.ToOci();
        Assert.Equal((expected.Memory!.Limit, expected.Memory.Swap), (r.Memory!.Limit, r.Memory.Swap));
        Assert.Equal((64L << 20, -1L), (r.Memory.Limit!.Value, r.Memory.Swap!.Value));
        Assert.Equal((256UL, "0", 100000UL, 50000L), (r.Cpu!.Shares!.Value, r.Cpu.Cpus, r.Cpu.Period!.Value, r.Cpu.Quota!.Value));
        Assert.Equal(17, r.Pids!.Limit);
        Assert.NotEmpty(r.Devices!); // docker's default device allowlist stays beside the limits
        // a limit the kernel would refuse is refused at create, before anything is written
        var bad = NewContainer();
        bad.HostConfig.Resources = new ResourceLimits { CpusetCpus = "1-0" };
        Assert.Equal(ErrorIds.InvalidCpuset, Assert.Throws<InvalidArgumentException>(() => b.Validate(bad)).ErrorId);
    }

    [Fact]
    public void Write_makes_the_spec_once_with_each_contributor_in_order_and_writes_exactly_it()
    {
        var b = new BundleBuilder(_engine.ContainerStore, [new Recorder("net", _log), new Recorder("vol", _log)]);
        var c = NewContainer(init: true, Tmpfs("/scratch"), Tmpfs("/cache"));
        string rootfs = Rootfs(c);
        var spec = b.Write(c, rootfs);

        // init and tmpfs edit the spec before the participants, which see those mounts already
        int defaults = spec.Mounts!.Count - 5;
        Assert.Equal([$"net.contribute mounts={defaults + 3}", $"vol.contribute mounts={defaults + 4}"], _log);
        Assert.Equal([InitSpecContributor.Destination, "/scratch", "/cache", "/net", "/vol"], spec.Mounts.Skip(defaults).Select(m => m.Destination));
        var init = spec.Mounts[defaults];
        Assert.Equal(("bind", InitSpecContributor.ProgramPath), (init.Type, init.Source));
        Assert.Equal(["bind", "ro", "nosuid", "nodev"], init.Options!);
        Assert.Equal(["/dev/init", "--", "/bin/echo", "hi"], spec.Process!.Args!);
        Assert.Equal("tmpfs", spec.Mounts[defaults + 1].Type);
        Assert.Equal(rootfs, spec.Root!.Path);
        Assert.Equal("/pscontainers/" + c.Id, spec.Linux!.CgroupsPath);
        Assert.False(spec.Process.Terminal);

        string written = File.ReadAllText(Path.Combine(_engine.ContainerStore.DirOf(c.Id), "config.json"));
        Assert.Equal(spec.ToJson(), written);
        Assert.Equal(["/dev/init", "--", "/bin/echo", "hi"], RuntimeSpec.Parse(written).Process!.Args!);
    }

    [Fact]
    public void Without_init_and_tmpfs_the_command_and_mounts_are_the_defaults_plus_the_participants()
    {
        var b = new BundleBuilder(_engine.ContainerStore, [new Recorder("net", _log)]);
        var c = NewContainer();
        var spec = b.Write(c, Rootfs(c));
        Assert.Equal(["/bin/echo", "hi"], spec.Process!.Args!);
        Assert.DoesNotContain(spec.Mounts!, m => m.Destination == InitSpecContributor.Destination || m.Type == "tmpfs" && m.Destination != "/dev" && m.Destination != "/dev/shm" && m.Destination != "/net");
        Assert.Equal("/net", spec.Mounts![^1].Destination);
    }

    [Fact]
    public void Only_a_build_steps_working_container_gets_the_dir_stamps_createRuntime_hook()
    {
        var b = new BundleBuilder(_engine.ContainerStore, []);
        var plain = NewContainer();
        Assert.Null(b.Write(plain, Rootfs(plain)).Hooks?.CreateRuntime);

        var step = NewContainer();
        step.Config.Labels[PsContainers.Core.Build.BuildWorkingContainer.StepLabel] = "Dockerfile:3";
        var spec = b.Write(step, Rootfs(step));
        string bundle = _engine.ContainerStore.DirOf(step.Id);
        var hook = Assert.Single(spec.Hooks!.CreateRuntime!);
        Assert.Equal(ContainerManager.MonitorExecutable, hook.Path);
        Assert.Equal(["pscmon", "dir-stamps", Path.Combine(bundle, "upper"), Path.Combine(bundle, PsContainers.Core.Build.BuildStepSpecContributor.StampsFileName)], hook.Args!);
        Assert.Null(spec.Hooks.Prestart);
        Assert.Null(spec.Hooks.StartContainer);
    }

    [Fact]
    public void On_the_callers_terminal_the_process_gets_a_terminal_and_a_TERM()
    {
        var b = new BundleBuilder(_engine.ContainerStore, []);
        var c = NewContainer();
        var spec = b.Write(c, Rootfs(c), onTerminal: true);
        Assert.True(spec.Process!.Terminal);
        Assert.Single(spec.Process.Env!, e => e.StartsWith("TERM=", StringComparison.Ordinal));

        var withTerm = NewContainer();
        withTerm.Config.Env = ["TERM=vt100"];
        var spec2 = b.Write(withTerm, Rootfs(withTerm), onTerminal: true);
        Assert.Equal("TERM=vt100", Assert.Single(spec2.Process!.Env!, e => e.StartsWith("TERM=", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_failing_participant_releases_the_earlier_ones_in_reverse_and_nothing_is_written()
    {
        var b = new BundleBuilder(_engine.ContainerStore, [new Recorder("a", _log), new Recorder("b", _log), new Recorder("c", _log, fail: true)]);
        var c = NewContainer(init: true);
        var e = Assert.Throws<PscException>(() => b.Write(c, Rootfs(c)));
        Assert.Equal("Injected", e.ErrorId);
        Assert.Equal(["a.contribute", "b.contribute", "c.contribute", "b.released", "a.released"], _log.Select(l => l.Split(' ')[0]));
        Assert.False(File.Exists(Path.Combine(_engine.ContainerStore.DirOf(c.Id), "config.json")));
    }

    [Fact]
    public void Validate_refuses_a_relative_tmpfs_and_bad_settings_without_touching_participants_or_files()
    {
        var b = new BundleBuilder(_engine.ContainerStore, [new Recorder("net", _log)]);
        var c = NewContainer(false, Tmpfs("relative/path"));
        var e = Assert.Throws<InvalidArgumentException>(() => b.Validate(c));
        Assert.Equal("InvalidTmpfs", e.ErrorId);
        Assert.Equal("relative/path", e.Target);

        var caps = NewContainer();
        caps.HostConfig.CapAdd = ["NOT_A_CAPABILITY"];
        Assert.Equal("UnknownCapability", Assert.Throws<InvalidArgumentException>(() => b.Validate(caps)).ErrorId);

        var ok = NewContainer(true, Tmpfs("/tmp"));
        ok.Mounts.Add(new MountSpec { Type = MountKind.Bind, Source = "/nonexistent/psc-bundle-test", Destination = "/data" });
        b.Validate(ok); // bind sources are checked at create by the manager, and at start by the spec builder
        Assert.Empty(_log);
        foreach (var x in new[] { c, caps, ok })
            Assert.Empty(Directory.EnumerateFileSystemEntries(_engine.ContainerStore.DirOf(x.Id)));
    }

    [Fact]
    public void A_read_only_root_gets_podman_s_tmpfs_on_tmp_var_tmp_and_run_before_mounts_beneath_them_unless_the_user_mounts_there()
    {
        var b = new BundleBuilder(_engine.ContainerStore, []);
        var c = NewContainer(false, Tmpfs("/var/tmp"));
        c.HostConfig.ReadonlyRootfs = true;
        c.Mounts.Add(new MountSpec { Type = MountKind.Bind, Source = Rootfs(c), Destination = "/run/app" });
        var spec = b.Write(c, Rootfs(c));
        var dest = spec.Mounts!.Select(m => m.Destination).ToList();
        Assert.True(spec.Root!.Readonly);
        Assert.Single(dest, d => d == "/var/tmp");            // the user's own, not a second one
        Assert.Single(dest, d => d == "/tmp");
        Assert.Single(dest, d => d == "/run");
        Assert.True(dest.IndexOf("/run") < dest.IndexOf("/run/app"), string.Join(' ', dest));
        var tmp = spec.Mounts!.Single(m => m.Destination == "/tmp");
        Assert.Equal(("tmpfs", "tmpfs"), (tmp.Type, tmp.Source));
        Assert.Equal(["nosuid", "nodev", "mode=1777"], tmp.Options!);
        Assert.Equal(["nosuid", "nodev", "mode=1777"], spec.Mounts!.Single(m => m.Destination == "/run").Options!); // podman: /run 1777

        var off = NewContainer();
        off.HostConfig.ReadonlyRootfs = true;
        off.HostConfig.ReadOnlyTmpfs = false;
        var offDest = b.Write(off, Rootfs(off)).Mounts!.Select(m => m.Destination).ToList();
        Assert.DoesNotContain("/tmp", offDest);
        Assert.DoesNotContain("/run", offDest);
        var writable = NewContainer();
        Assert.DoesNotContain("/tmp", b.Write(writable, Rootfs(writable)).Mounts!.Select(m => m.Destination));
    }

    [Fact]
    public void A_host_network_container_gets_its_own_hostname_only_when_one_was_given()
    {
        var b = new BundleBuilder(_engine.ContainerStore, []);
        var given = NewContainer();
        given.HostConfig.NetworkModeKind = NetworkMode.Host;
        given.Config.Hostname = "web";
        Assert.Equal("web", b.Write(given, Rootfs(given)).Hostname);
        var none = NewContainer();
        none.HostConfig.NetworkModeKind = NetworkMode.Host;
        none.Config.Hostname = "";
        Assert.True(string.IsNullOrEmpty(b.Write(none, Rootfs(none)).Hostname));
        var old = NewContainer(); // a record from before: the short id stands for "none given"
        old.HostConfig.NetworkModeKind = NetworkMode.Host;
        Assert.True(string.IsNullOrEmpty(b.Write(old, Rootfs(old)).Hostname));
        var own = NewContainer(); // not on the host's network: its hostname as given (the short id by default)
        Assert.Equal(own.Id[..12], b.Write(own, Rootfs(own)).Hostname);
    }
}
