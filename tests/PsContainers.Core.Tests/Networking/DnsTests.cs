using System.Net;
using System.Net.Sockets;
using PsContainers.Core.Networking;

namespace PsContainers.Core.Tests.Networking;

public sealed class DnsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "psc-dns-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _records;

    public DnsTests()
    {
        Directory.CreateDirectory(_dir);
        _records = Path.Combine(_dir, "apps.json");
        File.WriteAllText(_records, DnsRecords.Serialize("apps", new Dictionary<string, List<string>>
        {
            ["backend"] = new() { "10.89.1.2" },
            ["Web"] = new() { "10.89.1.3", "10.89.1.4" },
        }));
    }

    public void Dispose() { try { Directory.Delete(_dir, true); } catch (IOException) { } }

    private DnsResponder NewResponder(IEnumerable<IPEndPoint>? upstreams = null) =>
        new(new IPEndPoint(IPAddress.Loopback, 0), _records, upstreams);

    [Fact]
    public void A_query_for_a_container_gets_its_address()
    {
        using var r = NewResponder();
        var q = DnsPacket.BuildQuery(0x1234, "backend");
        var reply = r.Answer(q, r.Records(), out bool fwd);
        Assert.False(fwd);
        Assert.NotNull(reply);
        Assert.True(DnsPacket.TryParseResponse(reply, out ushort id, out byte rcode, out var addrs));
        Assert.Equal(0x1234, id);
        Assert.Equal(DnsPacket.NoError, rcode);
        Assert.Equal(new[] { IPAddress.Parse("10.89.1.2") }, addrs);
        // the question is echoed and RD copied, the answer authoritative
        Assert.Equal(1, reply![5]);
        Assert.Equal(0x85, reply[2]); // QR, AA, RD
    }

    [Fact]
    public void Names_match_case_insensitively_with_every_address_and_a_trailing_dot()
    {
        using var r = NewResponder();
        var reply = r.Answer(DnsPacket.BuildQuery(7, "WEB."), r.Records(), out _);
        Assert.True(DnsPacket.TryParseResponse(reply, out _, out _, out var addrs));
        Assert.Equal(new[] { "10.89.1.3", "10.89.1.4" }, addrs.Select(a => a.ToString()));
    }

    [Fact]
    public void AAAA_for_a_container_is_an_empty_answer()
    {
        using var r = NewResponder();
        var reply = r.Answer(DnsPacket.BuildQuery(8, "backend", DnsPacket.TypeAAAA), r.Records(), out _);
        Assert.True(DnsPacket.TryParseResponse(reply, out _, out byte rcode, out var addrs));
        Assert.Equal(DnsPacket.NoError, rcode);
        Assert.Empty(addrs);
        Assert.Equal(0, reply![7]);
    }

    [Fact]
    public void An_unknown_single_label_name_is_NXDOMAIN_and_not_forwarded()
    {
        using var r = NewResponder(new[] { new IPEndPoint(IPAddress.Loopback, 9) });
        var reply = r.Answer(DnsPacket.BuildQuery(9, "nosuch"), r.Records(), out bool fwd);
        Assert.False(fwd);
        Assert.True(DnsPacket.TryParseResponse(reply, out _, out byte rcode, out var addrs));
        Assert.Equal(DnsPacket.NxDomain, rcode);
        Assert.Empty(addrs);
    }

    [Fact]
    public void Other_names_are_forwarded_or_SERVFAIL_without_upstreams()
    {
        using (var r = NewResponder(new[] { new IPEndPoint(IPAddress.Loopback, 9) }))
        {
            Assert.Null(r.Answer(DnsPacket.BuildQuery(10, "example.org"), r.Records(), out bool fwd));
            Assert.True(fwd);
        }
        using (var r = NewResponder())
        {
            var reply = r.Answer(DnsPacket.BuildQuery(11, "example.org"), r.Records(), out bool fwd);
            Assert.False(fwd);
            Assert.True(DnsPacket.TryParseResponse(reply, out _, out byte rcode, out _));
            Assert.Equal(DnsPacket.ServFail, rcode);
        }
    }

    [Fact]
    public void Upstreams_skip_loopback_and_the_server_itself()
    {
        var ups = DnsResponder.UpstreamsFrom("nameserver 127.0.0.53\nnameserver 10.89.1.1\n# c\nnameserver 192.0.2.7\nnameserver ::1\n", IPAddress.Parse("10.89.1.1"));
        Assert.Equal(new[] { "192.0.2.7:53" }, ups.Select(u => u.ToString()));
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 1, 2, 3 })]
    // header only: QDCOUNT 1 but no question
    [InlineData(new byte[] { 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0 })]
    // a label running past the end
    [InlineData(new byte[] { 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 9, (byte)'a', (byte)'b', 0, 0, 1, 0, 1 })]
    // a response (QR set), not a query
    [InlineData(new byte[] { 0, 1, 0x81, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, (byte)'a', 0, 0, 1, 0, 1 })]
    // two questions
    [InlineData(new byte[] { 0, 1, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 1, (byte)'a', 0, 0, 1, 0, 1 })]
    // a compression pointer to itself (a loop)
    [InlineData(new byte[] { 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 1, 0, 1 })]
    // a pointer forward, past the end
    [InlineData(new byte[] { 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 200, 0, 1, 0, 1 })]
    // reserved label type 0x40
    [InlineData(new byte[] { 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x41, (byte)'a', 0, 0, 1, 0, 1 })]
    // type and class cut off
    [InlineData(new byte[] { 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, (byte)'a', 0, 0, 1 })]
    public void Malformed_packets_are_dropped(byte[] packet)
    {
        Assert.False(DnsPacket.TryParseQuery(packet, out _, out _, out _));
        using var r = NewResponder();
        Assert.Null(r.Answer(packet, r.Records(), out bool fwd));
        Assert.False(fwd);
    }

    [Fact]
    public void A_compressed_name_in_the_question_is_followed()
    {
        // the question's name is the label "backend" followed by a pointer to offset 11, the last header byte
        // (ARCOUNT's low byte, 0): a compressed name ending in the root label
        var p = new List<byte> { 0, 5, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0 };
        p.AddRange(new byte[] { 7, (byte)'b', (byte)'a', (byte)'c', (byte)'k', (byte)'e', (byte)'n', (byte)'d', 0xC0, 11 });
        p.AddRange(new byte[] { 0, 1, 0, 1 });
        var packet = p.ToArray();
        Assert.True(DnsPacket.TryParseQuery(packet, out ushort id, out var q, out int end));
        Assert.Equal(5, id);
        Assert.Equal("backend", q.Name);
        Assert.Equal(packet.Length, end);
        using var r = NewResponder();
        Assert.True(DnsPacket.TryParseResponse(r.Answer(packet, r.Records(), out _), out _, out _, out var addrs));
        Assert.Equal("10.89.1.2", Assert.Single(addrs).ToString());
    }

    [Fact]
    public void Pointers_in_answers_are_read_back()
    {
        // our own answers use a pointer (0xC00C) to the question's name
        var q = DnsPacket.BuildQuery(3, "web");
        Assert.True(DnsPacket.TryParseQuery(q, out _, out var question, out _));
        var reply = DnsPacket.BuildResponse(q, question, DnsPacket.NoError, new[] { IPAddress.Parse("10.89.1.9") });
        int pos = 12;
        Assert.True(DnsPacket.TryReadName(reply, ref pos, out var n1));
        pos += 4;
        Assert.True(DnsPacket.TryReadName(reply, ref pos, out var n2));
        Assert.Equal("web", n1);
        Assert.Equal("web", n2);
    }

    [Fact]
    public void Records_are_reread_when_the_file_changes()
    {
        using var r = NewResponder();
        Assert.False(r.Records().Names.ContainsKey("late"));
        File.WriteAllText(_records, DnsRecords.Serialize("apps", new Dictionary<string, List<string>> { ["late"] = new() { "10.89.1.7" } }));
        File.SetLastWriteTimeUtc(_records, DateTime.UtcNow.AddSeconds(5));
        Assert.True(r.Records().Names.ContainsKey("late"));
        Assert.False(r.Records().Names.ContainsKey("backend"));
    }

    [Fact]
    public void Serves_over_udp_and_forwards_to_an_upstream()
    {
        // a stand-in upstream on loopback that answers every query with 192.0.2.1
        using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        upstream.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var upTask = Task.Run(() =>
        {
            var b = new byte[512];
            EndPoint from = new IPEndPoint(IPAddress.Any, 0);
            int n = upstream.ReceiveFrom(b, ref from);
            DnsPacket.TryParseQuery(b.AsSpan(0, n), out _, out var uq, out _);
            upstream.SendTo(DnsPacket.BuildResponse(b.AsSpan(0, n), uq, DnsPacket.NoError, new[] { IPAddress.Parse("192.0.2.1") }), from);
        });
        using var r = NewResponder(new[] { (IPEndPoint)upstream.LocalEndPoint! });
        using var cts = new CancellationTokenSource();
        var serve = Task.Run(() => r.Run(cts.Token));
        try
        {
            using var c = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 5000 };
            c.Connect(r.Socket.LocalEndPoint!);
            var buf = new byte[512];

            c.Send(new byte[] { 1, 2, 3 }); // dropped, the server keeps serving
            c.Send(DnsPacket.BuildQuery(21, "backend"));
            int n = c.Receive(buf);
            Assert.True(DnsPacket.TryParseResponse(buf.AsSpan(0, n), out ushort id, out _, out var addrs));
            Assert.Equal(21, id);
            Assert.Equal("10.89.1.2", Assert.Single(addrs).ToString());

            c.Send(DnsPacket.BuildQuery(22, "example.org"));
            n = c.Receive(buf);
            Assert.True(DnsPacket.TryParseResponse(buf.AsSpan(0, n), out id, out _, out addrs));
            Assert.Equal(22, id);
            Assert.Equal("192.0.2.1", Assert.Single(addrs).ToString());
            Assert.True(upTask.Wait(5000));
        }
        finally
        {
            cts.Cancel();
            serve.Wait(5000);
        }
    }

    [Fact]
    public void Records_name_every_container_on_the_network()
    {
        var states = new List<ContainerNetworkState>
        {
            new() { ContainerId = "0123456789abcdef0123", ContainerName = "backend", Hostname = "0123456789ab",
                Networks = { new NetworkAttachment { Network = "apps", IPAddress = "10.89.1.2", Aliases = new[] { "db" } } } },
            new() { ContainerId = "fedcba9876543210fedc", ContainerName = "other",
                Networks = { new NetworkAttachment { Network = "elsewhere", IPAddress = "10.89.2.2" } } },
        };
        var names = NetworkDns.NamesOf("apps", states);
        Assert.Equal(new[] { "0123456789ab", "backend", "db" }, names.Keys);
        Assert.All(names.Values, v => Assert.Equal(new[] { "10.89.1.2" }, v));
    }
}
