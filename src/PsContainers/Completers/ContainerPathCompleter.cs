using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using PsContainers.Core.Containers;

namespace PsContainers.Completers;

/// <summary>
/// Completes Copy-ContainerItem's -Path and -Destination as docker cp's arguments: a word without ':' completes to
/// container names followed by ':' (<c>we</c> → <c>web:</c>) and to host paths (PowerShell's file name completion);
/// <c>name:/dir/pre</c> completes to the entries of /dir inside a running container that start with "pre", directories
/// with a trailing '/', read through the secure join (<see cref="Core.Containers.Files.ContainerFiles.ListDirectory"/>:
/// one directory read, no symlink followed outside the container's root). A stopped container's paths are completed
/// too: its root is mounted for the read and unmounted after, as Copy-ContainerItem reads it. A container that cannot
/// be read (a lock held for more than a second, a root that does not mount) completes nothing, quietly. A word that
/// starts with '/', '.' or '~' is a host path.
/// </summary>
public sealed class ContainerPathCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string word = (wordToComplete ?? "").Trim('\'', '"');
        int colon = word.IndexOf(':');
        bool hostPath = word.StartsWith('/') || word.StartsWith('.') || word.StartsWith('~');
        var results = new List<CompletionResult>();
        if (!hostPath && colon > 0)
        {
            results.AddRange(InContainer(word[..colon], word[(colon + 1)..]));
            return results;
        }
        if (!hostPath) // the container names, each followed by ':'
            foreach (var r in new ContainerNameCompleter().CompleteArgument(commandName, parameterName, wordToComplete ?? "", commandAst, fakeBoundParameters))
                results.Add(new CompletionResult(CompletionWord.Quote(r.ListItemText + ":"), r.ListItemText + ":", r.ResultType, r.ToolTip));
        try { results.AddRange(CompletionCompleters.CompleteFilename(wordToComplete ?? "")); }
        catch (Exception) { /* host path completion is PowerShell's; nothing more to offer */ }
        return results;
    }

    private static IEnumerable<CompletionResult> InContainer(string name, string path)
    {
        if (!path.StartsWith('/')) path = "/" + path;
        int slash = path.LastIndexOf('/');
        string dir = path[..(slash + 1)], prefix = path[(slash + 1)..];
        IReadOnlyList<string>? entries;
        Container? c;
        try
        {
            var engine = EngineCache.Current;
            c = engine.ContainerStore.Find(name);
            // a stopped container's root is mounted for the read, as Copy-ContainerItem reads it; a busy lock is not waited for long
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            entries = c is null ? null : engine.Files.ListDirectory(c, dir, wait.Token);
        }
        catch (Exception) { yield break; }
        if (c is null || entries is null) yield break;
        foreach (var e in entries.Where(e => e.StartsWith(prefix, StringComparison.Ordinal)))
        {
            string text = c.Name + ":" + dir + e;
            yield return new CompletionResult(CompletionWord.Quote(text), e, e.EndsWith('/') ? CompletionResultType.ProviderContainer : CompletionResultType.ProviderItem, text);
        }
    }
}
