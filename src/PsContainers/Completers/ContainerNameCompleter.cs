using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using PsContainers.Core;
using PsContainers.Core.Containers;

namespace PsContainers.Completers;

/// <summary>Completes container names (running and stopped) from the store.</summary>
public sealed class ContainerNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string word = (wordToComplete ?? "").Trim('\'', '"');
        List<Container> all;
        try { all = EngineCache.Current.ContainerStore.LoadAll(); }
        catch (Exception) { yield break; }
        var p = new WildcardPattern(word + "*", WildcardOptions.IgnoreCase);
        foreach (var c in all.Where(c => p.IsMatch(c.Name)).OrderBy(c => c.Name))
        {
            string text = c.Name.IndexOfAny([' ', '\'', '$', '`']) >= 0 ? "'" + c.Name.Replace("'", "''") + "'" : c.Name;
            yield return new CompletionResult(text, c.Name, CompletionResultType.ParameterValue,
                $"{c.Name} ({c.ShortId}, {c.Image}, {c.StatusText})");
        }
    }
}
