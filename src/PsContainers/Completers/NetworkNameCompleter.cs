using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using PsContainers.Core.Networking;

namespace PsContainers.Completers;

/// <summary>
/// Completes network names; reads the network files only. Where a container's -Network is asked for (run, create,
/// New-ContainerPod) it offers what docker's --network takes, networks first: the store's networks and docker's
/// names "bridge" and "default" (the default network, <see cref="NetworkChoice.NamesDefaultNetwork"/>), the modes
/// "host" and "none", sorted together; then "container:&lt;name&gt;" for each container (a shared network namespace),
/// and, once characters follow "container:", "container:&lt;short id&gt;" for each container whose id starts with them
/// (docker's --network container:&lt;id&gt;).
/// </summary>
public sealed class NetworkNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var names = new List<string>();
        try { names.AddRange(EngineCache.Current.Networks.List().Select(n => n.Name)); } catch (Exception) { }
        if (!names.Contains(NetworkStore.DefaultNetworkName)) names.Add(NetworkStore.DefaultNetworkName);
        var shared = new List<string>();
        var byId = new List<string>();
        if (commandName is "Invoke-ContainerImage" or "New-Container" or "Run-ContainerImage" or "New-ContainerPod")
        {
            names.AddRange(["bridge", "default", "host", "none"]);
            // a shared network namespace: container:<name> of each container (a pure read of the store), after the networks
            if (commandName != "New-ContainerPod")
                try
                {
                    var containers = EngineCache.Current.ContainerStore.LoadAll();
                    shared.AddRange(containers.Where(c => c.Name.Length > 0).Select(c => NetworkChoice.ContainerPrefix + c.Name).Order(StringComparer.Ordinal));
                    // container:<id>: the short id of each container whose id starts with the word typed after the colon
                    string word = (wordToComplete ?? "").Trim('\'', '"');
                    if (word.StartsWith(NetworkChoice.ContainerPrefix, StringComparison.OrdinalIgnoreCase) && word.Length > NetworkChoice.ContainerPrefix.Length)
                    {
                        string idPrefix = word[NetworkChoice.ContainerPrefix.Length..];
                        byId.AddRange(containers.Where(c => c.Id.StartsWith(idPrefix, StringComparison.OrdinalIgnoreCase))
                            .Select(c => NetworkChoice.ContainerPrefix + (idPrefix.Length > c.ShortId.Length ? c.Id : c.ShortId)).Order(StringComparer.Ordinal));
                    }
                }
                catch (Exception) { }
        }
        var matches = CompletionWord.Matcher(wordToComplete);
        return names.Distinct().Order(StringComparer.Ordinal).Concat(shared).Where(matches).Concat(byId).Distinct()
            .Select(n => new CompletionResult(CompletionWord.Quote(n), n, CompletionResultType.ParameterValue, n));
    }
}
