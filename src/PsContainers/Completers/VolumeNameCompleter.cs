using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace PsContainers.Completers;

/// <summary>
/// Completes volume names; reads the volume records only. On a container's -Volume (docker's -v SOURCE:TARGET[:OPTIONS])
/// a word that starts with '/', '.' or '~' is a bind mount's host path and completes as PowerShell completes paths
/// (its file name completion), as long as no ':' follows it (what comes after is the path in the container).
/// </summary>
public sealed class VolumeNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string word = (wordToComplete ?? "").Trim('\'', '"');
        if (parameterName == "Volume" && (word.StartsWith('/') || word.StartsWith('.') || word.StartsWith('~')))
        {
            if (word.Contains(':')) return [];
            try { return CompletionCompleters.CompleteFilename(wordToComplete ?? "").ToList(); }
            catch (Exception) { return []; } // host path completion is PowerShell's; nothing more to offer
        }
        IEnumerable<string> names = Array.Empty<string>();
        try { names = EngineCache.Current.Volumes.List().Select(v => v.Name).ToList(); } catch (Exception) { }
        var matches = CompletionWord.Matcher(wordToComplete);
        return names.Where(matches).Order()
            .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
    }
}
