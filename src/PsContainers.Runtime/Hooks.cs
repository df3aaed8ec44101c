using System.Globalization;
using System.Text;
using System.Text.Json;
using PsContainers.Core.Runtime.Spec;
using PsContainers.FileSystem;

namespace PsContainers.Runtime;

/// <summary>Runs OCI hooks with the state on stdin, honouring their timeouts.</summary>
internal static class Hooks
{
    public static void Run(IEnumerable<SpecHook>? hooks, string kind, ContainerRuntimeState state, bool warnOnly)
    {
        if (hooks is null) return;
        string json = state.ToJson();
        foreach (var h in hooks)
        {
            try { RunOne(h, json); }
            catch (RuntimeError e)
            {
                string msg = $"{kind} hook {h.Path}: {e.Message}";
                if (!warnOnly) throw new RuntimeError(msg);
                Program.Warn(msg);
            }
        }
    }

    private static void RunOne(SpecHook h, string stateJson)
    {
        if (Native.Pipe(out int r, out int w) != 0) throw new RuntimeError("pipe failed");
        var args = h.Args is { Count: > 0 } ? h.Args : new List<string> { h.Path };
        int pid = Native.Spawn(h.Path, args, h.Env ?? new List<string>(), new[] { (0, r) });
        Libc.close(r);
        if (pid < 0) { Libc.close(w); throw new RuntimeError($"cannot run: {Native.Strerror(-pid)}"); }
        Native.WriteAll(w, Encoding.UTF8.GetBytes(stateJson)); // EPIPE when the hook ignores stdin is fine
        Libc.close(w);
        if (h.Timeout is null)
        {
            int x0 = Native.WaitPid(pid, out int c0);
            if (x0 < 0) throw new RuntimeError($"wait failed: {Native.Strerror(-x0)}");
            if (c0 != 0) throw new RuntimeError($"exited with status {c0}");
            return;
        }
        var deadline = DateTime.UtcNow.AddSeconds(h.Timeout.Value);
        while (true)
        {
            int x = Native.WaitPid(pid, out int code, noHang: true);
            if (x == pid)
            {
                if (code != 0) throw new RuntimeError($"exited with status {code}");
                return;
            }
            if (x < 0) throw new RuntimeError($"wait failed: {Native.Strerror(-x)}");
            if (DateTime.UtcNow > deadline)
            {
                Native.Kill(pid, Libc.SIGKILL);
                Native.WaitPid(pid, out _);
                throw new RuntimeError($"timed out after {h.Timeout} s");
            }
            Thread.Sleep(1);
        }
    }
}
