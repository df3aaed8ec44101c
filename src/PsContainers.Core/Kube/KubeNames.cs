using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace PsContainers.Core.Kube;

/// <summary>
/// The Kubernetes name rules (apimachinery pkg/util/validation) and deterministic repairs for names that break them.
/// <list type="bullet">
/// <item>RFC 1123 label (container, volume and most object names' parts): lowercase letters, digits and '-', starting
/// and ending with a letter or digit, at most 63 characters.</item>
/// <item>RFC 1123 subdomain (metadata.name of most kinds): labels joined by '.', at most 253 characters.</item>
/// <item>RFC 1035 label (a Service's name): an RFC 1123 label that starts with a letter.</item>
/// <item>IANA service name (a port's name): at most 15 lowercase letters, digits and '-', at least one letter, no
/// '-' at either end and no "--".</item>
/// <item>Qualified name (a label or annotation key): an optional DNS-subdomain prefix and '/', then a name of at most 63
/// characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit.</item>
/// <item>Label value: empty, or at most 63 characters of the qualified-name part's alphabet.</item>
/// </list>
/// A repair lowercases where the rule asks it, turns every other character into '-', folds runs of separators, trims
/// them at the ends, and shortens a name that is too long to its head plus '-' and the first 8 hex digits of the
/// SHA-256 of the original, so the same input always gives the same output and different long inputs stay apart.
/// </summary>
public static partial class KubeNames
{
    /// <summary>The longest RFC 1123 label (and label value, and qualified-name part).</summary>
    public const int MaxLabelLength = 63;
    /// <summary>The longest RFC 1123 subdomain.</summary>
    public const int MaxSubdomainLength = 253;
    /// <summary>The longest IANA service name (a port's name).</summary>
    public const int MaxPortNameLength = 15;

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")] private static partial Regex Dns1123LabelRegex();
    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$")] private static partial Regex Dns1035LabelRegex();
    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")] private static partial Regex Dns1123SubdomainRegex();
    [GeneratedRegex("^[-a-z0-9]+$")] private static partial Regex IanaCharsRegex();
    [GeneratedRegex("[a-z]")] private static partial Regex LetterRegex();
    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")] private static partial Regex QualifiedPartRegex();
    [GeneratedRegex("^[-._a-zA-Z0-9]+$")] private static partial Regex ConfigMapKeyRegex();

    /// <summary>Whether <paramref name="s"/> is an RFC 1123 label (at most 63 characters).</summary>
    public static bool IsDnsLabel(string? s) => s is { Length: > 0 and <= MaxLabelLength } && Dns1123LabelRegex().IsMatch(s);

    /// <summary>Whether <paramref name="s"/> is an RFC 1035 label (a Service name: starts with a letter, at most 63 characters).</summary>
    public static bool IsDns1035Label(string? s) => s is { Length: > 0 and <= MaxLabelLength } && Dns1035LabelRegex().IsMatch(s);

    /// <summary>Whether <paramref name="s"/> is an RFC 1123 subdomain (at most 253 characters).</summary>
    public static bool IsDnsSubdomain(string? s) => s is { Length: > 0 and <= MaxSubdomainLength } && Dns1123SubdomainRegex().IsMatch(s);

    /// <summary>Whether <paramref name="s"/> is an IANA service name, the rule for a container port's name.</summary>
    public static bool IsPortName(string? s) => s is { Length: > 0 and <= MaxPortNameLength } && IanaCharsRegex().IsMatch(s)
        && LetterRegex().IsMatch(s) && s[0] != '-' && s[^1] != '-' && !s.Contains("--", StringComparison.Ordinal);

    /// <summary>Whether <paramref name="key"/> is a valid label or annotation key ([prefix/]name).</summary>
    public static bool IsQualifiedName(string? key)
    {
        if (string.IsNullOrEmpty(key)) return false;
        int slash = key.IndexOf('/');
        if (slash >= 0 && (key.IndexOf('/', slash + 1) >= 0 || !IsDnsSubdomain(key[..slash]))) return false;
        string name = slash >= 0 ? key[(slash + 1)..] : key;
        return name.Length is > 0 and <= MaxLabelLength && QualifiedPartRegex().IsMatch(name);
    }

    /// <summary>Whether <paramref name="value"/> is a valid label value (empty is).</summary>
    public static bool IsLabelValue(string? value) => value is not null && (value.Length == 0 || (value.Length <= MaxLabelLength && QualifiedPartRegex().IsMatch(value)));

    /// <summary>Whether <paramref name="key"/> is a valid ConfigMap data key (letters, digits, '-', '_', '.'; not "." or "..").</summary>
    public static bool IsConfigMapKey(string? key) => key is { Length: > 0 and <= MaxSubdomainLength } && key is not "." and not ".." && ConfigMapKeyRegex().IsMatch(key);

    /// <summary>
    /// <paramref name="s"/> as an RFC 1123 label: itself when valid, else repaired (see the type); "x" when nothing
    /// usable is left.
    /// </summary>
    public static string ToDnsLabel(string s) => IsDnsLabel(s) ? s : Repair(s, MaxLabelLength, "-", keepDots: false, lower: true) is { Length: > 0 } r ? r : "x";

    /// <summary><paramref name="s"/> as an RFC 1035 label (a Service name): <see cref="ToDnsLabel"/>, with "svc-" before a leading digit.</summary>
    public static string ToDns1035Label(string s)
    {
        if (IsDns1035Label(s)) return s;
        string l = ToDnsLabel(s);
        return char.IsAsciiLetterLower(l[0]) ? l : ToDnsLabel("svc-" + l);
    }

    /// <summary><paramref name="s"/> as an RFC 1123 subdomain: itself when valid, else repaired (dots kept between labels).</summary>
    public static string ToDnsSubdomain(string s) => IsDnsSubdomain(s) ? s : Repair(s, MaxSubdomainLength, "-", keepDots: true, lower: true) is { Length: > 0 } r ? r : "x";

    /// <summary><paramref name="value"/> as a label value: itself when valid, else repaired (case kept, '-', '_' and '.' allowed).</summary>
    public static string ToLabelValue(string value) => IsLabelValue(value) ? value : Repair(value, MaxLabelLength, "-", keepDots: true, lower: false, underscore: true);

    /// <summary><paramref name="key"/> as a label key: itself when valid, else the prefix as a subdomain and the name part repaired.</summary>
    public static string ToQualifiedName(string key)
    {
        if (IsQualifiedName(key)) return key;
        int slash = key.IndexOf('/');
        string prefix = slash >= 0 ? ToDnsSubdomain(key[..slash]) : "";
        string name = Repair(slash >= 0 ? key[(slash + 1)..] : key, MaxLabelLength, "-", keepDots: true, lower: false, underscore: true);
        if (name.Length == 0) name = "x";
        return prefix.Length > 0 && prefix != "x" ? prefix + "/" + name : name;
    }

    /// <summary>
    /// A port name (IANA service name) from <paramref name="s"/>: lowercased, other characters to '-', runs folded,
    /// at most 15 characters, with "p" in front when it has no letter.
    /// </summary>
    public static string ToPortName(string s)
    {
        if (IsPortName(s)) return s;
        string r = Repair(s, int.MaxValue, "-", keepDots: false, lower: true);
        if (!LetterRegex().IsMatch(r)) r = "p-" + r;
        if (r.Length > MaxPortNameLength) r = r[..MaxPortNameLength].TrimEnd('-');
        return r.Trim('-');
    }

    /// <summary>The first 8 hex digits of the SHA-256 of <paramref name="s"/> (UTF-8): a short stable tag for <paramref name="s"/>.</summary>
    public static string ShortHash(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)))[..8];

    private static string Repair(string s, int max, string sep, bool keepDots, bool lower, bool underscore = false)
    {
        var sb = new StringBuilder(s.Length);
        foreach (char ch0 in s)
        {
            char ch = lower ? char.ToLowerInvariant(ch0) : ch0;
            bool ok = char.IsAsciiDigit(ch) || (lower ? char.IsAsciiLetterLower(ch) : char.IsAsciiLetter(ch))
                || (keepDots && ch == '.') || (underscore && ch == '_');
            char o = ok ? ch : '-';
            // fold runs of separators: "a__b" -> "a-b", "a-.b" -> "a.b" (a dot wins over a dash next to it)
            if (sb.Length > 0 && IsSep(sb[^1]) && IsSep(o))
            {
                if (o == '.' || o == '_') sb[^1] = o;
                continue;
            }
            sb.Append(o);
        }
        string r = sb.ToString().Trim('-', '.', '_');
        if (r.Length > max)
        {
            string tag = "-" + ShortHash(s);
            r = r[..(max - tag.Length)].TrimEnd('-', '.', '_') + tag;
        }
        return r;

        static bool IsSep(char c) => c is '-' or '.' or '_';
    }
}
