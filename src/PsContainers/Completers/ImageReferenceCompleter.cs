using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using PsContainers.Core;
using PsContainers.Core.Images;

namespace PsContainers.Completers;

/// <summary>Completes image references (familiar name:tag) and short image ids from the local store.</summary>
public sealed class ImageReferenceCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var results = new List<CompletionResult>();
        string word = (wordToComplete ?? "").Trim('\'', '"');
        IReadOnlyList<ContainerImage> rows;
        try { rows = EngineCache.Current.Images.ListImageRows(); }
        catch { return results; }
        var pattern = new WildcardPattern(word + "*", WildcardOptions.IgnoreCase);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in rows)
        {
            string text = r.Repository == "<none>" ? r.ShortId : r.Repository + ":" + r.Tag;
            if (!pattern.IsMatch(text) && !pattern.IsMatch(r.ShortId)) continue;
            if (!pattern.IsMatch(text)) text = r.ShortId;
            if (!seen.Add(text)) continue;
            string tip = $"{r.ShortId}  {r.Architecture}/{r.Os}  created {r.Created:u}";
            results.Add(new CompletionResult(Quote(text), text, CompletionResultType.ParameterValue, tip));
        }
        return results;
    }

    private static string Quote(string s) => s.IndexOfAny([' ', '@', '$', '`', '\'', '"', '(', ')', '{', '}', ';', ',']) >= 0 ? "'" + s.Replace("'", "''") + "'" : s;
}
