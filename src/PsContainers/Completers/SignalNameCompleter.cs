using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using PsContainers.Contract;

namespace PsContainers.Completers;

/// <summary>
/// Completes -Signal and -StopSignal with the signal names <see cref="Signals"/> parses: SIGHUP to SIGSYS (1-31), then
/// SIGRTMIN and SIGRTMAX, in number order; a typed word matches with or without its SIG prefix ("te" gives SIGTERM).
/// </summary>
public sealed class SignalNameCompleter : IArgumentCompleter
{
    private static readonly string[] Known = [.. Enumerable.Range(1, 31).Select(n => Signals.NameOf(n)!), "SIGRTMIN", "SIGRTMAX"];

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var matches = CompletionWord.Matcher(wordToComplete);
        var bare = CompletionWord.Matcher("SIG" + (wordToComplete ?? "").Trim('\'', '"'));
        return Known.Where(k => matches(k) || bare(k))
            .Select(k => new CompletionResult(k, k, CompletionResultType.ParameterValue, $"{k} ({Array.IndexOf(Known, k) switch { 31 => Signals.RtMin, 32 => Signals.RtMax, int i => i + 1 }})"));
    }
}
