using System.Text;
using System.Text.RegularExpressions;

namespace PsContainers.Core.Build;

/// <summary>
/// Variable substitution and word processing of the Dockerfile builder, with the rules of BuildKit's shell lexer
/// (moby/buildkit frontend/dockerfile/shell/lex.go; Dockerfile reference, "Environment replacement"):
/// <list type="bullet">
/// <item><c>$V</c>, <c>${V}</c>: the value, or empty when unset (no error).</item>
/// <item><c>${V:-w}</c> / <c>${V-w}</c>: w when V is unset or empty / unset. <c>${V:+w}</c> / <c>${V+w}</c>: w when V is
/// set and not empty / set, else empty. <c>${V:?msg}</c> / <c>${V?msg}</c>: an error "V: msg" when V is unset or empty /
/// unset. w itself is processed (quotes, escapes, nested variables).</item>
/// <item>Pattern operators of newer syntax versions: <c>${V#p}</c>, <c>${V##p}</c> (shortest / longest prefix),
/// <c>${V%p}</c>, <c>${V%%p}</c> (suffix), <c>${V/p/r}</c>, <c>${V//p/r}</c> (first / every match); p is a shell
/// pattern with <c>*</c> and <c>?</c>.</item>
/// <item>Names are letters, digits and '_' (not starting with a digit); <c>$</c> before anything else stays a literal
/// <c>$</c>; a run of digits or one special parameter character (<c>@ * # ? - $ ! 0</c>) is a name that is never set.</item>
/// <item>Quotes: single quotes keep everything literally; double quotes keep spaces and expand variables, and the
/// escape character escapes only <c>"</c>, <c>$</c> and itself there; outside quotes the escape character makes the
/// next character literal. Quotes and escape characters are removed from the result.</item>
/// </list>
/// The escape character is the Dockerfile's (<c>\</c>, or <c>`</c> with the <c># escape=`</c> directive). The
/// environment is case-sensitive (Linux). An instance keeps no state between calls and can be shared between threads.
/// </summary>
public sealed class ShellWordExpander
{
    /// <summary>An expander with the given escape character (<c>\</c> by default).</summary>
    public ShellWordExpander(char escape = '\\') => Escape = escape;

    /// <summary>The escape character.</summary>
    public char Escape { get; }
    /// <summary>Keep quote characters in the result (used to find heredoc words as written).</summary>
    internal bool RawQuotes { get; init; }
    /// <summary>Keep escape characters in the result.</summary>
    internal bool RawEscapes { get; init; }
    /// <summary>Treat quotes as ordinary characters (BuildKit's SkipProcessQuotes, used for COPY heredoc bodies).</summary>
    internal bool SkipProcessQuotes { get; init; }
    /// <summary>Leave a reference to an unset variable as written (<c>$V</c>, <c>${V}</c>...).</summary>
    internal bool SkipUnsetEnv { get; init; }

    /// <summary>
    /// Process a word into one string: variables substituted, quotes and escapes removed, whitespace kept
    /// (BuildKit's <c>ProcessWord</c>; used for ENV/LABEL values, WORKDIR, USER, COPY paths...).
    /// </summary>
    /// <param name="word">The text as written in the Dockerfile.</param>
    /// <param name="env">The variables in scope (ENV and ARG values).</param>
    /// <param name="used">Receives the name of every variable the word referenced that was set, when given.</param>
    /// <exception cref="PscException">DockerfileExpansion: a bad substitution, a missing quote or '}', or a
    /// <c>${V:?msg}</c> on an unset or empty V.</exception>
    public string ProcessWord(string word, IReadOnlyDictionary<string, string> env, ISet<string>? used = null) =>
        new Scan(this, word, env, used).Run().Result;

    /// <summary>
    /// Process a word into several: as <see cref="ProcessWord"/>, split on whitespace that is neither quoted nor
    /// escaped; whitespace inside a substituted value also splits (BuildKit's <c>ProcessWords</c>, used for EXPOSE:
    /// <c>EXPOSE $PORTS</c> with PORTS="80 443" gives two ports). Empty words are dropped.
    /// </summary>
    /// <exception cref="PscException">DockerfileExpansion, as <see cref="ProcessWord"/>.</exception>
    public IReadOnlyList<string> ProcessWords(string word, IReadOnlyDictionary<string, string> env, ISet<string>? used = null) =>
        new Scan(this, word, env, used).Run().Words;

    /// <summary>An environment from "NAME=value" entries (an image config's Env); a later entry of a name wins.</summary>
    public static Dictionary<string, string> EnvironmentFrom(IEnumerable<string>? entries)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in entries ?? [])
        {
            int eq = e.IndexOf('=');
            if (eq < 0) d[e] = ""; else d[e[..eq]] = e[(eq + 1)..];
        }
        return d;
    }

    private static PscException Error(string word, string message) =>
        PscException.InvalidArgument(ErrorIds.DockerfileExpansion, $"failed to process \"{word}\": {message}", word);

    private sealed class Words
    {
        private readonly StringBuilder _buf = new();
        private readonly List<string> _words = [];
        private bool _inWord;

        public void AddChar(char c)
        {
            if (char.IsWhiteSpace(c))
            {
                if (_inWord && _buf.Length > 0) { _words.Add(_buf.ToString()); _buf.Clear(); _inWord = false; }
            }
            else AddRaw(c);
        }
        public void AddRaw(char c) { _buf.Append(c); _inWord = true; }
        public void AddString(string s) { foreach (char c in s) AddChar(c); }
        public void AddRawString(string s) { _buf.Append(s); _inWord = true; }
        public List<string> Get()
        {
            if (_buf.Length > 0) { _words.Add(_buf.ToString()); _buf.Clear(); _inWord = false; }
            return _words;
        }
    }

    private sealed class Scan(ShellWordExpander lex, string source, IReadOnlyDictionary<string, string> env, ISet<string>? used)
    {
        private int _i;
        private bool _rawEscapes = lex.RawEscapes;

        private int Peek() => _i < source.Length ? source[_i] : -1;
        private int Next() => _i < source.Length ? source[_i++] : -1;

        public (string Result, List<string> Words) Run() => StopOn(-1, lex.RawEscapes);

        private (string Result, List<string> Words) StopOn(int stop, bool rawEscapes)
        {
            bool saved = _rawEscapes;
            _rawEscapes = rawEscapes;
            try
            {
                var result = new StringBuilder();
                var words = new Words();
                while (Peek() != -1)
                {
                    int ch = Peek();
                    if (stop != -1 && ch == stop) { Next(); return (result.ToString(), words.Get()); }
                    if (ch == '$')
                    {
                        string v = Dollar();
                        result.Append(v);
                        words.AddString(v);
                    }
                    else if (ch == '<')
                    {
                        string v = PossibleHeredoc();
                        result.Append(v);
                        words.AddRawString(v);
                    }
                    else if (ch == '\'' && !lex.SkipProcessQuotes)
                    {
                        string v = SingleQuoted();
                        result.Append(v);
                        words.AddRawString(v);
                    }
                    else if (ch == '"' && !lex.SkipProcessQuotes)
                    {
                        string v = DoubleQuoted();
                        result.Append(v);
                        words.AddRawString(v);
                    }
                    else
                    {
                        char c = (char)Next();
                        if (c == lex.Escape)
                        {
                            if (_rawEscapes) { words.AddRaw(c); result.Append(c); }
                            int n = Next();
                            if (n == -1) break;
                            words.AddRaw((char)n);
                            result.Append((char)n);
                        }
                        else
                        {
                            words.AddChar(c);
                            result.Append(c);
                        }
                    }
                }
                if (stop != -1)
                    throw Error(source, $"unexpected end of statement while looking for matching {(char)stop}");
                return (result.ToString(), words.Get());
            }
            finally { _rawEscapes = saved; }
        }

        private string SingleQuoted()
        {
            var r = new StringBuilder();
            Next();
            if (lex.RawQuotes) r.Append('\'');
            while (true)
            {
                int c = Next();
                if (c == -1) throw Error(source, "unexpected end of statement while looking for matching single-quote");
                if (c == '\'') { if (lex.RawQuotes) r.Append('\''); return r.ToString(); }
                r.Append((char)c);
            }
        }

        private string DoubleQuoted()
        {
            var r = new StringBuilder();
            Next();
            if (lex.RawQuotes) r.Append('"');
            while (true)
            {
                int p = Peek();
                if (p == -1) throw Error(source, "unexpected end of statement while looking for matching double-quote");
                if (p == '"') { Next(); if (lex.RawQuotes) r.Append('"'); return r.ToString(); }
                if (p == '$') { r.Append(Dollar()); continue; }
                char c = (char)Next();
                if (c == lex.Escape)
                {
                    int n = Peek();
                    if (n == -1) continue;
                    if (n == '"' || n == '$' || n == lex.Escape)
                    {
                        if (_rawEscapes) r.Append(c);
                        r.Append((char)Next());
                        continue;
                    }
                }
                r.Append(c);
            }
        }

        private string PossibleHeredoc()
        {
            Next();
            if (Peek() != '<') return "<";
            Next();
            var s = new StringBuilder("<<");
            while (Peek() is ' ' or '\t') s.Append((char)Next());
            return s.ToString();
        }

        private string? Get(string name)
        {
            if (env.TryGetValue(name, out var v)) { used?.Add(name); return v; }
            return null;
        }

        private string Dollar()
        {
            Next(); // '$'
            if (Peek() != '{')
            {
                string name = Name();
                if (name.Length == 0) return "$";
                var v = Get(name);
                return v ?? (lex.SkipUnsetEnv ? "$" + name : "");
            }
            Next(); // '{'
            switch (Peek())
            {
                case -1: throw Error(source, "syntax error: missing '}'");
                case '{' or '}' or ':': throw Error(source, "syntax error: bad substitution");
            }
            string n = Name();
            int ch = Next();
            if (ch == '}')
            {
                var v = Get(n);
                return v ?? (lex.SkipUnsetEnv ? "${" + n + "}" : "");
            }
            if (ch == '/') return Replace(n);
            bool nullIsUnset = false;
            string mod = ch == -1 ? "" : ((char)ch).ToString();
            if (ch == ':')
            {
                nullIsUnset = true;
                ch = Next();
                if (ch != -1) mod += (char)ch;
            }
            if (ch is not ('+' or '-' or '?' or '#' or '%'))
                throw Error(source, ch == -1 ? "syntax error: missing '}'" : $"unsupported modifier ({mod}) in substitution");
            bool pattern = ch is '#' or '%';
            if (nullIsUnset && pattern) throw Error(source, $"unsupported modifier ({mod}) in substitution");
            string word;
            try { word = StopOn('}', pattern).Result; }
            catch (PscException) when (Peek() == -1) { throw Error(source, "syntax error: missing '}'"); }
            var value = Get(n);
            if (lex.SkipUnsetEnv && value is null) return "${" + n + mod + word + "}";
            bool empty = value is null || (nullIsUnset && value.Length == 0);
            switch (ch)
            {
                case '-': return empty ? word : value!;
                case '+': return empty ? "" : word;
                case '?':
                    if (value is null) throw PscException.InvalidArgument(ErrorIds.DockerfileExpansion, $"{n}: {(word.Length > 0 ? word : "is not allowed to be unset")}", n);
                    if (empty) throw PscException.InvalidArgument(ErrorIds.DockerfileExpansion, $"{n}: {(word.Length > 0 ? word : "is not allowed to be empty")}", n);
                    return value;
                default:
                    bool greedy = word.Length > 0 && word[0] == ch;
                    if (greedy) word = word[1..];
                    return ch == '%' ? TrimSuffix(word, value ?? "", greedy) : TrimPrefix(word, value ?? "", greedy);
            }
        }

        private string Replace(string name)
        {
            bool all = Peek() == '/';
            if (all) Next();
            string pattern, replacement;
            try { pattern = StopOn('/', true).Result; }
            catch (PscException) when (Peek() == -1) { throw Error(source, "syntax error: missing '/' in ${}"); }
            try { replacement = StopOn('}', true).Result; }
            catch (PscException) when (Peek() == -1) { throw Error(source, "syntax error: missing '}'"); }
            var value = Get(name);
            if (lex.SkipUnsetEnv && value is null) return "${" + name + "/" + pattern + "/" + replacement + "}";
            value ??= "";
            var re = PatternRegex(pattern, greedy: true, anchored: false);
            if (all) return re.Replace(value, replacement.Replace("$", "$$"));
            var m = re.Match(value);
            return m.Success ? value[..m.Index] + replacement + value[(m.Index + m.Length)..] : value;
        }

        private string Name()
        {
            var n = new StringBuilder();
            while (Peek() != -1)
            {
                char c = (char)Peek();
                if (n.Length == 0 && char.IsDigit(c))
                {
                    while (Peek() != -1 && char.IsDigit((char)Peek())) n.Append((char)Next());
                    return n.ToString();
                }
                if (n.Length == 0 && c is '@' or '*' or '#' or '?' or '-' or '$' or '!' or '0')
                    return ((char)Next()).ToString();
                if (!char.IsLetterOrDigit(c) && c != '_') break;
                n.Append((char)Next());
            }
            return n.ToString();
        }

        private string TrimPrefix(string pattern, string value, bool longest)
        {
            var re = PatternRegex(pattern, true, true, whole: true);
            if (longest) { for (int end = value.Length; end >= 0; end--) if (re.IsMatch(value[..end])) return value[end..]; }
            else { for (int end = 0; end <= value.Length; end++) if (re.IsMatch(value[..end])) return value[end..]; }
            return value;
        }

        private string TrimSuffix(string pattern, string value, bool longest)
        {
            var re = PatternRegex(pattern, true, true, whole: true);
            if (longest) { for (int start = 0; start <= value.Length; start++) if (re.IsMatch(value[start..])) return value[..start]; }
            else { for (int start = value.Length; start >= 0; start--) if (re.IsMatch(value[start..])) return value[..start]; }
            return value;
        }

        /// <summary>A shell pattern (<c>*</c>, <c>?</c>, <c>\</c> escapes) as a regular expression.</summary>
        private Regex PatternRegex(string pattern, bool greedy, bool anchored, bool whole = false)
        {
            var o = new StringBuilder();
            if (anchored) o.Append('^');
            for (int i = 0; i < pattern.Length; i++)
            {
                char c = pattern[i];
                if (c == '*') { o.Append(greedy ? ".*" : ".*?"); continue; }
                if (c == '?') { o.Append('.'); continue; }
                if (c == '\\')
                {
                    if (i + 1 < pattern.Length && pattern[i + 1] is '}' or '/') continue;
                    if (i + 1 >= pattern.Length || pattern[i + 1] is not ('*' or '?' or '\\'))
                        throw Error(source, $"invalid pattern ({pattern}) in substitution: invalid escape '\\{(i + 1 < pattern.Length ? pattern[i + 1] : ' ')}'");
                    o.Append('\\').Append(pattern[++i]);
                    continue;
                }
                o.Append(Regex.Escape(c.ToString()));
            }
            if (whole) o.Append(@"\z");
            return new Regex(o.ToString(), RegexOptions.Singleline | RegexOptions.CultureInvariant);
        }
    }
}
