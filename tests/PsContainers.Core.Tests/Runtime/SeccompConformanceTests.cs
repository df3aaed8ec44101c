using PsContainers.Core.Runtime;
using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Core.Tests.Runtime;

/// <summary>
/// Seccomp profiles read the way runc (libseccomp) reads them: argument conditions, comparison operators, unknown
/// syscall names, per-rule errno values and additional architectures. Same bundles for pscrun and runc.
/// </summary>
public sealed partial class OciRuntimeConformanceTests
{
    /// <summary>
    /// pscrun runs each scenario twice under the same --root: the first run compiles the filter with libseccomp and
    /// caches it, the second loads the cached program; the second result is the one checked.
    /// </summary>
    private RunResult Seccomp(string runtime, string profile, string script)
    {
        var o = new SpecOptions { SeccompProfileJson = profile, NoNewPrivileges = true };
        var rt = Rt(runtime);
        if (runtime != "pscrun") return Bundles.Sh(_f, rt, script, o);
        var cold = Bundles.Sh(_f, rt, script, o);
        var warm = Bundles.Sh(_f, rt, script, o);
        Assert.True(cold.ExitCode == warm.ExitCode, $"cold:\n{cold}\nwarm:\n{warm}");
        Assert.True(Directory.Exists(Path.Combine(rt.StateRoot, "@seccomp-cache")), "pscrun wrote no seccomp cache");
        return warm;
    }

    [Theory, MemberData(nameof(Runtimes))]
    public void Seccomp_ConditionsOnDifferentArgumentsAreAnded(string runtime)
    {
        // kill(1, 0) only: kill(1, SIGCONT) and kill(other, 0) do not match both conditions
        const string profile = """
        { "defaultAction": "SCMP_ACT_ALLOW",
          "syscalls": [
            { "names": ["kill"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
              "args": [ { "index": 0, "value": 1, "op": "SCMP_CMP_EQ" }, { "index": 1, "value": 0, "op": "SCMP_CMP_EQ" } ] }
          ] }
        """;
        var r = Seccomp(runtime, profile,
            "kill -0 1 2>&1 || echo zero-to-1-refused; kill -CONT 1 && echo cont-to-1-ok; sleep 30 & p=$!; kill -0 $p && echo zero-to-other-ok; kill $p");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("Permission denied", r.Stdout);
        Assert.Contains("zero-to-1-refused", r.Stdout);
        Assert.Contains("cont-to-1-ok", r.Stdout);
        Assert.Contains("zero-to-other-ok", r.Stdout);
    }

    [Theory, MemberData(nameof(Runtimes))]
    public void Seccomp_TwoConditionsOnTheSameArgumentAreSeparateRules(string runtime)
    {
        // runc (and libseccomp's users generally) add one rule per condition when an argument index repeats, so the
        // conditions are ORed: signal 0 and SIGCONT are both refused, SIGWINCH is not
        const string profile = """
        { "defaultAction": "SCMP_ACT_ALLOW",
          "syscalls": [
            { "names": ["kill"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
              "args": [ { "index": 1, "value": 0, "op": "SCMP_CMP_EQ" }, { "index": 1, "value": 18, "op": "SCMP_CMP_EQ" } ] }
          ] }
        """;
        var r = Seccomp(runtime, profile,
            "kill -0 1 2>/dev/null || echo zero-refused; kill -CONT 1 2>/dev/null || echo cont-refused; kill -WINCH 1 && echo winch-ok");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("zero-refused", r.Stdout);
        Assert.Contains("cont-refused", r.Stdout);
        Assert.Contains("winch-ok", r.Stdout);
    }

    [Theory, MemberData(nameof(Runtimes))]
    public void Seccomp_MaskedEqualComparesTheMaskedArgument(string runtime)
    {
        // umask(mask) is refused when (mask & 070) == 030: `value` is the mask, `valueTwo` the expected result.
        // The shell ignores umask's result, so a refused call leaves the previous mask (0022 from the spec, which
        // the shell's umask(0)-then-restore display may set again).
        const string profile = """
        { "defaultAction": "SCMP_ACT_ALLOW",
          "syscalls": [
            { "names": ["umask"], "action": "SCMP_ACT_ERRNO",
              "args": [ { "index": 0, "value": 56, "valueTwo": 24, "op": "SCMP_CMP_MASKED_EQ" } ] }
          ] }
        """;
        var r = Seccomp(runtime, profile, "umask 0037; echo after-037=$(umask); umask 0077; echo after-077=$(umask)");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("after-037=0022", r.Stdout);
        Assert.Contains("after-077=0077", r.Stdout);
    }

    [Theory, MemberData(nameof(Runtimes))]
    public void Seccomp_UnknownSyscallNamesAreSkipped(string runtime)
    {
        // a name this runtime's syscall table lacks (another architecture's, a future kernel's) does not fail the
        // container; the other names of the rule still apply
        const string profile = """
        { "defaultAction": "SCMP_ACT_ALLOW",
          "syscalls": [
            { "names": ["psc_no_such_syscall", "mkdir", "mkdirat", "arm_fadvise64_64"], "action": "SCMP_ACT_ERRNO" },
            { "names": ["psc_no_such_syscall_either"], "action": "SCMP_ACT_KILL_PROCESS" }
          ] }
        """;
        var r = Seccomp(runtime, profile, "mkdir /tmp/u 2>&1; echo done");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("Operation not permitted", r.Stdout);
        Assert.Contains("done", r.Stdout);
    }

    [Theory, MemberData(nameof(Runtimes))]
    public void Seccomp_ErrnoRetPerRuleAndDefaultEperm(string runtime)
    {
        const string profile = """
        { "defaultAction": "SCMP_ACT_ALLOW",
          "syscalls": [
            { "names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 28 },
            { "names": ["rmdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 30 },
            { "names": ["unlink", "unlinkat"], "action": "SCMP_ACT_ERRNO" }
          ] }
        """;
        var r = Seccomp(runtime, profile, "mkdir /tmp/e-$$ 2>&1; rmdir /proc 2>&1; touch /tmp/u-$$; rm /tmp/u-$$ 2>&1; echo done");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("No space left on device", r.Stdout);   // ENOSPC (28)
        Assert.Contains("Read-only file system", r.Stdout);     // EROFS (30)
        Assert.Contains("Operation not permitted", r.Stdout);   // no errnoRet: EPERM
    }

    [I386Theory, MemberData(nameof(Runtimes))]
    public void Seccomp_ArchitecturesListFiltersThe32BitAbi(string runtime)
    {
        string helper = I386Helper.InstallInto(_f.Rootfs);
        // with SCMP_ARCH_X86 in the list, the i386 mkdir (another syscall number) gets the rule's errno too
        const string both = """
        { "defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
          "syscalls": [ { "names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13 } ] }
        """;
        var r = Seccomp(runtime, both, $"mkdir /tmp/a64 2>&1; {helper} /tmp/a32; echo rc=$?");
        Assert.Contains("mkdir: can't create directory '/tmp/a64': Permission denied", r.Stdout);
        Assert.True(r.Stdout.Contains("mkdir32 failed: Permission denied") && r.Stdout.Contains("rc=1"), r.ToString());

        // without it, the i386 ABI is a foreign architecture: libseccomp's bad-architecture action kills it (SIGSYS)
        const string native = """
        { "defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
          "syscalls": [ { "names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13 } ] }
        """;
        var n = Seccomp(runtime, native, $"{helper} /tmp/b32; echo rc=$?");
        Assert.True(n.Stdout.Contains("rc=159") && !n.Stdout.Contains("mkdir32"), n.ToString());
    }
}

/// <summary>A theory that needs a static i386 executable (gcc -m32 from gcc-multilib) the host can run.</summary>
public sealed class I386TheoryAttribute : TheoryAttribute
{
    public I386TheoryAttribute()
    {
        if (I386Helper.Binary is null) Skip = I386Helper.Reason;
    }
}

/// <summary>Builds, once per test run, a tiny static i386 program that calls mkdir(2) through the 32-bit ABI.</summary>
public static class I386Helper
{
    private static readonly Lazy<(string? Path, string Reason)> s_built = new(Build);

    public static string? Binary => s_built.Value.Path;
    public static string Reason => s_built.Value.Reason;

    private static (string?, string) Build()
    {
        if (!File.Exists("/usr/bin/gcc")) return (null, "no gcc: cannot build the i386 test program");
        string dir = Directory.CreateTempSubdirectory("psc-i386-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(dir, true); } catch (IOException) { } };
        string src = Path.Combine(dir, "mkdir32.c"), bin = Path.Combine(dir, "mkdir32");
        File.WriteAllText(src, """
            #include <errno.h>
            #include <stdio.h>
            #include <string.h>
            #include <sys/stat.h>
            int main(int argc, char **argv) {
                if (argc < 2) return 2;
                if (mkdir(argv[1], 0755) == 0) { puts("mkdir32 ok"); return 0; }
                printf("mkdir32 failed: %s\n", strerror(errno));
                return 1;
            }
            """);
        var (code, output) = Exec("/usr/bin/gcc", "-m32", "-static", "-O2", "-o", bin, src);
        if (code != 0) return (null, "gcc -m32 -static failed (gcc-multilib not installed?): " + output.Trim());
        string probe = Path.Combine(dir, "probe");
        (code, output) = Exec(bin, probe);
        if (code != 0 || !output.Contains("mkdir32 ok")) return (null, "the host cannot run i386 executables (no IA32 emulation?): " + output.Trim());
        return (bin, "");
    }

    /// <summary>Copy the program into the rootfs; returns its path inside the container.</summary>
    public static string InstallInto(string rootfs)
    {
        string dest = Path.Combine(rootfs, "bin/mkdir32");
        if (!File.Exists(dest)) File.Copy(Binary!, dest);
        return "/bin/mkdir32";
    }

    private static (int, string) Exec(string file, params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        try
        {
            using var p = System.Diagnostics.Process.Start(psi)!;
            string o = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, o);
        }
        catch (System.ComponentModel.Win32Exception e) { return (-1, e.Message); }
    }
}
