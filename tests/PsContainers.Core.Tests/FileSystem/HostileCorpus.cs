using System.Security.Cryptography;
using System.Text;
using PsContainers.Core.Util;
using PsContainers.FileSystem;

namespace PsContainers.Core.Tests.FileSystem;

/// <summary>
/// The sentinel host trees (only ever created inside a <see cref="PrivateMountNamespace"/>: /run and /tmp are scratch
/// tmpfs there) and the hostile tree every operation is run against. Snapshots are taken with the engine's older,
/// path-based lstat/xattr calls (LinuxSyscalls), independent of the layer under test.
/// </summary>
internal static class HostileCorpus
{
    public const string Sentinel = "/run/sentinel";
    public static byte[] B(string ascii) => Encoding.Latin1.GetBytes(ascii); // "\xe9" -> byte 0xE9 (NOT UTF-8)
    public const int DeepLevels = 300;
    public const string DeepName = "dddddddddddddddddddd"; // 20 bytes: 300 levels make a path of over 6000 bytes

    public static void CreateSentinels()
    {
        Directory.CreateDirectory(Sentinel + "/d");
        File.WriteAllText(Sentinel + "/f1", "hello");
        File.WriteAllText(Sentinel + "/d/f2", "secret");
        Chown(Sentinel, 1234, 2345); Chmod(Sentinel, 0x1e8 /* 0750 */);
        Chmod(Sentinel + "/f1", 0x1a0 /* 0640 */);
        Chmod(Sentinel + "/d", 0x1c0 /* 0700 */);
        Chown(Sentinel + "/d/f2", 3456, 4567); Chmod(Sentinel + "/d/f2", 0x180);
        Assert.Equal(0, LinuxSyscalls.Instance.Lsetxattr(Sentinel + "/f1", "user.s", [0x01, 0x80]));
        Directory.CreateDirectory("/run/lock/sentinel");
        File.WriteAllText("/run/lock/sentinel/f3", "lock");
        Chmod("/run/lock/sentinel", 0x1c0);
        Directory.CreateDirectory("/tmp/sentinel");
        File.WriteAllText("/tmp/sentinel/f4", "tmp");
        Chmod("/tmp/sentinel/f4", 0x1ed);
    }

    private static void Chown(string p, int u, int g) => Assert.Equal(0, LinuxSyscalls.Instance.Lchown(p, u, g));
    private static void Chmod(string p, uint m) => Assert.Equal(0, LinuxSyscalls.Instance.Chmod(p, m));

    /// <summary>Everything a broken walk could touch outside the tree: modes, owners, times, contents, xattrs, entry lists.</summary>
    public static SortedDictionary<string, string> Snapshot()
    {
        var snap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in new[] { "/", "/etc", "/run", "/run/lock", "/tmp", "/proc/self", "/etc/passwd", "/etc/hostname" })
            Describe(p, snap, listOnly: p is "/" or "/etc" or "/proc/self");
        foreach (var p in new[] { Sentinel, "/run/lock/sentinel", "/tmp/sentinel" }) Recurse(p, snap);
        return snap;
    }

    private static void Recurse(string p, SortedDictionary<string, string> snap)
    {
        Describe(p, snap, listOnly: false);
        if (Directory.Exists(p) && new FileInfo(p).LinkTarget is null)
            foreach (var c in Directory.GetFileSystemEntries(p)) Recurse(c, snap);
    }

    private static void Describe(string p, SortedDictionary<string, string> snap, bool listOnly)
    {
        if (LinuxSyscalls.Instance.Lstat(p, out var st) != 0) { snap[p] = "missing"; return; }
        var sb = new StringBuilder($"mode={st.Mode:x} uid={st.Uid} gid={st.Gid} size={st.Size} nlink={st.Nlink}");
        if (!listOnly) sb.Append($" mtime={st.MtimeSeconds}.{st.MtimeNanos}");
        foreach (var kv in LinuxSyscalls.Instance.Lgetxattrs(p).OrderBy(k => k.Key, StringComparer.Ordinal))
            sb.Append($" x:{kv.Key}={Convert.ToHexString(kv.Value)}");
        if (st.IsRegular && !listOnly) sb.Append(" sha=" + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p))));
        if (st.IsDirectory) sb.Append(" [" + string.Join(",", Directory.GetFileSystemEntries(p).Select(Path.GetFileName).Order(StringComparer.Ordinal)) + "]");
        snap[p] = sb.ToString();
    }

    public static void AssertUnchanged(SortedDictionary<string, string> before)
    {
        var after = Snapshot();
        Assert.Equal(before.Keys, after.Keys);
        foreach (var k in before.Keys) Assert.True(before[k] == after[k], $"{k} changed:\n  before {before[k]}\n  after  {after[k]}");
    }

    /// <summary>What the builder created: display path -> kind ("f", "d", "l", "c", "p", "s").</summary>
    public sealed class Tree
    {
        public required string HostPath;
        public readonly SortedDictionary<string, string> Expected = new(StringComparer.Ordinal);
        public long RegularBytes; // each hard-linked file once
    }

    /// <summary>The hostile tree at <paramref name="hostPath"/> (created; its parent must exist).</summary>
    public static Tree Build(string hostPath, bool deep = true, bool sockets = true)
    {
        Directory.CreateDirectory(hostPath);
        var t = new Tree { HostPath = hostPath };
        using var root = SafeFd.OpenDirectory(hostPath);
        void Link(string rel, string target) { using var d = Parent(root, rel, out var n); Fs.Symlink(B(target), d, n); t.Expected[Disp(rel)] = "l"; }
        void Dir(string rel, uint mode = 0x1ed) { using var d = Parent(root, rel, out var n); Fs.Mkdir(d, n, 0x1c0); Fs.Chmod(d, n, mode); t.Expected[Disp(rel)] = "d"; }
        void FileAt(string rel, string content, uint mode = 0x1a4, uint uid = 0, uint gid = 0, bool count = true)
        {
            using var d = Parent(root, rel, out var n);
            using (var s = Fs.CreateFile(d, n)) s.Write(B(content));
            Fs.Chown(d, n, uid, gid);
            Fs.Chmod(d, n, mode);
            t.Expected[Disp(rel)] = "f";
            if (count) t.RegularBytes += content.Length;
        }

        Link("root", "/");
        Link("sentinel", Sentinel);
        Link("run", "/run");
        Link("runlock", "/run/lock");
        Link("etc", "/etc");
        Link("tmp", "/tmp");
        Link("procfd", "/proc/self/fd");
        Link("up", "../../..");
        Link("upsentinel", "../../../../../run/sentinel");
        Link("loopa", "loopb"); Link("loopb", "loopa"); Link("self", "self");
        Dir("var"); Link("var/run", "/run"); Link("var/lock", "/run/lock");
        Dir("dev"); Link("dev/fd", "/proc/self/fd");
        using (var d = Parent(root, "dev/null", out var n)) { Fs.Mknod(d, n, FsStat.S_IFCHR | 0x1b6, FsStat.MakeDev(1, 3)); Fs.Chmod(d, n, 0x1b6); t.Expected["dev/null"] = "c"; }
        using (var d = Parent(root, "dev/fifo", out var n)) { Fs.Mknod(d, n, FsStat.S_IFIFO | 0x1a0, 0); Fs.Chown(d, n, 7, 8); t.Expected["dev/fifo"] = "p"; }
        if (sockets) using (var d = Parent(root, "dev/sock", out var n)) { Fs.Mknod(d, n, FsStat.S_IFSOCK | 0x1ed, 0); t.Expected["dev/sock"] = "s"; }
        FileAt("caf\xe9", "e9");
        FileAt("caf\xe8", "e8-longer");
        Dir("dir\xff"); FileAt("dir\xff/x", "x");
        Link("lnk\xe9", "caf\xe9");
        Link("abs\xe8", Sentinel + "/f1");
        FileAt("hard1", "hard", 0x1a0, 1001, 1002);
        Dir("sub");
        using (var d = Parent(root, "hard2", out var n)) { Fs.Link(root, B("hard1"), d, n); t.Expected["hard2"] = "f"; }
        using (var d = Parent(root, "sub/hard3", out var n)) { Fs.Link(root, B("hard1"), d, n); t.Expected["sub/hard3"] = "f"; }
        FileAt("suid", "#!/bin/sh\n", 0x9ed /* 04755 */, 1000, 1000);
        Fs.SetXattr(root, B("suid"), B("user.bin"), new byte[] { 0x80, 0xff, 0x00, 0x01 });
        Fs.SetXattr(root, B("suid"), B("user.caf\xe9"), B("v"));
        Fs.SetXattr(root, B("suid"), B("trusted.overlay.opaque"), B("y"));
        Dir("sgid", 0x5fd /* 02775 */); Fs.Chown(root, B("sgid"), 0, 1003);
        Dir("sticky", 0x3ff /* 01777 */);
        using (var d = Parent(root, "sparse", out var n))
        using (var s = Fs.CreateFile(d, n)) { s.Seek(1 << 20, SeekOrigin.Begin); s.Write("end"u8); t.Expected["sparse"] = "f"; t.RegularBytes += (1 << 20) + 3; }
        // a directory of mode 0555 holding links, and one of mode 0000 (its contents created before it is locked)
        Dir("ro"); Link("ro/l1", Sentinel); Link("ro/l2", "../../../../run"); FileAt("ro/file", "ro");
        Fs.Chmod(root, B("ro"), 0x16d /* 0555 */);
        Dir("locked"); FileAt("locked/file", "locked", 0); Link("locked/link", Sentinel + "/d");
        Fs.Chmod(root, B("locked"), 0);
        if (deep)
        {
            Dir("deep");
            var fds = new List<SafeFd> { Fs.OpenDirectory(root, B("deep")) };
            string rel = "deep";
            for (int i = 0; i < DeepLevels; i++)
            {
                Fs.Mkdir(fds[^1], B(DeepName), 0x1ed);
                var next = Fs.OpenDirectory(fds[^1], B(DeepName));
                fds[^1].Dispose();
                fds[^1] = next;
                rel += "/" + DeepName;
                t.Expected[rel] = "d";
            }
            using (var s = Fs.CreateFile(fds[^1], B("bottom"))) s.Write("bottom"u8);
            t.Expected[rel + "/bottom"] = "f"; t.RegularBytes += 6;
            Fs.Symlink(B(Sentinel), fds[^1], B("esc"));
            t.Expected[rel + "/esc"] = "l";
            fds[^1].Dispose();
        }
        return t;
    }

    /// <summary>Display form of a Latin-1 test name, the way BytePath.Display shows the bytes.</summary>
    public static string Disp(string rel) => BytePath.Display(B(rel));

    private static SafeFd Parent(SafeFd root, string rel, out byte[] name)
    {
        int i = rel.LastIndexOf('/');
        name = B(i < 0 ? rel : rel[(i + 1)..]);
        return i < 0 ? Fs.OpenAt(root, "."u8, OpenFlags.Path | OpenFlags.Directory) : RootedPath.OpenBeneath(root, B(rel[..i]), OpenFlags.Path | OpenFlags.Directory);
    }
}
