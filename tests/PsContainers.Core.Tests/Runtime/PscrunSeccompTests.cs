using PsContainers.Core.Runtime;
using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Core.Tests.Runtime;

public sealed partial class PscrunSpecificTests
{
    [Fact]
    public void UnknownSyscallNameWithANonDefaultActionIsTracedAndSkipped()
    {
        // runc logs skipped names at debug level; pscrun prints them under PSCRUN_TRACE (names whose action is the
        // default one are dropped before the lookup, so they are not mentioned)
        const string profile = """
        { "defaultAction": "SCMP_ACT_ALLOW",
          "syscalls": [
            { "names": ["psc_unknown_refused", "mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO" },
            { "names": ["psc_unknown_allowed"], "action": "SCMP_ACT_ALLOW" }
          ] }
        """;
        string id = Bundles.NewId();
        var (bundle, _) = Bundles.Make(_f, id, new SpecOptions { Args = new[] { "/bin/sh", "-c", "mkdir /tmp/t-$$ 2>&1; echo done" }, SeccompProfileJson = profile });
        var psi = new System.Diagnostics.ProcessStartInfo(_rt.Path) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--root", _rt.StateRoot, "run", "--bundle", bundle, id }) psi.ArgumentList.Add(a);
        psi.Environment["PSCRUN_TRACE"] = "1";
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        string err = stderr.Result;
        Assert.True(p.ExitCode == 0, $"exit {p.ExitCode}\n{stdout}\n{err}");
        Assert.Contains("Operation not permitted", stdout);
        Assert.Contains("done", stdout);
        Assert.Contains("linux.seccomp.syscalls[0]: unknown syscall 'psc_unknown_refused' (SCMP_ACT_ERRNO) skipped", err);
        Assert.DoesNotContain("psc_unknown_allowed", err);
    }
}
