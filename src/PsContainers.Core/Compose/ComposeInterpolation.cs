using System.Text;

namespace PsContainers.Core.Compose;

/// <summary>
/// Variable substitution in compose values, the grammar of compose-spec <c>interpolation.md</c> as compose-go's
/// <c>template</c> package implements it: <c>$VAR</c> and <c>${VAR}</c>; <c>${VAR:-default}</c> (unset or empty)
/// and <c>${VAR-default}</c> (unset); <c>${VAR:?error}</c> and <c>${VAR?error}</c> (required); <c>${VAR:+alt}</c>
/// (set and non-empty) and <c>${VAR+alt}</c> (set); <c>$$</c> for a literal <c>$</c>. The word after an operator may
/// itself hold substitutions (nested) and is expanded only when used; a substituted value is never rescanned. A
/// <c>$</c> that starts none of these (<c>5$</c>, <c>$-</c>) stays literal. An unset variable with no operator
/// becomes "" and is reported through <c>onUnset</c>.
/// </summary>
internal static class ComposeInterpolation
{
    /// <summary>Substitute the variables of <paramref name="text"/>.</summary>
    /// <param name="text">A scalar value.</param>
    /// <param name="lookup">The value of a variable, or null when it is not set.</param>
    /// <param name="where">Where the value is, for messages ("compose.yaml:4 services.web.image").</param>
    /// <param name="onUnset">Called with a variable's name when it is unset and has no operator (may be null).</param>
    /// <exception cref="PscException">InterpolationInvalidFormat (InvalidData): a <c>${</c> that is not a valid
    /// braced expression (unterminated, empty, bad name, unknown operator). InterpolationRequiredVariable
    /// (InvalidArgument, Target = the variable's name): a <c>?</c>/<c>:?</c> variable is missing a value.</exception>
    public static string Substitute(string text, Func<string, string?> lookup, string where, Action<string>? onUnset = null)
    {
        if (text.IndexOf('$') < 0) return text;
        var sb = new StringBuilder(text.Length);
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (c != '$' || i + 1 >= text.Length)
            {
                sb.Append(c);
                i++;
                continue;
            }
            char n = text[i + 1];
            if (n == '$')
            {
                sb.Append('$');
                i += 2;
            }
            else if (n == '{')
            {
                int close = ClosingBrace(text, i);
                if (close < 0) throw InvalidFormat(text, where);
                sb.Append(Braced(text.Substring(i + 2, close - i - 2), text, lookup, where, onUnset));
                i = close + 1;
            }
            else if (IsNameStart(n))
            {
                int end = i + 1;
                while (end < text.Length && IsNameChar(text[end])) end++;
                string name = text.Substring(i + 1, end - i - 1);
                sb.Append(Lookup(name, lookup, onUnset));
                i = end;
            }
            else
            {
                sb.Append('$');
                i++;
            }
        }
        return sb.ToString();
    }

    /// <summary>Whether <paramref name="text"/> would change under substitution (it holds a <c>$</c>).</summary>
    public static bool HasVariables(string text) => text.Contains('$');

    /// <summary>The index of the <c>}</c> closing the <c>${</c> at <paramref name="dollar"/>, counting nested <c>${</c>.</summary>
    private static int ClosingBrace(string s, int dollar)
    {
        int open = 0;
        for (int i = dollar; i < s.Length; i++)
        {
            if (s[i] == '$' && i + 1 < s.Length && s[i + 1] == '$') { i++; continue; }
            if (s[i] == '$' && i + 1 < s.Length && s[i + 1] == '{') { open++; i++; continue; }
            if (s[i] == '}' && --open == 0) return i;
        }
        return -1;
    }

    private static string Braced(string inner, string text, Func<string, string?> lookup, string where, Action<string>? onUnset)
    {
        int end = 0;
        if (inner.Length == 0 || !IsNameStart(inner[0])) throw InvalidFormat(text, where);
        while (end < inner.Length && IsNameChar(inner[end])) end++;
        string name = inner[..end];
        if (end == inner.Length) return Lookup(name, lookup, onUnset);

        string rest = inner[end..];
        bool colon = rest[0] == ':';
        string op = colon ? (rest.Length > 1 ? rest[..2] : rest) : rest[..1];
        if (op is not (":-" or "-" or ":?" or "?" or ":+" or "+")) throw InvalidFormat(text, where);
        string word = rest[op.Length..];
        string? value = lookup(name);
        bool set = value is not null;
        bool nonEmpty = !string.IsNullOrEmpty(value);
        string Word() => Substitute(word, lookup, where, onUnset);
        switch (op)
        {
            case ":-": return nonEmpty ? value! : Word();
            case "-": return set ? value! : Word();
            case ":+": return nonEmpty ? Word() : "";
            case "+": return set ? Word() : "";
            default: // ":?" and "?"
                if (colon ? nonEmpty : set) return value!;
                string message = Word();
                throw PscException.InvalidArgument(ErrorIds.InterpolationRequiredVariable,
                    $"{where}: required variable {name} is missing a value" + (message.Length > 0 ? $": {message}" : ""), name);
        }
    }

    private static string Lookup(string name, Func<string, string?> lookup, Action<string>? onUnset)
    {
        var v = lookup(name);
        if (v is null) onUnset?.Invoke(name);
        return v ?? "";
    }

    private static PscException InvalidFormat(string text, string where) =>
        PscException.InvalidData(ErrorIds.InterpolationInvalidFormat,
            $"{where}: invalid interpolation format in \"{text}\"; you may need to escape a literal '$' as '$$'", text);

    private static bool IsNameStart(char c) => c == '_' || c is >= 'a' and <= 'z' or >= 'A' and <= 'Z';
    private static bool IsNameChar(char c) => IsNameStart(c) || c is >= '0' and <= '9';
}
