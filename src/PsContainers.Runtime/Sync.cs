using System.Text;

namespace PsContainers.Runtime;

/// <summary>Framed messages on the sync socket: type byte (<see cref="SyncMessage"/>), 4-byte length, payload.</summary>
internal static class Sync
{
    public static void Send(int fd, SyncMessage type, string payload = "")
    {
        var p = Encoding.UTF8.GetBytes(payload);
        var buf = new byte[5 + p.Length];
        buf[0] = (byte)type;
        BitConverter.TryWriteBytes(buf.AsSpan(1), (uint)p.Length);
        p.CopyTo(buf, 5);
        int e = Native.WriteAll(fd, buf);
        if (e != 0) throw Native.Fail("sync write", e);
    }

    /// <summary>Receive one message; null on EOF.</summary>
    public static (SyncMessage Type, string Payload)? Receive(int fd)
    {
        Span<byte> hdr = stackalloc byte[5];
        if (!ReadExact(fd, hdr)) return null;
        uint len = BitConverter.ToUInt32(hdr[1..]);
        if (len > 64 * 1024 * 1024) throw new RuntimeError("sync: message too large");
        var payload = new byte[len];
        if (len > 0 && !ReadExact(fd, payload)) return null;
        return ((SyncMessage)hdr[0], Encoding.UTF8.GetString(payload));
    }

    private static bool ReadExact(int fd, Span<byte> buf)
    {
        int off = 0;
        while (off < buf.Length)
        {
            int r = Native.Read(fd, buf[off..]);
            if (r == 0) return false;
            if (r < 0) { if (-r == Native.ECONNRESET) return false; throw Native.Fail("sync read", -r); }
            off += r;
        }
        return true;
    }
}
