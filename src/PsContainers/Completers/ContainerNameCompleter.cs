using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using PsContainers.Core.Containers;

namespace PsContainers.Completers;

/// <summary>
/// Completes container names from the store; a pure read (no reconcile, no repair). Every container, except for the
/// cmdlets that act on containers in some states only: those offer the containers the action applies to, by the
/// engine's own rule (<see cref="ContainerStateMachine.Can(Contract.ContainerStatus, ContainerOperation)"/>), as
/// docker's completion offers running containers to <c>docker exec</c> and <c>docker stop</c> and stopped ones to
/// <c>docker start</c> (<see cref="ContainerCompletion.OperationOf"/>).
/// </summary>
public sealed class ContainerNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var matches = CompletionWord.Matcher(wordToComplete);
        return ContainerCompletion.Candidates(commandName).Where(c => matches(c.Name)).OrderBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => new CompletionResult(CompletionWord.Quote(c.Name), c.Name, CompletionResultType.ParameterValue,
                $"{c.Name} ({c.ShortId}, {c.Image}, {c.StatusText})"));
    }
}

/// <summary>
/// Completes container ids (-Id) with their short form, the 12 characters docker shows, for the ids that start with
/// the word typed (a prefix of the full id; ids hold no wildcard characters), offering the same containers as
/// <see cref="ContainerNameCompleter"/> for the same cmdlet; the list shows each id with its name. A pure read.
/// </summary>
public sealed class ContainerIdCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string word = (wordToComplete ?? "").Trim('\'', '"');
        foreach (var c in ContainerCompletion.Candidates(commandName).Where(c => c.Id.StartsWith(word, StringComparison.OrdinalIgnoreCase))
                     .OrderBy(c => c.Id, StringComparer.Ordinal))
        {
            string id = word.Length > c.ShortId.Length ? c.Id : c.ShortId; // a word longer than the short id: the full id
            yield return new CompletionResult(id, id, CompletionResultType.ParameterValue, $"{c.Id} ({c.Name}, {c.Image}, {c.StatusText})");
        }
    }
}

/// <summary>What the container completers share: which containers a cmdlet can act on.</summary>
internal static class ContainerCompletion
{
    /// <summary>
    /// The operation a cmdlet (by name or alias) performs on the containers it names, when it is legal in some states
    /// only: exec and Enter-Container (Exec: running or restarting), Start-Container (created, exited, dead),
    /// Stop-Container (running, paused, restarting), Send-ContainerSignal (Kill), Suspend-Container (Pause: running),
    /// Resume-Container (paused); null for every other cmdlet (every container).
    /// </summary>
    public static ContainerOperation? OperationOf(string commandName) => commandName switch
    {
        "Invoke-ContainerExec" or "Exec-Container" or "Enter-Container" => ContainerOperation.Exec,
        "Start-Container" => ContainerOperation.Start,
        "Stop-Container" => ContainerOperation.Stop,
        "Send-ContainerSignal" or "Kill-Container" => ContainerOperation.Kill,
        "Suspend-Container" => ContainerOperation.Pause,
        "Resume-Container" => ContainerOperation.Resume,
        _ => null,
    };

    /// <summary>The store's containers that <paramref name="commandName"/> can act on (<see cref="OperationOf"/>); none when the store cannot be read.</summary>
    public static List<Container> Candidates(string commandName)
    {
        List<Container> all;
        try { all = EngineCache.Current.ContainerStore.LoadAll(); }
        catch (Exception) { return []; }
        return OperationOf(commandName) is { } op ? all.Where(c => ContainerStateMachine.Can(c.Status, op)).ToList() : all;
    }
}
