using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using PsContainers.Core.Containers;

namespace PsContainers.Completers;

/// <summary>
/// Completes container names from the store; a pure read (no reconcile, no repair). Running and stopped ones, except
/// for the cmdlets that run a process in a container (Invoke-ContainerExec, Enter-Container): those complete the
/// containers an exec can enter only (<see cref="ContainerStateMachine.CanExec"/>: running or restarting), as docker's
/// completion of <c>docker exec</c> offers running containers, since docker exec refuses any other.
/// </summary>
public sealed class ContainerNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        List<Container> all;
        try { all = EngineCache.Current.ContainerStore.LoadAll(); }
        catch (Exception) { yield break; }
        bool runningOnly = commandName is "Invoke-ContainerExec" or "Exec-Container" or "Enter-Container";
        var matches = CompletionWord.Matcher(wordToComplete);
        foreach (var c in all.Where(c => matches(c.Name) && (!runningOnly || ContainerStateMachine.CanExec(c.Status))).OrderBy(c => c.Name, StringComparer.Ordinal))
            yield return new CompletionResult(CompletionWord.Quote(c.Name), c.Name, CompletionResultType.ParameterValue,
                $"{c.Name} ({c.ShortId}, {c.Image}, {c.StatusText})");
    }
}
