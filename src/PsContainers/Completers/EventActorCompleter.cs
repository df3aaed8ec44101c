using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using PsContainers.Core;

namespace PsContainers.Completers;

/// <summary>Completes the names of the containers, images, networks and volumes the event journal mentions.</summary>
public sealed class EventActorCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var e in EngineCache.Current.Events.Journal.Read())
                if (e.ActorName is string n) names.Add(n);
        }
        catch (Exception) { } // a completer never fails the prompt
        var pattern = new WildcardPattern((wordToComplete ?? "").Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        return names.Where(n => pattern.IsMatch(n)).Order(StringComparer.Ordinal)
            .Select(n => new CompletionResult(n.Contains(' ') ? $"'{n}'" : n, n, CompletionResultType.ParameterValue, n));
    }
}
