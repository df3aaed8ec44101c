using System.Text;

namespace PsContainers.Core.Compose;

/// <summary>
/// Splits a command string into words as compose does for <c>command</c>, <c>entrypoint</c> and <c>healthcheck</c>
/// strings (mattn/go-shellwords, POSIX shell quoting, no expansion and no shell run): blanks separate words;
/// single quotes keep everything; double quotes keep everything but <c>\"</c>, <c>\\</c>, <c>\$</c>; a backslash
/// outside quotes escapes the next character.
/// </summary>
public static class ShellWords
{
    /// <exception cref="PscException">ComposeInvalid (InvalidData): an unterminated quote.</exception>
    public static IReadOnlyList<string> Split(string text)
    {
        var words = new List<string>();
        var sb = new StringBuilder();
        bool inWord = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c is ' ' or '\t' or '\n' or '\r')
            {
                if (inWord) { words.Add(sb.ToString()); sb.Clear(); inWord = false; }
                continue;
            }
            inWord = true;
            if (c == '\\' && i + 1 < text.Length) { sb.Append(text[++i]); continue; }
            if (c is '\'' or '"')
            {
                int j = i + 1;
                for (; j < text.Length && text[j] != c; j++)
                {
                    if (c == '"' && text[j] == '\\' && j + 1 < text.Length && text[j + 1] is '"' or '\\' or '$') j++;
                    sb.Append(text[j]);
                }
                if (j >= text.Length)
                    throw PscException.InvalidData(ErrorIds.ComposeInvalid, $"unterminated quote in \"{text}\"", text);
                i = j;
                continue;
            }
            sb.Append(c);
        }
        if (inWord) words.Add(sb.ToString());
        return words;
    }
}
