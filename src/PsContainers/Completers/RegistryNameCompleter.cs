using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using PsContainers.Core.Registry;

namespace PsContainers.Completers;

/// <summary>Completes registry names from the stored credentials (auth.json and docker's config.json, read only).</summary>
public sealed class RegistryNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        IReadOnlyList<string> known;
        try { known = CredentialStore.KnownRegistries(); }
        catch (Exception) { known = Array.Empty<string>(); }
        return known.Where(CompletionWord.Matcher(wordToComplete))
                    .Select(r => new CompletionResult(r, r, CompletionResultType.ParameterValue, r));
    }
}
