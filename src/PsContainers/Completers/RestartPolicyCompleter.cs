using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace PsContainers.Completers;

/// <summary>
/// Completes -Restart (-RestartPolicy) with docker's restart policies: no, always, unless-stopped, on-failure and
/// on-failure:3 (the form with a retry limit), each with what it does as the tooltip.
/// </summary>
public sealed class RestartPolicyCompleter : IArgumentCompleter
{
    private static readonly (string Policy, string Tip)[] Known =
    [
        ("no", "never restart (the default)"),
        ("always", "restart whenever it stops, and when the host boots (Register-ContainerBootService)"),
        ("unless-stopped", "as always, unless it was stopped by hand"),
        ("on-failure", "restart when it exits with a non-zero code"),
        ("on-failure:3", "restart on a non-zero exit, at most 3 times"),
    ];

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var matches = CompletionWord.Matcher(wordToComplete);
        return Known.Where(k => matches(k.Policy)).Select(k => new CompletionResult(k.Policy, k.Policy, CompletionResultType.ParameterValue, k.Tip));
    }
}
