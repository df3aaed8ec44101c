using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using PsContainers.Cgroups;
using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Runtime;

/// <summary>pscrun: an OCI runtime with runc's command line.</summary>
public static class Program
{
    /// <summary>The project version (Directory.Build.props' &lt;Version&gt;, the one version source), as 1.2.3.</summary>
    public static string Version => typeof(Program).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
    private static string? _log;
    private static bool _logJson;

    private const string Usage = """
        usage: pscrun [--root DIR] [--log FILE] [--log-format text|json] [--no-seccomp-cache] COMMAND [OPTIONS] ID

        commands:
          create [--bundle DIR] [--pid-file F] [--console-socket SOCK] ID
          start ID
          state ID
          kill [--all] ID [SIGNAL]
          delete [--force] ID
          run [--bundle DIR] [--pid-file F] [--console-socket SOCK] [--detach] ID
          exec [--process FILE] [--tty] [--console-socket SOCK] [--detach] [--pid-file F]
               [--env K=V]... [--cwd DIR] [--user UID[:GID]] [--additional-gids G] [--cap CAP]... ID [COMMAND ARGS...]
          list [--format table|json] [--quiet]
          ps [--format table|json] ID
          pause ID | resume ID
          update [--resources FILE|-] [--memory N] [--memory-swap N] [--memory-reservation N] [--cpu-shares N]
                 [--cpu-period N] [--cpu-quota N] [--cpuset-cpus LIST] [--cpuset-mems LIST] [--pids-limit N] ID
          --version
        """;

    public static int Main(string[] args)
    {
        Trace("main");
        // the C constructor left us in the container's namespaces
        if (Environment.GetEnvironmentVariable("_PSC_INIT") is not null && args.Length >= 1 && args[0] == "init")
            return Init.Run(Environment.GetEnvironmentVariable("_PSC_MODE") ?? "init");
        try
        {
            return Run(args);
        }
        catch (RuntimeError e)
        {
            Error(e.Message);
            return 1;
        }
        catch (CgroupException e)
        {
            Error(e.Message);
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            Error(e.Message);
            return 1;
        }
    }

    private static readonly bool _trace = Environment.GetEnvironmentVariable("PSCRUN_TRACE") is not null;

    /// <summary>PSCRUN_TRACE=1: timestamps of the setup steps on stderr (for profiling).</summary>
    public static void Trace(string what)
    {
        if (_trace) Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss.ffffff}] {Environment.ProcessId} {what}");
    }

    public static void Error(string message)
    {
        Log("error", message);
        Console.Error.WriteLine("pscrun: " + message);
    }

    public static void Warn(string message)
    {
        Log("warning", message);
        Console.Error.WriteLine("pscrun: warning: " + message);
    }

    private static void Log(string level, string message)
    {
        if (_log is null) return;
        try
        {
            string line = _logJson
                ? JsonSerializer.Serialize(new LogLine { Level = level, Msg = message, Time = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture) }, PscrunLogJson.Default.LogLine)
                : $"time=\"{DateTime.UtcNow:O}\" level={level} msg=\"{message.Replace("\"", "\\\"")}\"";
            File.AppendAllText(_log, line + "\n");
        }
        catch (Exception) { }
    }

    /// <summary>Parsed options of one command: flags (with values) and positional arguments.</summary>
    private sealed class Opts
    {
        public readonly Dictionary<string, List<string>> Values = new();
        public readonly HashSet<string> Flags = new();
        public readonly List<string> Positional = new();
        public string? Get(string name) => Values.TryGetValue(name, out var l) ? l[^1] : null;
        public List<string> All(string name) => Values.TryGetValue(name, out var l) ? l : new();
        public bool Has(string name) => Flags.Contains(name);
    }

    /// <summary>
    /// Parse "--name value", "--name=value", "-n value" and boolean flags; stops at the first positional when
    /// <paramref name="stopAtPositional"/> (exec: the rest is the command).
    /// </summary>
    private static Opts Parse(string[] args, int start, Dictionary<string, string> valueOpts, Dictionary<string, string> boolOpts, bool stopAtPositional = false)
    {
        var o = new Opts();
        for (int i = start; i < args.Length; i++)
        {
            string a = args[i];
            if (a == "--") { o.Positional.AddRange(args[(i + 1)..]); break; }
            if (a.StartsWith('-') && a.Length > 1)
            {
                string name = a, val = "";
                bool hasVal = false;
                int eq = a.IndexOf('=');
                if (eq > 0) { name = a[..eq]; val = a[(eq + 1)..]; hasVal = true; }
                if (valueOpts.TryGetValue(name, out var canon))
                {
                    if (!hasVal)
                    {
                        if (i + 1 >= args.Length) throw new RuntimeError($"flag {name} needs a value");
                        val = args[++i];
                    }
                    if (!o.Values.TryGetValue(canon, out var l)) o.Values[canon] = l = new();
                    l.Add(val);
                    continue;
                }
                if (boolOpts.TryGetValue(name, out var bcanon))
                {
                    if (!hasVal || val is "true" or "1") o.Flags.Add(bcanon);
                    continue;
                }
                throw new RuntimeError($"flag provided but not defined: {name}");
            }
            o.Positional.Add(a);
            if (stopAtPositional) { o.Positional.AddRange(args[(i + 1)..]); break; }
        }
        return o;
    }

    private static Dictionary<string, string> Names(params string[] spec)
    {
        var d = new Dictionary<string, string>();
        foreach (var s in spec)
        {
            var parts = s.Split('|');
            foreach (var p in parts) d[p.Length == 1 ? "-" + p : "--" + p] = parts[0];
        }
        return d;
    }

    private static string Id(Opts o, string cmd)
    {
        if (o.Positional.Count < 1) throw new RuntimeError($"{cmd}: a container id is required");
        return o.Positional[0];
    }

    private static int Run(string[] args)
    {
        string root = "/run/pscrun";
        bool seccompCache = true;
        int i = 0;
        for (; i < args.Length; i++)
        {
            string a = args[i];
            string? NextVal(string name)
            {
                int eq = a.IndexOf('=');
                if (eq > 0) return a[(eq + 1)..];
                if (i + 1 >= args.Length) throw new RuntimeError($"flag {name} needs a value");
                return args[++i];
            }
            if (a == "--root" || a.StartsWith("--root=", StringComparison.Ordinal)) root = NextVal("--root")!;
            else if (a == "--log" || a.StartsWith("--log=", StringComparison.Ordinal)) _log = NextVal("--log");
            else if (a == "--log-format" || a.StartsWith("--log-format=", StringComparison.Ordinal)) _logJson = NextVal("--log-format") == "json";
            else if (a == "--criu" || a.StartsWith("--criu=", StringComparison.Ordinal) || a == "--rootless" || a.StartsWith("--rootless=", StringComparison.Ordinal)) { if (!a.Contains('=')) i++; }
            else if (a is "--debug" or "--systemd-cgroup=false") { }
            else if (a == "--no-seccomp-cache") seccompCache = false;
            else if (a == "--systemd-cgroup") throw new RuntimeError("--systemd-cgroup is not supported: pscrun manages cgroupfs directly");
            else if (a is "--version" or "-v" or "version") { PrintVersion(); return 0; }
            else if (a is "--help" or "-h" or "help") { Console.WriteLine(Usage); return 0; }
            else break;
        }
        if (i >= args.Length) { Console.Error.WriteLine(Usage); return 1; }
        string cmd = args[i++];
        var rt = new Runtime(Path.GetFullPath(root)) { SeccompCache = seccompCache };
        switch (cmd)
        {
            case "seccomp-export":
            {
                // hidden, for tests: the program libseccomp generates for CONFIG's linux.seccomp (no cache), to OUT
                if (args.Length - i != 2) throw new RuntimeError("usage: pscrun seccomp-export CONFIG OUT");
                var spec = RuntimeSpec.Parse(File.ReadAllText(args[i]));
                var sc = spec.Linux?.Seccomp ?? throw new RuntimeError("linux.seccomp: absent");
                File.WriteAllBytes(args[i + 1], Seccomp.Compile(sc));
                Console.WriteLine(SeccompCache.Key(sc));
                return 0;
            }
            case "create":
            {
                var o = Parse(args, i, Names("bundle|b", "pid-file", "console-socket", "preserve-fds"), Names("no-pivot", "no-new-keyring"));
                rt.Create(Id(o, cmd), o.Get("bundle") ?? ".", o.Get("pid-file"), o.Get("console-socket"));
                return 0;
            }
            case "run":
            {
                var o = Parse(args, i, Names("bundle|b", "pid-file", "console-socket", "preserve-fds"), Names("detach|d", "no-pivot", "no-new-keyring", "keep"));
                string id = Id(o, cmd);
                bool detach = o.Has("detach");
                if (!detach) Native.Prctl(36 /*PR_SET_CHILD_SUBREAPER*/, 1);
                var st = rt.Create(id, o.Get("bundle") ?? ".", o.Get("pid-file"), o.Get("console-socket"));
                try { rt.Start(id); }
                catch { try { rt.Delete(id, true); } catch (RuntimeError) { } throw; }
                if (detach) return 0;
                int code;
                using (ForwardSignals(st.Pid))
                {
                    while (true)
                    {
                        int r = Native.WaitPid(-1, out int c);
                        if (r == st.Pid) { code = c; break; }
                        if (r < 0) { code = 255; break; } // ECHILD: not ours (should not happen as subreaper)
                    }
                }
                Program.Trace("container exited");
                if (!o.Has("keep")) rt.Delete(id, true);
                Program.Trace("deleted");
                return code;
            }
            case "start":
            {
                var o = Parse(args, i, Names(), Names());
                rt.Start(Id(o, cmd));
                return 0;
            }
            case "state":
            {
                var o = Parse(args, i, Names(), Names());
                var st = rt.Load(Id(o, cmd));
                Console.WriteLine(Indent(rt.PublicState(st).ToJson()));
                return 0;
            }
            case "kill":
            {
                var o = Parse(args, i, Names(), Names("all|a"));
                rt.Kill(Id(o, cmd), o.Positional.Count > 1 ? o.Positional[1] : "TERM", o.Has("all"));
                return 0;
            }
            case "delete":
            {
                var o = Parse(args, i, Names(), Names("force|f"));
                rt.Delete(Id(o, cmd), o.Has("force"));
                return 0;
            }
            case "pause":
            case "resume":
            {
                var o = Parse(args, i, Names(), Names());
                rt.Pause(Id(o, cmd), cmd == "pause");
                return 0;
            }
            case "update":
            {
                var o = Parse(args, i, Names(ResourceUpdate.Options), Names());
                ResourceUpdate.Run(rt, Id(o, cmd), o.Get);
                return 0;
            }
            case "ps":
            {
                var o = Parse(args, i, Names("format|f"), Names());
                var pids = rt.Ps(Id(o, cmd));
                if (o.Get("format") == "json") { Console.WriteLine("[" + string.Join(',', pids) + "]"); return 0; }
                Console.WriteLine("PID     CMD");
                foreach (var p in pids)
                {
                    string cmdline = "";
                    try { cmdline = File.ReadAllText($"/proc/{p}/cmdline").Replace('\0', ' ').Trim(); } catch (IOException) { }
                    Console.WriteLine($"{p,-7} {cmdline}");
                }
                return 0;
            }
            case "list":
            {
                var o = Parse(args, i, Names("format|f"), Names("quiet|q"));
                var list = rt.List();
                if (o.Has("quiet")) { foreach (var s in list) Console.WriteLine(s.Id); return 0; }
                if (o.Get("format") == "json")
                {
                    var states = list.Select(s => rt.PublicState(s)).ToList();
                    Console.WriteLine(JsonSerializer.Serialize(states, SpecJsonContext.Default.ListContainerRuntimeState));
                    return 0;
                }
                Console.WriteLine($"{"ID",-20} {"PID",-8} {"STATUS",-10} {"BUNDLE",-40} {"CREATED",-30} OWNER");
                foreach (var s in list)
                {
                    var ps = rt.PublicState(s);
                    Console.WriteLine($"{s.Id,-20} {ps.Pid,-8} {ps.Status,-10} {s.Bundle,-40} {s.Created.ToString("O", CultureInfo.InvariantCulture),-30} {s.Owner}");
                }
                return 0;
            }
            case "exec":
            {
                var o = Parse(args, i, Names("process|p", "console-socket", "pid-file", "env|e", "cwd", "user|u", "additional-gids|g", "cap|c", "process-label", "apparmor", "preserve-fds"),
                    Names("tty|t", "detach|d", "no-new-privs", "ignore-paused"), stopAtPositional: true);
                string id = Id(o, cmd);
                SpecProcess proc;
                if (o.Get("process") is string pf)
                {
                    try { proc = JsonSerializer.Deserialize(File.ReadAllText(pf), SpecJsonContext.Default.SpecProcess) ?? throw new RuntimeError("--process: empty"); }
                    catch (JsonException e) { throw new RuntimeError($"--process {pf}: invalid JSON: {e.Message}"); }
                }
                else
                {
                    if (o.Positional.Count < 2) throw new RuntimeError("exec: a command is required (or --process)");
                    rt.Load(id); // the container must exist
                    var baseSpec = rt.Config(id)?.Spec ?? RuntimeSpec.Parse(File.ReadAllText(Path.Combine(rt.Root, id, "config.json")));
                    var bp = baseSpec.Process!;
                    proc = new SpecProcess
                    {
                        Args = o.Positional.Skip(1).ToList(), Env = bp.Env is null ? null : new List<string>(bp.Env), Cwd = bp.Cwd,
                        User = new SpecUser { Uid = bp.User.Uid, Gid = bp.User.Gid, AdditionalGids = bp.User.AdditionalGids, Umask = bp.User.Umask },
                        Capabilities = bp.Capabilities, NoNewPrivileges = bp.NoNewPrivileges, Rlimits = bp.Rlimits,
                    };
                }
                if (o.Has("tty")) proc.Terminal = true;
                if (o.Get("cwd") is string cwd) proc.Cwd = cwd;
                foreach (var e in o.All("env"))
                {
                    proc.Env ??= new();
                    string name = e.Split('=')[0];
                    proc.Env.RemoveAll(x => x.StartsWith(name + "=", StringComparison.Ordinal));
                    proc.Env.Add(e);
                }
                if (o.Get("user") is string user)
                {
                    var parts = user.Split(':');
                    if (!uint.TryParse(parts[0], out uint uid) || (parts.Length > 1 && !uint.TryParse(parts[1], out _)))
                        throw new RuntimeError($"--user '{user}': expected UID[:GID]");
                    // as runc: only what is given changes (a gid left out, and the supplementary groups, stay the container's)
                    proc.User = new SpecUser
                    {
                        Uid = uid, Gid = parts.Length > 1 ? uint.Parse(parts[1], CultureInfo.InvariantCulture) : proc.User.Gid,
                        AdditionalGids = proc.User.AdditionalGids, Umask = proc.User.Umask,
                    };
                }
                // runc takes -g once per gid; a comma-separated list is accepted too
                var gids = o.All("additional-gids").SelectMany(x => x.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
                if (gids.Count > 0)
                {
                    proc.User.AdditionalGids = gids.Select(x => uint.TryParse(x, NumberStyles.None, CultureInfo.InvariantCulture, out uint g) ? g
                        : throw new RuntimeError($"--additional-gids '{x}': expected a number")).ToList();
                }
                foreach (var c in o.All("cap"))
                {
                    proc.Capabilities ??= new SpecCapabilities();
                    foreach (var set in new[] { proc.Capabilities.Bounding ??= new(), proc.Capabilities.Effective ??= new(), proc.Capabilities.Permitted ??= new() })
                        if (!set.Contains(c)) set.Add(c);
                }
                if (o.Has("no-new-privs")) proc.NoNewPrivileges = true;
                return rt.Exec(id, proc, o.Get("console-socket"), o.Has("detach"), o.Get("pid-file"));
            }
            default:
                throw new RuntimeError($"unknown command '{cmd}'");
        }
    }

    private static void PrintVersion()
    {
        Console.WriteLine($"pscrun version {Version}");
        Console.WriteLine("commit: PsContainers");
        Console.WriteLine($"spec: {RuntimeSpec.CurrentVersion}");
        Console.WriteLine($"dotnet: {RuntimeInformation.FrameworkDescription}");
        Console.WriteLine($"libseccomp: {Seccomp.LibraryVersion}");
    }

    private static string Indent(string json)
    {
        using var doc = JsonDocument.Parse(json);
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true })) doc.WriteTo(w);
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>Forward SIGINT/SIGTERM/SIGHUP/SIGQUIT/SIGUSR1/SIGUSR2 to a container process while waiting for it.</summary>
    internal static IDisposable ForwardSignals(int pid)
    {
        var regs = new List<PosixSignalRegistration>();
        foreach (var (sig, num) in new[] { (PosixSignal.SIGINT, 2), (PosixSignal.SIGTERM, 15), (PosixSignal.SIGHUP, 1), (PosixSignal.SIGQUIT, 3) })
            regs.Add(PosixSignalRegistration.Create(sig, ctx => { ctx.Cancel = true; Native.Kill(pid, num); }));
        return new Regs(regs);
    }

    private sealed class Regs(List<PosixSignalRegistration> l) : IDisposable
    {
        public void Dispose() { foreach (var r in l) r.Dispose(); }
    }
}
