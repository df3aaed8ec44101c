using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using PsContainers.Core.Targets;

namespace PsContainers.Completers;

/// <summary>
/// Completes compose service names (-Service). The cmdlets that read compose files (Start-, Invoke-, Import-, Export-,
/// Test-, Compare-ContainerProject) complete from the files: those of -Path, or the compose file found from the current
/// location (every profile's services). Otherwise, or when no file loads, the com.docker.compose.service labels of the
/// containers in the store, only those of the project already typed (-Project, or -Name of the *-ContainerProject
/// cmdlets; a wildcard or name) when there is one. Pure reads.
/// </summary>
public sealed class ComposeServiceCompleter : IArgumentCompleter
{
    private static readonly HashSet<string> FileCmdlets = new(StringComparer.OrdinalIgnoreCase)
    {
        "Start-ContainerProject", "Invoke-ContainerProject", "Import-ContainerProject", "Export-ContainerProject",
        "Test-ContainerProject", "Compare-ContainerProject",
    };

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        if (FileCmdlets.Contains(commandName) && ContainerProjectProfileCompleter.LoadForCompletion(fakeBoundParameters) is { } loaded)
        {
            var matches = CompletionWord.Matcher(wordToComplete);
            return loaded.Services.Select(s => s.Name).Where(matches).Order(StringComparer.Ordinal)
                .Select(n => new CompletionResult(CompletionWord.Quote(n), n, CompletionResultType.ParameterValue, $"{n} ({loaded.Name})")).ToList();
        }
        return FromStore(wordToComplete, fakeBoundParameters);
    }

    private static IEnumerable<CompletionResult> FromStore(string wordToComplete, IDictionary fakeBoundParameters)
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
