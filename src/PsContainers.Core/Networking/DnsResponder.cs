using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace PsContainers.Core.Networking;

/// <summary>The question of a DNS query.</summary>
public sealed class DnsQuestion
{
    /// <summary>The name as asked (labels joined by dots, no trailing dot).</summary>
    public string Name { get; set; } = "";
    public ushort Type { get; set; }
    public ushort Class { get; set; }
}

/// <summary>
/// Encoding and decoding of the few DNS messages the network's name server needs (RFC 1035): a standard query
/// with one question, and the answer to it. Anything else is refused by the parser, never trusted.
/// </summary>
public static class DnsPacket
{
    public const ushort TypeA = 1, TypeAAAA = 28, ClassIN = 1;
    public const byte NoError = 0, FormErr = 1, ServFail = 2, NxDomain = 3, NotImp = 4, Refused = 5;
    public const int HeaderLength = 12;

    /// <summary>
    /// Parse a query: a request (QR=0) with opcode QUERY and exactly one question. False for anything malformed
    /// (truncated, bad labels, compression loops, a response) — such packets are dropped.
    /// </summary>
    public static bool TryParseQuery(ReadOnlySpan<byte> p, out ushort id, out DnsQuestion question, out int questionEnd)
    {
        id = 0; question = new DnsQuestion(); questionEnd = 0;
        if (p.Length < HeaderLength || p.Length > 4096) return false;
        id = BinaryPrimitives.ReadUInt16BigEndian(p);
        ushort flags = BinaryPrimitives.ReadUInt16BigEndian(p[2..]);
        if ((flags & 0x8000) != 0) return false;          // a response, not a query
        if (((flags >> 11) & 0xF) != 0) return false;     // opcode other than QUERY
        if (BinaryPrimitives.ReadUInt16BigEndian(p[4..]) != 1) return false;
        int pos = HeaderLength;
        if (!TryReadName(p, ref pos, out var name)) return false;
        if (pos + 4 > p.Length) return false;
        question.Name = name;
        question.Type = BinaryPrimitives.ReadUInt16BigEndian(p[pos..]);
        question.Class = BinaryPrimitives.ReadUInt16BigEndian(p[(pos + 2)..]);
        questionEnd = pos + 4;
        return true;
    }

    /// <summary>Read a (possibly compressed) domain name at pos; pos moves past it in the message.</summary>
    public static bool TryReadName(ReadOnlySpan<byte> p, ref int pos, out string name)
    {
        name = "";
        var sb = new StringBuilder();
        int cur = pos, jumps = 0, end = -1, total = 0;
        while (true)
        {
            if (cur >= p.Length) return false;
            byte len = p[cur];
            if ((len & 0xC0) == 0xC0)
            {
                if (cur + 1 >= p.Length) return false;
                int target = ((len & 0x3F) << 8) | p[cur + 1];
                if (end < 0) end = cur + 2;
                // a pointer must go backwards (to an earlier name), which also rules out loops
                if (target >= cur || ++jumps > 32) return false;
                cur = target;
                continue;
            }
            if ((len & 0xC0) != 0) return false;          // reserved label types
            if (len == 0) { cur++; break; }
            if (cur + 1 + len > p.Length) return false;
            total += len + 1;
            if (total > 255) return false;
            if (sb.Length > 0) sb.Append('.');
            foreach (byte b in p.Slice(cur + 1, len))
            {
                if (b <= 0x20 || b >= 0x7F || b == '.') return false; // nothing a container name could be
                sb.Append((char)b);
            }
            cur += 1 + len;
        }
        pos = end >= 0 ? end : cur;
        name = sb.ToString();
        return true;
    }

    /// <summary>Encode a name as labels (no compression).</summary>
    public static void WriteName(List<byte> o, string name)
    {
        foreach (var label in name.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var b = Encoding.ASCII.GetBytes(label);
            if (b.Length > 63) throw new ArgumentException("label too long", nameof(name));
            o.Add((byte)b.Length);
            o.AddRange(b);
        }
        o.Add(0);
    }

    /// <summary>A standard query for one name (recursion desired).</summary>
    public static byte[] BuildQuery(ushort id, string name, ushort type = TypeA)
    {
        var o = new List<byte>(64);
        AddU16(o, id); AddU16(o, 0x0100); AddU16(o, 1); AddU16(o, 0); AddU16(o, 0); AddU16(o, 0);
        WriteName(o, name);
        AddU16(o, type); AddU16(o, ClassIN);
        return o.ToArray();
    }

    /// <summary>
    /// The answer to a parsed query: the question echoed, the given IPv4 addresses as A records (authoritative),
    /// and the response code. RD is copied from the query; recursion is available (other names are forwarded).
    /// </summary>
    public static byte[] BuildResponse(ReadOnlySpan<byte> query, DnsQuestion q, byte rcode, IReadOnlyList<IPAddress> addresses, uint ttl = 5)
    {
        ushort id = BinaryPrimitives.ReadUInt16BigEndian(query);
        ushort qflags = BinaryPrimitives.ReadUInt16BigEndian(query[2..]);
        ushort flags = (ushort)(0x8000 | 0x0400 | (qflags & 0x0100) | 0x0080 | (rcode & 0xF));
        var o = new List<byte>(64 + addresses.Count * 16);
        AddU16(o, id); AddU16(o, flags); AddU16(o, 1); AddU16(o, (ushort)addresses.Count); AddU16(o, 0); AddU16(o, 0);
        WriteName(o, q.Name);
        AddU16(o, q.Type); AddU16(o, q.Class);
        foreach (var a in addresses)
        {
            AddU16(o, 0xC00C); // the name of the question, right after the header
            AddU16(o, TypeA); AddU16(o, ClassIN);
            o.Add((byte)(ttl >> 24)); o.Add((byte)(ttl >> 16)); o.Add((byte)(ttl >> 8)); o.Add((byte)ttl);
            AddU16(o, 4);
            o.AddRange(a.GetAddressBytes());
        }
        return o.ToArray();
    }

    /// <summary>A header-only error answer for a query whose question could not be read (FORMERR).</summary>
    public static byte[]? BuildHeaderError(ReadOnlySpan<byte> query, byte rcode)
    {
        if (query.Length < HeaderLength) return null;
        var o = new byte[HeaderLength];
        query[..2].CopyTo(o);
        ushort qflags = BinaryPrimitives.ReadUInt16BigEndian(query[2..]);
        if ((qflags & 0x8000) != 0) return null; // never answer a response
        BinaryPrimitives.WriteUInt16BigEndian(o.AsSpan(2), (ushort)(0x8000 | (qflags & 0x7900) | 0x0080 | (rcode & 0xF)));
        return o;
    }

    /// <summary>Read an answer: response code and the A records (for tests and diagnostics).</summary>
    public static bool TryParseResponse(ReadOnlySpan<byte> p, out ushort id, out byte rcode, out List<IPAddress> addresses)
    {
        id = 0; rcode = 0; addresses = new List<IPAddress>();
        if (p.Length < HeaderLength) return false;
        id = BinaryPrimitives.ReadUInt16BigEndian(p);
        ushort flags = BinaryPrimitives.ReadUInt16BigEndian(p[2..]);
        if ((flags & 0x8000) == 0) return false;
        rcode = (byte)(flags & 0xF);
        int qd = BinaryPrimitives.ReadUInt16BigEndian(p[4..]), an = BinaryPrimitives.ReadUInt16BigEndian(p[6..]);
        int pos = HeaderLength;
        for (int i = 0; i < qd; i++)
        {
            if (!TryReadName(p, ref pos, out _) || pos + 4 > p.Length) return false;
            pos += 4;
        }
        for (int i = 0; i < an; i++)
        {
            if (!TryReadName(p, ref pos, out _) || pos + 10 > p.Length) return false;
            ushort type = BinaryPrimitives.ReadUInt16BigEndian(p[pos..]);
            int rdlen = BinaryPrimitives.ReadUInt16BigEndian(p[(pos + 8)..]);
            pos += 10;
            if (pos + rdlen > p.Length) return false;
            if (type == TypeA && rdlen == 4) addresses.Add(new IPAddress(p.Slice(pos, 4)));
            pos += rdlen;
        }
        return true;
    }

    private static void AddU16(List<byte> o, ushort v) { o.Add((byte)(v >> 8)); o.Add((byte)v); }
}

/// <summary>
/// The names of one network's containers, read from the JSON file the engine keeps (atomically replaced):
/// <c>{"network":"apps","records":{"backend":["10.89.1.2"],"3f2a9c1b7d0e":["10.89.1.2"]}}</c>.
/// </summary>
public sealed class DnsRecords
{
    public Dictionary<string, List<IPAddress>> Names { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static DnsRecords Parse(string json)
    {
        var r = new DnsRecords();
        using var doc = JsonDocument.Parse(json);
        if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("records", out var recs) && recs.ValueKind == JsonValueKind.Object)
            foreach (var p in recs.EnumerateObject())
            {
                if (p.Value.ValueKind != JsonValueKind.Array) continue;
                var list = new List<IPAddress>();
                foreach (var a in p.Value.EnumerateArray())
                    if (a.ValueKind == JsonValueKind.String && IPAddress.TryParse(a.GetString(), out var ip) && ip.AddressFamily == AddressFamily.InterNetwork)
                        list.Add(ip);
                if (list.Count > 0) r.Names[p.Name.TrimEnd('.')] = list;
            }
        return r;
    }

    /// <summary>The JSON text for a set of names.</summary>
    public static string Serialize(string network, IEnumerable<KeyValuePair<string, List<string>>> names)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("network", network);
            w.WriteStartObject("records");
            foreach (var kv in names)
            {
                w.WriteStartArray(kv.Key.ToLowerInvariant());
                foreach (var a in kv.Value) w.WriteStringValue(a);
                w.WriteEndArray();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }
}

/// <summary>
/// The name server of one user network, listening on UDP on the network's gateway address (the host side of its
/// bridge). Containers' names, short ids and aliases get A answers from the records file (re-read when it
/// changes); AAAA for them is an empty answer. Single-label names it does not know get NXDOMAIN; other names are
/// forwarded to the host's upstream name servers (never loopback ones, never itself) with a short timeout, and
/// without usable upstreams are answered SERVFAIL. Malformed packets are dropped.
/// </summary>
public sealed class DnsResponder : IDisposable
{
    private readonly string _recordsPath;
    private readonly IReadOnlyList<IPEndPoint> _upstreams;
    private DnsRecords _records = new();
    private DateTime _recordsTime = DateTime.MinValue;
    private long _recordsLength = -1;
    public Socket Socket { get; }
    public TimeSpan ForwardTimeout { get; set; } = TimeSpan.FromSeconds(2);

    public DnsResponder(IPEndPoint listen, string recordsPath, IEnumerable<IPEndPoint>? upstreams = null)
    {
        _recordsPath = recordsPath;
        Socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        Socket.Bind(listen);
        var self = (IPEndPoint)Socket.LocalEndPoint!;
        _upstreams = (upstreams ?? Array.Empty<IPEndPoint>()).Where(u => !u.Equals(self)).ToList();
    }

    /// <summary>The host's upstream name servers from a resolv.conf text: loopback ones and the given addresses excluded.</summary>
    public static List<IPEndPoint> UpstreamsFrom(string resolvConf, params IPAddress[] exclude)
    {
        var list = new List<IPEndPoint>();
        foreach (var raw in resolvConf.Split('\n'))
        {
            var f = raw.Trim().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 2 || f[0] != "nameserver" || !IPAddress.TryParse(f[1], out var ip)) continue;
            if (ip.AddressFamily != AddressFamily.InterNetwork || IPAddress.IsLoopback(ip) || exclude.Contains(ip)) continue;
            list.Add(new IPEndPoint(ip, 53));
        }
        return list;
    }

    /// <summary>The current records, re-read when the file's time or size changed. A file that cannot be read keeps the last ones.</summary>
    public DnsRecords Records()
    {
        try
        {
            var fi = new FileInfo(_recordsPath);
            if (!fi.Exists) return _records;
            if (fi.LastWriteTimeUtc != _recordsTime || fi.Length != _recordsLength)
            {
                _records = DnsRecords.Parse(File.ReadAllText(_recordsPath));
                _recordsTime = fi.LastWriteTimeUtc;
                _recordsLength = fi.Length;
            }
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException) { }
        return _records;
    }

    /// <summary>
    /// Decide a query: the answer to send, or null with <paramref name="forward"/> set when the name belongs
    /// upstream, or null without it when the packet is to be dropped.
    /// </summary>
    public byte[]? Answer(ReadOnlySpan<byte> query, DnsRecords records, out bool forward)
    {
        forward = false;
        if (!DnsPacket.TryParseQuery(query, out _, out var q, out _))
            return null;
        string name = q.Name.TrimEnd('.');
        if (q.Class == DnsPacket.ClassIN && records.Names.TryGetValue(name, out var addrs))
        {
            // a container: A answered; AAAA and other types get an empty answer (the name exists)
            return DnsPacket.BuildResponse(query, q, DnsPacket.NoError, q.Type == DnsPacket.TypeA ? addrs : Array.Empty<IPAddress>());
        }
        if (!name.Contains('.'))
            return DnsPacket.BuildResponse(query, q, name.Length == 0 ? DnsPacket.Refused : DnsPacket.NxDomain, Array.Empty<IPAddress>());
        if (_upstreams.Count == 0)
            return DnsPacket.BuildResponse(query, q, DnsPacket.ServFail, Array.Empty<IPAddress>());
        forward = true;
        return null;
    }

    /// <summary>Ask the upstreams in turn; their answer, or SERVFAIL when none answers in time.</summary>
    public byte[] Forward(byte[] query)
    {
        foreach (var up in _upstreams)
        {
            try
            {
                using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                s.ReceiveTimeout = (int)ForwardTimeout.TotalMilliseconds;
                s.Connect(up);
                s.Send(query);
                var buf = new byte[4096];
                int n = s.Receive(buf);
                if (n >= DnsPacket.HeaderLength && buf[0] == query[0] && buf[1] == query[1]) return buf.AsSpan(0, n).ToArray();
            }
            catch (SocketException) { }
        }
        DnsPacket.TryParseQuery(query, out _, out var q, out _);
        return DnsPacket.BuildResponse(query, q, DnsPacket.ServFail, Array.Empty<IPAddress>());
    }

    /// <summary>Serve until cancelled (or the socket is closed).</summary>
    public void Run(CancellationToken ct = default)
    {
        var buf = new byte[4096];
        // a blocked receive is not woken by closing the socket on Linux: wake once a second to see cancellation
        Socket.ReceiveTimeout = 1000;
        while (!ct.IsCancellationRequested)
        {
            EndPoint from = new IPEndPoint(IPAddress.Any, 0);
            int n;
            try { n = Socket.ReceiveFrom(buf, ref from); }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock or SocketError.ConnectionReset or SocketError.MessageSize) { continue; }
            catch (Exception) when (ct.IsCancellationRequested) { return; }
            catch (ObjectDisposedException) { return; }
            var query = buf.AsSpan(0, n).ToArray();
            byte[]? reply;
            bool forward;
            try { reply = Answer(query, Records(), out forward); }
            catch (Exception) { continue; }
            if (reply is not null) { TrySend(reply, from); continue; }
            if (!forward) continue;
            var to = from;
            ThreadPool.QueueUserWorkItem(_ => TrySend(Forward(query), to));
        }
    }

    private void TrySend(byte[] reply, EndPoint to)
    {
        try { Socket.SendTo(reply, to); } catch (Exception) { }
    }

    public void Dispose() => Socket.Dispose();
}
