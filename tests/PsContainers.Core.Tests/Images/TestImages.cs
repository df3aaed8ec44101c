using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using PsContainers.Core;
using PsContainers.Core.Images;
using PsContainers.Core.Oci;
using PsContainers.Core.Util;

namespace PsContainers.Core.Tests.Images;

/// <summary>One tar entry for a generated layer.</summary>
public sealed record TarItem(string Name, TarEntryType Type = TarEntryType.RegularFile, string? Content = null, string? Link = null,
    int Mode = -1, int Uid = 0, int Gid = 0, Dictionary<string, string>? Xattrs = null, byte[]? Bytes = null, int Major = 0, int Minor = 0)
{
    public static TarItem Dir(string name, int mode = 0x1ed) => new(name, TarEntryType.Directory, Mode: mode);
    public static TarItem File(string name, string content, int mode = 0x1a4) => new(name, Content: content, Mode: mode);
    public static TarItem Symlink(string name, string target) => new(name, TarEntryType.SymbolicLink, Link: target, Mode: 0x1ff);
    public static TarItem Hardlink(string name, string target) => new(name, TarEntryType.HardLink, Link: target, Mode: 0x1a4);
}

/// <summary>Generates layers and images in memory and puts them into a store.</summary>
public static class TestImages
{
    public static readonly DateTimeOffset Epoch = new(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public static byte[] Tar(params TarItem[] items)
    {
        var ms = new MemoryStream();
        using (var w = new TarWriter(ms, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var it in items)
            {
                var attrs = new Dictionary<string, string> { ["atime"] = "1704164645", ["ctime"] = "1704164645" };
                if (it.Xattrs is not null) foreach (var kv in it.Xattrs) attrs["SCHILY.xattr." + kv.Key] = kv.Value;
                var e = new PaxTarEntry(it.Type, it.Name, attrs)
                {
                    Mode = (UnixFileMode)(it.Mode >= 0 ? it.Mode : it.Type == TarEntryType.Directory ? 0x1ed : 0x1a4),
                    Uid = it.Uid,
                    Gid = it.Gid,
                    ModificationTime = Epoch,
                };
                if (it.Link is not null) e.LinkName = it.Link;
                if (it.Type is TarEntryType.CharacterDevice or TarEntryType.BlockDevice) { e.DeviceMajor = it.Major; e.DeviceMinor = it.Minor; }
                if (it.Type == TarEntryType.RegularFile)
                    e.DataStream = new MemoryStream(it.Bytes ?? Encoding.UTF8.GetBytes(it.Content ?? ""));
                w.WriteEntry(e);
            }
        }
        return ms.ToArray();
    }

    public static byte[] Compress(byte[] data, LayerCompression c)
    {
        if (c == LayerCompression.None) return data;
        var ms = new MemoryStream();
        using (var s = Compression.OpenCompressor(ms, c, leaveOpen: true)) s.Write(data);
        return ms.ToArray();
    }

    public static byte[] Config(IEnumerable<string> diffIds, string[]? cmd = null, string? label = null)
    {
        var cfg = new Dictionary<string, object?>
        {
            ["created"] = "2024-01-02T03:04:05Z",
            ["architecture"] = "amd64",
            ["os"] = "linux",
            ["config"] = new Dictionary<string, object?>
            {
                ["Env"] = new[] { "PATH=/usr/sbin:/usr/bin:/sbin:/bin" },
                ["Cmd"] = cmd ?? new[] { "sh" },
                ["WorkingDir"] = "/",
                ["ExposedPorts"] = new Dictionary<string, object> { ["80/tcp"] = new { } },
                ["Volumes"] = new Dictionary<string, object> { ["/data"] = new { } },
                ["Labels"] = new Dictionary<string, string> { ["test"] = label ?? "yes" },
            },
            ["rootfs"] = new { type = "layers", diff_ids = diffIds.ToArray() },
            ["history"] = new object[] { new { created = "2024-01-02T03:04:05Z", created_by = "test" } },
        };
        return JsonSerializer.SerializeToUtf8Bytes(cfg);
    }

    public sealed record Built(string ManifestDigest, string ConfigDigest, string[] DiffIds, string[] LayerDigests);

    /// <summary>Put layers + config + an OCI manifest into the store (blobs only, not committed).</summary>
    public static Built PutImage(ImageStore store, IReadOnlyList<byte[]> layerTars, LayerCompression c = LayerCompression.Gzip, string? label = null, string? layerMediaType = null)
    {
        var diffIds = layerTars.Select(t => Digest.Of(t)).ToArray();
        var blobs = layerTars.Select(t => Compress(t, c)).ToArray();
        var layerDigests = blobs.Select(b => store.PutBlob(b)).ToArray();
        var config = Config(diffIds, label: label);
        string configDigest = store.PutBlob(config);
        var manifest = new
        {
            schemaVersion = 2,
            mediaType = MediaTypes.OciManifest,
            config = new { mediaType = MediaTypes.OciConfig, digest = configDigest, size = config.Length },
            layers = blobs.Select((b, i) => new { mediaType = layerMediaType ?? MediaTypes.LayerFor(c, false), digest = layerDigests[i], size = b.Length }).ToArray(),
        };
        string manifestDigest = store.PutBlob(JsonSerializer.SerializeToUtf8Bytes(manifest));
        return new Built(manifestDigest, configDigest, diffIds, layerDigests);
    }

    /// <summary>The standard three layers: base, additions, whiteout + opaque.</summary>
    public static byte[][] ThreeLayers(string extra = "") =>
    [
        Tar(TarItem.Dir("bin/"), TarItem.File("bin/hello", "#!/bin/sh\necho hi\n", 0x1ed), TarItem.Symlink("bin/sh", "/bin/hello"),
            TarItem.Dir("etc/"), TarItem.File("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"), TarItem.Dir("tmp/", 0x3ff)),
        Tar(TarItem.Dir("data/"), TarItem.File("data/keep.txt", "keep" + extra), TarItem.File("data/deleted.txt", "gone"),
            TarItem.Dir("opaque/"), TarItem.File("opaque/old.txt", "old")),
        Tar(TarItem.Dir("data/"), TarItem.File("data/.wh.deleted.txt", ""), TarItem.Dir("opaque/"), TarItem.File("opaque/.wh..wh..opq", ""),
            TarItem.File("opaque/new.txt", "new")),
    ];
}

/// <summary>A private store root, deleted after the test.</summary>
public sealed class TempStore : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "psc-xunit-" + Guid.NewGuid().ToString("N")[..10]);
    public PscPaths Paths { get; }
    public ImageStore Store { get; }
    public TempStore()
    {
        Directory.CreateDirectory(Root);
        Paths = new PscPaths(Root);
        Store = new Engine(Paths).Images;
    }
    /// <summary>A fresh store over the same root, as the next command sees it: it sweeps what interrupted work left.</summary>
    public ImageStore Reopen()
    {
        var store = new Engine(Paths).Images;
        store.RecoverAbandonedWork();
        return store;
    }
    public void Dispose() => ImageStore.DeleteTree(Root);
}
