using System.Globalization;
using PsContainers.Contract;

// Part of the contract (src/Shared/Contract) but in the engine's namespace: Config.Healthcheck of a container, which
// pscmon compiles from the same file to read its command line.
namespace PsContainers.Core.Containers;

/// <summary>
/// A healthcheck, in docker's shape (Go's <c>container.HealthConfig</c>; the image config's <c>Healthcheck</c> and
/// docker inspect's <c>Config.Healthcheck</c>):
/// <code>{"Test":["CMD-SHELL","wget -q -O- localhost"],"Interval":30000000000,"Timeout":30000000000,"StartPeriod":0,"StartInterval":0,"Retries":3}</code>
/// <see cref="Test"/> is <c>["NONE"]</c> (disabled), <c>["CMD", exe, args...]</c> (run directly) or
/// <c>["CMD-SHELL", script]</c> (run with /bin/sh -c); an empty Test inherits the image's. Two more tests are
/// PsContainers' own, for Kubernetes' httpGet and tcpSocket probes (Import-ContainerKube): <c>["HTTP-GET", port,
/// path]</c> (an HTTP/1.1 GET of http://127.0.0.1:port/path; a status 200-399 is healthy) and <c>["TCP-SOCKET",
/// port]</c> (a TCP connection to 127.0.0.1:port opens); pscmon makes them itself in the container's network
/// namespace, so the image needs no curl or nc. Durations are in nanoseconds
/// and 0 means "docker's default" (<see cref="DefaultInterval"/> ...), as in docker, so a stored record reads the same
/// way docker's does.
/// </summary>
public sealed class HealthConfig
{
    /// <summary>Docker's defaults (daemon/health.go): interval 30 s, timeout 30 s, start period 0, start interval 5 s, 3 retries.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(30), DefaultTimeout = TimeSpan.FromSeconds(30),
        DefaultStartPeriod = TimeSpan.Zero, DefaultStartInterval = TimeSpan.FromSeconds(5);
    /// <summary>Docker's default number of consecutive failures before "unhealthy".</summary>
    public const int DefaultRetries = 3;
    /// <summary>The shortest non-zero duration docker accepts (1 ms).</summary>
    public static readonly TimeSpan MinimumDuration = TimeSpan.FromMilliseconds(1);

    /// <summary>["NONE"], ["CMD", ...], ["CMD-SHELL", script], or empty (inherit the image's).</summary>
    public string[] Test { get; set; } = [];
    /// <summary>Between two probes, in ns; 0 = 30 s.</summary>
    public long Interval { get; set; }
    /// <summary>The longest a probe may run before it is killed and counts as failed, in ns; 0 = 30 s.</summary>
    public long Timeout { get; set; }
    /// <summary>After a start, the time in which failures do not count (a success ends it), in ns; 0 = none.</summary>
    public long StartPeriod { get; set; }
    /// <summary>Between two probes during the start period while still "starting", in ns; 0 = 5 s.</summary>
    public long StartInterval { get; set; }
    /// <summary>Consecutive failures that make the container unhealthy; 0 = 3.</summary>
    public int Retries { get; set; }

    /// <summary>A healthcheck that runs probes: a CMD or CMD-SHELL test (not NONE, not empty).</summary>
    public bool IsActive() => Test.Length > 1 && Test[0] is "CMD" or "CMD-SHELL" or HttpGet or TcpSocket;

    /// <summary>The test words of the network probes: <c>["HTTP-GET", port, path]</c> and <c>["TCP-SOCKET", port]</c>.</summary>
    public const string HttpGet = "HTTP-GET", TcpSocket = "TCP-SOCKET";

    /// <summary>An HTTP-GET or TCP-SOCKET test: made by the monitor in the container's network namespace, not run as a command.</summary>
    public bool IsNetworkProbe() => Test.Length > 1 && Test[0] is HttpGet or TcpSocket;

    /// <summary>The interval with the default applied.</summary>
    public TimeSpan EffectiveInterval() => OrDefault(Interval, DefaultInterval);
    /// <summary>The timeout with the default applied.</summary>
    public TimeSpan EffectiveTimeout() => OrDefault(Timeout, DefaultTimeout);
    /// <summary>The start period with the default applied.</summary>
    public TimeSpan EffectiveStartPeriod() => OrDefault(StartPeriod, DefaultStartPeriod);
    /// <summary>The start interval with the default applied.</summary>
    public TimeSpan EffectiveStartInterval() => OrDefault(StartInterval, DefaultStartInterval);
    /// <summary>The retries with the default applied.</summary>
    public int EffectiveRetries() => Retries > 0 ? Retries : DefaultRetries;

    private static TimeSpan OrDefault(long ns, TimeSpan d) => ns > 0 ? TimeSpan.FromTicks(ns / 100) : d;

    /// <summary>Nanoseconds of a TimeSpan (docker's unit for the durations).</summary>
    public static long ToNanoseconds(TimeSpan t) => t.Ticks * 100;

    /// <summary>
    /// The command a probe runs: CMD's arguments, or <paramref name="shell"/> (default ["/bin/sh","-c"], docker's
    /// default SHELL) followed by the CMD-SHELL script; null when the healthcheck is not <see cref="IsActive"/> or is a
    /// network probe (<see cref="IsNetworkProbe"/>).
    /// </summary>
    public IReadOnlyList<string>? ProbeCommand(IReadOnlyList<string>? shell = null)
    {
        if (!IsActive() || IsNetworkProbe()) return null;
        if (Test[0] == "CMD") return Test[1..];
        var l = new List<string>(shell is { Count: > 0 } ? shell : ["/bin/sh", "-c"]) { string.Join(' ', Test[1..]) };
        return l;
    }

    /// <summary>
    /// The container's healthcheck from the user's settings over the image's (docker's daemon merge): no user
    /// settings take the image's; otherwise an empty Test and each zero field take the image's value. Null when
    /// neither has one.
    /// </summary>
    public static HealthConfig? Merge(HealthConfig? user, HealthConfig? image)
    {
        if (user is null) return image?.Clone();
        var m = user.Clone();
        if (image is null) return m;
        if (m.Test.Length == 0) m.Test = image.Test.ToArray();
        if (m.Interval == 0) m.Interval = image.Interval;
        if (m.Timeout == 0) m.Timeout = image.Timeout;
        if (m.StartPeriod == 0) m.StartPeriod = image.StartPeriod;
        if (m.StartInterval == 0) m.StartInterval = image.StartInterval;
        if (m.Retries == 0) m.Retries = image.Retries;
        return m;
    }

    /// <summary>A copy.</summary>
    public HealthConfig Clone() => new()
    {
        Test = Test.ToArray(), Interval = Interval, Timeout = Timeout, StartPeriod = StartPeriod, StartInterval = StartInterval, Retries = Retries,
    };

    /// <summary>
    /// The first rule the settings break (docker's checks: durations not negative and, when set, at least 1 ms;
    /// retries not negative; Test's first word NONE, CMD or CMD-SHELL, CMD and CMD-SHELL with a command), or null.
    /// </summary>
    public string? Validate()
    {
        foreach (var (name, ns) in new[] { ("interval", Interval), ("timeout", Timeout), ("start period", StartPeriod), ("start interval", StartInterval) })
        {
            if (ns < 0) return $"The health {name} cannot be negative.";
            if (ns > 0 && ns < ToNanoseconds(MinimumDuration)) return $"The health {name} must be at least 1ms.";
        }
        if (Retries < 0) return "The health retries cannot be negative.";
        if (Test.Length > 0 && Test[0] is not ("NONE" or "CMD" or "CMD-SHELL" or HttpGet or TcpSocket))
            return $"A healthcheck test starts with NONE, CMD or CMD-SHELL, not '{Test[0]}'.";
        if (Test.Length > 0 && Test[0] is HttpGet or TcpSocket)
        {
            if (Test.Length != (Test[0] == HttpGet ? 3 : 2) || !int.TryParse(Test[1], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
                return Test[0] == HttpGet ? "An HTTP-GET healthcheck is [\"HTTP-GET\", port 1-65535, path]." : "A TCP-SOCKET healthcheck is [\"TCP-SOCKET\", port 1-65535].";
            if (Test[0] == HttpGet && (!Test[2].StartsWith('/') || Test[2].Any(ch => ch <= ' ' || ch == 0x7f)))
                return $"The HTTP-GET healthcheck path '{Test[2]}' must start with '/' and hold no space or control character.";
        }
        if (Test.Length == 1 && Test[0] is "CMD" or "CMD-SHELL") return $"A {Test[0]} healthcheck needs a command.";
        return null;
    }

    // ------------------------------------------------------------------ pscmon's command line

    /// <summary>
    /// The healthcheck as pscmon's options: --health-test WORD (repeated, Test in order), --health-interval NS,
    /// --health-timeout NS, --health-start-period NS, --health-start-interval NS, --health-retries N (effective values).
    /// </summary>
    public List<string> ToMonitorArguments()
    {
        var a = new List<string>();
        foreach (var t in Test) { a.Add("--health-test"); a.Add(t); }
        void Add(string name, long v) { a.Add(name); a.Add(v.ToString(CultureInfo.InvariantCulture)); }
        Add("--health-interval", ToNanoseconds(EffectiveInterval()));
        Add("--health-timeout", ToNanoseconds(EffectiveTimeout()));
        Add("--health-start-period", ToNanoseconds(EffectiveStartPeriod()));
        Add("--health-start-interval", ToNanoseconds(EffectiveStartInterval()));
        Add("--health-retries", EffectiveRetries());
        return a;
    }

    /// <summary>
    /// Apply one of <see cref="ToMonitorArguments"/>' options to <paramref name="config"/> (made when null);
    /// false when <paramref name="name"/> is not one of them.
    /// </summary>
    /// <exception cref="FormatException">A number that does not parse.</exception>
    public static bool TryApplyMonitorArgument(ref HealthConfig? config, string name, Func<string> value)
    {
        if (!name.StartsWith("--health-", StringComparison.Ordinal)) return false;
        var c = config ?? new HealthConfig();
        switch (name)
        {
            case "--health-test": c.Test = [.. c.Test, value()]; break;
            case "--health-interval": c.Interval = long.Parse(value(), CultureInfo.InvariantCulture); break;
            case "--health-timeout": c.Timeout = long.Parse(value(), CultureInfo.InvariantCulture); break;
            case "--health-start-period": c.StartPeriod = long.Parse(value(), CultureInfo.InvariantCulture); break;
            case "--health-start-interval": c.StartInterval = long.Parse(value(), CultureInfo.InvariantCulture); break;
            case "--health-retries": c.Retries = int.Parse(value(), CultureInfo.InvariantCulture); break;
            default: return false;
        }
        config = c;
        return true;
    }

    public override string ToString() => Test.Length == 0 ? "(image's)" : string.Join(' ', Test);
}
