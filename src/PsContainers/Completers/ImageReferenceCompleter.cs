using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using PsContainers.Core.Images;

namespace PsContainers.Completers;

/// <summary>
/// Completes image references (familiar name:tag) and short image ids from the local store, for every parameter that
/// names a local image; reads the index only (the store's recovery step is the commands', never a completion's).
/// </summary>
public sealed class ImageReferenceCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var results = new List<CompletionResult>();
        IReadOnlyList<ContainerImage> rows;
        try { rows = EngineCache.Current.Images.ListImageRows(); }
        catch (Exception) { return results; }
        var matches = CompletionWord.Matcher(wordToComplete);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in rows)
        {
            string text = r.Repository == "<none>" ? r.ShortId : r.Repository + ":" + r.Tag;
            if (!matches(text))
            {
                if (!matches(r.ShortId)) continue;
                text = r.ShortId;
            }
            if (!seen.Add(text)) continue;
            string tip = $"{r.ShortId}  {r.Architecture}/{r.Os}  created {r.Created:u}";
            results.Add(new CompletionResult(CompletionWord.Quote(text), text, CompletionResultType.ParameterValue, tip));
        }
        return results;
    }
}
