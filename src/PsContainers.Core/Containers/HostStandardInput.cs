using PsContainers.FileSystem;

namespace PsContainers.Core.Containers;

/// <summary>
/// This process' standard input (fd 0: a terminal, a pipe or a file) as a read-only stream whose reads can be stopped
/// (<see cref="Stop"/>): the source of -Interactive without -Tty (docker run -i / docker exec -i). A read waits in
/// poll(2) on fd 0 and on a private wake-up pipe, and only reads fd 0 once poll says it has input, so that
/// <see cref="Stop"/> (the container's process exited) ends a waiting read at once with 0 (end of stream) and no byte
/// typed after that is consumed: the terminal's next line belongs to the PowerShell prompt (PSReadLine) again.
/// <para>Why not Console.OpenStandardInput: on a terminal its read blocks in read(2) (through .NET's console reader)
/// with no way to interrupt it, so after the container exited the copy thread went on reading the terminal, took the
/// user's next keys and held the console reader that the prompt needs (issue 10, item 11: the prompt never came back).
/// docker's CLI copies stdin in a goroutine and, on exit, returns and leaves it blocked, which does not matter because
/// the docker process exits; a PowerShell session lives on, so the read must be stopped instead.</para>
/// <para>On a terminal the line discipline does the line editing and echo, as for docker run -i in a shell (cooked
/// mode): PowerShell leaves the terminal non-canonical without echo while a command runs (.NET's console reader
/// edited and echoed lines itself), so the first read sets ICANON, ECHO, ECHOE, ECHOK and ICRNL (termios(3); Enter
/// ends a line, Ctrl+D at a line's start ends the input) and <see cref="Stop"/> restores the saved mode
/// (tcsetattr TCSANOW, pending input kept). A stream that is never read never changes the mode. fd 0 is not owned:
/// <see cref="Dispose(bool)"/> closes only the wake-up pipe. Errors: a failing poll or read throws
/// <see cref="IOException"/> with the errno; EIO and POLLNVAL (a terminal hung up, fd 0 closed) end the stream.</para>
/// </summary>
public sealed unsafe class HostStandardInput : Stream
{
    private const int EINTR = 4, EAGAIN = 11, EIO = 5;
    private const short POLLNVAL = 0x20;
    private readonly int _fd, _wakeRead, _wakeWrite;
    private readonly object _gate = new();
    private volatile bool _stopped;
    private bool _closed;

    /// <summary>Opens the wake-up pipe; fd 0 is read as it is.</summary>
    /// <exception cref="IOException">pipe2(2) failed.</exception>
    public HostStandardInput() : this(0) { }

    /// <summary>The same over another descriptor <paramref name="fd"/> (not owned; tests give a pipe).</summary>
    internal HostStandardInput(int fd)
    {
        _fd = fd;
        int* fds = stackalloc int[2];
        if (Libc.pipe2(fds, Libc.O_CLOEXEC | Libc.O_NONBLOCK) != 0) throw new IOException($"pipe2: errno {Libc.Errno}");
        _wakeRead = fds[0];
        _wakeWrite = fds[1];
    }

    /// <summary>True once <see cref="Stop"/> (or Dispose) was called: reads return 0 from then on.</summary>
    public bool IsStopped => _stopped;

    /// <summary>
    /// Ends reading: restores the terminal's mode when a read changed it, a read waiting in poll returns 0 at once,
    /// later reads return 0 without touching fd 0. Idempotent, callable from any thread.
    /// </summary>
    public void Stop()
    {
        if (_stopped) return;
        _stopped = true;
        RestoreMode();
        lock (_wakeGate)
        {
            if (_wakeClosed) return;
            byte b = 1;
            Libc.write(_wakeWrite, &b, 1);
        }
    }

    private readonly object _wakeGate = new();
    private bool _wakeClosed;

    // termios(3) on x86-64 glibc: c_iflag at 0, c_lflag at 12 (struct of 60 bytes; 128 given as elsewhere)
    private const uint ICRNL = 0x100, ICANON = 0x2, ECHO = 0x8, ECHOE = 0x10, ECHOK = 0x20;
    private const int TCSANOW = 0;
    private readonly object _modeGate = new();
    private byte[]? _savedMode; // the terminal's mode before the first read made it cooked; null when not changed
    private bool _modeTried;

    /// <summary>On a terminal, once and unless stopped: save its mode and make it cooked (the class summary).</summary>
    private void EnterCookedMode()
    {
        lock (_modeGate)
        {
            if (_stopped || _savedMode is not null || _modeTried) return;
            _modeTried = true;
            var saved = new byte[128];
            var cooked = new byte[128];
            fixed (byte* sp = saved) if (Libc.tcgetattr(_fd, sp) != 0) return; // not a terminal
            saved.CopyTo(cooked, 0);
            fixed (byte* cp = cooked)
            {
                *(uint*)cp |= ICRNL;
                *(uint*)(cp + 12) |= ICANON | ECHO | ECHOE | ECHOK;
                if (Libc.tcsetattr(_fd, TCSANOW, cp) != 0) return;
            }
            _savedMode = saved;
        }
    }

    /// <summary>Puts back the mode <see cref="EnterCookedMode"/> saved, once.</summary>
    private void RestoreMode()
    {
        lock (_modeGate)
        {
            if (_savedMode is null) return;
            fixed (byte* sp = _savedMode) Libc.tcsetattr(_fd, TCSANOW, sp);
            _savedMode = null;
        }
    }

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty) return 0;
        lock (_gate)
        {
            EnterCookedMode();
            while (true)
            {
                if (_stopped || _closed) return 0;
                var pfd = stackalloc Libc.PollFd[2];
                pfd[0] = new Libc.PollFd { fd = _fd, events = Libc.POLLIN };
                pfd[1] = new Libc.PollFd { fd = _wakeRead, events = Libc.POLLIN };
                if (Libc.poll(pfd, 2, -1) < 0)
                {
                    int e = Libc.Errno;
                    if (e == EINTR) continue;
                    throw new IOException($"poll on standard input: errno {e}");
                }
                if (_stopped || pfd[1].revents != 0) return 0;
                if ((pfd[0].revents & POLLNVAL) != 0) return 0;
                if ((pfd[0].revents & (Libc.POLLIN | Libc.POLLHUP | Libc.POLLERR)) == 0) continue;
                nint n;
                fixed (byte* p = buffer) n = Libc.read(_fd, p, (nuint)buffer.Length);
                if (n >= 0) return (int)n;
                int err = Libc.Errno;
                if (err is EINTR or EAGAIN) continue;   // (fd 0 may be non-blocking: poll again)
                if (err == EIO) return 0;                // a terminal that hung up
                throw new IOException($"read of standard input: errno {err}");
            }
        }
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <summary>Stops reading (<see cref="Stop"/>), waits for a read in progress to return, then closes the wake-up pipe.</summary>
    protected override void Dispose(bool disposing)
    {
        Stop();
        lock (_gate)
        {
            if (!_closed)
            {
                _closed = true;
                lock (_wakeGate)
                {
                    _wakeClosed = true;
                    Libc.close(_wakeRead);
                    Libc.close(_wakeWrite);
                }
            }
        }
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
