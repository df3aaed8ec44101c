using System.Globalization;
using System.Text;
using PsContainers.Contract;
using PsContainers.Core.Containers;
using static PsContainers.FileSystem.Libc;
using static PsContainers.FileSystem.Errno;
using static PsContainers.Monitor.Native;

namespace PsContainers.Monitor;

/// <summary>
/// Runs a container's healthcheck from its monitor, with no engine process alive (docker's daemon/health.go, done
/// per container): on its own timer it runs the probe as "&lt;runtime&gt; exec" in the container (stdout and stderr
/// into one pipe, in a session of its own), kills the probe's process group and its process in the container when it
/// exceeds the timeout (a failure, exit code -1, "Health check exceeded timeout (30s)"), applies docker's rules
/// (<see cref="ContainerHealth.Record"/>) and writes health.json (<see cref="HealthStateFile"/>) atomically after each
/// result. The supervisor's poll loop drives it: <see cref="OutputFd"/> and <see cref="ProcessFd"/> join its poll set,
/// <see cref="MillisecondsUntilDue"/> bounds its wait, <see cref="OnReaped"/> gets the probe's exit status and
/// <see cref="Tick"/> starts and times out probes.
/// The first probe runs one interval after the start (the start interval while starting in the start period);
/// <see cref="Reset"/> on every (re)start makes the status Starting again with no failing streak. No probe runs while
/// the container is paused (the engine's paused marker), as docker stops the healthcheck of a paused container.
/// </summary>
internal sealed unsafe class HealthProber
{
    private readonly MonitorContext _ctx;
    private readonly HealthConfig _config;
    private readonly string _pidFile, _pausedMarker;
    /// <summary>
    /// "&lt;runtime&gt; exec --pid-file F ID COMMAND...": the same program every interval, its C arrays built once; for a
    /// network probe "pscmon net-probe PID KIND PORT [PATH]" (<see cref="NetProbe"/>), built at each (re)start, when the
    /// init's pid is known.
    /// </summary>
    private SpawnPlan? _probe;
    /// <summary>Bytes allocated when garbage was last collected (<see cref="Finish"/>).</summary>
    private long _collectedAt;
    /// <summary>
    /// Collect garbage once the probes allocated this much since the last collection: what a probe leaves behind (its
    /// result, its output, the health.json text: a few KB) stays bounded without a full collection every interval.
    /// </summary>
    private const long CollectEveryBytes = 64 * 1024;
    private readonly ContainerHealth _health;
    private readonly byte[] _output = new byte[ContainerHealth.MaxOutputBytes];
    private int _outputLength;
    private bool _truncated;
    private int _initPid;
    private long _startedTick, _due, _deadline, _probeStartTick;
    private DateTime _probeStartUtc;
    private int _probePid = -1; // the runtime's exec process, until reaped
    private bool _recorded; // the running probe's result is already recorded (it timed out)

    public HealthProber(MonitorContext ctx, HealthConfig config)
    {
        _ctx = ctx;
        _config = config;
        _pidFile = Path.Combine(ctx.Options.Dir, ".health-probe.pid");
        if (!config.IsNetworkProbe())
        {
            var command = config.ProbeCommand() ?? throw new ArgumentException("the healthcheck has no command");
            var args = ctx.RuntimeArgs("exec", "--pid-file", _pidFile, ctx.Options.Id);
            args.AddRange(command);
            _probe = new SpawnPlan(ctx.Options.Runtime, args);
        }
        _pausedMarker = Path.Combine(ctx.Options.Dir, ContainerMarkers.Paused);
        ContainerHealth? previous = null;
        try { previous = HealthStateFile.ReadFrom(ctx.Options.Dir); } catch (Exception) { /* an unreadable record starts afresh */ }
        _health = previous ?? new ContainerHealth();
    }

    /// <summary>The running probe's output pipe (non-blocking), or -1.</summary>
    public int OutputFd { get; private set; } = -1;

    /// <summary>A pidfd of the running probe (readable when it exits), or -1.</summary>
    public int ProcessFd { get; private set; } = -1;

    /// <summary>The container (re)started with init <paramref name="initPid"/>: Starting, no streak, the first probe one interval away.</summary>
    public void Reset(int initPid)
    {
        Stop();
        _initPid = initPid;
        if (_config.IsNetworkProbe())
        {
            _probe?.Dispose();
            string self = Environment.ProcessPath ?? "/proc/self/exe";
            _probe = new SpawnPlan(self, [self, "net-probe", initPid.ToString(CultureInfo.InvariantCulture), .. _config.Test]);
        }
        _startedTick = Environment.TickCount64;
        _health.Status = HealthStatus.Starting;
        _health.FailingStreak = 0;
        _due = _startedTick + (long)NextInterval(_startedTick).TotalMilliseconds;
        Write();
    }

    /// <summary>How long the poll loop may wait before <see cref="Tick"/> has work (ms, 0 = now).</summary>
    public int MillisecondsUntilDue()
    {
        long now = Environment.TickCount64;
        long at = _probePid > 0 ? (_recorded ? now + 200 : _deadline) : _due;
        return (int)Math.Clamp(at - now, 0, int.MaxValue);
    }

    /// <summary>Start a probe when one is due; kill the running one when it exceeded the timeout.</summary>
    public void Tick()
    {
        long now = Environment.TickCount64;
        if (_probePid > 0)
        {
            if (!_recorded && now >= _deadline) TimeOut();
            return;
        }
        if (now < _due) return;
        // docker stops the healthcheck of a paused container: a probe would only hang in the frozen cgroup
        if (File.Exists(_pausedMarker)) { _due = now + (long)NextInterval(now).TotalMilliseconds; return; }
        StartProbe(now);
    }

    /// <summary>Read what the probe wrote (the first <see cref="ContainerHealth.MaxOutputBytes"/> bytes are kept).</summary>
    public void ReadOutput()
    {
        if (OutputFd < 0) return;
        byte* buf = stackalloc byte[4096];
        while (true)
        {
            nint n = read(OutputFd, buf, 4096);
            if (n > 0)
            {
                int keep = (int)Math.Min(n, _output.Length - _outputLength);
                new ReadOnlySpan<byte>(buf, keep).CopyTo(_output.AsSpan(_outputLength));
                _outputLength += keep;
                if (keep < n) _truncated = true;
                continue;
            }
            if (n < 0 && Errno == EINTR) continue;
            if (n == 0) CloseOutput(); // EOF; EAGAIN leaves it open
            return;
        }
    }

    /// <summary>A child was reaped (from the supervisor's reaping): when it is the probe, record its result.</summary>
    public void OnReaped(int pid, int exitCode)
    {
        if (pid != _probePid) return;
        ReadOutput();
        _probePid = -1;
        if (ProcessFd >= 0) { close(ProcessFd); ProcessFd = -1; }
        CloseOutput();
        try { File.Delete(_pidFile); } catch { }
        if (!_recorded) Finish(exitCode, Output());
        _recorded = false;
    }

    /// <summary>The container ended: kill a running probe and wait for it.</summary>
    public void Stop()
    {
        if (_probePid <= 0) return;
        KillProbe();
        int pid = _probePid;
        int code = Wait(pid);
        _recorded = true; // a probe cut short by the container's end is no result
        OnReaped(pid, code);
    }

    private void StartProbe(long now)
    {
        _outputLength = 0;
        _truncated = false;
        _recorded = false;
        try { File.Delete(_pidFile); } catch { }
        int* p = stackalloc int[2];
        if (pipe2(p, O_CLOEXEC | O_NONBLOCK) != 0) { _due = now + 1000; return; }
        _probeStartTick = now;
        _probeStartUtc = DateTime.UtcNow;
        _deadline = now + (long)_config.EffectiveTimeout().TotalMilliseconds;
        // its own session (setsid): the probe's whole process group can be killed at the timeout
        int pid = _probe?.Spawn(-1, p[1], p[1], newSession: true) ?? -1;
        close(p[1]);
        if (pid <= 0)
        {
            close(p[0]);
            Finish(-1, $"cannot run {_ctx.Options.Runtime} (errno {-pid})");
            return;
        }
        _probePid = pid;
        OutputFd = p[0];
        ProcessFd = PidfdOpen(pid);
        _ctx.Mark("health: probe started");
        // the probe runs for tens of milliseconds: give back what starting it faulted in meanwhile
        _ctx.Image.Trim();
    }

    private void TimeOut()
    {
        KillProbe();
        CloseOutput();
        _recorded = true;
        Finish(-1, $"Health check exceeded timeout ({GoDuration.Format(_config.EffectiveTimeout())})");
        _ctx.Mark("health: probe timed out");
    }

    /// <summary>SIGKILL the probe's process group and its process in the container (from the runtime's pid file).</summary>
    private void KillProbe()
    {
        if (_probePid > 0) kill(-_probePid, SIGKILL);
        int inner = 0;
        try { inner = int.Parse(File.ReadAllText(_pidFile).Trim(), CultureInfo.InvariantCulture); } catch { }
        // only a process in the container's pid namespace: a stale pid file must not name a host process
        if (inner > 1 && _initPid > 0 && SamePidNamespace(inner, _initPid)) kill(inner, SIGKILL);
    }

    private static bool SamePidNamespace(int a, int b)
    {
        try
        {
            string? na = new FileInfo($"/proc/{a}/ns/pid").LinkTarget, nb = new FileInfo($"/proc/{b}/ns/pid").LinkTarget;
            return na is not null && na == nb && new FileInfo("/proc/self/ns/pid").LinkTarget != na;
        }
        catch { return false; }
    }

    private string Output()
    {
        string s = Encoding.UTF8.GetString(_output, 0, _outputLength);
        return _truncated ? s + "..." : s;
    }

    private void Finish(int exitCode, string output)
    {
        var result = new HealthLogEntry { Start = _probeStartUtc, End = DateTime.UtcNow, ExitCode = exitCode, Output = output };
        bool inStartPeriod = _probeStartTick - _startedTick < (long)_config.EffectiveStartPeriod().TotalMilliseconds;
        var before = _health.Status;
        _health.Record(result, inStartPeriod, _config.EffectiveRetries());
        Write();
        // docker records a health_status event when the status changes: "health_status: healthy"
        if (_health.Status != before) _ctx.Event("health_status: " + HealthStateFile.Name(_health.Status).ToLowerInvariant());
        // the monitor idles until the next probe: collect what the probes left once it adds up, and give back the
        // file pages the probe faulted in (as after the start)
        if (GC.GetAllocatedBytesForCurrentThread() - _collectedAt >= CollectEveryBytes)
        {
            _ctx.Image.Trim(); // the collector's own code comes in on top of what is resident now: drop that first
            GC.Collect();
            _collectedAt = GC.GetAllocatedBytesForCurrentThread();
        }
        _ctx.Image.Trim();
        long now = Environment.TickCount64;
        _due = now + (long)NextInterval(now).TotalMilliseconds;
    }

    /// <summary>Docker's getInterval: the start interval while Starting within the start period, else the interval.</summary>
    private TimeSpan NextInterval(long now) =>
        now - _startedTick < (long)_config.EffectiveStartPeriod().TotalMilliseconds && _health.Status == HealthStatus.Starting
            ? _config.EffectiveStartInterval() : _config.EffectiveInterval();

    private void CloseOutput()
    {
        if (OutputFd >= 0) { close(OutputFd); OutputFd = -1; }
    }

    /// <summary>
    /// health.json, replaced atomically but not flushed to disk: it describes the running container only (after a host
    /// crash the container is gone and its next start writes a new record; the engine reads an unreadable record as
    /// none), and a flush per probe cost a sixth of the monitor's CPU and 5-10 ms of waiting every interval.
    /// </summary>
    private void Write() => StateWriter.WriteAtomically(_ctx.Options.Dir, HealthStateFile.FileName, HealthStateFile.ToUtf8(_health), durable: false);
}
