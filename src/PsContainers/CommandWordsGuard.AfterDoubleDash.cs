using System.Management.Automation;
using System.Management.Automation.Language;

namespace PsContainers;

internal static partial class CommandWordsGuard
{
    /// <summary>The switch common parameters: they take no value of their own (-Verbose, not -Verbose Stop).</summary>
    private static readonly string[] CommonSwitches = ["Verbose", "Debug", "WhatIf", "Confirm"];

    /// <summary>
    /// The warning for common parameters written after '--' in this invocation of <paramref name="cmdlet"/>, or null.
    /// PowerShell binds nothing after '--': <c>Invoke-ContainerImage busybox -- sh -c 'exit 5' -ErrorAction Stop</c> runs
    /// <c>sh -c 'exit 5' -ErrorAction Stop</c> and the -ErrorAction the user meant is lost without a word. A bare word
    /// after '--' that is exactly the full name of a common parameter (-ErrorAction, -Verbose, ... as
    /// Cmdlet.CommonParameters lists them) or -WhatIf / -Confirm, case-insensitive, is named with the value that follows
    /// it when the parameter takes one (<c>'-ErrorAction Stop'</c>, <c>'-Verbose'</c>). One message names them all,
    /// so that the cmdlet warns once. A prefix or an alias (<c>-ea</c>) is the command's own option and is not named;
    /// nor is a quoted word, which PowerShell never binds. The words still go to the command as written, as docker's
    /// do after the image. Null without invocation text (the API, splatting) or with -Command given by name.
    /// </summary>
    public static string? CommonParametersAfterDoubleDash(PSCmdlet cmdlet, string commandParameter)
    {
        if (Read(InvocationText(cmdlet.MyInvocation), cmdlet.MyInvocation.MyCommand, commandParameter, out _, out _) is not { } items) return null;
        int doubleDash = items.FindIndex(i => i.Kind == Kind.DoubleDash);
        if (doubleDash < 0) return null;
        var named = new List<string>();
        for (int i = doubleDash + 1; i < items.Count; i++)
        {
            if (items[i].Ast is not StringConstantExpressionAst { StringConstantType: StringConstantType.BareWord } word
                || !word.Value.StartsWith('-')) continue;
            string name = word.Value[1..].TrimEnd(':');
            string? common = Cmdlet.CommonParameters.Concat(["WhatIf", "Confirm"])
                .FirstOrDefault(c => c.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (common is null) continue;
            bool takesValue = word.Value.EndsWith(':') || !CommonSwitches.Contains(common, StringComparer.OrdinalIgnoreCase);
            if (takesValue && i + 1 < items.Count) named.Add(items[i].Text + (word.Value.EndsWith(':') ? "" : " ") + items[++i].Text);
            else named.Add(items[i].Text);
        }
        if (named.Count == 0) return null;
        string list = string.Join(", ", named.Select(n => $"'{n}'"));
        return $"{list} follow{(named.Count == 1 ? "s" : "")} '--', so {(named.Count == 1 ? "it goes" : "they go")} to the container's command, not to PowerShell; " +
            "put common parameters before '--'.";
    }
}
