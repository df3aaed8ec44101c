using System.Text;
using PsContainers.Core;
using PsContainers.Core.Runtime;
using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Core.Tests.Runtime;

/// <summary>
/// A busybox rootfs (the static /bin/busybox plus one symlink per applet, /etc/passwd and /etc/group) shared by
/// the runtime tests, and helpers to run bundles with pscrun or runc.
/// </summary>
public sealed class RuntimeFixture : IDisposable
{
    public string Work { get; }
    public string Rootfs { get; }

    public RuntimeFixture()
    {
        Work = Directory.CreateTempSubdirectory("psc-rt-test-").FullName;
        // mapped ids of user-namespace containers must be able to reach the rootfs
        File.SetUnixFileMode(Work, (UnixFileMode)0x1ed /*0755*/);
        Rootfs = Path.Combine(Work, "rootfs");
        foreach (var d in new[] { "bin", "proc", "sys", "dev", "etc", "tmp", "root", "home/user", "data" })
            Directory.CreateDirectory(Path.Combine(Rootfs, d));
        File.Copy("/bin/busybox", Path.Combine(Rootfs, "bin/busybox"));
        var list = RunHost("/bin/busybox", "--list");
        foreach (var applet in list.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (applet == "busybox" || applet.Contains('/') || applet.Contains('[')) continue;
            File.CreateSymbolicLink(Path.Combine(Rootfs, "bin", applet), "busybox");
        }
        File.WriteAllText(Path.Combine(Rootfs, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n");
        File.WriteAllText(Path.Combine(Rootfs, "etc/group"), "root:x:0:\nuser:x:1000:\nextra:x:2000:user\naudio:x:29:user\n");
        File.SetUnixFileMode(Path.Combine(Rootfs, "tmp"), (UnixFileMode)0x3ff);
    }

    public static string RunHost(string file, params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        string o = p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return o;
    }

    public void Dispose()
    {
        // containers a failed test left behind: delete them with the runtime that made them
        foreach (var name in new[] { "pscrun", "runc" })
        {
            string state = Path.Combine(Work, "state-" + name);
            if (!Directory.Exists(state)) continue;
            string bin = name == "pscrun" ? Path.Combine(PscPaths.BinDirectory, "pscrun") : "/usr/sbin/runc";
            foreach (var dir in Directory.GetDirectories(state))
                RunHost(bin, "--root", state, "delete", "--force", Path.GetFileName(dir));
        }
        // only delete when nothing of ours is still mounted (a leak must stay visible, not be recursed into)
        if (!File.ReadAllText("/proc/self/mountinfo").Contains(Work))
            try { Directory.Delete(Work, true); } catch (IOException) { }
    }
}

/// <summary>One runtime under test.</summary>
public sealed class RuntimeUnderTest
{
    public string Name { get; }
    public string Path { get; }
    public string StateRoot { get; }
    public OciRuntimeClient Client { get; }

    public RuntimeUnderTest(string name, RuntimeFixture f)
    {
        Name = name;
        Path = name == "pscrun" ? System.IO.Path.Combine(PscPaths.BinDirectory, "pscrun") : "/usr/sbin/runc";
        Assert.True(File.Exists(Path), $"{Path} is missing: run `dotnet pwsh ./build.ps1 build` first");
        StateRoot = System.IO.Path.Combine(f.Work, "state-" + name);
        Client = new OciRuntimeClient(Path, StateRoot);
    }
}

public sealed record RunResult(int ExitCode, string Stdout, string Stderr, string Id, string Bundle, RuntimeSpec Spec)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

public static class Bundles
{
    private static int _n;

    public static string NewId(string prefix = "psct") => $"{prefix}-{Environment.ProcessId}-{Interlocked.Increment(ref _n)}";

    /// <summary>Write a bundle (config.json pointing at the shared rootfs) built by SpecBuilder, then mutated.</summary>
    public static (string Bundle, RuntimeSpec Spec) Make(RuntimeFixture f, string id, SpecOptions o, Action<RuntimeSpec>? mutate = null)
    {
        string bundle = Path.Combine(f.Work, "bundle-" + id);
        Directory.CreateDirectory(bundle);
        var spec = SpecBuilder.Build(o with { RootfsPath = f.Rootfs, CgroupsPath = o.CgroupsPath ?? "psc-test-" + id }, f.Rootfs);
        mutate?.Invoke(spec);
        File.WriteAllText(Path.Combine(bundle, "config.json"), spec.ToJson());
        return (bundle, spec);
    }

    /// <summary>`run` a bundle to completion; stdout/stderr are the container's (plus the runtime's errors).</summary>
    public static RunResult Run(RuntimeFixture f, RuntimeUnderTest rt, SpecOptions o, Action<RuntimeSpec>? mutate = null)
    {
        string id = NewId();
        var (bundle, spec) = Make(f, id, o, mutate);
        var (code, stdout, stderr) = rt.Client.Run(new[] { rt.Path, "--root", rt.StateRoot, "run", "--bundle", bundle, id });
        return new RunResult(code, stdout, stderr, id, bundle, spec);
    }

    public static RunResult Sh(RuntimeFixture f, RuntimeUnderTest rt, string script, SpecOptions? o = null, Action<RuntimeSpec>? mutate = null) =>
        Run(f, rt, (o ?? new SpecOptions()) with { Args = new[] { "/bin/sh", "-c", script } }, mutate);

    public static string StatusField(string status, string key)
    {
        foreach (var line in status.Split('\n'))
            if (line.StartsWith(key + ":", StringComparison.Ordinal)) return line[(key.Length + 1)..].Trim();
        return "";
    }

    public static ulong CapMask(IEnumerable<string> caps)
    {
        ulong m = 0;
        foreach (var c in caps) m |= 1UL << SpecBuilder.AllCapabilities.ToList().IndexOf(c);
        return m;
    }

    /// <summary>Cgroup directories named <paramref name="name"/> anywhere under /sys/fs/cgroup (depth-limited).</summary>
    public static List<string> FindCgroupDirs(string name)
    {
        var found = new List<string>();
        void Walk(string dir, int depth)
        {
            if (depth > 6) return;
            IEnumerable<string> subs;
            try { subs = Directory.EnumerateDirectories(dir); } catch (Exception) { return; }
            foreach (var s in subs)
            {
                if (Path.GetFileName(s) == name) found.Add(s);
                Walk(s, depth + 1);
            }
        }
        Walk("/sys/fs/cgroup", 0);
        return found;
    }

    public static bool ProcessAlive(int pid)
    {
        try
        {
            string s = File.ReadAllText($"/proc/{pid}/stat");
            return !s[(s.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (Exception) { return false; }
    }

    public static void WaitFor(Func<bool> cond, int ms = 5000)
    {
        var until = DateTime.UtcNow.AddMilliseconds(ms);
        while (!cond())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException("condition not met in time");
            Thread.Sleep(5);
        }
    }
}
