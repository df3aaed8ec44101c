using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace PsContainers.Completers;

/// <summary>Completes the action words of engine events (docker's event actions).</summary>
public sealed class EventActionCompleter : IArgumentCompleter
{
    /// <summary>Every action the engine and its monitors record.</summary>
    public static readonly string[] Actions =
    [
        "attach", "commit", "connect", "create", "delete", "destroy", "die", "disconnect", "exec_create", "exec_die", "exec_start",
        "health_status", "import", "kill", "load", "mount", "oom", "pause", "pull", "push", "remove", "rename", "restart", "save",
        "start", "stop", "tag", "unmount", "unpause", "untag", "update",
    ];

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = new WildcardPattern((wordToComplete ?? "").Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        return Actions.Where(a => pattern.IsMatch(a)).Select(a => new CompletionResult(a, a, CompletionResultType.ParameterValue, a));
    }
}
