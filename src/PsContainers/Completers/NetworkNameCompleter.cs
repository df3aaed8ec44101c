using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using PsContainers.Core;
using PsContainers.Core.Networking;

namespace PsContainers.Completers;

/// <summary>Completes network names (plus host and none where a container's -Network is asked for).</summary>
public sealed class NetworkNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var names = new List<string>();
        try { names.AddRange(EngineCache.Current.Networks.List().Select(n => n.Name)); } catch { }
        if (!names.Contains(NetworkStore.DefaultNetworkName)) names.Add(NetworkStore.DefaultNetworkName);
        if (commandName is "Invoke-ContainerImage" or "New-Container" or "Run-ContainerImage") names.AddRange(new[] { "host", "none" });
        var pattern = new WildcardPattern((wordToComplete ?? "").Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        return names.Distinct().Where(n => pattern.IsMatch(n)).Order()
            .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
    }
}
