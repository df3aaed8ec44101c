using System.Globalization;
using System.Text;

namespace PsContainers.Contract;

/// <summary>
/// The room execve(2) gives a program's arguments and environment (Linux fs/exec.c, bprm_stack_limits and
/// copy_strings): each string, its NUL included, at most <see cref="MaxStringBytes"/>; all of them plus one pointer each
/// at most a quarter of the soft RLIMIT_STACK, capped at 6 MiB and never below 128 KiB. Beyond it execve fails with
/// E2BIG ("argument list too long"), which docker reports as a command that cannot be executed (exit status 126,
/// <see cref="StartFailure.CannotExecute"/>). Checked before a process is started, by pscrun for a container's process
/// and by the engine for the runtime's command line, so the error is the same on every path and nothing is half made.
/// </summary>
public static class ExecArgumentLimit
{
    /// <summary>MAX_ARG_STRLEN: 32 pages of 4 KiB (bytes, NUL included).</summary>
    public const int MaxStringBytes = 32 * 4096;

    /// <summary>docker's words for E2BIG on exec: <c>exec: "CMD": argument list too long</c> (runc's exec wording).</summary>
    public static string Message(string command) => $"exec: \"{command}\": argument list too long";

    /// <summary>
    /// Whether execve would refuse <paramref name="args"/> and <paramref name="env"/> with E2BIG for a process whose
    /// soft stack limit is <paramref name="stackLimit"/> bytes (null: this process' own, see <see cref="OwnStackLimit"/>).
    /// </summary>
    public static bool Exceeded(IEnumerable<string> args, IEnumerable<string> env, ulong? stackLimit = null)
    {
        long strings = 0;
        int count = 0;
        foreach (var s in args.Concat(env))
        {
            long n = Encoding.UTF8.GetByteCount(s) + 1;
            if (n > MaxStringBytes) return true;
            strings += n;
            count++;
        }
        ulong stack = stackLimit ?? OwnStackLimit();
        ulong room = Math.Max(Math.Min(6UL << 20, stack / 4), (ulong)MaxStringBytes);
        ulong pointers = (ulong)Math.Max(count, 1) * 8;
        return room <= pointers || (ulong)strings > room - pointers;
    }

    /// <summary>This process' soft RLIMIT_STACK in bytes (ulong.MaxValue when unlimited), from /proc/self/limits; 8 MiB when unreadable.</summary>
    public static ulong OwnStackLimit()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (!line.StartsWith("Max stack size", StringComparison.Ordinal)) continue;
                var f = line[14..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return f.Length > 0 && ulong.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out ulong v) ? v : ulong.MaxValue;
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return 8UL << 20;
    }
}
