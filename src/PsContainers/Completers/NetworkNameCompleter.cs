using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using PsContainers.Core.Networking;

namespace PsContainers.Completers;

/// <summary>Completes network names (plus host and none where a container's -Network is asked for); reads the network files only.</summary>
public sealed class NetworkNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var names = new List<string>();
        try { names.AddRange(EngineCache.Current.Networks.List().Select(n => n.Name)); } catch (Exception) { }
        if (!names.Contains(NetworkStore.DefaultNetworkName)) names.Add(NetworkStore.DefaultNetworkName);
        if (commandName is "Invoke-ContainerImage" or "New-Container" or "Run-ContainerImage")
        {
            names.AddRange(new[] { "host", "none" });
            // a shared network namespace: container:<name> of each container (a pure read of the store)
            try { names.AddRange(EngineCache.Current.ContainerStore.LoadAll().Where(c => c.Name.Length > 0).Select(c => Core.Networking.NetworkChoice.ContainerPrefix + c.Name)); }
            catch (Exception) { }
        }
        var matches = CompletionWord.Matcher(wordToComplete);
        return names.Distinct().Where(matches).Order()
            .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
    }
}
