using System.Text;

namespace PsContainers.Core.Registry;

/// <summary>
/// One authentication challenge from a <c>WWW-Authenticate</c> header (RFC 7235):
/// <c>Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"</c>.
/// </summary>
public sealed class AuthChallenge
{
    /// <summary>Scheme in lower case: bearer, basic, digest, ...</summary>
    public string Scheme { get; }
    /// <summary>auth-params, names compared case-insensitively.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; }
    /// <summary>token68 form (rare), or null.</summary>
    public string? Token68 { get; }

    public AuthChallenge(string scheme, IReadOnlyDictionary<string, string> parameters, string? token68 = null)
    {
        Scheme = scheme.ToLowerInvariant();
        Parameters = parameters;
        Token68 = token68;
    }

    public string? this[string name] => Parameters.TryGetValue(name, out var v) ? v : null;
    public string? Realm => this["realm"];
    public string? Service => this["service"];
    public string? Scope => this["scope"];

    public override string ToString() =>
        Scheme + " " + string.Join(",", Parameters.Select(kv => $"{kv.Key}=\"{kv.Value}\""));

    private static int Rank(string scheme) => scheme switch { "bearer" => 0, "digest" => 1, "basic" => 2, _ => 3 };

    /// <summary>
    /// Parse every challenge of one or more WWW-Authenticate header values. Quoted strings may contain
    /// commas and backslash escapes. The result is ordered by preference: bearer, digest, basic, others
    /// (stable within a scheme).
    /// </summary>
    public static IReadOnlyList<AuthChallenge> Parse(IEnumerable<string> headerValues)
    {
        var all = new List<AuthChallenge>();
        foreach (var v in headerValues) all.AddRange(ParseOne(v));
        return all.Select((c, i) => (c, i)).OrderBy(t => Rank(t.c.Scheme)).ThenBy(t => t.i).Select(t => t.c).ToList();
    }

    public static IReadOnlyList<AuthChallenge> Parse(string headerValue) => Parse(new[] { headerValue });

    private static bool IsTokenChar(char c) =>
        c < 127 && c > 32 && "()<>@,;:\\\"/[]?={} \t".IndexOf(c) < 0;

    private static bool IsToken68Char(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' or '+' or '/';

    private static List<AuthChallenge> ParseOne(string s)
    {
        var result = new List<AuthChallenge>();
        int i = 0;
        void SkipWs() { while (i < s.Length && (s[i] == ' ' || s[i] == '\t')) i++; }
        void SkipWsAndCommas() { while (i < s.Length && (s[i] == ' ' || s[i] == '\t' || s[i] == ',')) i++; }
        string ReadToken() { int st = i; while (i < s.Length && IsTokenChar(s[i])) i++; return s[st..i]; }

        SkipWsAndCommas();
        while (i < s.Length)
        {
            string scheme = ReadToken();
            if (scheme.Length == 0) { i++; SkipWsAndCommas(); continue; } // garbage: skip a character
            var ps = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            string? token68 = null;
            SkipWs();
            // token68: chars then optional '=' padding, then end or comma
            int save = i;
            int t = i;
            while (t < s.Length && IsToken68Char(s[t])) t++;
            int afterChars = t;
            while (t < s.Length && s[t] == '=') t++;
            int tt = t; while (tt < s.Length && (s[tt] == ' ' || s[tt] == '\t')) tt++;
            bool wsBefore = save > 0 && (s[save - 1] == ' ' || s[save - 1] == '\t');
            if (wsBefore && afterChars > save && (tt >= s.Length || s[tt] == ',') &&
                (t > afterChars || !LooksLikeScheme(s, save, afterChars)))
            {
                token68 = s[save..t];
                i = tt;
            }
            // auth-params
            while (token68 is null && i < s.Length)
            {
                SkipWsAndCommas();
                int start = i;
                string name = ReadToken();
                if (name.Length == 0) break;
                SkipWs();
                if (i >= s.Length || s[i] != '=')
                {
                    // not a parameter: the start of the next challenge
                    i = start;
                    break;
                }
                i++; // '='
                SkipWs();
                string value;
                if (i < s.Length && s[i] == '"')
                {
                    i++;
                    var sb = new StringBuilder();
                    while (i < s.Length && s[i] != '"')
                    {
                        if (s[i] == '\\' && i + 1 < s.Length) i++;
                        sb.Append(s[i]);
                        i++;
                    }
                    if (i < s.Length) i++; // closing quote
                    value = sb.ToString();
                }
                else value = ReadToken();
                ps[name] = value;
                SkipWs();
                if (i < s.Length && s[i] != ',') break;
            }
            result.Add(new AuthChallenge(scheme, ps, token68));
            SkipWsAndCommas();
        }
        return result;
    }

    // "Basic, Bearer ..." : a bare word followed by a comma/end is a scheme with no params when a known scheme.
    private static bool LooksLikeScheme(string s, int start, int end)
    {
        string w = s[start..end].ToLowerInvariant();
        return w is "basic" or "bearer" or "digest" or "negotiate" or "ntlm";
    }
}
