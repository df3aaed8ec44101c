using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PsContainers.Core.Compose;

/// <summary>
/// Reads one compose file into a <see cref="ComposeNode"/> tree with YamlDotNet's representation model: anchors,
/// aliases and merge keys (<c>&lt;&lt;: *base</c>, through <see cref="MergingParser"/>) are expanded; the compose tags
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
            stream.Load(new MergingParser(new Parser(new StringReader(text))));
        }
        catch (YamlException e)
        {
            throw Invalid($"{file}:{e.Start.Line}: {Clean(e)}", e);
        }
        if (stream.Documents.Count == 0) return ComposeNode.Mapping(file, 1);
        if (stream.Documents.Count > 1)
            throw Invalid($"{file}: holds {stream.Documents.Count} YAML documents; a compose file is one document");
        var root = Convert(stream.Documents[0].RootNode, file);
        if (root.IsNull) return ComposeNode.Mapping(file, 1);
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
                bool explicitTag = !s.Tag.IsEmpty && tag == ComposeNodeTag.None && s.Tag.Value != "tag:yaml.org,2002:null";
                string v = s.Value ?? "";
                if (plain && !explicitTag && v is "" or "~" or "null" or "Null" or "NULL" || s.Tag.Value == "tag:yaml.org,2002:null")
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
                foreach (var (k, v2) in m.Children)
                {
                    if (k is not YamlScalarNode key)
                        throw Invalid($"{file}:{k.Start.Line}: a mapping key must be a scalar");
                    string name = key.Value ?? "";
                    if (result.Map.ContainsKey(name))
                        throw Invalid($"{file}:{k.Start.Line}: the key '{name}' is defined twice");
                    result.Map[name] = Convert(v2, file);
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
