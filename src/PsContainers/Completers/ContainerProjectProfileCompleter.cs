using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using PsContainers.Core.Compose;

namespace PsContainers.Completers;

/// <summary>Completes -Profile with the profiles the services of the project's files name (the files of -Path, or those found from the current location).</summary>
public sealed class ContainerProjectProfileCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var profiles = new SortedSet<string>(StringComparer.Ordinal) { "*" };
        try
        {
            string cwd = CurrentLocation();
            var files = fakeBoundParameters["Path"] switch
            {
                string s => [s],
                object[] a => a.Select(x => x?.ToString() ?? "").ToList(),
                _ => new List<string>(),
            };
            var project = ComposeLoader.Load(new ComposeLoadOptions { Files = files, CurrentDirectory = cwd, Profiles = ["*"] });
            foreach (var s in project.Services)
                foreach (var p in s.Profiles) profiles.Add(p);
        }
        catch (Exception) { }
        var matches = CompletionWord.Matcher(wordToComplete);
        return profiles.Where(matches).Select(p => new CompletionResult(CompletionWord.Quote(p), p, CompletionResultType.ParameterValue, p));
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
