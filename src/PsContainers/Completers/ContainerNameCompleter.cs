using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using PsContainers.Core.Containers;

namespace PsContainers.Completers;

/// <summary>Completes container names (running and stopped) from the store; a pure read (no reconcile, no repair).</summary>
public sealed class ContainerNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        List<Container> all;
        try { all = EngineCache.Current.ContainerStore.LoadAll(); }
        catch (Exception) { yield break; }
        var matches = CompletionWord.Matcher(wordToComplete);
        foreach (var c in all.Where(c => matches(c.Name)).OrderBy(c => c.Name, StringComparer.Ordinal))
            yield return new CompletionResult(CompletionWord.Quote(c.Name), c.Name, CompletionResultType.ParameterValue,
                $"{c.Name} ({c.ShortId}, {c.Image}, {c.StatusText})");
    }
}
