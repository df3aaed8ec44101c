using PsContainers.Core;
using PsContainers.Core.Targets;

namespace PsContainers.Completers;

/// <summary>
/// What the argument completers share: the word typed so far (quotes trimmed) as a prefix pattern with PowerShell's
/// wildcard semantics (<see cref="Wildcard"/>: <c>w*b</c> completes to <c>web1</c>), and the quoting of a completion
/// that PowerShell would otherwise split. Completers only read the store (no recovery, no lock beyond a read).
/// </summary>
internal static class CompletionWord
{
    /// <summary>A test of candidate text against "<paramref name="wordToComplete"/>*", ignoring case; a word that is not a valid pattern (an unclosed '[') is taken literally.</summary>
    public static Func<string, bool> Matcher(string? wordToComplete)
    {
        string word = (wordToComplete ?? "").Trim('\'', '"');
        try
        {
            var pattern = Wildcard.Parse(word + "*");
            return pattern.IsMatch;
        }
        catch (InvalidArgumentException)
        {
            return s => s.StartsWith(word, StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>The text single-quoted (quotes doubled) when it holds a character PowerShell would read as syntax.</summary>
    public static string Quote(string text) =>
        text.IndexOfAny([' ', '@', '$', '`', '\'', '"', '(', ')', '{', '}', ';', ',']) >= 0 ? "'" + text.Replace("'", "''") + "'" : text;
}
