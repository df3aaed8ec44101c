using System.Diagnostics;

namespace PsContainers.Core.Containers;

/// <summary>Phase timings on stderr when $env:PSCONTAINERS_TRACE is set (for profiling container starts and build steps).</summary>
internal static class PhaseTrace
{
    private static readonly bool s_on = EngineEnvironment.Trace;
    [ThreadStatic] private static long t_last;

    public static void Mark(string phase)
    {
        if (!s_on) return;
        long now = Stopwatch.GetTimestamp();
        if (t_last != 0) Console.Error.WriteLine($"psc-trace {DateTime.Now:HH:mm:ss.ffffff} +{Stopwatch.GetElapsedTime(t_last, now).TotalMilliseconds,7:N2} ms  {phase}");
        else Console.Error.WriteLine($"psc-trace {DateTime.Now:HH:mm:ss.ffffff} {phase}");
        t_last = now;
    }
}
