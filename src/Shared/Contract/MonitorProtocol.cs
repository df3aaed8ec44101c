using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace PsContainers.Contract;

/// <summary>
/// The framed stream a container monitor (pscmon) writes on its standard output for the process that launched it
/// (the engine in pwsh). One frame = 1 type byte (<see cref="MonitorFrameType"/>), a 4-byte little-endian payload
/// length, the payload. The shape follows conmon's sync pipe (a started/failed report) with attached output
/// multiplexed like docker's attach stream (stdout/stderr tagged, then the exit).
/// <code>
///  pwsh (Core: MonitorClient)
///    |  spawns: pscmon --id ID --dir DIR --bundle DIR --restart POLICY [--attach] [--stdin] ...
///    |  stdin ---------------------------------&gt; (only with --stdin: the container's stdin)
///    |  stdout &lt;---- 'S' pid | 'E' message ------ pscmon (setsid, child subreaper)
///    |         &lt;---- '1' bytes, '2' bytes ...     |   spawns: pscrun [--root R] create --bundle DIR --pid-file F ID
///    |         &lt;---- 'X' exit code              |           (container stdio = pscmon's pipes or a pty)
///    |  (not attached: pscmon detaches after 'S'; |   spawns: pscrun start ID ; reaps the container's init
///    |   its stdout then goes to /dev/null)       |   writes DIR/state.json (ContainerStateFile), DIR/json.log
///    |                                            |   on exit: pscrun delete --force ID, restart per RestartPolicy,
///    |  reads DIR/state.json, writes markers      |   unmount, exit command, --rm removal
///    |  (ContainerMarkers: userstop, paused ...) --+--&gt; read by pscmon (userstop stops a restart)
/// </code>
/// Frames in order: exactly one of Started or Failed first; with --attach then any number of Stdout/Stderr and one
/// Exit. After Failed or Exit nothing follows. The launcher reads until <see cref="MonitorFrameType.None"/> (end of
/// stream), which also ends a detached monitor's stream right after Started.
/// </summary>
public static class MonitorProtocol
{
    /// <summary>The header length in bytes: type + int32 little-endian length.</summary>
    public const int HeaderLength = 5;

    /// <summary>The largest payload a reader accepts (a frame carries at most one pipe read).</summary>
    public const int MaxPayload = 16 << 20;

    /// <summary>Encode one frame (header + payload) into a new array.</summary>
    public static byte[] Encode(MonitorFrameType type, ReadOnlySpan<byte> payload)
    {
        if (type == MonitorFrameType.None) throw new ArgumentException("The end-of-stream marker is not a frame.", nameof(type));
        var f = new byte[HeaderLength + payload.Length];
        f[0] = (byte)type;
        BinaryPrimitives.WriteInt32LittleEndian(f.AsSpan(1, 4), payload.Length);
        payload.CopyTo(f.AsSpan(HeaderLength));
        return f;
    }

    /// <summary>Encode a frame whose payload is a decimal number (Started: pid, Exit: exit code).</summary>
    public static byte[] Encode(MonitorFrameType type, int number) =>
        Encode(type, Encoding.ASCII.GetBytes(number.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Encode a frame whose payload is UTF-8 text (Failed: the message).</summary>
    public static byte[] Encode(MonitorFrameType type, string text) => Encode(type, Encoding.UTF8.GetBytes(text));

    /// <summary>Write one frame to a stream.</summary>
    public static void Write(Stream s, MonitorFrameType type, ReadOnlySpan<byte> payload) => s.Write(Encode(type, payload));

    /// <summary>
    /// Read one frame; <see cref="MonitorFrame.End"/> when the stream ends (also in the middle of a frame: a monitor
    /// that died mid-write has nothing more to say) or when a header is malformed (negative or oversized length).
    /// Blocks until a whole frame arrived.
    /// </summary>
    public static MonitorFrame Read(Stream s)
    {
        Span<byte> h = stackalloc byte[HeaderLength];
        if (!ReadExactly(s, h)) return MonitorFrame.End;
        int n = BinaryPrimitives.ReadInt32LittleEndian(h[1..]);
        if (n < 0 || n > MaxPayload || h[0] == 0) return MonitorFrame.End;
        var payload = n == 0 ? [] : new byte[n];
        if (!ReadExactly(s, payload)) return MonitorFrame.End;
        return new MonitorFrame((MonitorFrameType)h[0], payload);
    }

    private static bool ReadExactly(Stream s, Span<byte> buf)
    {
        int off = 0;
        while (off < buf.Length)
        {
            int n = s.Read(buf[off..]);
            if (n <= 0) return false;
            off += n;
        }
        return true;
    }
}
