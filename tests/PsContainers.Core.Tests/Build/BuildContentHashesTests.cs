using System.Security.Cryptography;
using PsContainers.Core.Build;
using PsContainers.FileSystem;

namespace PsContainers.Core.Tests.ImageBuild;

/// <summary>Context file hashes remembered by stat: reused only for an unchanged, settled file; the digest stays the content's.</summary>
public sealed class BuildContentHashesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("psc-hashes-").FullName;
    private string Ctx => Path.Combine(_dir, "ctx");
    private string Cache => Path.Combine(_dir, "cache");

    public BuildContentHashesTests()
    {
        Directory.CreateDirectory(Ctx);
        Directory.CreateDirectory(Cache);
    }

    public void Dispose() => SafeTree.Delete(_dir);

    private byte[] Hash(BuildContentHashes h, string name)
    {
        using var dir = SafeFd.OpenDirectory(Ctx);
        var st = Fs.Stat(dir, BytePath.FromString(name));
        return h.Sha256(dir, BytePath.FromString(name), st);
    }

    private byte[] Real(string name) => SHA256.HashData(File.ReadAllBytes(Path.Combine(Ctx, name)));

    [Fact]
    public void A_young_file_is_hashed_every_time_and_not_remembered()
    {
        File.WriteAllText(Path.Combine(Ctx, "young"), "fresh");
        var h = BuildContentHashes.Load(Cache);
        Assert.Equal(Real("young"), Hash(h, "young"));
        Assert.Equal(Real("young"), Hash(h, "young"));
        Assert.Equal(2, h.Hashed);
        Assert.Equal(0, h.Reused);
        h.Save();
        Assert.False(File.Exists(Path.Combine(Cache, BuildContentHashes.FileName)));
    }

    [Fact]
    public void A_settled_file_is_reused_until_its_content_changes_even_with_size_and_mtime_kept()
    {
        File.WriteAllText(Path.Combine(Ctx, "a"), "one");
        File.WriteAllText(Path.Combine(Ctx, "b"), "bee");
        Thread.Sleep(BuildContentHashes.SettleTime + TimeSpan.FromMilliseconds(300));
        var first = BuildContentHashes.Load(Cache);
        Assert.Equal(Real("a"), Hash(first, "a"));
        Assert.Equal(Real("b"), Hash(first, "b"));
        first.Save();
        long len = new FileInfo(Path.Combine(Cache, BuildContentHashes.FileName)).Length;
        Assert.Equal(8 + 2 * 80, len); // the magic, then 80 bytes per file

        // a later build: both remembered, nothing read
        var second = BuildContentHashes.Load(Cache);
        Assert.Equal(Real("a"), Hash(second, "a"));
        Assert.Equal(Real("b"), Hash(second, "b"));
        Assert.Equal(2, second.Reused);
        Assert.Equal(0, second.Hashed);

        // the same size and modification time (to the nanosecond), another content: the change time moved, it is read
        using (var dir = SafeFd.OpenDirectory(Ctx))
        {
            var before = Fs.Stat(dir, "a"u8);
            File.WriteAllText(Path.Combine(Ctx, "a"), "two");
            Fs.SetTimes(dir, "a"u8, before.Atime, before.Mtime);
            Assert.Equal(before.Mtime, Fs.Stat(dir, "a"u8).Mtime);
        }
        var third = BuildContentHashes.Load(Cache);
        Assert.Equal(Real("a"), Hash(third, "a"));
        Assert.Equal(SHA256.HashData("two"u8), Hash(third, "a"));
        Assert.Equal(2, third.Hashed); // changed just now: read each time until it has settled
        // a file replaced by another of the same name (another inode) is read too
        File.Delete(Path.Combine(Ctx, "b"));
        File.WriteAllText(Path.Combine(Ctx, "b"), "bed");
        Assert.Equal(SHA256.HashData("bed"u8), Hash(third, "b"));
        Assert.Equal(3, third.Hashed);
    }

    [Fact]
    public void A_damaged_file_is_ignored()
    {
        File.WriteAllText(Path.Combine(Cache, BuildContentHashes.FileName), "PSCHASH1 but not records");
        File.WriteAllText(Path.Combine(Ctx, "f"), "x");
        var h = BuildContentHashes.Load(Cache);
        Assert.Equal(Real("f"), Hash(h, "f"));
        Assert.Equal(1, h.Hashed);
    }

    [Fact]
    public void A_context_digest_is_the_same_with_and_without_remembered_hashes()
    {
        File.WriteAllText(Path.Combine(Ctx, "f"), "content");
        Directory.CreateDirectory(Path.Combine(Ctx, "d"));
        File.WriteAllText(Path.Combine(Ctx, "d", "g"), "more");
        var o = new BuildCopyOptions { Sources = ["."], Destination = "/app/" };
        string plain;
        using (var s = BuildCopySource.Context(Ctx, null)) plain = BuildCopier.ComputeDigest(s, o);
        var h = BuildContentHashes.Load(Cache);
        using (var s = BuildCopySource.Context(Ctx, null, h)) Assert.Equal(plain, BuildCopier.ComputeDigest(s, o));
        Assert.Equal(2, h.Hashed);
    }
}
