using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using PsContainers.Core.Compose;

namespace PsContainers.Completers;

/// <summary>Completes -Profile with the profiles the services of the project's files name (the files of -Path, or those found from the current location), never those of other projects in the store.</summary>
public sealed class ContainerProjectProfileCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var profiles = new SortedSet<string>(StringComparer.Ordinal) { "*" };
        if (LoadForCompletion(fakeBoundParameters) is { } project)
            foreach (var s in project.Services)
                foreach (var p in s.Profiles) profiles.Add(p);
        var matches = CompletionWord.Matcher(wordToComplete);
        return profiles.Where(matches).Select(p => new CompletionResult(CompletionWord.Quote(p), p, CompletionResultType.ParameterValue, p));
    }

    /// <summary>
    /// The project of the typed -Path files (relative to the session's location), or of the compose file found from the
    /// session's location, with every profile active; null when none loads. For completers: reads only.
    /// </summary>
    internal static ContainerProject? LoadForCompletion(IDictionary fakeBoundParameters)
    {
        try
        {
            string cwd = CurrentLocation();
            var files = fakeBoundParameters["Path"] switch
            {
                string s => [s],
                object[] a => a.Select(x => x?.ToString() ?? "").ToList(),
                _ => new List<string>(),
            };
            return ComposeLoader.Load(new ComposeLoadOptions { Files = files, CurrentDirectory = cwd, Profiles = ["*"] });
        }
        catch (Exception) { return null; }
    }

    /// <summary>The session's file-system location (a nested pipeline: the session state proxy refuses while the completion runs).</summary>
    private static string CurrentLocation()
    {
        try
        {
            using var ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
            ps.AddCommand("Get-Location").AddParameter("PSProvider", "FileSystem");
            if (ps.Invoke().FirstOrDefault()?.BaseObject is PathInfo p) return p.ProviderPath;
        }
        catch (Exception) { }
        return Directory.GetCurrentDirectory();
    }
}
