using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace PsContainers.Completers;

/// <summary>Completes pod names; reads the pod records only.</summary>
public sealed class PodNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        IEnumerable<string> names = Array.Empty<string>();
        try { names = EngineCache.Current.Pods.Store.LoadAll().Select(p => p.Name).ToList(); } catch (Exception) { }
        var matches = CompletionWord.Matcher(wordToComplete);
        return names.Where(matches).Order()
            .Select(n => new CompletionResult(CompletionWord.Quote(n), n, CompletionResultType.ParameterValue, n));
    }
}
