using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using PsContainers.Contract;

namespace PsContainers.Core.Build;

/// <summary>
/// The Dockerfile parser, with the rules of the Dockerfile reference and BuildKit's parser (moby/buildkit
/// frontend/dockerfile/parser and instructions):
/// <list type="bullet">
/// <item>Parser directives <c># escape=`</c>, <c># syntax=…</c>, <c># check=…</c>: only at the very top, before any
/// instruction, blank line or other comment; each at most once; <c>syntax</c> and <c>check</c> are accepted and
/// otherwise ignored. A UTF-8 BOM is dropped.</item>
/// <item>Keywords are case-insensitive. A line whose last non-blank character is the escape character continues on
/// the next; comment lines and empty lines inside a continuation are dropped (an empty one gives a warning). Lines
/// are joined as written (the continuation lines keep their leading whitespace).</item>
/// <item>Heredocs for RUN, COPY and ADD in shell form (also as an ONBUILD trigger): <c>&lt;&lt;EOF</c>,
/// <c>&lt;&lt;-EOF</c>, quoted delimiters, several on one line (bodies read one after the other).</item>
/// <item>Exec form only when the argument is a valid JSON array; an array of non-strings is an error; anything else
/// is shell form (<c>CMD ['a']</c> is shell form). SHELL requires the JSON form.</item>
/// <item>Leading <c>--name[=value]</c> flags, checked per instruction: FROM --platform; RUN --mount (repeatable)
/// --network --security; COPY --from --chown --chmod --link --parents --exclude (repeatable); ADD --chown --chmod
/// --link --exclude --checksum --keep-git-dir --unpack; HEALTHCHECK --interval --timeout --start-period
/// --start-interval --retries. Any other flag is an error.</item>
/// </list>
/// Errors are <see cref="PscException"/> DockerfileSyntax (category ParserError) with the message
/// "file:line: what" (the line where the instruction starts).
/// </summary>
public static class DockerfileParser
{
    /// <summary>
    /// The instructions <see cref="ParseInstruction(string)"/> accepts: the metadata instructions of
    /// <c>docker commit --change</c> (moby's validCommitCommands: CMD ENTRYPOINT ENV EXPOSE HEALTHCHECK LABEL ONBUILD
    /// STOPSIGNAL USER VOLUME WORKDIR), plus SHELL.
    /// </summary>
    public static readonly IReadOnlySet<string> CommitInstructions = new HashSet<string>(StringComparer.Ordinal)
    {
        "CMD", "ENTRYPOINT", "ENV", "EXPOSE", "HEALTHCHECK", "LABEL", "ONBUILD", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR", "SHELL",
    };

    private static readonly Regex DirectiveRe = new(@"^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$", RegexOptions.CultureInvariant);
    private static readonly Regex HeredocRe = new(@"^(\d*)<<(-?)\s*([^<]*)$", RegexOptions.CultureInvariant);
    private static readonly Regex StageNameRe = new(@"^[a-z][a-z0-9\-_.]*$", RegexOptions.CultureInvariant);
    private static readonly char[] Blanks = ['\t', '\v', '\f', '\r', ' '];

    /// <summary>
    /// Parse a Dockerfile.
    /// </summary>
    /// <param name="text">The file's text.</param>
    /// <param name="fileName">The name used in messages and stored in each instruction ("Dockerfile").</param>
    /// <returns>The instructions, the global ARGs and the stages.</returns>
    /// <exception cref="PscException">DockerfileSyntax "file:line: …": an unknown instruction, a bad or repeated
    /// directive, an unknown or malformed flag, an array of non-strings, a SHELL not in JSON form, missing or extra
    /// arguments, an invalid stage name, an unterminated heredoc or quote, an instruction other than ARG before the
    /// first FROM, or a file with no instructions.</exception>
    public static Dockerfile Parse(string text, string fileName = "Dockerfile")
    {
        ArgumentNullException.ThrowIfNull(text);
        var (instructions, escape, directives, warnings, lineCount) = ParseInstructions(text, fileName);
        if (instructions.Count == 0) throw Syntax(fileName, Math.Max(1, lineCount), "file with no instructions");
        return Assemble(fileName, escape, directives, instructions, warnings);
    }

    private static (List<DockerfileInstruction>, char, Dictionary<string, string>, List<string>, int) ParseInstructions(string text, string fileName)
    {
        var lines = SplitLines(text);
        char escape = '\\';
        var directives = new Dictionary<string, string>(StringComparer.Ordinal);
        bool directivesDone = false;
        var warnings = new List<string>();
        var instructions = new List<DockerfileInstruction>();
        int i = 0;
        while (i < lines.Count)
        {
            string raw = lines[i].Body;
            if (i == 0 && raw.StartsWith('\uFEFF')) raw = raw[1..];
            int start = ++i;
            string t = raw.TrimStart();
            if (!directivesDone)
            {
                if (TryDirective(t, out var name, out var value))
                {
                    if (!directives.TryAdd(name, value))
                        throw Syntax(fileName, start, $"only one {name} parser directive can be used");
                    if (name == "escape")
                    {
                        if (value is not ("`" or "\\"))
                            throw Syntax(fileName, start, $"invalid escape token '{value}' does not match ` or \\");
                        escape = value[0];
                    }
                    continue;
                }
                directivesDone = true;
            }
            if (IsComment(t) || t.Length == 0) continue;
            var (content, end) = TrimContinuation(t, escape);
            var sb = new StringBuilder(content);
            bool emptyContinuation = false;
            while (!end && i < lines.Count)
            {
                string r = lines[i++].Body;
                if (IsComment(r)) continue;
                if (r.TrimStart().Length == 0) { emptyContinuation = true; continue; }
                (content, end) = TrimContinuation(r, escape);
                sb.Append(content);
            }
            string line = sb.ToString();
            if (line.Trim().Length == 0) continue;
            if (emptyContinuation) warnings.Add($"{fileName}:{i}: empty continuation line found in: {line}");

            var ctx = new Ctx(fileName, start, escape);
            var head = Split(line, ctx);
            var heredocs = new List<DockerfileHeredoc>();
            if (CanContainHeredoc(head, ctx) && line.Contains("<<", StringComparison.Ordinal))
            {
                foreach (var (name, expand, chomp, fd) in HeredocMarkers(line, ctx))
                {
                    var body = new StringBuilder();
                    bool terminated = false;
                    while (i < lines.Count)
                    {
                        var (b, ending) = lines[i++];
                        string candidate = chomp ? b.TrimStart('\t') : b;
                        if (candidate == name) { terminated = true; break; }
                        body.Append(b).Append(ending);
                    }
                    if (!terminated) throw Syntax(fileName, start, "unterminated heredoc");
                    string c = body.ToString();
                    if (chomp) c = Regex.Replace(c, "(?m)^\t+", "");
                    heredocs.Add(new DockerfileHeredoc(name, c, expand, chomp, fd));
                }
            }
            instructions.Add(Create(head, line, ctx with { EndLine = i }, heredocs));
        }
        return (instructions, escape, directives, warnings, lines.Count);
    }

    /// <summary>
    /// Parse one metadata instruction for <c>ConvertTo-ContainerImage -Change</c> (docker commit --change), e.g.
    /// <c>CMD ["nginx","-g","daemon off;"]</c> or <c>ENV A=1 B=2</c>; messages use the file name "change".
    /// </summary>
    /// <exception cref="PscException">DockerfileSyntax: not one instruction, a syntax error, or an instruction that
    /// is not in <see cref="CommitInstructions"/> ("change:1: RUN is not a valid change command").</exception>
    public static DockerfileInstruction ParseInstruction(string line) => ParseInstruction(line, "change");

    /// <summary>As <see cref="ParseInstruction(string)"/>, with the name used in messages.</summary>
    public static DockerfileInstruction ParseInstruction(string line, string fileName)
    {
        ArgumentNullException.ThrowIfNull(line);
        var (instructions, _, _, _, _) = ParseInstructions(line, fileName);
        if (instructions.Count != 1)
            throw Syntax(fileName, 1, $"a change must be exactly one instruction, not {instructions.Count}");
        var instruction = instructions[0];
        if (!CommitInstructions.Contains(instruction.Keyword))
            throw Syntax(fileName, instruction.Line, $"{instruction.Keyword} is not a valid change command");
        return instruction;
    }

    /// <summary>
    /// Parse an ONBUILD trigger stored in a base image's config (<c>OnBuild</c>, e.g. "RUN make"), to run right after
    /// the FROM that uses the image, as the reference's "ONBUILD" describes. Heredocs in a stored trigger are not
    /// available (BuildKit stores only the line).
    /// </summary>
    /// <param name="expression">One entry of the base image's OnBuild.</param>
    /// <param name="fileName">The name used in messages, e.g. "ONBUILD of alpine:3".</param>
    /// <exception cref="PscException">DockerfileSyntax: not one instruction, a syntax error, or ONBUILD, FROM or
    /// MAINTAINER as a trigger.</exception>
    public static DockerfileInstruction ParseTrigger(string expression, string fileName)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var (instructions, _, _, _, _) = ParseInstructions(expression, fileName);
        if (instructions.Count != 1)
            throw Syntax(fileName, 1, $"an ONBUILD trigger must be exactly one instruction, not {instructions.Count}");
        var i = instructions[0];
        if (i is OnBuildInstruction) throw Syntax(fileName, 1, "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
        if (i is FromInstruction or MaintainerInstruction) throw Syntax(fileName, 1, $"{i.Keyword} isn't allowed as an ONBUILD trigger");
        return i;
    }

    // ---- lines, directives, continuations ----

    private static List<(string Body, string Ending)> SplitLines(string text)
    {
        var r = new List<(string, string)>();
        int pos = 0;
        while (pos < text.Length)
        {
            int nl = text.IndexOf('\n', pos);
            if (nl < 0) { r.Add((text[pos..].TrimEnd('\r'), text[pos..][text[pos..].TrimEnd('\r').Length..])); break; }
            string body = text[pos..nl];
            string trimmed = body.TrimEnd('\r');
            r.Add((trimmed, body[trimmed.Length..] + "\n"));
            pos = nl + 1;
        }
        return r;
    }

    private static bool TryDirective(string line, out string name, out string value)
    {
        name = value = "";
        if (!line.StartsWith('#')) return false;
        var m = DirectiveRe.Match(line[1..].TrimStart());
        if (!m.Success) return false;
        name = m.Groups[1].Value.ToLowerInvariant();
        value = m.Groups[2].Value;
        return name is "escape" or "syntax" or "check";
    }

    private static bool IsComment(string line) => line.TrimStart().StartsWith('#');

    /// <summary>Remove a trailing escape character (and blanks after it) that continues the line; true when the line ends here.</summary>
    private static (string Content, bool End) TrimContinuation(string line, char escape)
    {
        int k = line.Length;
        while (k > 0 && line[k - 1] is ' ' or '\t') k--;
        if (k == 0 || line[k - 1] != escape) return (line, true);
        // BuildKit's expression: the escape must be the first character or follow a non-escape character
        if (k >= 2 && line[k - 2] == escape) return (line, true);
        return (line[..(k - 1)], false);
    }

    // ---- splitting an instruction line ----

    internal sealed record Ctx(string File, int Line, char Escape)
    {
        public int EndLine { get; init; } = Line;
    }

    private sealed record Head(string Command, List<string> FlagWords, string Args);

    private static Head Split(string line, Ctx ctx)
    {
        string trimmed = line.Trim();
        int ws = trimmed.IndexOfAny(Blanks);
        if (ws < 0) return new Head(trimmed, [], "");
        string cmd = trimmed[..ws];
        var (args, flags) = ExtractFlags(trimmed[ws..].TrimStart(Blanks), ctx.Escape);
        return new Head(cmd, flags, args.Trim());
    }

    /// <summary>The leading <c>--flag</c> words (quotes and escapes processed) and the rest of the line (BuildKit extractBuilderFlags).</summary>
    private static (string Remainder, List<string> Flags) ExtractFlags(string line, char escape)
    {
        var words = new List<string>();
        int pos = 0;
        while (true)
        {
            while (pos < line.Length && char.IsWhiteSpace(line[pos])) pos++;
            if (pos >= line.Length) return ("", words);
            if (line[pos] != '-' || pos + 1 >= line.Length || line[pos + 1] != '-') return (line[pos..], words);
            var word = new StringBuilder();
            bool blankOk = false;
            while (pos < line.Length && !char.IsWhiteSpace(line[pos]))
            {
                char c = line[pos++];
                if (c is '\'' or '"')
                {
                    blankOk = true;
                    while (pos < line.Length && line[pos] != c)
                    {
                        char q = line[pos++];
                        if (q == escape && pos < line.Length) q = line[pos++];
                        word.Append(q);
                    }
                    pos++; // the closing quote (or past the end)
                    continue;
                }
                if (c == escape) { if (pos >= line.Length) continue; c = line[pos++]; }
                word.Append(c);
            }
            string w = word.ToString();
            if (w == "--") return (line[pos..], words);
            if (blankOk || w.Length > 0) words.Add(w);
        }
    }

    private enum FlagKind { String, Bool, Strings }

    /// <summary>Check the flag words against the instruction's flags (BuildKit BFlags.Parse).</summary>
    private static List<DockerfileFlag> ParseFlags(List<string> words, Ctx ctx, params (string Name, FlagKind Kind)[] spec)
    {
        var flags = new List<DockerfileFlag>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var w in words)
        {
            string arg = w[2..];
            string? value = null;
            int eq = arg.IndexOf('=');
            if (eq >= 0) { value = arg[(eq + 1)..]; arg = arg[..eq]; }
            var def = spec.FirstOrDefault(s => s.Name == arg);
            if (def.Name is null) throw Syntax(ctx, $"unknown flag: {arg}");
            if (def.Kind != FlagKind.Strings && !seen.Add(arg)) throw Syntax(ctx, $"duplicate flag specified: {arg}");
            switch (def.Kind)
            {
                case FlagKind.Bool when value is not null && !value.Equals("true", StringComparison.OrdinalIgnoreCase) && !value.Equals("false", StringComparison.OrdinalIgnoreCase):
                    throw Syntax(ctx, $"expecting boolean value for flag {arg}, not: {value}");
                case FlagKind.String or FlagKind.Strings when value is null:
                    throw Syntax(ctx, $"missing a value on flag: {arg}");
            }
            flags.Add(new DockerfileFlag(arg, value));
        }
        return flags;
    }

    private static string? FlagString(List<DockerfileFlag> flags, string name) => flags.LastOrDefault(f => f.Name == name)?.Value;
    private static bool? FlagBool(List<DockerfileFlag> flags, string name) =>
        flags.LastOrDefault(f => f.Name == name) is { } f ? f.Value is null || f.Value.Equals("true", StringComparison.OrdinalIgnoreCase) : null;
    private static List<string> FlagStrings(List<DockerfileFlag> flags, string name) => flags.Where(f => f.Name == name).Select(f => f.Value!).ToList();

    // ---- argument forms ----

    /// <summary>A JSON array of strings, or null when the text is not a JSON array (shell form).</summary>
    /// <exception cref="PscException">An array with a non-string element.</exception>
    private static List<string>? TryJsonArray(string rest, Ctx ctx)
    {
        rest = rest.TrimStart();
        if (!rest.StartsWith('[')) return null;
        JsonDocument doc;
        try { doc = JsonDocument.Parse(rest); }
        catch (JsonException) { return null; }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Array) return null;
            var r = new List<string>();
            foreach (var e in doc.RootElement.EnumerateArray())
            {
                if (e.ValueKind != JsonValueKind.String)
                    throw Syntax(ctx, "when using JSON array syntax, arrays must be comprised of strings only");
                r.Add(e.GetString()!);
            }
            return r;
        }
    }

    private static DockerfileCommandLine CommandLine(string rest, Ctx ctx) =>
        TryJsonArray(rest, ctx) is { } json ? new DockerfileCommandLine(true, json) : new DockerfileCommandLine(false, [rest]);

    private static List<string> SplitBlanks(string rest) =>
        rest.Length == 0 ? [] : Regex.Split(rest, "[\t\v\f\r ]+").ToList();

    /// <summary>JSON array, or the words split on blanks (BuildKit parseMaybeJSONToList).</summary>
    private static (List<string> Words, bool Json) JsonOrWords(string rest, Ctx ctx) =>
        TryJsonArray(rest, ctx) is { } json ? (json, true) : (SplitBlanks(rest), false);

    /// <summary>Words split on unquoted, unescaped whitespace, quotes and escapes kept (BuildKit parseWords).</summary>
    internal static List<string> ParseWords(string rest, char escape)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false, blankOk = false;
        char quote = '\0';
        bool inQuote = false;
        for (int pos = 0; pos < rest.Length; pos++)
        {
            char c = rest[pos];
            if (!inWord && !inQuote)
            {
                if (char.IsWhiteSpace(c)) continue;
                inWord = true;
            }
            if (inQuote)
            {
                if (c == quote) { inQuote = false; inWord = true; }
                else if (c == escape && quote != '\'')
                {
                    if (pos + 1 == rest.Length) { inQuote = false; inWord = true; continue; }
                    word.Append(c);
                    c = rest[++pos];
                }
                word.Append(c);
                continue;
            }
            if (char.IsWhiteSpace(c))
            {
                inWord = false;
                if (blankOk || word.Length > 0) words.Add(word.ToString());
                word.Clear();
                blankOk = false;
                continue;
            }
            if (c is '\'' or '"') { quote = c; blankOk = true; inQuote = true; inWord = false; }
            if (c == escape)
            {
                if (pos + 1 == rest.Length) continue;
                word.Append(c);
                c = rest[++pos];
            }
            word.Append(c);
        }
        if (blankOk || word.Length > 0) words.Add(word.ToString());
        return words;
    }

    private static List<DockerfileKeyValue> NameValues(string rest, string keyword, Ctx ctx)
    {
        var words = ParseWords(rest, ctx.Escape);
        if (words.Count == 0) throw Syntax(ctx, $"{keyword} requires at least one argument");
        if (!words[0].Contains('='))
        {
            var parts = Regex.Split(rest, "[\t\v\f\r ]+");
            if (parts.Length < 2) throw Syntax(ctx, $"{keyword} must have two arguments");
            string value = rest[(rest.IndexOf(parts[0], StringComparison.Ordinal) + parts[0].Length)..].TrimStart(Blanks);
            return [new DockerfileKeyValue(parts[0], value, NoDelimiter: true)];
        }
        var pairs = new List<DockerfileKeyValue>();
        foreach (var w in words)
        {
            int eq = w.IndexOf('=');
            if (eq < 0) throw Syntax(ctx, $"Syntax error - can't find = in \"{w}\". Must be of the form: name=value");
            if (eq == 0) throw Syntax(ctx, $"{keyword} names can not be blank");
            pairs.Add(new DockerfileKeyValue(w[..eq], w[(eq + 1)..]));
        }
        return pairs;
    }

    // ---- heredocs ----

    private static bool CanContainHeredoc(Head head, Ctx ctx)
    {
        string cmd = head.Command.ToLowerInvariant();
        if (cmd == "onbuild")
        {
            var inner = Split(head.Args, ctx);
            return inner.Command.Length > 0 && !inner.Command.Equals("onbuild", StringComparison.OrdinalIgnoreCase) && CanContainHeredoc(inner, ctx);
        }
        if (cmd is not ("run" or "copy" or "add")) return false;
        try { return TryJsonArray(head.Args, ctx) is null; }
        catch (PscException) { return false; }
    }

    /// <summary>The heredoc markers of a line, in order: name, expand (the delimiter was not quoted), chomp, fd.</summary>
    private static List<(string Name, bool Expand, bool Chomp, int Fd)> HeredocMarkers(string line, Ctx ctx)
    {
        var empty = new Dictionary<string, string>();
        var lexRaw = new ShellWordExpander('\\') { RawQuotes = true, RawEscapes = true, SkipUnsetEnv = true };
        IReadOnlyList<string> words;
        try { words = lexRaw.ProcessWords(line, empty); }
        catch (PscException) { return []; }
        var r = new List<(string, bool, bool, int)>();
        foreach (var w in words)
            if (Marker(w, ctx) is { } m) r.Add(m);
        return r;
    }

    /// <summary>A heredoc marker word ("&lt;&lt;EOF", "3&lt;&lt;-'EOF'"), or null (BuildKit ParseHeredoc).</summary>
    private static (string Name, bool Expand, bool Chomp, int Fd)? Marker(string word, Ctx ctx)
    {
        var m = HeredocRe.Match(word);
        if (!m.Success || m.Groups[3].Value.Length == 0) return null;
        string rest = m.Groups[3].Value;
        var empty = new Dictionary<string, string>();
        IReadOnlyList<string> plain, raw;
        try
        {
            plain = new ShellWordExpander('\\') { SkipUnsetEnv = true }.ProcessWords(rest, empty);
            if (plain.Count != 1) return null;
            raw = new ShellWordExpander('\\') { SkipUnsetEnv = true, RawQuotes = true }.ProcessWords(rest, empty);
        }
        catch (PscException e) { throw Syntax(ctx, e.Message); }
        static int Quotes(string s) => s.Count(c => c is '\'' or '"');
        bool expand = raw.Count == 1 && Quotes(plain[0]) == Quotes(raw[0]);
        int fd = m.Groups[1].Value.Length > 0 ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        return (plain[0], expand, m.Groups[2].Value == "-", fd);
    }

    // ---- typed instructions ----

    private static DockerfileInstruction Create(Head head, string original, Ctx ctx, List<DockerfileHeredoc> heredocs)
    {
        string args = head.Args;
        var fw = head.FlagWords;
        DockerfileInstruction Base(DockerfileInstruction i, List<DockerfileFlag> flags) => i with
        {
            FileName = ctx.File, Line = ctx.Line, EndLine = ctx.EndLine, Original = original, Escape = ctx.Escape,
            Flags = flags, Heredocs = heredocs,
        };
        List<DockerfileFlag> NoFlags() => ParseFlags(fw, ctx);
        switch (head.Command.ToLowerInvariant())
        {
            case "from":
            {
                var flags = ParseFlags(fw, ctx, ("platform", FlagKind.String));
                var words = SplitBlanks(args);
                string? stage = null;
                if (words.Count == 3 && words[1].Equals("as", StringComparison.OrdinalIgnoreCase))
                {
                    stage = words[2].ToLowerInvariant();
                    if (!StageNameRe.IsMatch(stage))
                        throw Syntax(ctx, $"invalid name for build stage: \"{words[2]}\", name can't start with a number or contain symbols");
                }
                else if (words.Count != 1) throw Syntax(ctx, "FROM requires either one or three arguments");
                return Base(new FromInstruction { BaseName = words[0], StageName = stage, Platform = FlagString(flags, "platform") }, flags);
            }
            case "run":
            {
                var flags = ParseFlags(fw, ctx, ("mount", FlagKind.Strings), ("network", FlagKind.String), ("security", FlagKind.String));
                return Base(new RunInstruction
                {
                    CommandLine = CommandLine(args, ctx), Mounts = FlagStrings(flags, "mount"),
                    Network = FlagString(flags, "network"), Security = FlagString(flags, "security"),
                }, flags);
            }
            case "cmd": return Base(new CmdInstruction { CommandLine = CommandLine(args, ctx) }, NoFlags());
            case "entrypoint": return Base(new EntrypointInstruction { CommandLine = CommandLine(args, ctx) }, NoFlags());
            case "copy":
            {
                var flags = ParseFlags(fw, ctx, ("from", FlagKind.String), ("chown", FlagKind.String), ("chmod", FlagKind.String),
                    ("link", FlagKind.Bool), ("parents", FlagKind.Bool), ("exclude", FlagKind.Strings));
                var copy = SourcesAndDestination(new CopyInstruction(), "COPY", args, heredocs, ctx);
                return Base(copy with
                {
                    From = FlagString(flags, "from"), Chown = FlagString(flags, "chown"), Chmod = FlagString(flags, "chmod"),
                    Link = FlagBool(flags, "link") ?? false, Parents = FlagBool(flags, "parents") ?? false, Excludes = FlagStrings(flags, "exclude"),
                }, flags);
            }
            case "add":
            {
                var flags = ParseFlags(fw, ctx, ("chown", FlagKind.String), ("chmod", FlagKind.String), ("link", FlagKind.Bool),
                    ("exclude", FlagKind.Strings), ("checksum", FlagKind.String), ("keep-git-dir", FlagKind.Bool), ("unpack", FlagKind.Bool));
                var add = (AddInstruction)SourcesAndDestination(new AddInstruction(), "ADD", args, heredocs, ctx);
                return Base(add with
                {
                    Chown = FlagString(flags, "chown"), Chmod = FlagString(flags, "chmod"), Link = FlagBool(flags, "link") ?? false,
                    Excludes = FlagStrings(flags, "exclude"), Checksum = FlagString(flags, "checksum"),
                    KeepGitDir = FlagBool(flags, "keep-git-dir") ?? false, Unpack = FlagBool(flags, "unpack"),
                }, flags);
            }
            case "env": return Base(new EnvInstruction { Pairs = NameValues(args, "ENV", ctx) }, NoFlags());
            case "label": return Base(new LabelInstruction { Pairs = NameValues(args, "LABEL", ctx) }, NoFlags());
            case "arg":
            {
                var flags = NoFlags();
                var words = ParseWords(args, ctx.Escape);
                if (words.Count == 0) throw Syntax(ctx, "ARG requires at least one argument");
                var decls = new List<DockerfileArgDeclaration>();
                foreach (var w in words)
                {
                    int eq = w.IndexOf('=');
                    if (eq == 0) throw Syntax(ctx, "ARG names can not be blank");
                    decls.Add(eq < 0 ? new DockerfileArgDeclaration(w, null) : new DockerfileArgDeclaration(w[..eq], w[(eq + 1)..]));
                }
                return Base(new ArgInstruction { Arguments = decls }, flags);
            }
            case "expose":
            {
                var flags = NoFlags();
                var ports = SplitBlanks(args);
                if (ports.Count == 0) throw Syntax(ctx, "EXPOSE requires at least one argument");
                ports.Sort(StringComparer.Ordinal);
                return Base(new ExposeInstruction { Ports = ports }, flags);
            }
            case "volume":
            {
                var flags = NoFlags();
                var (paths, json) = JsonOrWords(args, ctx);
                if (paths.Count == 0) throw Syntax(ctx, "VOLUME requires at least one argument");
                if (paths.Any(p => p.Trim().Length == 0)) throw Syntax(ctx, "VOLUME specified can not be an empty string");
                return Base(new VolumeInstruction { Paths = paths, IsJsonForm = json }, flags);
            }
            case "user": return Base(new UserInstruction { User = One(args, "USER", ctx) }, NoFlags());
            case "workdir": return Base(new WorkdirInstruction { Path = One(args, "WORKDIR", ctx) }, NoFlags());
            case "stopsignal": return Base(new StopSignalInstruction { Signal = One(args, "STOPSIGNAL", ctx) }, NoFlags());
            case "maintainer": return Base(new MaintainerInstruction { Maintainer = One(args, "MAINTAINER", ctx) }, NoFlags());
            case "shell":
            {
                var flags = NoFlags();
                var json = TryJsonArray(args, ctx);
                if (json is null && args.Length > 0) throw Syntax(ctx, "SHELL requires the arguments to be in JSON form");
                if (json is null || json.Count == 0) throw Syntax(ctx, "SHELL requires at least one argument");
                return Base(new ShellInstruction { Shell = json }, flags);
            }
            case "healthcheck": return Healthcheck(head, original, ctx, heredocs);
            case "onbuild":
            {
                var flags = NoFlags();
                if (args.Length == 0) throw Syntax(ctx, "ONBUILD requires at least one argument");
                var inner = Split(args, ctx);
                string trigger = inner.Command.ToUpperInvariant();
                if (trigger == "ONBUILD") throw Syntax(ctx, "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
                if (trigger is "FROM" or "MAINTAINER") throw Syntax(ctx, $"{trigger} isn't allowed as an ONBUILD trigger");
                string expression = Regex.Replace(original, @"^\s*ONBUILD\s*", "", RegexOptions.IgnoreCase);
                var parsed = Create(inner, expression, ctx, heredocs);
                return Base(new OnBuildInstruction { Expression = expression, Trigger = parsed }, flags) with { Heredocs = [] };
            }
            default:
                throw Syntax(ctx, $"unknown instruction: {head.Command.ToUpperInvariant()}");
        }
    }

    private static string One(string args, string keyword, Ctx ctx) =>
        args.Length == 0 ? throw Syntax(ctx, $"{keyword} requires exactly one argument") : args;

    private static CopyInstruction SourcesAndDestination(CopyInstruction empty, string keyword, string args, List<DockerfileHeredoc> heredocs, Ctx ctx)
    {
        var (words, json) = JsonOrWords(args, ctx);
        if (words.Count < 2)
            throw Syntax(ctx, $"{keyword} requires at least two arguments, but only one was provided. Destination could not be determined");
        string dest = words[^1];
        if (!json && Marker(dest, ctx) is not null) throw Syntax(ctx, $"{keyword} cannot accept a heredoc as a destination");
        var sources = new List<string>();
        var inline = new List<DockerfileHeredoc>();
        foreach (var src in words.Take(words.Count - 1))
        {
            if (!json && Marker(src, ctx) is { } m)
                inline.Add(heredocs.FirstOrDefault(h => h.Name == m.Name) ?? new DockerfileHeredoc(m.Name, "", m.Expand, m.Chomp, m.Fd));
            else sources.Add(src);
        }
        return empty with { Sources = sources, InlineSources = inline, Destination = dest, IsJsonForm = json };
    }

    private static DockerfileInstruction Healthcheck(Head head, string original, Ctx ctx, List<DockerfileHeredoc> heredocs)
    {
        string args = head.Args;
        int sep = 0;
        while (sep < args.Length && !char.IsWhiteSpace(args[sep])) sep++;
        if (sep == 0) throw Syntax(ctx, "HEALTHCHECK requires at least one argument");
        string type = args[..sep].ToUpperInvariant();
        string rest = args[sep..].TrimStart();
        HealthcheckInstruction h;
        List<DockerfileFlag> flags;
        if (type == "NONE")
        {
            if (rest.Length > 0) throw Syntax(ctx, "HEALTHCHECK NONE takes no arguments");
            // BuildKit does not read the flags of HEALTHCHECK NONE: kept as written, not checked
            flags = head.FlagWords.Select(w => w.IndexOf('=') is int eq and >= 0 ? new DockerfileFlag(w[2..eq], w[(eq + 1)..]) : new DockerfileFlag(w[2..], null)).ToList();
            h = new HealthcheckInstruction { IsNone = true };
        }
        else
        {
            flags = ParseFlags(head.FlagWords, ctx, ("interval", FlagKind.String), ("timeout", FlagKind.String),
                ("start-period", FlagKind.String), ("start-interval", FlagKind.String), ("retries", FlagKind.String));
            if (type != "CMD") throw Syntax(ctx, $"Unknown type \"{args[..sep]}\" in HEALTHCHECK (try CMD)");
            var cmd = CommandLine(rest, ctx);
            if (cmd.IsExecForm ? cmd.Arguments.Count == 0 : rest.Length == 0) throw Syntax(ctx, "Missing command after HEALTHCHECK CMD");
            int retries = 0;
            if (FlagString(flags, "retries") is { Length: > 0 } r)
            {
                if (!int.TryParse(r, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out retries))
                    throw Syntax(ctx, $"--retries: invalid number \"{r}\"");
                if (retries < 0) throw Syntax(ctx, $"--retries cannot be negative ({retries})");
            }
            h = new HealthcheckInstruction
            {
                CommandLine = cmd,
                Interval = Duration(flags, "interval", ctx),
                Timeout = Duration(flags, "timeout", ctx),
                StartPeriod = Duration(flags, "start-period", ctx),
                StartInterval = Duration(flags, "start-interval", ctx),
                Retries = retries,
            };
        }
        return h with
        {
            FileName = ctx.File, Line = ctx.Line, EndLine = ctx.EndLine, Original = original, Escape = ctx.Escape, Flags = flags, Heredocs = heredocs,
        };
    }

    private static TimeSpan Duration(List<DockerfileFlag> flags, string name, Ctx ctx)
    {
        string? s = FlagString(flags, name);
        if (string.IsNullOrEmpty(s)) return TimeSpan.Zero;
        if (!GoDuration.TryParse(s, out var d)) throw Syntax(ctx, $"time: invalid duration \"{s}\" (--{name})");
        if (d == TimeSpan.Zero) return d;
        if (d < TimeSpan.FromMilliseconds(1)) throw Syntax(ctx, $"Interval \"{name}\" cannot be less than 1ms");
        return d;
    }

    // ---- assembling stages ----

    private static Dockerfile Assemble(string file, char escape, Dictionary<string, string> directives, List<DockerfileInstruction> all, List<string> warnings)
    {
        var globals = new List<ArgInstruction>();
        var stages = new List<DockerfileStage>();
        FromInstruction? from = null;
        var body = new List<DockerfileInstruction>();
        void Close()
        {
            if (from is null) return;
            // BuildKit refuses a second stage of the same name (its DuplicateStageName check), whatever uses it
            if (from.StageName is { } name && stages.Any(st => st.Name == name))
                throw Syntax(file, from.Line, $"duplicate stage name \"{name}\"");
            stages.Add(new DockerfileStage { Index = stages.Count, Name = from.StageName, From = from, Instructions = body });
            body = [];
        }
        foreach (var i in all)
        {
            if (i is FromInstruction f) { Close(); from = f; continue; }
            if (from is null)
            {
                if (i is ArgInstruction a) { globals.Add(a); continue; }
                throw Syntax(file, i.Line, $"no build stage in current context: {i.Keyword} before the first FROM (only ARG can come before it)");
            }
            body.Add(i);
        }
        Close();
        return new Dockerfile
        {
            FileName = file, Escape = escape, Directives = directives, Instructions = all, GlobalArgs = globals, Stages = stages, Warnings = warnings,
        };
    }

    // ---- errors ----

    private static PscException Syntax(Ctx ctx, string message) => Syntax(ctx.File, ctx.Line, message);

    internal static PscException Syntax(string file, int line, string message) =>
        new(ErrorIds.DockerfileSyntax, PscErrorCategory.ParserError, $"{file}:{line}: {message}", $"{file}:{line}");
}
