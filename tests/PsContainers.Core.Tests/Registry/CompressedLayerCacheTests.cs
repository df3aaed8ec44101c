using PsContainers.Core.Oci;
using PsContainers.Core.Registry;

namespace PsContainers.Core.Tests.Registry;

/// <summary>CompressedLayerCache: plain layer digest + compression → the compressed blob a push made of it.</summary>
public sealed class CompressedLayerCacheTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "psc-clc-" + Guid.NewGuid().ToString("N")[..8]);
    private static string D(char c) => "sha256:" + new string(c, 64);

    public void Dispose() { if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true); }

    [Fact]
    public void Remembers_per_compression_across_instances_and_forgets_on_request()
    {
        var cache = new CompressedLayerCache(new PscPaths(_root));
        Assert.Null(cache.Find(D('a'), LayerCompression.Gzip));
        cache.Add(D('a'), LayerCompression.Gzip, D('b'), 10);
        cache.Add(D('a'), LayerCompression.Zstd, D('c'), 9);
        var again = new CompressedLayerCache(new PscPaths(_root));
        Assert.Equal((D('b'), 10L), again.Find(D('a'), LayerCompression.Gzip));
        Assert.Equal((D('c'), 9L), again.Find(D('a'), LayerCompression.Zstd));
        Assert.Null(again.Find(D('b'), LayerCompression.Gzip));
        // a new answer replaces the old one
        again.Add(D('a'), LayerCompression.Gzip, D('d'), 11);
        Assert.Equal((D('d'), 11L), cache.Find(D('a'), LayerCompression.Gzip));
        cache.Remove(D('a'), LayerCompression.Gzip);
        Assert.Null(again.Find(D('a'), LayerCompression.Gzip));
        Assert.Equal((D('c'), 9L), again.Find(D('a'), LayerCompression.Zstd));
    }

    [Fact]
    public void Keeps_at_most_MaxEntries_dropping_the_oldest_and_reads_a_damaged_file_as_empty()
    {
        var cache = new CompressedLayerCache(new PscPaths(_root));
        string file = Path.Combine(_root, "registry", "compressed-layers.json");
        cache.Add(D('a'), LayerCompression.Gzip, D('b'), 1);
        var list = System.Text.Json.JsonSerializer.Deserialize<List<System.Text.Json.Nodes.JsonObject>>(File.ReadAllText(file))!;
        var template = list[0];
        // fill to the limit with other keys, written directly (4096 Add calls would rewrite the file each time)
        var filler = Enumerable.Range(0, CompressedLayerCache.MaxEntries).Select(i =>
        {
            var o = (System.Text.Json.Nodes.JsonObject)template.DeepClone();
            o["Key"] = "sha256:" + i.ToString("x64", System.Globalization.CultureInfo.InvariantCulture) + o["Key"]!.GetValue<string>()[71..];
            return o;
        });
        File.WriteAllText(file, System.Text.Json.JsonSerializer.Serialize(list.Concat(filler).ToList()));
        cache.Add(D('e'), LayerCompression.Gzip, D('f'), 2);
        Assert.Null(cache.Find(D('a'), LayerCompression.Gzip));   // the oldest went
        Assert.Equal((D('f'), 2L), cache.Find(D('e'), LayerCompression.Gzip));
        Assert.Equal(CompressedLayerCache.MaxEntries, System.Text.Json.JsonSerializer.Deserialize<List<object>>(File.ReadAllText(file))!.Count);
        File.WriteAllText(file, "{not json");
        Assert.Null(cache.Find(D('e'), LayerCompression.Gzip));
        cache.Add(D('e'), LayerCompression.Gzip, D('f'), 2);
        Assert.Equal((D('f'), 2L), cache.Find(D('e'), LayerCompression.Gzip));
    }
}
