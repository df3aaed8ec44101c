using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace PsContainers.Completers;

/// <summary>Completes -Platform values (os/arch[/variant], the platforms registries commonly serve).</summary>
public sealed class PlatformCompleter : IArgumentCompleter
{
    private static readonly string[] Known = { "linux/amd64", "linux/arm64", "linux/arm64/v8", "linux/arm/v7", "linux/arm/v6", "linux/386", "linux/ppc64le", "linux/s390x", "linux/riscv64" };
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Known.Where(CompletionWord.Matcher(wordToComplete))
             .Select(k => new CompletionResult(k, k, CompletionResultType.ParameterValue, k));
}
