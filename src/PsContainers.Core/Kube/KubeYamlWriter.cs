using System.Collections;
using System.Globalization;
using System.Text.RegularExpressions;
using System.Collections.Frozen;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace PsContainers.Core.Kube;

/// <summary>
/// Writes Kubernetes objects (trees of string-keyed dictionaries, lists, strings, integers and booleans) as one YAML
/// stream, documents separated by "---", through YamlDotNet's emitter. Keys are written in ordinal order, block
/// style, no line folding; a string is plain when it cannot read back as anything else (a number, a boolean, null, a
/// YAML 1.1 word such as "yes" or "on") and double-quoted otherwise, so any YAML 1.1 or 1.2 reader gets the same
/// types back.
/// </summary>
public static partial class KubeYamlWriter
{
    [GeneratedRegex("^[A-Za-z_/][-A-Za-z0-9_./@+:]*$")] private static partial Regex PlainRegex();

    private static readonly FrozenSet<string> Reserved = FrozenSet.ToFrozenSet<string>(
    [
        "true", "false", "yes", "no", "y", "n", "on", "off", "null", "nan", "inf",
    ], StringComparer.OrdinalIgnoreCase);

    /// <summary>The YAML of <paramref name="documents"/>, each a mapping.</summary>
    /// <exception cref="ArgumentException">A value of a type other than the ones above.</exception>
    public static string Write(IEnumerable<IDictionary> documents)
    {
        using var w = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        var e = new Emitter(w, new EmitterSettings(2, int.MaxValue, false, 1024));
        e.Emit(new StreamStart());
        bool first = true;
        foreach (var d in documents)
        {
            e.Emit(new DocumentStart(null, null, isImplicit: first));
            Node(e, d);
            e.Emit(new DocumentEnd(isImplicit: true));
            first = false;
        }
        e.Emit(new StreamEnd());
        return w.ToString();
    }

    private static void Node(IEmitter e, object? value)
    {
        switch (value)
        {
            case null:
                e.Emit(new Scalar(null, null, "null", ScalarStyle.Plain, true, false));
                break;
            case string s:
                bool plain = s.Length > 0 && PlainRegex().IsMatch(s) && !Reserved.Contains(s);
                e.Emit(new Scalar(null, null, s, plain ? ScalarStyle.Plain : ScalarStyle.DoubleQuoted, plain, !plain));
                break;
            case bool b:
                e.Emit(new Scalar(null, null, b ? "true" : "false", ScalarStyle.Plain, true, false));
                break;
            case int or long:
                e.Emit(new Scalar(null, null, Convert.ToString(value, CultureInfo.InvariantCulture)!, ScalarStyle.Plain, true, false));
                break;
            case IDictionary map:
                e.Emit(new MappingStart(null, null, true, MappingStyle.Block));
                foreach (var key in map.Keys.Cast<string>().Order(StringComparer.Ordinal))
                {
                    Node(e, key);
                    Node(e, map[key]);
                }
                e.Emit(new MappingEnd());
                break;
            case IEnumerable seq:
                var items = seq.Cast<object?>().ToList();
                e.Emit(new SequenceStart(null, null, true, items.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var i in items) Node(e, i);
                e.Emit(new SequenceEnd());
                break;
            default:
                throw new ArgumentException($"A value of type {value.GetType().Name} has no YAML form here.", nameof(value));
        }
    }
}
