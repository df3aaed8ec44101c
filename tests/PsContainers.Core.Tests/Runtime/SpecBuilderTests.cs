using PsContainers.Core.Runtime;
using PsContainers.Core.Runtime.Spec;
using PsContainers.Core.Containers;

namespace PsContainers.Core.Tests.Runtime;

public sealed class SpecBuilderTests : IDisposable
{
    private readonly string _rootfs;

    public SpecBuilderTests()
    {
        _rootfs = Directory.CreateTempSubdirectory("psc-specb-").FullName;
        Directory.CreateDirectory(Path.Combine(_rootfs, "etc"));
        File.WriteAllText(Path.Combine(_rootfs, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n# comment\nwww:x:33:33:www:/var/www:/bin/false\nbob:x:1001:1002:Bob:/home/bob:/bin/sh\n");
        File.WriteAllText(Path.Combine(_rootfs, "etc/group"), "root:x:0:\nwww:x:33:\nstaff:x:50:bob,www\nbob:x:1002:\nwheel:x:10:bob\n");
    }

    public void Dispose() => Directory.Delete(_rootfs, true);

    [Theory]
    [InlineData(null, 0u, 0u, "/root")]
    [InlineData("www", 33u, 33u, "/var/www")]
    [InlineData("1001", 1001u, 1002u, "/home/bob")]
    [InlineData("1001:7", 1001u, 7u, "/home/bob")]
    [InlineData("bob:staff", 1001u, 50u, "/home/bob")]
    [InlineData("4242", 4242u, 0u, "/")]
    [InlineData("4242:4343", 4242u, 4343u, "/")]
    public void ResolvesUsers(string? user, uint uid, uint gid, string home)
    {
        var u = SpecBuilder.ResolveUser(user, _rootfs);
        Assert.Equal(uid, u.Uid);
        Assert.Equal(gid, u.Gid);
        Assert.Equal(home, u.Home);
    }

    [Fact]
    public void NamedUserGetsSupplementaryGroups()
    {
        var u = SpecBuilder.ResolveUser("bob", _rootfs);
        Assert.Equal(new uint[] { 10, 50, 1002 }, u.AdditionalGids.OrderBy(x => x).ToArray());
        var spec = SpecBuilder.Build(new SpecOptions { User = "bob" }, _rootfs);
        Assert.Equal(new uint[] { 10, 50, 1002 }, spec.Process!.User.AdditionalGids!.OrderBy(x => x).ToArray());
        Assert.Contains("HOME=/home/bob", spec.Process.Env!);
    }

    [Theory]
    [InlineData(null, new uint[] { 0 })]
    [InlineData("www", new uint[] { 33, 50 })]
    [InlineData("1001", new uint[] { 10, 50, 1002 })]
    [InlineData("bob:staff", new uint[] { 50 })]
    [InlineData("1001:7", new uint[] { 7 })]
    [InlineData("4242", new uint[] { 0 })]
    [InlineData("4242:4343", new uint[] { 4343 })]
    public void ThePrimaryGroupIsAlwaysASupplementaryGroup(string? user, uint[] groups)
    {
        // CVE-2022-2989 / CVE-2022-36109: runc, crun and podman always add the primary gid
        var u = SpecBuilder.ResolveUser(user, _rootfs);
        Assert.Equal(groups, u.AdditionalGids.OrderBy(x => x).ToArray());
        Assert.Equal(u.Gid, u.AdditionalGids[0]);
        var spec = SpecBuilder.Build(new SpecOptions { User = user }, _rootfs);
        Assert.Equal(groups, spec.Process!.User.AdditionalGids!.OrderBy(x => x).ToArray());
    }

    [Fact]
    public void UnknownUserOrGroupIsNotFound()
    {
        Assert.Equal(PscErrorCategory.ObjectNotFound, Assert.Throws<ResourceNotFoundException>(() => SpecBuilder.ResolveUser("nobody", _rootfs)).Category);
        Assert.Equal(PscErrorCategory.ObjectNotFound, Assert.Throws<ResourceNotFoundException>(() => SpecBuilder.ResolveUser("bob:nogroup", _rootfs)).Category);
    }

    [Fact]
    public void SecureDefaults()
    {
        var s = SpecBuilder.Build(new SpecOptions { Args = new[] { "/bin/sh" }, Hostname = "web" }, _rootfs);
        Assert.Equal(RuntimeSpec.CurrentVersion, s.OciVersion);
        Assert.True(s.Process!.NoNewPrivileges);
        Assert.Equal(SpecBuilder.DefaultCapabilities.OrderBy(x => x), s.Process.Capabilities!.Bounding!.OrderBy(x => x));
        Assert.Equal(s.Process.Capabilities.Bounding, s.Process.Capabilities.Effective);
        Assert.Null(s.Process.Capabilities.Ambient);
        Assert.Contains("/proc/kcore", s.Linux!.MaskedPaths!);
        Assert.Contains("/proc/sys", s.Linux.ReadonlyPaths!);
        var sys = s.Mounts!.Single(m => m.Destination == "/sys");
        Assert.Contains("ro", sys.Options!);
        Assert.Contains("ro", s.Mounts!.Single(m => m.Destination == "/sys/fs/cgroup").Options!);
        foreach (var m in s.Mounts!) Assert.Contains("nosuid", m.Options!);
        Assert.Equal(new[] { "pid", "ipc", "uts", "mount", "cgroup", "network" }, s.Linux.Namespaces!.Select(n => n.Type));
        var dev = s.Linux.Resources!.Devices!;
        Assert.False(dev[0].Allow);
        Assert.Equal("rwm", dev[0].Access);
        Assert.Contains(dev, d => d.Allow && d.Major == 1 && d.Minor == 3);
        Assert.Equal("SCMP_ACT_ERRNO", s.Linux.Seccomp!.DefaultAction);
        Assert.Contains("HOSTNAME=web", s.Process.Env!);
        Assert.StartsWith("PATH=", s.Process.Env![0]);
        Assert.Contains(s.Process.Rlimits!, r => r.Type == "RLIMIT_NOFILE");
    }

    [Fact]
    public void SeccompIncludesAndExcludesFollowCapabilities()
    {
        var plain = SpecBuilder.Build(new SpecOptions(), _rootfs).Linux!.Seccomp!;
        Assert.DoesNotContain(plain.Syscalls!, s => s.Names.Contains("mount"));
        Assert.Contains(plain.Syscalls!, s => s.Names.Contains("clone") && s.Args is { Count: 1 } && s.Args[0].Op == "SCMP_CMP_MASKED_EQ");
        Assert.Contains(plain.Syscalls!, s => s.Names.Contains("read") && s.Action == "SCMP_ACT_ALLOW");
        var admin = SpecBuilder.Build(new SpecOptions { CapAdd = new[] { "SYS_ADMIN" } }, _rootfs).Linux!.Seccomp!;
        Assert.Contains(admin.Syscalls!, s => s.Names.Contains("mount") && s.Action == "SCMP_ACT_ALLOW");
        Assert.DoesNotContain(admin.Syscalls!, s => s.Names.Contains("clone") && s.Args is { Count: > 0 });
        Assert.Null(SpecBuilder.Build(new SpecOptions { SeccompUnconfined = true }, _rootfs).Linux!.Seccomp);
    }

    [Fact]
    public void CapabilitiesAddDropAndAll()
    {
        var s = SpecBuilder.Build(new SpecOptions { CapAdd = new[] { "net_admin" }, CapDrop = new[] { "CAP_CHOWN", "mknod" } }, _rootfs);
        var b = s.Process!.Capabilities!.Bounding!;
        Assert.Contains("CAP_NET_ADMIN", b);
        Assert.DoesNotContain("CAP_CHOWN", b);
        Assert.DoesNotContain("CAP_MKNOD", b);
        var none = SpecBuilder.Build(new SpecOptions { CapDrop = new[] { "ALL" }, CapAdd = new[] { "KILL" } }, _rootfs);
        Assert.Equal(new[] { "CAP_KILL" }, none.Process!.Capabilities!.Bounding);
        var e = Assert.Throws<InvalidArgumentException>(() => SpecBuilder.Build(new SpecOptions { CapAdd = new[] { "CAP_TELEPORT" } }, _rootfs));
        Assert.Equal("UnknownCapability", e.ErrorId);
    }

    [Fact]
    public void PrivilegedLiftsConfinement()
    {
        var s = SpecBuilder.Build(new SpecOptions { Privileged = true }, _rootfs);
        Assert.Null(s.Linux!.Seccomp);
        Assert.Null(s.Linux.MaskedPaths);
        Assert.False(s.Process!.NoNewPrivileges);
        Assert.Equal(SpecBuilder.HostCapabilities(), s.Process.Capabilities!.Bounding);
        Assert.Contains("rw", s.Mounts!.Single(m => m.Destination == "/sys").Options!);
    }

    [Fact]
    public void ResourcesNetworkAndMounts()
    {
        string src = Directory.CreateTempSubdirectory("psc-bind-").FullName;
        try
        {
            var s = SpecBuilder.Build(new SpecOptions
            {
                Resources = new ResourceLimits { Memory = 128L << 20, Cpus = 1.5, PidsLimit = 100 }, Network = "host", ReadOnlyRootfs = true,
                Mounts = new[] { new BindMount(src, "/data", true) }, Ulimits = new[] { Ulimit.Parse("nofile=100:200") },
                Annotations = new Dictionary<string, string> { ["a"] = "b" },
            }, _rootfs);
            Assert.Equal(128L << 20, s.Linux!.Resources!.Memory!.Limit);
            Assert.Equal(150000, s.Linux.Resources.Cpu!.Quota);
            Assert.Equal(100000UL, s.Linux.Resources.Cpu.Period);
            Assert.Equal(100, s.Linux.Resources.Pids!.Limit);
            Assert.DoesNotContain(s.Linux.Namespaces!, n => n.Type == "network");
            Assert.True(s.Root!.Readonly);
            var m = s.Mounts!.Single(x => x.Destination == "/data");
            Assert.Equal("bind", m.Type);
            Assert.Contains("ro", m.Options!);
            Assert.Contains("rbind", m.Options!);
            Assert.Equal(new[] { "RLIMIT_NOFILE" }, s.Process!.Rlimits!.Select(r => r.Type));
            Assert.Equal(100UL, s.Process.Rlimits![0].Soft);
            Assert.Equal("b", s.Annotations!["a"]);
            var ns = SpecBuilder.Build(new SpecOptions { Network = "/run/netns/x" }, _rootfs).Linux!.Namespaces!.Single(n => n.Type == "network");
            Assert.Equal("/run/netns/x", ns.Path);
            Assert.Throws<InvalidArgumentException>(() => SpecBuilder.Build(new SpecOptions { Network = "bogus" }, _rootfs));
            Assert.Throws<ResourceNotFoundException>(() => SpecBuilder.Build(new SpecOptions { Mounts = new[] { new BindMount("/no/such/dir", "/x") } }, _rootfs));
            Assert.Throws<InvalidArgumentException>(() => Ulimit.Parse("nofile=10:5"));
        }
        finally { Directory.Delete(src, true); }
    }

    [Fact]
    public void RoundTripsThroughJson()
    {
        var s = SpecBuilder.Build(new SpecOptions { UserNamespaceMapping = new SpecIdMapping { ContainerID = 0, HostID = 100000, Size = 65536 } }, _rootfs);
        string json = s.ToJson();
        Assert.Contains("\"ociVersion\":\"1.2.0\"", json);
        Assert.Contains("\"containerID\":0", json);
        Assert.Contains("\"hostID\":100000", json);
        var back = RuntimeSpec.Parse(json);
        Assert.Equal(100000u, back.Linux!.UidMappings![0].HostID);
        Assert.Contains(back.Linux.Namespaces!, n => n.Type == "user");
        Assert.Equal(s.Linux!.Seccomp!.Syscalls!.Count, back.Linux.Seccomp!.Syscalls!.Count);
    }

    [Fact]
    public void ReaderMatchesTheSerializerOnAFullConfig()
    {
        // every area filled in, then read back by hand (pscrun's path) and by the source-generated serializer
        var s = SpecBuilder.Build(new SpecOptions
        {
            Resources = new ResourceLimits { Memory = 64L << 20, Cpus = 0.5, CpuShares = 100, CpusetCpus = "0", PidsLimit = 10 }, Hostname = "h", Domainname = "d",
            Ulimits = new[] { Ulimit.Parse("nproc=5:6") }, Sysctls = new Dictionary<string, string> { ["kernel.shmmni"] = "10" },
            Annotations = new Dictionary<string, string> { ["k"] = "v" }, Terminal = true,
            UserNamespaceMapping = new SpecIdMapping { ContainerID = 0, HostID = 1000, Size = 10 },
        }, _rootfs);
        s.Process!.OomScoreAdj = -5;
        s.Process.Capabilities!.Ambient = new() { "CAP_KILL" };
        s.Process.ConsoleSize = new SpecBox { Height = 24, Width = 80 };
        s.Process.IoPriority = new SpecIOPriority { Class = "IOPRIO_CLASS_BE", Priority = 4 };
        s.Hooks = new SpecHooks { Prestart = new() { new SpecHook { Path = "/bin/true", Args = new() { "true" }, Env = new() { "A=1" }, Timeout = 5 } }, Poststop = new() { new SpecHook { Path = "/x" } } };
        s.Linux!.Devices = new() { new SpecDevice { Path = "/dev/fuse", Type = "c", Major = 10, Minor = 229, FileMode = 438, Uid = 0, Gid = 0 } };
        s.Linux.Resources!.BlockIO = new SpecBlockIO { Weight = 100, ThrottleReadBpsDevice = new() { new SpecThrottleDevice { Major = 8, Minor = 0, Rate = 1000 } } };
        s.Linux.Resources.HugepageLimits = new() { new SpecHugepageLimit { PageSize = "2MB", Limit = 0 } };
        s.Linux.Resources.Network = new SpecNetwork { ClassId = 7, Priorities = new() { new SpecInterfacePriority { Name = "eth0", Priority = 3 } } };
        s.Linux.Resources.Memory!.DisableOomKiller = true;
        s.Linux.Resources.Unified = new() { ["memory.high"] = "max" };
        s.Linux.RootfsPropagation = "rslave";
        s.Mounts!.Add(new SpecMount { Destination = "/m", Type = "bind", Source = "rel", Options = new() { "rbind" } });
        s.Linux.Seccomp!.Syscalls![0].Args = new() { new SpecSyscallArg { Index = 1, Value = 2, ValueTwo = 3, Op = "SCMP_CMP_MASKED_EQ" } };
        string json = s.ToJson().Replace("\"ociVersion\":\"1.2.0\"", "\"ociVersion\":\"1.2.0\",\"vendor.x\":{\"a\":1}");
        var byHand = RuntimeSpecReader.Parse(json);
        var bySerializer = System.Text.Json.JsonSerializer.Deserialize(json, SpecJsonContext.Default.RuntimeSpec)!;
        Assert.Equal(bySerializer.ToJson(), byHand.ToJson());
        Assert.True(byHand.Extra!.ContainsKey("vendor.x"));
    }

    [Fact]
    public void ReaderRefusesWrongTypes()
    {
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => RuntimeSpecReader.Parse("{\"ociVersion\": 1}"));
        Assert.ThrowsAny<Exception>(() => RuntimeSpecReader.Parse("{\"process\": {\"args\": \"sh\"}}"));
        Assert.ThrowsAny<Exception>(() => RuntimeSpecReader.Parse("[]"));
    }

    [Fact]
    public void EngineConfigurationPersistsTheRuntime()
    {
        string root = Directory.CreateTempSubdirectory("psc-cfg-").FullName;
        try
        {
            var paths = new PscPaths(root);
            var c = EngineConfiguration.Load(paths);
            Assert.True(c.IsDefaultRuntime);
            Assert.EndsWith("/pscrun", c.Runtime);
            var set = EngineConfiguration.SetRuntime(paths, "/usr/sbin/runc");
            Assert.Equal("/usr/sbin/runc", set.Runtime);
            Assert.StartsWith("runc version", set.RuntimeVersion);
            Assert.Equal("/usr/sbin/runc", EngineConfiguration.Load(paths).Runtime);
            Assert.Throws<ResourceNotFoundException>(() => EngineConfiguration.SetRuntime(paths, "/bin/false-runtime-missing"));
            Assert.Throws<InvalidArgumentException>(() => EngineConfiguration.SetRuntime(paths, "/bin/false")); // does not answer --version
            Assert.Equal("/usr/sbin/runc", EngineConfiguration.Load(paths).Runtime);
            EngineConfiguration.SetRuntime(paths, null);
            Assert.True(EngineConfiguration.Load(paths).IsDefaultRuntime);
        }
        finally { Directory.Delete(root, true); }
    }
}
