using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace PsContainers.Completers;

/// <summary>Completes volume names; reads the volume records only.</summary>
public sealed class VolumeNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        IEnumerable<string> names = Array.Empty<string>();
        try { names = EngineCache.Current.Volumes.List().Select(v => v.Name).ToList(); } catch (Exception) { }
        var matches = CompletionWord.Matcher(wordToComplete);
        return names.Where(matches).Order()
            .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
    }
}
