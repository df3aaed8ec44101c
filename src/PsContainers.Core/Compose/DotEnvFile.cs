using System.Text;

namespace PsContainers.Core.Compose;

/// <summary>
/// The <c>.env</c> / <c>--env-file</c> / <c>env_file</c> format as compose-go's <c>dotenv</c> package reads it: an
/// optional UTF-8 BOM; blank lines and <c>#</c> lines are skipped; an optional <c>export </c> prefix; <c>KEY=VALUE</c>
/// (or <c>KEY: VALUE</c>). Unquoted values end at the newline, lose a trailing <c> #comment</c> and trailing blanks,
/// and get <c>${VAR}</c> expansion. Single-quoted values are literal. Double-quoted values may span lines, honour
/// <c>\n \r \t \" \\ \$</c> and get expansion (which is why <c>"abc$def"</c> becomes <c>abc</c> and <c>'abc$def'</c>
/// stays: docker/compose#11058). Expansion looks the variable up with the caller's lookup first, then in the keys
/// defined earlier in the same file. A bare <c>KEY</c> takes the lookup's value, and is left out when there is none.
/// </summary>
public static class DotEnvFile
{
    /// <summary>Read <paramref name="path"/> (see <see cref="Parse"/>).</summary>
    /// <exception cref="PscException">EnvFileNotFound (ObjectNotFound): no such file; EnvFileInvalid (InvalidData).</exception>
    public static OrderedDictionary<string, string> Read(string path, Func<string, string?>? lookup = null)
    {
        if (!File.Exists(path))
            throw PscException.NotFound(ErrorIds.EnvFileNotFound, $"The environment file '{path}' does not exist.", path);
        return Parse(File.ReadAllText(path), path, lookup);
    }

    /// <summary>The variables of <paramref name="text"/>, in file order (a later definition of a key wins).</summary>
    /// <param name="text">The file's content.</param>
    /// <param name="file">The file's name, for messages.</param>
    /// <param name="lookup">Variables from outside the file (the process environment); null for none.</param>
    /// <exception cref="PscException">EnvFileInvalid (InvalidData, message file:line): a key that is not a variable
    /// name, an unterminated quote; interpolation errors of <see cref="ComposeInterpolation"/>.</exception>
    public static OrderedDictionary<string, string> Parse(string text, string file, Func<string, string?>? lookup = null)
    {
        var result = new OrderedDictionary<string, string>(StringComparer.Ordinal);
        string? Lookup(string name) => lookup?.Invoke(name) ?? (result.TryGetValue(name, out var v) ? v : null);
        if (text.Length > 0 && text[0] == '\uFEFF') text = text[1..];
        text = text.Replace("\r\n", "\n");
        int i = 0, line = 1;
        while (i < text.Length)
        {
            int lineStart = line;
            int eol = text.IndexOf('\n', i);
            if (eol < 0) eol = text.Length;
            string raw = text[i..eol];
            string trimmed = raw.TrimStart();
            if (trimmed.Length == 0 || trimmed[0] == '#')
            {
                i = eol + 1;
                line++;
                continue;
            }
            if (trimmed.StartsWith("export ", StringComparison.Ordinal)) trimmed = trimmed[7..].TrimStart();
            int eq = trimmed.IndexOfAny(['=', ':']);
            string key = (eq < 0 ? trimmed : trimmed[..eq]).Trim();
            if (key.Length == 0 || !IsName(key))
                throw PscException.InvalidData(ErrorIds.EnvFileInvalid, $"{file}:{line}: '{key}' is not a valid variable name", file);
            if (eq < 0)
            {
                if (Lookup(key) is string inherited) result[key] = inherited;
                i = eol + 1;
                line++;
                continue;
            }
            // The value starts after the separator, in the original text (a quoted value may run past this line).
            int valueStart = i + (raw.Length - raw.TrimStart().Length) + (raw.TrimStart().Length - trimmed.Length) + eq + 1;
            while (valueStart < eol && text[valueStart] is ' ' or '\t') valueStart++;
            string where = $"{file}:{lineStart}";
            if (valueStart < text.Length && text[valueStart] is '\'' or '"')
            {
                char q = text[valueStart];
                int j = valueStart + 1;
                var sb = new StringBuilder();
                bool closed = false;
                while (j < text.Length)
                {
                    char c = text[j];
                    if (c == q) { closed = true; break; }
                    if (c == '\n') line++;
                    if (q == '"' && c == '\\' && j + 1 < text.Length)
                    {
                        char e = text[j + 1];
                        switch (e)
                        {
                            case 'n': sb.Append('\n'); break;
                            case 'r': sb.Append('\r'); break;
                            case 't': sb.Append('\t'); break;
                            case '"': sb.Append('"'); break;
                            case '\\': sb.Append('\\'); break;
                            case '$': sb.Append("$$"); break; // kept literal through the expansion below
                            default: sb.Append('\\').Append(e); break;
                        }
                        j += 2;
                        continue;
                    }
                    sb.Append(c);
                    j++;
                }
                if (!closed)
                    throw PscException.InvalidData(ErrorIds.EnvFileInvalid, $"{where}: unterminated {(q == '"' ? "double" : "single")} quote in the value of {key}", file);
                string value = sb.ToString();
                result[key] = q == '"' ? ComposeInterpolation.Substitute(value, Lookup, where) : value;
                int nextEol = text.IndexOf('\n', j);
                i = nextEol < 0 ? text.Length : nextEol + 1;
                line++;
            }
            else
            {
                string value = text[valueStart..eol];
                int hash = CommentStart(value);
                if (hash >= 0) value = value[..hash];
                value = value.TrimEnd();
                result[key] = ComposeInterpolation.Substitute(value, Lookup, where);
                i = eol + 1;
                line++;
            }
        }
        return result;
    }

    /// <summary>The index of a <c>#</c> that starts a comment (preceded by a blank), or -1.</summary>
    private static int CommentStart(string value)
    {
        for (int k = 0; k < value.Length; k++)
            if (value[k] == '#' && (k == 0 || value[k - 1] is ' ' or '\t')) return k;
        return -1;
    }

    private static bool IsName(string key)
    {
        foreach (char c in key)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-')) return false;
        return true;
    }
}
