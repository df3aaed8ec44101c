using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PsContainers.Core.Compose;

/// <summary>
/// Reads one compose file into a <see cref="ComposeNode"/> tree with YamlDotNet's representation model: anchors,
/// aliases and merge keys (<c>&lt;&lt;: *base</c>, local keys winning, in any order) are expanded; the compose tags
/// <c>!reset</c> and <c>!override</c> are kept on the node; scalars stay text. An empty file is an empty mapping.
/// </summary>
internal static class ComposeYamlReader
{
    /// <summary>Parse <paramref name="text"/> read from <paramref name="file"/> (the name used in positions).</summary>
    /// <exception cref="PscException">ComposeInvalid (InvalidData): not YAML, more than one document, a top level
    /// that is not a mapping, a non-scalar or duplicate key, or an unknown tag; the message carries file:line.</exception>
    public static ComposeNode Parse(string text, string file)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e) when (Clean(e).StartsWith("Duplicate key ", StringComparison.Ordinal))
        {
            throw Invalid($"{file}:{e.Start.Line}: the key '{Clean(e)[14..]}' is defined twice", e);
        }
        catch (YamlException e)
        {
            throw Invalid($"{file}:{e.Start.Line}: {Clean(e)}", e);
        }
        // compose-go refuses a file without content ("empty compose file") rather than load a project of nothing
        if (stream.Documents.Count == 0) throw Invalid($"{file}: empty compose file");
        if (stream.Documents.Count > 1)
            throw Invalid($"{file}: holds {stream.Documents.Count} YAML documents; a compose file is one document");
        var root = Convert(stream.Documents[0].RootNode, file);
        if (root.IsNull) throw Invalid($"{root.Where}: empty compose file");
        if (!root.IsMapping) throw Invalid($"{root.Where}: the top level of a compose file must be a mapping");
        return root;
    }

    private static string Clean(YamlException e) =>
        e.InnerException is YamlException inner ? inner.Message : e.Message;

    private static PscException Invalid(string message, Exception? inner = null) =>
        PscException.InvalidData(ErrorIds.ComposeInvalid, message, null, inner);

    private static ComposeNode Convert(YamlNode node, string file)
    {
        int line = (int)node.Start.Line;
        var tag = TagOf(node, file, line);
        ComposeNode result;
        switch (node)
        {
            case YamlScalarNode s:
                bool plain = s.Style is YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any;
                string? yamlTag = s.Tag.IsEmpty ? null : s.Tag.Value;
                bool nullTag = yamlTag == "tag:yaml.org,2002:null";
                bool explicitTag = yamlTag is not null && tag == ComposeNodeTag.None && !nullTag;
                string v = s.Value ?? "";
                if (nullTag || (plain && !explicitTag && v is "" or "~" or "null" or "Null" or "NULL"))
                    result = ComposeNode.Null(file, line);
                else
                    result = ComposeNode.Scalar(v, file, line, quoted: !plain || explicitTag);
                break;
            case YamlSequenceNode q:
                result = ComposeNode.Sequence(file, line);
                foreach (var item in q.Children) result.Items.Add(Convert(item, file));
                break;
            case YamlMappingNode m:
                result = ComposeNode.Mapping(file, line);
                var merged = new List<YamlNode>();
                foreach (var (k, v2) in m.Children)
                {
                    if (k is not YamlScalarNode key)
                        throw Invalid($"{file}:{k.Start.Line}: a mapping key must be a scalar");
                    string name = key.Value ?? "";
                    if (name == "<<" && key.Style is YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any)
                    {
                        // a YAML merge key: the entries of the mapping (or mappings) given, under the local keys
                        if (v2 is YamlSequenceNode list) merged.AddRange(list.Children);
                        else merged.Add(v2);
                        continue;
                    }
                    var child = Convert(v2, file);
                    // a value points at its key's line ("web:" rather than the first line of its block)
                    child.Line = (int)k.Start.Line;
                    result.Map[name] = child;
                }
                foreach (var source in merged)
                {
                    if (Convert(source, file) is not { IsMapping: true } from)
                        throw Invalid($"{file}:{source.Start.Line}: a merge key (<<) takes a mapping or a list of mappings");
                    foreach (var (mk, mv) in from.Map)
                        if (!result.Map.ContainsKey(mk)) result.Map[mk] = mv;
                }
                break;
            default:
                throw Invalid($"{file}:{line}: unsupported YAML node");
        }
        result.Tag = tag;
        return result;
    }

    private static ComposeNodeTag TagOf(YamlNode node, string file, int line)
    {
        if (node.Tag.IsEmpty) return ComposeNodeTag.None;
        return node.Tag.Value switch
        {
            "!reset" => ComposeNodeTag.Reset,
            "!override" => ComposeNodeTag.Override,
            var t when t.StartsWith("tag:yaml.org,2002:", StringComparison.Ordinal) => ComposeNodeTag.None,
            var t => throw Invalid($"{file}:{line}: unknown tag '{t}' (compose knows !reset and !override)"),
        };
    }
}
