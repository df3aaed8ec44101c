using System.Runtime.InteropServices;
using System.Text;
using PsContainers.Core.Runtime;
using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Core.Tests.Runtime;

/// <summary>pscrun's own rules where runc differs or has no equivalent: config validation, hook failures, the console socket.</summary>
[Collection("oci-runtime")]
public sealed partial class PscrunSpecificTests
{
    private readonly RuntimeFixture _f;
    private readonly RuntimeUnderTest _rt;
    public PscrunSpecificTests(RuntimeFixture f) { _f = f; _rt = new RuntimeUnderTest("pscrun", f); }

    public static IEnumerable<object[]> InvalidConfigs => new[]
    {
        new object[] { "unknown-capability", "process.capabilities.bounding: unknown capability 'CAP_FLY'" },
        new object[] { "unknown-rlimit", "process.rlimits: unknown rlimit type 'RLIMIT_COFFEE'" },
        new object[] { "bad-hugepage", "linux.resources.hugepageLimits.pageSize: invalid hugepage size '3XB'" },
        new object[] { "unsupported-hugepage", "hugepage size '7MB' is not supported" },
        new object[] { "oci-version", "ociVersion: unsupported version '2.0.0'" },
        new object[] { "duplicate-namespace", "linux.namespaces: duplicate namespace type 'pid'" },
        new object[] { "oci-version-garbage", "ociVersion: 'v1.2' is not a valid version" },
        new object[] { "hostname-without-uts", "hostname: setting the hostname needs a uts namespace (new or joined by path)" },
        new object[] { "hostname-in-runtime-uts", "hostname: the uts namespace '/proc/self/ns/uts' is the runtime's own" },
        new object[] { "host-root-without-mount-ns", "root.path: without a mount namespace the rootfs must not be the runtime's own root '/'" },
        new object[] { "maps-without-userns", "linux.uidMappings" },
        new object[] { "bad-seccomp-action", "linux.seccomp.syscalls[0].action: unknown seccomp action 'SCMP_ACT_MAYBE'" },
        new object[] { "relative-cwd", "process.cwd: 'tmp' must be an absolute path" },
    };

    [Theory, MemberData(nameof(InvalidConfigs))]
    public void InvalidConfigIsRefusedNamingTheField(string kind, string message)
    {
        string id = Bundles.NewId();
        var (bundle, _) = Bundles.Make(_f, id, new SpecOptions { Args = new[] { "/bin/true" }, Hostname = "h" }, s =>
        {
            switch (kind)
            {
                case "unknown-capability": s.Process!.Capabilities!.Bounding!.Add("CAP_FLY"); break;
                case "unknown-rlimit": s.Process!.Rlimits!.Add(new SpecRlimit { Type = "RLIMIT_COFFEE", Soft = 1, Hard = 1 }); break;
                case "bad-hugepage": s.Linux!.Resources!.HugepageLimits = new() { new SpecHugepageLimit { PageSize = "3XB", Limit = 1 } }; break;
                case "unsupported-hugepage": s.Linux!.Resources!.HugepageLimits = new() { new SpecHugepageLimit { PageSize = "7MB", Limit = 1 } }; break;
                case "oci-version": s.OciVersion = "2.0.0"; break;
                case "duplicate-namespace": s.Linux!.Namespaces!.Add(new SpecNamespace { Type = "pid" }); break;
                case "oci-version-garbage": s.OciVersion = "v1.2"; break;
                case "hostname-without-uts": s.Linux!.Namespaces!.RemoveAll(n => n.Type == "uts"); break;
                case "hostname-in-runtime-uts": s.Linux!.Namespaces!.First(n => n.Type == "uts").Path = "/proc/self/ns/uts"; break;
                case "host-root-without-mount-ns": s.Linux!.Namespaces!.RemoveAll(n => n.Type == "mount"); s.Root!.Path = "/"; break;
                case "maps-without-userns": s.Linux!.UidMappings = new() { new SpecIdMapping { ContainerID = 0, HostID = 1000, Size = 1 } }; break;
                case "bad-seccomp-action": s.Linux!.Seccomp = new SpecSeccomp { DefaultAction = "SCMP_ACT_ALLOW", Syscalls = new() { new SpecSyscall { Names = new() { "mkdir" }, Action = "SCMP_ACT_MAYBE" } } }; break;
                case "relative-cwd": s.Process!.Cwd = "tmp"; break;
            }
        });
        var e = Assert.Throws<PscException>(() => _rt.Client.Create(id, bundle, Path.Combine(bundle, "pid")));
        Assert.Contains(message, e.Message);
        Assert.False(Directory.Exists(Path.Combine(_rt.StateRoot, id)));
        Assert.Empty(Bundles.FindCgroupDirs("psc-test-" + id));
    }

    [Fact]
    public void AcceptsEveryOciVersion1x()
    {
        // runtime-tools, containerd and podman write 1.3.0 today; minor versions are backwards compatible
        foreach (var v in new[] { "1.0.0", "1.0.2-dev", "1.1.0", "1.2.0", "1.2.1", "1.3.0", "1.4.0-rc.1+build.7", "1.17.0" })
        {
            var r = Bundles.Sh(_f, _rt, "true", null, s => s.OciVersion = v);
            Assert.True(r.ExitCode == 0, v + ": " + r);
        }
    }

    [Fact]
    public void WithoutAMountNamespaceTheContainerIsAChrootThatDeleteUnmounts()
    {
        // config-linux.md: a namespace type left out is inherited from the runtime. pscrun mounts the rootfs and the
        // configured mounts in the runtime's mount namespace, chroots, leaves the host's propagation alone and
        // detaches all of it on delete (runc 1.1 leaves its mounts behind and makes the host's / rslave)
        string id = Bundles.NewId();
        var (bundle, _) = Bundles.Make(_f, id, new SpecOptions { Args = new[] { "/bin/sleep", "30" }, ReadOnlyRootfs = true }, s => s.Linux!.Namespaces!.RemoveAll(n => n.Type == "mount"));
        string hostMnt = new FileInfo("/proc/self/ns/mnt").LinkTarget!;
        string Mounted() => string.Join('\n', File.ReadLines("/proc/self/mountinfo").Where(l => l.Contains(" " + _f.Rootfs)));
        int pid = _rt.Client.Create(id, bundle, Path.Combine(bundle, "pid"));
        try
        {
            Assert.Equal(hostMnt, new FileInfo($"/proc/{pid}/ns/mnt").LinkTarget);
            Assert.Contains(" " + _f.Rootfs + "/proc ", Mounted());
            _rt.Client.Start(id);
            var (code, stdout, stderr) = _rt.Client.Run(new[] { _rt.Path, "--root", _rt.StateRoot, "exec", id, "sh", "-c", "readlink /proc/self/ns/mnt; ls /bin/busybox; touch /x || echo read-only" });
            Assert.True(code == 0, stdout + stderr);
            var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(hostMnt, lines[0]);
            Assert.Equal("/bin/busybox", lines[1]); // the container's root, not the host's
            Assert.Equal("read-only", lines[^1]);
            _rt.Client.Kill(id, "KILL");
            Bundles.WaitFor(() => _rt.Client.State(id)!.Status == "stopped");
            _rt.Client.Delete(id);
        }
        finally
        {
            if (_rt.Client.State(id) is not null) _rt.Client.Delete(id, force: true);
        }
        Assert.Equal("", Mounted());
    }

    [Fact]
    public void FailingPoststartAndPoststopHooksOnlyWarn()
    {
        string id = Bundles.NewId();
        string marker = Path.Combine(_f.Work, "after-failing-hook-" + id);
        var (bundle, _) = Bundles.Make(_f, id, new SpecOptions { Args = new[] { "/bin/sleep", "30" } }, s =>
        {
            s.Hooks = new SpecHooks
            {
                Poststart = new() { new SpecHook { Path = "/bin/false" }, new SpecHook { Path = "/bin/sh", Args = new() { "sh", "-c", $"echo ps >> {marker}" } } },
                Poststop = new() { new SpecHook { Path = "/bin/false" }, new SpecHook { Path = "/bin/sh", Args = new() { "sh", "-c", $"echo stop >> {marker}" } } },
            };
        });
        _rt.Client.Create(id, bundle, Path.Combine(bundle, "pid"));
        try
        {
            _rt.Client.Start(id); // does not throw: the failure is a warning
            Assert.Equal("running", _rt.Client.State(id)!.Status);
        }
        finally { _rt.Client.Delete(id, force: true); }
        Assert.Equal(new[] { "ps", "stop" }, File.ReadAllLines(marker));
    }

    [Fact]
    public void FailingCreateRuntimeHookFailsCreateAndLeavesNothing()
    {
        string id = Bundles.NewId();
        var (bundle, _) = Bundles.Make(_f, id, new SpecOptions { Args = new[] { "/bin/true" } },
            s => s.Hooks = new SpecHooks { CreateRuntime = new() { new SpecHook { Path = "/bin/false" } } });
        var e = Assert.Throws<PscException>(() => _rt.Client.Create(id, bundle, Path.Combine(bundle, "pid")));
        Assert.Contains("createRuntime hook /bin/false", e.Message);
        Assert.False(Directory.Exists(Path.Combine(_rt.StateRoot, id)));
        Bundles.WaitFor(() => Bundles.FindCgroupDirs("psc-test-" + id).Count == 0);
    }

    [Fact]
    public void VersionPrintsSpecVersion()
    {
        var (code, stdout, _) = _rt.Client.Run(new[] { _rt.Path, "--version" });
        Assert.Equal(0, code);
        Assert.Contains("pscrun version", stdout);
        Assert.Contains("spec: " + RuntimeSpec.CurrentVersion, stdout);
        // one version source: pscrun reports the project version the engine assembly carries (Directory.Build.props)
        var project = typeof(OciRuntimeClient).Assembly.GetName().Version!.ToString(3);
        Assert.Matches(@"^\d+\.\d+\.\d+$", project);
        Assert.Equal("pscrun version " + project, OciRuntimeClient.GetVersion(_rt.Path));
    }

    // ---- console socket: receive the pty master over SCM_RIGHTS ----

    [LibraryImport("libc", SetLastError = true)] private static unsafe partial nint recvmsg(int fd, void* msg, int flags);

    private static unsafe int ReceiveFd(int sock)
    {
        byte* data = stackalloc byte[256];
        byte* control = stackalloc byte[64];
        long* iov = stackalloc long[2];
        iov[0] = (long)data; iov[1] = 256;
        byte* msg = stackalloc byte[56];
        new Span<byte>(msg, 56).Clear();
        *(long*)(msg + 16) = (long)iov; *(long*)(msg + 24) = 1;
        *(long*)(msg + 32) = (long)control; *(long*)(msg + 40) = 64;
        if (recvmsg(sock, msg, 0) < 0) return -1;
        if (*(int*)(control + 8) != 1 || *(int*)(control + 12) != 1) return -1;
        return *(int*)(control + 16);
    }

    private static string ReadUntil(FileStream fs, string marker)
    {
        var sb = new StringBuilder();
        var buf = new byte[1024];
        // A blocking read only returns with data or EIO (the slave side closed), so the deadline is a guard against
        // a hang, not a measure: under load the first bytes can arrive after seconds, and a short deadline checked
        // between reads ended the loop with "done" still unread.
        var until = DateTime.UtcNow.AddSeconds(60);
        while (!sb.ToString().Contains(marker) && DateTime.UtcNow < until)
        {
            int n;
            try { n = fs.Read(buf); } catch (IOException) { break; }
            if (n <= 0) break;
            sb.Append(Encoding.UTF8.GetString(buf, 0, n));
        }
        return sb.ToString();
    }

    [Theory]
    [InlineData("pscrun")]
    [InlineData("runc")]
    public void ExecWithTtyThroughConsoleSocket(string runtime)
    {
        var rt = new RuntimeUnderTest(runtime, _f);
        string id = Bundles.NewId();
        var (bundle, _) = Bundles.Make(_f, id, new SpecOptions { Args = new[] { "/bin/sleep", "30" } });
        rt.Client.Create(id, bundle, Path.Combine(bundle, "pid"));
        try
        {
            rt.Client.Start(id);
            string sockPath = Path.Combine(_f.Work, "exec-console-" + id + ".sock");
            using var listener = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
            listener.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(sockPath));
            listener.Listen(1);
            var accept = Task.Run(() =>
            {
                using var conn = listener.Accept();
                int master = ReceiveFd((int)conn.Handle);
                using var fs = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(master, true), FileAccess.Read);
                return ReadUntil(fs, "done");
            });
            // like runc, a console socket goes with --detach (the caller owns the terminal)
            int code = rt.Client.Exec(id, new ExecOptions { Args = new[] { "/bin/sh", "-c", "tty; echo done" }, Tty = true, ConsoleSocket = sockPath, Detach = true });
            Assert.Equal(0, code);
            string text = accept.Result;
            Assert.Contains("/dev/pts/", text);
            Assert.Contains("done", text);
        }
        finally { rt.Client.Delete(id, force: true); }
    }

    [Theory]
    [InlineData("pscrun")]
    [InlineData("runc")]
    public void TerminalThroughConsoleSocket(string runtime)
    {
        var rt = new RuntimeUnderTest(runtime, _f);
        string id = Bundles.NewId();
        string sockPath = Path.Combine(_f.Work, "console-" + id + ".sock");
        using var listener = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        listener.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(sockPath));
        listener.Listen(1);
        var (bundle, _) = Bundles.Make(_f, id, new SpecOptions { Args = new[] { "/bin/sh", "-c", "tty; echo term=$TERM; sleep 0.2" }, Terminal = true });
        var accept = Task.Run(() => listener.Accept());
        rt.Client.Create(id, bundle, Path.Combine(bundle, "pid"), sockPath);
        try
        {
            using var conn = accept.Result;
            int master = ReceiveFd((int)conn.Handle);
            Assert.True(master > 0, "no descriptor received");
            using var fs = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(master, true), FileAccess.Read);
            rt.Client.Start(id);
            var sb = new StringBuilder();
            var buf = new byte[1024];
            var until = DateTime.UtcNow.AddSeconds(60);
            while (!sb.ToString().Contains("term=") && DateTime.UtcNow < until)
            {
                int n;
                try { n = fs.Read(buf); } catch (IOException) { break; }
                if (n <= 0) break;
                sb.Append(Encoding.UTF8.GetString(buf, 0, n));
            }
            Assert.Contains("/dev/pts/", sb.ToString());
            Assert.Contains("term=xterm", sb.ToString());
        }
        finally { rt.Client.Delete(id, force: true); }
    }
}
