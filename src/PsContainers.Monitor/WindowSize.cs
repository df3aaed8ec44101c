using static PsContainers.FileSystem.Libc;

namespace PsContainers.Monitor;

/// <summary>
/// The caller's terminal size followed for a container's terminal, the one way every terminal path of pscmon does it
/// (the -Interactive -Tty run and exec -it in <see cref="TerminalRelay"/>, Connect-Container in
/// <see cref="AttachClient"/>): standard input's <c>struct winsize</c> (TIOCGWINSZ, 8 bytes: rows, columns, x and y
/// pixels, 16 bits each) is read once at the start and again after every poll round of at most
/// <see cref="PollMilliseconds"/>, and a changed size is applied to the container's terminal (TIOCSWINSZ on its
/// master, which signals SIGWINCH to its foreground process group, as docker's resize does). Polling instead of a
/// SIGWINCH handler keeps the relays single-threaded and signal-free; a resize shows within a quarter second.
/// </summary>
internal static unsafe class WindowSize
{
    /// <summary>The longest a relay waits before it looks at the size again (ms).</summary>
    public const int PollMilliseconds = 250;

    /// <summary>The bytes of one size on the resize socket: a native struct winsize.</summary>
    public const int WireBytes = 8;

    /// <summary>
    /// Standard input's size when it differs from <paramref name="last"/> (which then becomes it); false when it is
    /// unchanged or standard input is not a terminal.
    /// </summary>
    public static bool Changed(ref ulong last, out ulong size)
    {
        ulong ws = 0;
        size = 0;
        if (ioctl(0, TIOCGWINSZ, &ws) != 0 || ws == last) return false;
        last = size = ws;
        return true;
    }

    /// <summary>Set a pseudo-terminal's size (<paramref name="master"/>: its master), from a struct winsize.</summary>
    public static void Apply(int master, ulong size)
    {
        if (master >= 0 && size != 0) ioctl(master, TIOCSWINSZ, &size);
    }

    /// <summary>
    /// The socket on which a container's monitor takes new sizes for its terminal (<see cref="AttachServer"/>), beside
    /// its attach socket: a client connects, writes <see cref="WireBytes"/> bytes and closes.
    /// </summary>
    public static string ResizeSocketOf(string attachSocket) => attachSocket + ".winsize";
}
