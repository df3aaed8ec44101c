using System.Text;
using System.Text.Json;
using System.Runtime.InteropServices;
using PsContainers.Core.Runtime.Spec;
using PsContainers.Core.Util;

namespace PsContainers.Core.Runtime;

/// <summary>Descriptors handed to a container process as its stdin/stdout/stderr (null: /dev/null).</summary>
public sealed record ProcessStdio(SafeHandle? Stdin = null, SafeHandle? Stdout = null, SafeHandle? Stderr = null);

/// <summary>Options of `exec`.</summary>
public sealed record ExecOptions
{
    /// <summary>A process.json (runtime-spec "process" object); when null, <see cref="Args"/> is used.</summary>
    public SpecProcess? Process { get; init; }
    public IReadOnlyList<string>? Args { get; init; }
    public IReadOnlyList<string>? Env { get; init; }
    public string? Cwd { get; init; }
    /// <summary>"uid[:gid]" (runc's exec --user takes numbers only; names are resolved by the engine first).</summary>
    public string? User { get; init; }
    /// <summary>Supplementary groups of the process (runc exec --additional-gids, once per gid); null keeps the container's.</summary>
    public IReadOnlyList<uint>? AdditionalGids { get; init; }
    public bool Tty { get; init; }
    public string? ConsoleSocket { get; init; }
    public bool Detach { get; init; }
    public string? PidFile { get; init; }
}

/// <summary>
/// Drives any runc-compatible OCI runtime binary (pscrun, runc, crun) with a private --root state directory.
/// Every failure becomes a PscException that carries the runtime's own error text.
/// </summary>
public sealed class OciRuntimeClient
{
    public string RuntimePath { get; }
    public string StateRoot { get; }
    private readonly ISyscalls _sys;

    public static string DefaultRuntimePath => Path.Combine(PscPaths.BinDirectory, "pscrun");

    public OciRuntimeClient(string? runtimePath, string stateRoot, ISyscalls? syscalls = null)
    {
        RuntimePath = string.IsNullOrEmpty(runtimePath) ? DefaultRuntimePath : runtimePath;
        StateRoot = stateRoot;
        _sys = syscalls ?? LinuxSyscalls.Instance;
    }

    public OciRuntimeClient(PscPaths paths, string? runtimePath = null)
        : this(runtimePath ?? EngineConfiguration.Load(paths).Runtime, paths.RuntimeState) { }

    private string Name => Path.GetFileName(RuntimePath);

    private List<string> Global(params string[] rest)
    {
        var a = new List<string> { RuntimePath, "--root", StateRoot };
        a.AddRange(rest);
        return a;
    }

    /// <summary>Run the runtime with stdout/stderr captured; returns (exit code, stdout, stderr).</summary>
    public (int ExitCode, string Stdout, string Stderr) Run(IReadOnlyList<string> args, SafeHandle? stdin = null)
    {
        Directory.CreateDirectory(StateRoot);
        string tmp = Path.Combine(Path.GetTempPath(), "psc-rt-" + Guid.NewGuid().ToString("N")[..12]);
        string outPath = tmp + ".out", errPath = tmp + ".err";
        try
        {
            int pid;
            using (var o = File.OpenHandle(outPath, FileMode.CreateNew, FileAccess.Write))
            using (var e = File.OpenHandle(errPath, FileMode.CreateNew, FileAccess.Write))
            {
                pid = _sys.Spawn(RuntimePath, args, null, Fd(stdin), (int)o.DangerousGetHandle(), (int)e.DangerousGetHandle());
            }
            int code = _sys.WaitPid(pid);
            return (code, File.ReadAllText(outPath), File.ReadAllText(errPath));
        }
        finally
        {
            try { File.Delete(outPath); } catch { }
            try { File.Delete(errPath); } catch { }
        }
    }

    /// <summary>The descriptor of a stdio handle, -1 (/dev/null) for none. A handle already closed is a caller's bug:
    /// its old number may name another file by now, so it is refused rather than handed to the runtime.</summary>
    private static int Fd(SafeHandle? h) =>
        h is null || h.IsInvalid ? -1
        : h.IsClosed ? throw new ObjectDisposedException(nameof(h), "A stdio handle for the runtime was closed before the runtime started.")
        : (int)h.DangerousGetHandle();

    private string Check(IReadOnlyList<string> args, string verb, string errorId, string id, PscErrorCategory category = PscErrorCategory.InvalidOperation)
    {
        if (!File.Exists(RuntimePath))
            throw new PscException(ErrorIds.RuntimeNotFound, PscErrorCategory.NotInstalled, $"The OCI runtime '{RuntimePath}' does not exist.", RuntimePath);
        var (code, stdout, stderr) = Run(args);
        if (code != 0) throw Failure(verb, errorId, id, code, stderr, category);
        return stdout;
    }

    private PscException Failure(string verb, string errorId, string id, int code, string stderr, PscErrorCategory category)
    {
        string msg = CleanError(stderr);
        if (msg.Contains("does not exist", StringComparison.OrdinalIgnoreCase) || msg.Contains("not found", StringComparison.OrdinalIgnoreCase) && msg.Contains("container", StringComparison.OrdinalIgnoreCase))
            category = PscErrorCategory.ObjectNotFound;
        return new PscException(errorId, category,
            $"{Name} {verb} {id} failed (exit code {code}): {msg}", id);
    }

    /// <summary>Turn runtime stderr (plain, logrus text or JSON lines) into one readable message (<see cref="Contract.RuntimeErrorText.Clean"/>).</summary>
    public static string CleanError(string stderr) => Contract.RuntimeErrorText.Clean(stderr);

    /// <summary>
    /// `create`: sets the container up and leaves its process waiting for `start`. The container's stdio are
    /// the given handles. Returns the container's host pid. The caller should be a child subreaper
    /// (PR_SET_CHILD_SUBREAPER) to be able to reap the container process.
    /// </summary>
    public int Create(string id, string bundle, string pidFile, string? consoleSocket = null, ProcessStdio? stdio = null)
    {
        var args = Global("--log", LogPath(id), "--log-format", "json", "create", "--bundle", bundle, "--pid-file", pidFile);
        if (consoleSocket is not null) { args.Add("--console-socket"); args.Add(consoleSocket); }
        args.Add(id);
        RunWithStdio(args, "create", ErrorIds.RuntimeCreateFailed, id, stdio, detachedChild: true);
        return ReadPidFile(pidFile, id);
    }

    private string LogPath(string id)
    {
        Directory.CreateDirectory(StateRoot);
        return Path.Combine(StateRoot, $".log-{id}-{Guid.NewGuid().ToString("N")[..8]}.json");
    }

    private int RunWithStdio(List<string> args, string verb, string errorId, string id, ProcessStdio? stdio, bool detachedChild, bool newSession = false)
    {
        if (!File.Exists(RuntimePath))
            throw new PscException(ErrorIds.RuntimeNotFound, PscErrorCategory.NotInstalled, $"The OCI runtime '{RuntimePath}' does not exist.", RuntimePath);
        int logAt = args.IndexOf("--log");
        string? log = logAt >= 0 ? args[logAt + 1] : null;
        try
        {
            int pid = _sys.Spawn(RuntimePath, args, null, Fd(stdio?.Stdin), Fd(stdio?.Stdout), Fd(stdio?.Stderr), newSession);
            int code = _sys.WaitPid(pid);
            if (code == 0) return code;
            string err = log is not null && File.Exists(log) ? File.ReadAllText(log) : "";
            var lines = err.Split('\n').Where(l => l.Contains("\"error\"") || l.Contains("\"fatal\"") || !l.TrimStart().StartsWith('{')).ToList();
            if (!string.Equals(verb, "exec", StringComparison.Ordinal) || detachedChild)
                throw Failure(verb, errorId, id, code, string.Join('\n', lines.Count > 0 ? lines : err.Split('\n').ToList()), PscErrorCategory.InvalidOperation);
            // the program's own exit code, unless the runtime logged that it could not start it: then docker exec's
            // status, 127 for a command not found and 126 for anything else (moby daemon/exec.go)
            string logged = string.Join('\n', lines.Where(l => l.Contains("\"error\"") || l.Contains("\"fatal\"")));
            if (logged.Length > 0)
                return Contract.StartFailure.ExecExitCodeFor(CleanError(logged));
            return code;
        }
        finally
        {
            if (log is not null) try { File.Delete(log); } catch { }
        }
    }

    private static int ReadPidFile(string pidFile, string id)
    {
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), out int pid))
            throw new PscException(ErrorIds.RuntimeNoPid, PscErrorCategory.InvalidResult, $"The runtime wrote no pid file for '{id}'.", id);
        return pid;
    }

    /// <summary>`start`: run the user program of a created container.</summary>
    public void Start(string id) => Check(Global("start", id), "start", ErrorIds.RuntimeStartFailed, id);

    /// <summary>`state`: the runtime-spec state, or null when the runtime does not know the container.</summary>
    public ContainerRuntimeState? State(string id)
    {
        var (code, stdout, stderr) = Run(Global("state", id));
        if (code != 0)
        {
            string msg = CleanError(stderr);
            if (msg.Contains("does not exist", StringComparison.OrdinalIgnoreCase) || msg.Contains("not exist", StringComparison.OrdinalIgnoreCase)) return null;
            throw Failure("state", ErrorIds.RuntimeStateFailed, id, code, stderr, PscErrorCategory.InvalidOperation);
        }
        try { return ContainerRuntimeState.Parse(stdout); }
        catch (JsonException e) { throw PscException.InvalidData(ErrorIds.RuntimeBadState, $"{Name} state {id} printed invalid JSON: {e.Message}", id, e); }
    }

    /// <summary>`kill ID SIGNAL [--all]`.</summary>
    public void Kill(string id, string signal = "TERM", bool all = false)
    {
        var a = Global("kill");
        if (all) a.Add("--all");
        a.Add(id); a.Add(signal);
        Check(a, "kill", ErrorIds.RuntimeKillFailed, id);
    }

    /// <summary>`delete [--force] ID`.</summary>
    public void Delete(string id, bool force = false)
    {
        var a = Global("delete");
        if (force) a.Add("--force");
        a.Add(id);
        Check(a, "delete", ErrorIds.RuntimeDeleteFailed, id);
    }

    public void Pause(string id) => Check(Global("pause", id), "pause", ErrorIds.RuntimePauseFailed, id);
    /// <summary>
    /// runc's <c>update --resources FILE ID</c>: write new cgroup limits (the OCI LinuxResources JSON) for a created,
    /// running or paused container. Throws PscException RuntimeUpdateFailed with the runtime's message.
    /// </summary>
    public void Update(string id, SpecResources resources)
    {
        string file = Path.Combine(Path.GetTempPath(), "psc-update-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            File.WriteAllText(file, JsonSerializer.Serialize(resources, SpecJsonContext.Default.SpecResources));
            Check(Global("update", "--resources", file, id), "update", ErrorIds.RuntimeUpdateFailed, id);
        }
        finally { File.Delete(file); }
    }

    public void Resume(string id) => Check(Global("resume", id), "resume", ErrorIds.RuntimeResumeFailed, id);

    /// <summary>`ps --format json ID`: host pids of the container's processes.</summary>
    public IReadOnlyList<int> Ps(string id)
    {
        string o = Check(Global("ps", "--format", "json", id), "ps", ErrorIds.RuntimePsFailed, id);
        return JsonSerializer.Deserialize(o.Trim().Length == 0 ? "[]" : o, SpecJsonContext.Default.ListInt32) ?? new List<int>();
    }

    /// <summary>`list --format json`.</summary>
    public IReadOnlyList<ContainerRuntimeState> List()
    {
        string o = Check(Global("list", "--format", "json"), "list", ErrorIds.RuntimeListFailed, "");
        o = o.Trim();
        if (o.Length == 0 || o == "null") return Array.Empty<ContainerRuntimeState>();
        return JsonSerializer.Deserialize(o, SpecJsonContext.Default.ListContainerRuntimeState) ?? new List<ContainerRuntimeState>();
    }

    /// <summary>
    /// `exec`: run a new process in a running container. Returns the process exit code, or 0 with
    /// <see cref="ExecOptions.Detach"/> (the pid is then in the pid file).
    /// </summary>
    public int Exec(string id, ExecOptions options, ProcessStdio? stdio = null)
    {
        var a = Global("--log", LogPath(id), "--log-format", "json", "exec");
        string? processFile = null;
        if (options.Process is not null)
        {
            processFile = Path.Combine(StateRoot, $".process-{Guid.NewGuid():N}.json");
            File.WriteAllText(processFile, JsonSerializer.Serialize(options.Process, SpecJsonContext.Default.SpecProcess));
            a.Add("--process"); a.Add(processFile);
        }
        if (options.Tty) a.Add("--tty");
        if (options.ConsoleSocket is not null) { a.Add("--console-socket"); a.Add(options.ConsoleSocket); }
        if (options.Detach) a.Add("--detach");
        if (options.PidFile is not null) { a.Add("--pid-file"); a.Add(options.PidFile); }
        if (options.Cwd is not null) { a.Add("--cwd"); a.Add(options.Cwd); }
        if (options.User is not null) { a.Add("--user"); a.Add(options.User); }
        foreach (var g in options.AdditionalGids ?? []) { a.Add("--additional-gids"); a.Add(g.ToString(System.Globalization.CultureInfo.InvariantCulture)); }
        foreach (var e in options.Env ?? Array.Empty<string>()) { a.Add("--env"); a.Add(e); }
        a.Add(id);
        if (options.Process is null)
        {
            if (options.Args is null || options.Args.Count == 0)
                throw PscException.InvalidArgument(ErrorIds.NoCommand, "exec needs a command or a process specification.", id);
            a.AddRange(options.Args);
            // the command rides on the runtime's command line: one execve refuses too long a list (E2BIG) before the
            // runtime runs, so it is refused here in the words and with the status the runtime gives a container's process
            var engineEnv = Environment.GetEnvironmentVariables().Keys.Cast<object>().Select(k => $"{k}={Environment.GetEnvironmentVariable(k.ToString()!)}");
            if (Contract.ExecArgumentLimit.Exceeded(a.Prepend(RuntimePath), engineEnv))
                throw new PscException(ErrorIds.ArgumentListTooLong, PscErrorCategory.InvalidArgument, Contract.ExecArgumentLimit.Message(options.Args[0]), id)
                { ExitCode = Contract.StartFailure.CannotExecute };
        }
        try
        {
            // A non-zero exit of a non-detached exec is the program's own exit code, not a runtime failure. An attached
            // exec's runtime runs in a session of its own: a Ctrl+C on this terminal reaches only the engine, which
            // passes it on to the process (ContainerManager.Exec, SignalProxy), never twice
            return RunWithStdio(a, "exec", ErrorIds.RuntimeExecFailed, id, stdio, detachedChild: options.Detach, newSession: !options.Detach);
        }
        finally
        {
            if (processFile is not null) try { File.Delete(processFile); } catch { }
        }
    }

    /// <summary>`--version` output (first line), or null when the binary does not answer.</summary>
    public static string? GetVersion(string runtimePath)
    {
        if (!File.Exists(runtimePath)) return null;
        try
        {
            var c = new OciRuntimeClient(runtimePath, Path.GetTempPath());
            var (code, stdout, _) = c.Run(new[] { runtimePath, "--version" });
            if (code != 0) return null;
            return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim();
        }
        catch (PscException) { return null; }
    }
}
