using System.Text;
using System.Text.RegularExpressions;

namespace PsContainers.Core.Build;

/// <summary>
/// The exclusion rules of a build context: a <c>.dockerignore</c> / <c>.containerignore</c> file, with the rules of
/// the Dockerfile reference (".dockerignore file") as moby/patternmatcher implements them:
/// <list type="bullet">
/// <item>File: a UTF-8 BOM is dropped; a line starting with <c>#</c> (in the first column) is a comment; other lines
/// are trimmed, empty ones skipped; each pattern is cleaned like Go's <c>filepath.Clean</c> (<c>./a</c>, <c>a/</c>,
/// <c>a//b/..</c>) and a leading <c>/</c> is dropped: patterns are relative to the context root.</item>
/// <item>Matching: Go's <c>filepath.Match</c> (<c>*</c> and <c>?</c> do not cross <c>/</c>, <c>[a-z]</c> and
/// <c>[^a-z]</c> classes, <c>\</c> escapes) plus <c>**</c> for any number of directories, none included. A pattern
/// that matches a directory excludes everything under it.</item>
/// <item><c>!pattern</c> re-includes; the last pattern that matches a path decides. A bare <c>!</c> is an error.</item>
/// </list>
/// Paths given to <see cref="IsExcluded"/> are context-relative with '/' separators ("src/app.cs"). The Dockerfile
/// and the ignore file are read by the builder whatever the patterns say (they travel apart from the context, as in
/// BuildKit); the patterns only decide what COPY and ADD can see.
/// </summary>
public sealed class BuildContextIgnore
{
    private readonly List<Rule> _rules;

    private BuildContextIgnore(List<Rule> rules) => _rules = rules;

    /// <summary>No patterns: nothing is excluded.</summary>
    public static BuildContextIgnore Empty { get; } = new([]);

    /// <summary>The patterns as cleaned, in order, exclusions with their leading '!'.</summary>
    public IReadOnlyList<string> Patterns => _rules.Select(r => (r.Exclusion ? "!" : "") + r.Pattern).ToList();

    /// <summary>Whether any pattern is a '!' exception (then an excluded directory may still have to be walked).</summary>
    public bool HasExclusions => _rules.Any(r => r.Exclusion);

    /// <summary>
    /// Read an ignore file's text (moby/patternmatcher ignorefile.ReadAll, then New).
    /// </summary>
    /// <param name="text">The file's content.</param>
    /// <param name="fileName">The name used in messages (".dockerignore").</param>
    /// <exception cref="PscException">BuildIgnoreSyntax "file:line: …": a bare '!', or a pattern Go's filepath.Match rejects (an unclosed '[', a trailing '\').</exception>
    public static BuildContextIgnore Parse(string text, string fileName = ".dockerignore")
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.StartsWith('\uFEFF')) text = text[1..];
        var patterns = new List<(string, int)>();
        int n = 0;
        foreach (var raw in text.Split('\n'))
        {
            n++;
            string line = raw.TrimEnd('\r');
            if (line.StartsWith('#')) continue;
            string p = line.Trim();
            if (p.Length == 0) continue;
            bool invert = p[0] == '!';
            if (invert) p = p[1..].Trim();
            if (p.Length > 0)
            {
                p = CleanPath(p);
                if (p.Length > 1 && p[0] == '/') p = p[1..];
            }
            patterns.Add(((invert ? "!" : "") + p, n));
        }
        return Build(patterns, fileName);
    }

    /// <summary>Rules from patterns as given (each trimmed and cleaned; '!' re-includes), in order.</summary>
    /// <exception cref="PscException">BuildIgnoreSyntax: a bare '!' or a bad pattern.</exception>
    public static BuildContextIgnore FromPatterns(IEnumerable<string> patterns) =>
        Build(patterns.Select((p, i) => (p, i + 1)), "patterns");

    private static BuildContextIgnore Build(IEnumerable<(string Pattern, int Line)> patterns, string fileName)
    {
        var rules = new List<Rule>();
        foreach (var (raw, line) in patterns)
        {
            string p = raw.Trim();
            if (p.Length == 0) continue;
            p = CleanPath(p);
            bool exclusion = p[0] == '!';
            if (exclusion)
            {
                if (p.Length == 1) throw Syntax(fileName, line, "illegal exclusion pattern: \"!\"");
                p = p[1..];
            }
            rules.Add(Rule.Compile(p, exclusion) ?? throw Syntax(fileName, line, $"syntax error in pattern \"{p}\""));
        }
        return new BuildContextIgnore(rules);
    }

    /// <summary>
    /// The ignore file a build uses, in this order: <c>&lt;Dockerfile name&gt;.dockerignore</c> then
    /// <c>&lt;Dockerfile name&gt;.containerignore</c> next to the Dockerfile (BuildKit's per-Dockerfile file), then the
    /// context root's <c>.containerignore</c>, then <c>.dockerignore</c> (podman's order between the two). Null
    /// when none exists. Only regular files count (a symbolic link is not followed).
    /// </summary>
    /// <param name="contextDirectory">The build context directory (host path).</param>
    /// <param name="dockerfilePath">The Dockerfile's host path, or null for none.</param>
    public static string? FindIgnoreFile(string contextDirectory, string? dockerfilePath)
    {
        var candidates = new List<string>();
        if (!string.IsNullOrEmpty(dockerfilePath))
        {
            candidates.Add(dockerfilePath + ".dockerignore");
            candidates.Add(dockerfilePath + ".containerignore");
        }
        candidates.Add(Path.Combine(contextDirectory, ".containerignore"));
        candidates.Add(Path.Combine(contextDirectory, ".dockerignore"));
        foreach (var c in candidates)
        {
            var fi = new FileInfo(c);
            if (fi.Exists && fi.LinkTarget is null) return c;
        }
        return null;
    }

    /// <summary>
    /// The rules of a context: <see cref="FindIgnoreFile"/> read and parsed, or <see cref="Empty"/> when there is none.
    /// </summary>
    /// <returns>The rules and the file they came from (null when none).</returns>
    /// <exception cref="PscException">BuildIgnoreSyntax, as <see cref="Parse"/>.</exception>
    /// <exception cref="IOException">The file could not be read.</exception>
    public static (BuildContextIgnore Ignore, string? File) Load(string contextDirectory, string? dockerfilePath = null)
    {
        var file = FindIgnoreFile(contextDirectory, dockerfilePath);
        return file is null ? (Empty, null) : (Parse(File.ReadAllText(file, Encoding.UTF8), Path.GetFileName(file)), file);
    }

    /// <summary>
    /// Whether a context path is excluded: the last pattern that matches it, or one of its parent directories,
    /// decides (moby/patternmatcher MatchesOrParentMatches). "" and "." are never excluded.
    /// </summary>
    /// <param name="relativePath">Context-relative, '/'-separated ("src/a.cs"), cleaned first; a backslash is a file name character (Linux).</param>
    public bool IsExcluded(string relativePath)
    {
        string file = CleanPath(relativePath).TrimStart('/');
        if (file is "" or ".") return false;
        string[] parents = file.Split('/')[..^1];
        bool matched = false;
        foreach (var r in _rules)
        {
            if (r.Exclusion != matched) continue;
            bool m = r.Matches(file);
            for (int i = 0; !m && i < parents.Length; i++) m = r.Matches(string.Join('/', parents[..(i + 1)]));
            if (m) matched = !r.Exclusion;
        }
        return matched;
    }

    /// <summary>
    /// Whether a context walk must enter a directory: it is not excluded, or it is but a '!' exception may re-include
    /// something under it (the exception's leading directories match the directory's, or reach a <c>**</c>).
    /// Entering more than needed is harmless: each entry is still checked with <see cref="IsExcluded"/>.
    /// </summary>
    /// <param name="relativeDirectory">Context-relative, '/'-separated.</param>
    public bool ShouldWalk(string relativeDirectory)
    {
        if (!IsExcluded(relativeDirectory)) return true;
        string[] dir = CleanPath(relativeDirectory).TrimStart('/').Split('/');
        foreach (var r in _rules.Where(r => r.Exclusion))
        {
            string[] pat = r.Pattern.Split('/');
            bool could = true;
            for (int i = 0; i < dir.Length; i++)
            {
                if (i >= pat.Length) { could = false; break; }
                if (pat[i].Contains("**", StringComparison.Ordinal)) break;
                if (Rule.Compile(pat[i], false) is not { } seg || !seg.Matches(dir[i])) { could = false; break; }
            }
            if (could && pat.Length > 0) return true;
        }
        return false;
    }

    /// <summary>Go's path.Clean for '/'-separated paths: no "//", no "." elements, ".." resolved, no trailing '/'; "" → ".".</summary>
    internal static string CleanPath(string p)
    {
        if (p.Length == 0) return ".";
        bool rooted = p[0] == '/';
        var parts = new List<string>();
        foreach (var s in p.Split('/'))
        {
            if (s.Length == 0 || s == ".") continue;
            if (s == "..")
            {
                if (parts.Count > 0 && parts[^1] != "..") parts.RemoveAt(parts.Count - 1);
                else if (!rooted) parts.Add("..");
                continue;
            }
            parts.Add(s);
        }
        string r = (rooted ? "/" : "") + string.Join('/', parts);
        return r.Length == 0 ? "." : r;
    }

    private static PscException Syntax(string file, int line, string message) =>
        new(ErrorIds.BuildIgnoreSyntax, PscErrorCategory.ParserError, $"{file}:{line}: {message}", file);

    /// <summary>One compiled pattern (moby/patternmatcher Pattern.compile: exact, prefix "a/**", suffix "**/a", or a regular expression).</summary>
    private sealed class Rule
    {
        public required string Pattern { get; init; }
        public bool Exclusion { get; init; }
        private Kind _kind;
        private Regex? _re;

        private enum Kind { Exact, Prefix, Suffix, Regex }

        public static Rule? Compile(string pattern, bool exclusion)
        {
            if (!ValidGoPattern(pattern)) return null;
            var re = new StringBuilder("^");
            var kind = Kind.Exact;
            for (int i = 0; i < pattern.Length; i++)
            {
                char c = pattern[i];
                if (c == '*')
                {
                    if (i + 1 < pattern.Length && pattern[i + 1] == '*')
                    {
                        bool first = i == 0;
                        i++;
                        if (i + 1 < pattern.Length && pattern[i + 1] == '/') i++;
                        if (i + 1 >= pattern.Length)
                        {
                            if (kind == Kind.Exact) kind = Kind.Prefix;
                            else { re.Append(".*"); kind = Kind.Regex; }
                        }
                        else { re.Append("(.*/)?"); kind = Kind.Regex; }
                        if (first) kind = Kind.Suffix;
                    }
                    else { re.Append("[^/]*"); kind = Kind.Regex; }
                }
                else if (c == '?') { re.Append("[^/]"); kind = Kind.Regex; }
                else if (".+()|{}$^".Contains(c)) re.Append('\\').Append(c);
                else if (c == '\\')
                {
                    if (i + 1 < pattern.Length) { re.Append('\\').Append(pattern[++i]); kind = Kind.Regex; }
                    else re.Append("\\\\");
                }
                else if (c is '[' or ']')
                {
                    re.Append(c);
                    kind = Kind.Regex;
                    // a class's '^' negation must stay a negation, not be escaped as a literal
                    if (c == '[' && i + 1 < pattern.Length && pattern[i + 1] == '^') { re.Append('^'); i++; }
                }
                else re.Append(c);
            }
            Regex? compiled = null;
            if (kind == Kind.Regex)
            {
                re.Append(@"\z");
                try { compiled = new Regex(re.ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline); }
                catch (ArgumentException) { return null; }
            }
            return new Rule { Pattern = pattern, Exclusion = exclusion, _kind = kind, _re = compiled };
        }

        public bool Matches(string path) => _kind switch
        {
            Kind.Exact => path == Pattern,
            Kind.Prefix => path.StartsWith(Pattern[..^2], StringComparison.Ordinal),
            Kind.Suffix => path.EndsWith(Pattern[2..], StringComparison.Ordinal) || (Pattern[2..].StartsWith('/') && path == Pattern[3..]),
            _ => _re!.IsMatch(path),
        };

        /// <summary>Go's filepath.Match syntax check: classes closed and not empty, escapes complete.</summary>
        private static bool ValidGoPattern(string p)
        {
            for (int i = 0; i < p.Length; i++)
            {
                char c = p[i];
                if (c == '\\') { if (++i >= p.Length) return false; continue; }
                if (c != '[') continue;
                i++;
                if (i < p.Length && p[i] == '^') i++;
                int start = i;
                while (true)
                {
                    if (i >= p.Length) return false;
                    if (p[i] == ']' && i > start) break;
                    if (p[i] == ']') return false;
                    if (p[i] == '\\') { i++; if (i >= p.Length) return false; }
                    if (p[i] == '-' && i == start) return false;
                    i++;
                    if (i < p.Length && p[i] == '-')
                    {
                        i++;
                        if (i >= p.Length || p[i] == ']') return false;
                        if (p[i] == '\\') { i++; if (i >= p.Length) return false; }
                        i++;
                    }
                }
            }
            return true;
        }
    }
}
