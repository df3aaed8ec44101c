using System.Management.Automation;
using System.Management.Automation.Language;
using PsContainers.Core;

namespace PsContainers;

/// <summary>
/// The '--' rule of the cmdlets that take a container's command through ValueFromRemainingArguments
/// (Invoke-ContainerImage, New-Container, Invoke-ContainerExec). PowerShell binds every '-word' it can to a parameter
/// of the cmdlet, by unique prefix and wherever it stands (<c>Invoke-ContainerImage busybox ls -l /etc</c> binds -Label
/// to '/etc' and runs <c>ls</c>), and hands the '-words' it cannot bind ('-it', '--rm', a typo such as '-Detatch') to the
/// command. So, unless the command comes after '--':
/// <list type="bullet">
/// <item>a '-' word before the command's first word is refused, naming the parameter it most likely meant
/// (docker's '-it' is -i -t, '--rm' is -Remove, '--name' is -Name, '-Detatch' is -Detach); written before the image
/// (exec: the container), where docker's options stand, the line is shown with them as parameters, the image first and
/// the command after '--';</item>
/// <item>a '-' word among the command's words is refused (a later version's parameter could take it);</item>
/// <item>a parameter written after the command's first word is refused (it was taken from the command), except -c right
/// after the first word (the shell-script form <c>sh -c 'script'</c>, put back in its place) and a common parameter
/// written out in full (<c>... sleep 60 -ErrorAction Stop</c>).</item>
/// </list>
/// The error (ErrorId CommandNeedsDoubleDash, InvalidArgument) shows the '--' form of the same line. PowerShell drops
/// '--' before binding, so the rule reads the invocation's own text (InvocationInfo.Statement, parsed again). A
/// command given by name (<c>-Command ls, -l</c>), through splatting, or through the API (no invocation text) is taken as it is: PowerShell re-read no words of it.
/// </summary>
internal static partial class CommandWordsGuard
{
    private enum Kind { Parameter, ParameterValue, Value, DashWord, DoubleDash }

    private sealed record Item(Kind Kind, CommandElementAst Ast, ParameterMetadata? Parameter = null)
    {
        public string Text => Ast.Extent.Text;
    }

    /// <summary>
    /// The refusal of this invocation of <paramref name="cmdlet"/>, whose command is its parameter
    /// <paramref name="commandParameter"/>, or null when the words are safe (see the class summary). Call it from
    /// BeginProcessing, before pipeline input binds.
    /// </summary>
    /// <param name="targetParameter">The positional target before the command (run and create: -Image), or null.
    /// When PowerShell bound nothing to it and no pipeline input can (<c>Invoke-ContainerImage -it busybox</c>: the
    /// unknown '-it' took 'busybox' as its value, and both went to the command), the '-' words before the first value are
    /// docker's options written before the image, refused as such.</param>
    public static ErrorRecord? Check(PSCmdlet cmdlet, string commandParameter, string? targetParameter = null)
    {
        var inv = cmdlet.MyInvocation;
        if (!inv.BoundParameters.ContainsKey(commandParameter)) return null;
        bool targetMissing = targetParameter is not null && !inv.BoundParameters.ContainsKey(targetParameter) && !inv.ExpectingInput;
        string? message = Analyze(InvocationText(inv), inv.MyCommand, inv.BoundParameters.Keys, commandParameter, targetMissing);
        return message is null ? null
            : new ErrorRecord(new PSArgumentException(message), ErrorIds.CommandNeedsDoubleDash, ErrorCategory.InvalidArgument, null);
    }

    private static readonly System.Reflection.PropertyInfo? StatementProperty = typeof(InvocationInfo).GetProperty("Statement");

    /// <summary>
    /// The text of the invocation: PowerShell 7's InvocationInfo.Statement (the command's whole extent, lines joined by
    /// backticks included; read by reflection, since the module compiles against PowerShellStandard 5.1), else its
    /// line from the command's first character; null when there is none (the API).
    /// </summary>
    private static string? InvocationText(InvocationInfo inv)
    {
        if (StatementProperty?.GetValue(inv) is string { Length: > 0 } statement) return statement;
        string? line = inv.Line;
        if (string.IsNullOrEmpty(line) || inv.OffsetInLine < 1 || inv.OffsetInLine > line.Length) return null;
        return line[(inv.OffsetInLine - 1)..];
    }

    /// <summary>
    /// Whether PowerShell bound <paramref name="positionalParameter"/> of this invocation of <paramref name="cmdlet"/>
    /// from words written after '--': it was not named, and no value stands before '--' other than those of named
    /// parameters, so its positional value came from the command (<c>Invoke-ContainerProject -Service web -- sh -c 'echo hi'</c>
    /// binds 'sh' to -Path). False when there is no '--', when the text cannot be read (the API, splatting), or when
    /// the command was given by name (<paramref name="commandParameter"/>).
    /// </summary>
    public static bool BoundFromAfterDoubleDash(PSCmdlet cmdlet, string positionalParameter, string commandParameter)
    {
        if (!cmdlet.MyInvocation.BoundParameters.ContainsKey(positionalParameter)) return false;
        return Read(InvocationText(cmdlet.MyInvocation), cmdlet.MyInvocation.MyCommand, commandParameter, out _, out var named) is { } items
            && !named.Contains(positionalParameter) && NoValueBeforeDoubleDash(items);
    }

    /// <summary>
    /// Whether this invocation of <paramref name="cmdlet"/> has '--' and no positional value before it, so that what
    /// PowerShell bound to the first positional parameter (exec's container name) is the command's first word:
    /// <c>Get-Container web | Invoke-ContainerExec -- ls</c>. False without invocation text (the API) or with splatting.
    /// </summary>
    public static bool NothingPositionalBeforeDoubleDash(PSCmdlet cmdlet, string commandParameter) =>
        Read(InvocationText(cmdlet.MyInvocation), cmdlet.MyInvocation.MyCommand, commandParameter, out _, out _) is { } items && NoValueBeforeDoubleDash(items);

    /// <summary>The words have '--' and no positional value before it: what PowerShell bound positionally came after it.</summary>
    private static bool NoValueBeforeDoubleDash(List<Item> items)
    {
        int doubleDash = items.FindIndex(i => i.Kind == Kind.DoubleDash);
        return doubleDash >= 0 && !items.Take(doubleDash).Any(i => i.Kind == Kind.Value);
    }

    /// <summary>
    /// The invocation's words after the command name, classified; null when there is no text, it does not parse, it
    /// splats, or it names <paramref name="commandParameter"/> (the command given explicitly).
    /// </summary>
    private static List<Item>? Read(string? statement, CommandInfo command, string commandParameter, out CommandAst? cmd, out HashSet<string> named)
    {
        named = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        cmd = null;
        if (string.IsNullOrWhiteSpace(statement)) return null;
        var script = Parser.ParseInput(statement, out _, out var parseErrors);
        if (parseErrors.Length > 0 || script.Find(a => a is CommandAst, searchNestedScriptBlocks: false) is not CommandAst found) return null;
        cmd = found;
        var parameters = command.Parameters;

        var items = new List<Item>();
        bool afterDoubleDash = false;
        var elements = found.CommandElements;
        for (int i = 1; i < elements.Count; i++)
        {
            var e = elements[i];
            if (e is VariableExpressionAst { Splatted: true }) return null;
            if (!afterDoubleDash && e is CommandParameterAst p)
            {
                if (p.ParameterName == "-") { afterDoubleDash = true; items.Add(new Item(Kind.DoubleDash, e)); continue; }
                var meta = Resolve(parameters, p.ParameterName);
                if (meta is null) { items.Add(new Item(Kind.DashWord, e)); continue; }
                if (meta.Name.Equals(commandParameter, StringComparison.OrdinalIgnoreCase)) return null; // -Command a, b: explicit
                named.Add(meta.Name);
                items.Add(new Item(Kind.Parameter, e, meta));
                if (p.Argument is null && meta.ParameterType != typeof(SwitchParameter) && i + 1 < elements.Count)
                    items.Add(new Item(Kind.ParameterValue, elements[++i], meta));
                continue;
            }
            bool dash = !afterDoubleDash && e is StringConstantExpressionAst { StringConstantType: StringConstantType.BareWord } s && s.Value.StartsWith('-');
            items.Add(new Item(dash ? Kind.DashWord : Kind.Value, e));
        }
        return items;
    }

    private static string? Analyze(string? statement, CommandInfo command, ICollection<string> bound, string commandParameter, bool targetMissing)
    {
        if (Read(statement, command, commandParameter, out var read, out var named) is not { } items || read is not { } cmd) return null;
        var parameters = command.Parameters;

        // The values before the command are those bound to positional parameters (the image; exec's container name).
        // A positional parameter named inside the command (exec's -Name by 'head -n 1': 'web head -n 1 /etc/passwd')
        // was meant positionally: it counts when a value for it and a command word stand before it.
        int positional = bound.Count(b => !b.Equals(commandParameter, StringComparison.OrdinalIgnoreCase)
            && parameters.TryGetValue(b, out var m) && m.ParameterSets.Values.Where(s => s.Position >= 0).Select(s => s.Position).DefaultIfEmpty(-1).Max() is int position
            && position >= 0 && (!named.Contains(b) || NamedAfterValues(items, b) >= position + 2));
        int firstWord = -1, seen = 0;
        for (int i = 0; i < items.Count && firstWord < 0; i++)
            if (items[i].Kind == Kind.Value && seen++ == positional) firstWord = i;

        string name = command.Name;
        // docker's options written before the image (exec: the container): PowerShell bound the first of them to the
        // positional parameter (or, with no command after the image, the unknown '-' word took the image as its value and
        // the target is missing), so the line is shown with them as this cmdlet's parameters, the image first
        if (positional > 0 || targetMissing)
        {
            int firstValue = items.FindIndex(i => i.Kind == Kind.Value);
            int firstDash = items.FindIndex(i => i.Kind == Kind.DashWord);
            if (firstDash >= 0 && (firstValue < 0 || firstDash < firstValue))
                return BeforeTarget(cmd, items, parameters, name, firstDash);
        }
        for (int i = 0; i < items.Count; i++)
        {
            var it = items[i];
            if (it.Kind == Kind.DashWord && (firstWord < 0 || i < firstWord))
                return $"'{it.Text}' is not a parameter of {name}{Suggest(it.Text, parameters)} " +
                    $"If '{it.Text}' is meant for the container's command, write the command after '--': {DoubleDashForm(cmd, items, firstWord < 0 ? i : Math.Min(i, firstWord))}";
            if (firstWord < 0 || i <= firstWord) continue;
            if (it.Kind == Kind.DashWord)
                return $"'{it.Text}' in the container's command '{items[firstWord].Text}' could be taken as a parameter of {name}. " +
                    $"Write the command after '--': {DoubleDashForm(cmd, items, firstWord)}";
            if (it.Kind == Kind.Parameter && !Allowed(items, i, firstWord))
                return $"'{it.Text}' after the container's command '{items[firstWord].Text}' is taken by PowerShell as -{it.Parameter!.Name}, not given to the command. " +
                    $"Write the command after '--': {DoubleDashForm(cmd, items, firstWord)}" +
                    $" (or, to set -{it.Parameter.Name}, put it before the command).";
        }
        return null;
    }

    /// <summary>The number of values written before the parameter item that names <paramref name="parameter"/>.</summary>
    private static int NamedAfterValues(List<Item> items, string parameter)
    {
        int at = items.FindIndex(i => i.Kind == Kind.Parameter && i.Parameter!.Name.Equals(parameter, StringComparison.OrdinalIgnoreCase));
        return at < 0 ? 0 : items.Take(at).Count(i => i.Kind == Kind.Value);
    }

    /// <summary>
    /// The refusal of '-' words written before the positional target (the image of run and create, the container of
    /// exec), where docker's options stand (<c>docker run --rm -it busybox sh</c>). PowerShell bound the first of them
    /// to the target's parameter, so the '--' form of the line as typed would be wrong. The first such word is named
    /// with the parameter it is here, and the corrected line is shown in the '--' form with the target first: each
    /// docker option as this cmdlet's parameters (<c>--rm</c> → -Remove, <c>-it</c> → -Interactive -Tty,
    /// <c>--name web</c> and <c>--name=web</c> → -Name web, <c>--rm=false</c> → -Remove:$false), then the target, then '--' and the command's words (<c>Invoke-ContainerImage
    /// -Remove -Interactive -Tty busybox -- sh</c>). An option that maps to no parameter is left out of that line and
    /// named as not supported (the cmdlet's help lists docker's options it does not take under NOTES).
    /// </summary>
    private static string BeforeTarget(CommandAst cmd, List<Item> items, Dictionary<string, ParameterMetadata> parameters, string name, int firstDash)
    {
        var options = new List<string> { cmd.CommandElements[0].Extent.Text };   // the cmdlet, its parameters
        var unsupported = new List<string>();
        int at = 0;
        for (; at < items.Count; at++)
        {
            var it = items[at];
            if (it.Kind == Kind.Value) break;          // the target
            if (it.Kind == Kind.DoubleDash) continue;
            if (it.Kind != Kind.DashWord) { options.Add(it.Text); continue; }
            if (DockerOptions(it.Text, parameters) is not { } meant) { unsupported.Add(it.Text); continue; }
            if (InlineValue(it.Text) is { } inline)
            {
                // docker's --network=host is --network host; a switch takes =true / =false
                if (meant[^1].ParameterType != typeof(SwitchParameter)) options.AddRange([.. meant.Select(m => "-" + m.Name), inline.Length == 0 ? "''" : inline]);
                else if (bool.TryParse(inline, out bool on)) options.Add($"-{meant[^1].Name}{(on ? "" : ":$false")}");
                else unsupported.Add(it.Text);
                continue;
            }
            options.AddRange(meant.Select(m => "-" + m.Name));
            if (meant[^1].ParameterType != typeof(SwitchParameter) && at + 1 < items.Count && items[at + 1].Kind == Kind.Value)
                options.Add(items[++at].Text); // docker's --name web: its value
        }
        if (at < items.Count) options.Add(items[at].Text);
        var words = new List<string>();
        for (int i = at + 1; i < items.Count; i++)
        {
            var it = items[i];
            if (it.Kind == Kind.DoubleDash) continue;
            // a common parameter written out in full after the command stays the cmdlet's (as DoubleDashForm keeps it)
            (CommonInFull(items, i) ? options : words).Add(it.Text);
        }
        string line = string.Join(' ', words.Count == 0 ? options : [.. options, "--", .. words]);
        string word = items[firstDash].Text;
        string notSupported = unsupported.Count == 0 ? ""
            : $" No parameter takes {string.Join(", ", unsupported.Select(u => "'" + u + "'"))} (Get-Help {name} -Full lists under NOTES docker's options it does not take): left out of the line below.";
        return $"'{word}' is not a parameter of {name}{Suggest(word, parameters)}{notSupported} " +
            $"Write docker's options before the {TargetNoun(name)} as parameters, and the command after '--': {line}";
    }

    /// <summary>What the positional value before the command names: the image (run, create) or the container (exec).</summary>
    private static string TargetNoun(string cmdlet) => cmdlet.Contains("Exec", StringComparison.OrdinalIgnoreCase) || cmdlet.StartsWith("Enter-", StringComparison.OrdinalIgnoreCase) ? "container" : "image";

    /// <summary>
    /// The parameters a docker option stands for here: a long option ('--rm', '--name', '--add-host', and its
    /// '--name=value' form, docker's flag syntax) by the name or alias of one parameter (dashes dropped), or docker's bundled short options ('-it', '-dit') by one-letter
    /// aliases, every letter one; null when it maps to none.
    /// </summary>
    private static List<ParameterMetadata>? DockerOptions(string word, Dictionary<string, ParameterMetadata> parameters)
    {
        string bare = OptionName(word).TrimStart('-');
        if (bare.Length == 0) return null;
        if (word.StartsWith("--")) return Resolve(parameters, bare.Replace("-", "")) is { } longOption ? [longOption] : null;
        if (bare.Length < 2) return null;
        var letters = bare.Select(ch => parameters.Values.FirstOrDefault(m => m.Aliases.Contains(ch.ToString(), StringComparer.OrdinalIgnoreCase))).ToList();
        return letters.All(m => m is not null) ? letters! : null;
    }

    /// <summary>-c right after the command's first word (sh -c 'script'), or a common parameter by its full name.</summary>
    private static bool Allowed(List<Item> items, int i, int firstWord) =>
        (items[i].Parameter!.Name == "ShellScript" && i == firstWord + 1) || CommonInFull(items, i);

    /// <summary>
    /// Whether item <paramref name="i"/> is a common parameter written out in full (<c>-ErrorAction</c>), or the value of
    /// one: the words the rule leaves with the cmdlet after the command. A common parameter by its alias or a prefix
    /// (<c>ls -ea Stop /etc</c>) belongs to the command, its value with it.
    /// </summary>
    private static bool CommonInFull(List<Item> items, int i)
    {
        var it = items[i];
        if (it.Kind == Kind.ParameterValue) return i > 0 && items[i - 1].Kind == Kind.Parameter && CommonInFull(items, i - 1);
        return it.Kind == Kind.Parameter && IsCommon(it.Parameter!.Name)
            && ((CommandParameterAst)it.Ast).ParameterName.Equals(it.Parameter.Name, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The value of docker's <c>--option=value</c> form (the text after the first '='), or null.</summary>
    private static string? InlineValue(string word) =>
        word.StartsWith("--") && word.IndexOf('=') is int eq and > 2 ? word[(eq + 1)..] : null;

    /// <summary>The option of docker's <c>--option=value</c> form without its value; any other word as it is.</summary>
    private static string OptionName(string word) => InlineValue(word) is { } value ? word[..(word.Length - value.Length - 1)] : word;

    private static bool IsCommon(string parameter) =>
        Cmdlet.CommonParameters.Contains(parameter) || Cmdlet.OptionalCommonParameters.Contains(parameter);

    /// <summary>The same line with '--' before the command's words: options first, the allowed trailing common parameters with them.</summary>
    private static string DoubleDashForm(CommandAst cmd, List<Item> items, int commandStart)
    {
        var options = new List<string> { cmd.CommandElements[0].Extent.Text };
        var words = new List<string>();
        for (int i = 0; i < items.Count; i++)
        {
            var it = items[i];
            if (it.Kind == Kind.DoubleDash) continue;
            (i < commandStart || (i > commandStart && CommonInFull(items, i)) ? options : words).Add(it.Text);
        }
        return string.Join(' ', [.. options, "--", .. words]);
    }

    /// <summary>
    /// A parameter named exactly or by alias, else the only parameter (name or alias) starting with
    /// <paramref name="typed"/>, as PowerShell's binder resolves it; null when none or several match.
    /// </summary>
    private static ParameterMetadata? Resolve(Dictionary<string, ParameterMetadata> parameters, string typed)
    {
        if (typed.Length == 0) return null;
        if (parameters.TryGetValue(typed, out var exact)) return exact;
        var byAlias = parameters.Values.FirstOrDefault(m => m.Aliases.Contains(typed, StringComparer.OrdinalIgnoreCase));
        if (byAlias is not null) return byAlias;
        var prefixed = parameters.Values.Where(m => m.Name.StartsWith(typed, StringComparison.OrdinalIgnoreCase)
            || m.Aliases.Any(a => a.StartsWith(typed, StringComparison.OrdinalIgnoreCase))).Distinct().ToList();
        return prefixed.Count == 1 ? prefixed[0] : null;
    }

    /// <summary>
    /// What an unknown '-' word most likely meant, as a sentence ending in '.': a docker long option ('--rm', '--name',
    /// '--add-host') by name or alias, docker's bundled short options ('-it', '-dit') by one-letter aliases, or a typo
    /// within two edits of a parameter's name ('-Detatch').
    /// </summary>
    private static string Suggest(string word, Dictionary<string, ParameterMetadata> parameters)
    {
        string bare = word.TrimStart('-');
        if (bare.Length == 0) return ".";
        if (DockerOptions(word, parameters) is { } meant)
            return word.StartsWith("--") ? $": docker's {word} is -{meant[0].Name}{(InlineValue(word) is { } v && meant[0].ParameterType != typeof(SwitchParameter) ? " " + (v.Length == 0 ? "''" : v) : "")} here."
                : $": docker's {word} is {string.Join(' ', bare.Select(ch => "-" + ch))} here ({string.Join(' ', meant.Select(m => "-" + m.Name))}).";
        var near = parameters.Keys.Where(k => !IsCommon(k))
            .Select(k => (Name: k, Distance: Distance(bare.ToLowerInvariant(), k.ToLowerInvariant())))
            .Where(c => c.Distance <= Math.Min(2, bare.Length / 3)).OrderBy(c => c.Distance).FirstOrDefault();
        return near.Name is null ? "." : $"; did you mean -{near.Name}?";
    }

    /// <summary>Levenshtein distance (insertions, deletions, substitutions).</summary>
    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}
