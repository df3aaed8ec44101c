using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PsContainers.Core.Kube;

/// <summary>
/// How Import-ContainerKube, Remove-ContainerKube and Test-ContainerKube read a manifest stream, as kubectl reads one:
/// YAML merge keys (<c>&lt;&lt;: *base</c>) are merged, the mapping's own keys winning (kubectl's sigs.k8s.io/yaml
/// resolves them so; YamlDotNet's MergingParser would repeat an overridden key), and a <c>kind: List</c> document (kubectl get -o yaml's output; v1 List) stands for the objects
/// of its <c>items</c>.
/// </summary>
public static class KubeYamlReader
{
    /// <summary>The documents of <paramref name="yaml"/>, merge keys resolved.</summary>
    /// <exception cref="YamlException">The text is not YAML (or a merge key names no mapping).</exception>
    public static YamlStream Load(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var done = new HashSet<YamlNode>(ReferenceEqualityComparer.Instance);
        foreach (var doc in stream.Documents) Merge(doc.RootNode, done);
        return stream;
    }

    /// <summary>
    /// Resolves the merge keys under <paramref name="node"/> in place (YAML 1.1 merge key type, as sigs.k8s.io/yaml
    /// reads it): a mapping's <c>&lt;&lt;</c> entry, a mapping or a list of mappings, is removed and each of their keys
    /// that the mapping does not set itself is added (the mapping's own keys win, then the earlier source in the list).
    /// An alias is the anchored node itself, so each node is resolved once.
    /// </summary>
    /// <exception cref="YamlException">A merge value that is not a mapping or a list of mappings.</exception>
    private static void Merge(YamlNode node, HashSet<YamlNode> done)
    {
        if (!done.Add(node)) return;
        switch (node)
        {
            case YamlSequenceNode seq:
                foreach (var item in seq) Merge(item, done);
                break;
            case YamlMappingNode map:
                var mergeKey = new YamlScalarNode("<<");
                foreach (var (k, v) in map.Children.ToList())
                    if (!k.Equals(mergeKey)) Merge(v, done);
                if (!map.Children.TryGetValue(mergeKey, out var value) || value is YamlScalarNode { Style: ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted }) break;
                var sources = value switch
                {
                    YamlMappingNode one => [one],
                    YamlSequenceNode list when list.All(n => n is YamlMappingNode) => list.Cast<YamlMappingNode>().ToList(),
                    _ => throw new YamlException(value.Start, value.End, "A merge key (<<) must name a mapping or a list of mappings."),
                };
                map.Children.Remove(mergeKey);
                foreach (var source in sources)
                {
                    Merge(source, done);
                    foreach (var (k, v) in source.Children)
                        if (!map.Children.ContainsKey(k)) map.Children.Add(k, v);
                }
                break;
        }
    }

    /// <summary>
    /// The objects of one document: the document itself, or, for a mapping of <c>kind: List</c> whose <c>items</c> is a
    /// sequence, each item (with its 0-based index); a List without items is no object.
    /// </summary>
    public static IEnumerable<(YamlNode Node, int? Item)> Objects(YamlNode root)
    {
        if (root is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode("kind"), out var k) && k is YamlScalarNode { Value: "List" })
        {
            if (m.Children.TryGetValue(new YamlScalarNode("items"), out var items) && items is YamlSequenceNode seq)
            {
                int i = 0;
                foreach (var item in seq) yield return (item, i++);
            }
            yield break;
        }
        yield return (root, null);
    }
}
