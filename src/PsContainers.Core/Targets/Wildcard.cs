using System.Text;
using System.Text.RegularExpressions;

namespace PsContainers.Core.Targets;

/// <summary>
/// A wildcard pattern with PowerShell's semantics (System.Management.Automation.WildcardPattern, which Core cannot
/// reference): <c>*</c> is any run of characters, <c>?</c> is one character, <c>[abc]</c> is one of a set and
/// <c>[a-z]</c> one of a range, and a backtick makes the next character literal (a trailing backtick is itself
/// literal). Inside brackets a <c>]</c> right after the <c>[</c> and a <c>-</c> at either end are literal; there is no
/// negation (<c>[!a]</c> and <c>[^a]</c> are sets that hold <c>!</c>/<c>^</c>). A <c>]</c> outside brackets is literal.
/// The whole text must match. Matching ignores case (culture-invariant) unless <c>ignoreCase</c> is false, as the
/// cmdlets' <c>WildcardOptions.IgnoreCase</c>. A Pester test compares this class with PowerShell's on a table.
/// </summary>
public sealed class Wildcard
{
    private readonly Regex _regex;

    private Wildcard(string pattern, Regex regex) { Pattern = pattern; _regex = regex; }

    /// <summary>The pattern as given.</summary>
    public string Pattern { get; }

    /// <summary>
    /// True when <paramref name="text"/> holds an unescaped <c>*</c>, <c>?</c>, <c>[</c> or <c>]</c>
    /// (WildcardPattern.ContainsWildcardCharacters): such text is a pattern, other text is a literal name.
    /// </summary>
    public static bool ContainsWildcard(string? text)
    {
        if (string.IsNullOrEmpty(text)) return false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c is '*' or '?' or '[' or ']') return true;
            if (c == '`') i++;
        }
        return false;
    }

    /// <summary>The text with its backtick escapes removed (WildcardPattern.Unescape): the literal a non-pattern names.</summary>
    public static string Unescape(string text)
    {
        var sb = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '`' && i + 1 < text.Length) i++;
            sb.Append(text[i]);
        }
        return sb.ToString();
    }

    /// <summary>Parse <paramref name="pattern"/>.</summary>
    /// <exception cref="InvalidArgumentException">
    /// InvalidWildcardPattern: an unclosed <c>[</c> or a range whose ends are in reverse order (PowerShell's
    /// WildcardPatternException).
    /// </exception>
    public static Wildcard Parse(string pattern, bool ignoreCase = true)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var sb = new StringBuilder("^");
        int i = 0;
        while (i < pattern.Length)
        {
            char c = pattern[i];
            if (c == '`')
            {
                // an escaped character, or a trailing backtick, is literal
                sb.Append(Regex.Escape((i + 1 < pattern.Length ? pattern[i + 1] : '`').ToString()));
                i += 2;
            }
            else if (c == '*') { sb.Append(".*"); i++; }
            else if (c == '?') { sb.Append('.'); i++; }
            else if (c == '[') i = AppendSet(pattern, i, sb);
            else { sb.Append(Regex.Escape(c.ToString())); i++; }
        }
        sb.Append('$');
        var options = RegexOptions.Singleline | RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None);
        return new Wildcard(pattern, new Regex(sb.ToString(), options));
    }

    /// <summary>Whether the whole of <paramref name="text"/> matches.</summary>
    public bool IsMatch(string? text) => text is not null && _regex.IsMatch(text);

    /// <inheritdoc/>
    public override string ToString() => Pattern;

    // [set] starting at pattern[open] == '['; returns the index after its ']'
    private static int AppendSet(string pattern, int open, StringBuilder sb)
    {
        var members = new List<(char Lo, char Hi)>();
        int i = open + 1;
        bool first = true;
        while (true)
        {
            if (i >= pattern.Length) throw Invalid(pattern, "the '[' has no closing ']'");
            if (pattern[i] == ']' && !first) break;
            first = false;
            char lo = ReadMember(pattern, ref i);
            // a range needs a character after the '-' that is not the closing ']'
            if (i + 1 < pattern.Length && pattern[i] == '-' && pattern[i + 1] != ']')
            {
                i++;
                char hi = ReadMember(pattern, ref i);
                if (hi < lo) throw Invalid(pattern, $"the range '{lo}-{hi}' is in reverse order");
                members.Add((lo, hi));
            }
            else members.Add((lo, lo));
        }
        sb.Append('[');
        foreach (var (lo, hi) in members)
        {
            sb.Append(EscapeInSet(lo));
            if (hi != lo) sb.Append('-').Append(EscapeInSet(hi));
        }
        sb.Append(']');
        return i + 1;
    }

    private static char ReadMember(string pattern, ref int i)
    {
        if (pattern[i] == '`' && i + 1 < pattern.Length) i++;
        return pattern[i++];
    }

    private static string EscapeInSet(char c) => c is '\\' or ']' or '[' or '^' or '-' ? "\\" + c : c.ToString();

    private static InvalidArgumentException Invalid(string pattern, string why) =>
        new(ErrorIds.InvalidWildcardPattern, $"The wildcard pattern '{pattern}' is not valid: {why}.", pattern);
}
