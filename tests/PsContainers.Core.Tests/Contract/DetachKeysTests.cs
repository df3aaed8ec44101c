using PsContainers.Contract;

namespace PsContainers.Core.Tests.Contract;

/// <summary>docker's --detach-keys syntax (term.ToBytes) and the scanning of a client's input.</summary>
public class DetachKeysTests
{
    [Theory]
    [InlineData(null, new byte[] { 0x10, 0x11 })]
    [InlineData("ctrl-p,ctrl-q", new byte[] { 0x10, 0x11 })]
    [InlineData("ctrl-A,ctrl-z", new byte[] { 0x01, 0x1a })]
    [InlineData("ctrl-@,ctrl-[,ctrl-\\,ctrl-],ctrl-^,ctrl-_", new byte[] { 0x00, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f })]
    [InlineData("a,b", new byte[] { (byte)'a', (byte)'b' })]
    [InlineData("", new byte[0])]
    public void Parse_follows_docker(string? text, byte[] expected) => Assert.Equal(expected, DetachKeys.Parse(text).Sequence);

    [Theory]
    [InlineData("ctrl-1")]
    [InlineData("ctrl-")]
    [InlineData("ab")]
    [InlineData("ctrl-p,,ctrl-q")]
    [InlineData("é")]
    public void Parse_rejects_what_docker_rejects(string text) => Assert.Throws<ArgumentException>(() => DetachKeys.Parse(text));

    private static (bool Detached, byte[] Forwarded) Feed(DetachKeys k, params byte[][] chunks)
    {
        var all = new List<byte>();
        foreach (var c in chunks)
        {
            var f = new List<byte>();
            bool d = k.Scan(c, f);
            all.AddRange(f);
            if (d) return (true, all.ToArray());
        }
        return (false, all.ToArray());
    }

    [Fact]
    public void Scan_forwards_everything_before_the_sequence_and_nothing_after()
    {
        var (d, f) = Feed(DetachKeys.Parse(null), [(byte)'a', 0x10, 0x11, (byte)'b']);
        Assert.True(d);
        Assert.Equal(new[] { (byte)'a' }, f);
    }

    [Fact]
    public void Scan_matches_across_reads()
    {
        var (d, f) = Feed(DetachKeys.Parse(null), [(byte)'x', 0x10], [0x11]);
        Assert.True(d);
        Assert.Equal(new[] { (byte)'x' }, f);
    }

    [Fact]
    public void Scan_forwards_a_prefix_that_did_not_complete()
    {
        var (d, f) = Feed(DetachKeys.Parse(null), [0x10, (byte)'y', 0x10, 0x10, 0x11]);
        Assert.True(d);
        Assert.Equal(new byte[] { 0x10, (byte)'y', 0x10 }, f);
        var (d2, f2) = Feed(DetachKeys.Parse(null), [0x10], [(byte)'z']);
        Assert.False(d2);
        Assert.Equal(new byte[] { 0x10, (byte)'z' }, f2);
    }

    [Fact]
    public void Scan_with_no_keys_forwards_all()
    {
        var (d, f) = Feed(DetachKeys.Parse(""), [0x10, 0x11]);
        Assert.False(d);
        Assert.Equal(new byte[] { 0x10, 0x11 }, f);
    }
}
