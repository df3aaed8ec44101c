using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using PsContainers.Core;
using PsContainers.Core.Volumes;

namespace PsContainers.Completers;

/// <summary>Completes volume names.</summary>
public sealed class VolumeNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        IEnumerable<string> names = Array.Empty<string>();
        try { names = EngineCache.Current.Volumes.List().Select(v => v.Name); } catch { }
        var pattern = new WildcardPattern((wordToComplete ?? "").Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        return names.Where(n => pattern.IsMatch(n)).Order()
            .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
    }
}
