using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace PsContainers.Completers;

/// <summary>
/// Completes compose project names (-Project): the com.docker.compose.project labels of the containers in the store,
/// with how many containers each has and how many run. A pure read of the store (no reconcile, no repair).
/// </summary>
public sealed class ComposeProjectCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        List<Core.Containers.Container> all;
        try { all = EngineCache.Current.ContainerStore.LoadAll(); }
        catch (Exception) { yield break; }
        var matches = CompletionWord.Matcher(wordToComplete);
        foreach (var g in all.Where(c => c.Project is not null).GroupBy(c => c.Project!, StringComparer.Ordinal)
                     .Where(g => matches(g.Key)).OrderBy(g => g.Key, StringComparer.Ordinal))
            yield return new CompletionResult(CompletionWord.Quote(g.Key), g.Key, CompletionResultType.ParameterValue,
                $"{g.Key} ({g.Count(c => c.State.Running)}/{g.Count()} running)");
    }
}
