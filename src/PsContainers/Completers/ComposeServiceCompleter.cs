using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using PsContainers.Core.Targets;

namespace PsContainers.Completers;

/// <summary>
/// Completes compose service names (-Service): the com.docker.compose.service labels of the containers in the store,
/// only those of the project already typed (-Project, or -Name of the *-ContainerProject cmdlets; a wildcard or name)
/// when there is one. A pure read of the store.
/// </summary>
public sealed class ComposeServiceCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        List<Core.Containers.Container> all;
        Wildcard? project = null;
        try
        {
            all = EngineCache.Current.ContainerStore.LoadAll();
            var typed = fakeBoundParameters["Project"] ?? fakeBoundParameters["Name"] ?? fakeBoundParameters["ProjectName"];
            if ((typed is object[] many ? many.FirstOrDefault() : typed)?.ToString() is { Length: > 0 } p) project = Wildcard.Parse(p);
        }
        catch (Exception) { yield break; }
        var matches = CompletionWord.Matcher(wordToComplete);
        foreach (var g in all.Where(c => c.Service is not null && c.Project is not null && (project is null || project.IsMatch(c.Project)))
                     .GroupBy(c => c.Service!, StringComparer.Ordinal).Where(g => matches(g.Key)).OrderBy(g => g.Key, StringComparer.Ordinal))
            yield return new CompletionResult(CompletionWord.Quote(g.Key), g.Key, CompletionResultType.ParameterValue,
                $"{g.Key} ({string.Join(", ", g.Select(c => c.Project!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))})");
    }
}
