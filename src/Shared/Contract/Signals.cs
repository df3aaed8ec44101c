using System.Globalization;

namespace PsContainers.Contract;

/// <summary>
/// Linux signal names and numbers (x86-64/arm64 numbering, signal(7)), parsed the way docker kill and runc kill
/// accept them: a number 1-64, a name with or without "SIG" in any case ("SIGTERM", "TERM", "term"), or a real-time
/// signal "RTMIN", "RTMIN+n", "RTMAX-n", "RTMAX" (SIGRTMIN = 34 as glibc reserves 32 and 33, SIGRTMAX = 64).
/// </summary>
public static class Signals
{
    public const int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGKILL = 9, SIGUSR1 = 10, SIGUSR2 = 12, SIGTERM = 15, SIGCONT = 18, SIGSTOP = 19;

    /// <summary>The first and last real-time signal as user space sees them (glibc).</summary>
    public const int RtMin = 34, RtMax = 64;

    // index = signal number
    private static readonly string[] Names =
    [
        "", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM",
        "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
    ];

    /// <summary>Parse a signal name or number; false for anything else (0, 65+, unknown names, "RTMIN+31").</summary>
    public static bool TryParse(string? text, out int signal)
    {
        signal = 0;
        if (string.IsNullOrWhiteSpace(text)) return false;
        string s = text.Trim().ToUpperInvariant();
        if (int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int n))
        {
            if (n is < 1 or > RtMax) return false;
            signal = n;
            return true;
        }
        if (s.StartsWith("SIG", StringComparison.Ordinal)) s = s[3..];
        int i = Array.IndexOf(Names, s);
        if (i > 0) { signal = i; return true; }
        int rt = s switch
        {
            "RTMIN" => RtMin,
            "RTMAX" => RtMax,
            _ when s.StartsWith("RTMIN+", StringComparison.Ordinal) && Offset(s[6..]) is int k => RtMin + k,
            _ when s.StartsWith("RTMAX-", StringComparison.Ordinal) && Offset(s[6..]) is int k => RtMax - k,
            _ => 0,
        };
        if (rt is < RtMin or > RtMax) return false;
        signal = rt;
        return true;
    }

    private static int? Offset(string s) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k <= RtMax - RtMin ? k : null;

    /// <summary>
    /// The canonical name of a signal number: "SIGTERM", "SIGRTMIN", "SIGRTMIN+3"; null outside 1-64 (and for 32, 33,
    /// which glibc keeps for itself).
    /// </summary>
    public static string? NameOf(int signal) => signal switch
    {
        > 0 and < 32 => "SIG" + Names[signal],
        RtMin => "SIGRTMIN",
        > RtMin and <= RtMax => "SIGRTMIN+" + (signal - RtMin).ToString(CultureInfo.InvariantCulture),
        _ => null,
    };
}
