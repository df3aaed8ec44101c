// The ociVersion of config.json: a SemVer 2.0.0 string. Compiled into both PsContainers.Core and pscrun
// (NativeAOT): keep it free of other dependencies (no regex: this runs on every create).
namespace PsContainers.Core.Runtime.Spec;

/// <summary>
/// Parses and checks <c>ociVersion</c>. Every 1.x.y (with pre-release and build suffixes) is accepted: the spec keeps
/// backwards compatibility within a major version, and fields a newer minor version adds are either understood or
/// refused by name where they appear. Another major version or a string that is not SemVer is refused.
/// </summary>
public static class SpecVersion
{
    public const int SupportedMajor = 1;

    /// <summary>Parse a SemVer 2.0.0 version (MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]); false when it is not one.</summary>
    public static bool TryParse(string? s, out int major, out int minor, out int patch)
    {
        major = minor = patch = 0;
        if (string.IsNullOrEmpty(s)) return false;
        int plus = s.IndexOf('+');
        string main = plus < 0 ? s : s[..plus];
        if (plus >= 0 && !Identifiers(s[(plus + 1)..], numericNoLeadingZero: false)) return false;
        int dash = main.IndexOf('-');
        string core = dash < 0 ? main : main[..dash];
        if (dash >= 0 && !Identifiers(main[(dash + 1)..], numericNoLeadingZero: true)) return false;
        var parts = core.Split('.');
        return parts.Length == 3 && Number(parts[0], out major) && Number(parts[1], out minor) && Number(parts[2], out patch);
    }

    /// <summary>Null when <paramref name="s"/> is a version this engine accepts, else the reason (naming the field).</summary>
    public static string? Check(string? s)
    {
        if (string.IsNullOrEmpty(s)) return "ociVersion: missing (expected a 1.x.y version)";
        if (!TryParse(s, out int major, out _, out _))
            return $"ociVersion: '{s}' is not a valid version (expected SemVer MAJOR.MINOR.PATCH, e.g. 1.2.0)";
        if (major != SupportedMajor)
            return $"ociVersion: unsupported version '{s}' (this runtime supports runtime-spec {SupportedMajor}.x)";
        return null;
    }

    // a numeric identifier: digits, no leading zero (except "0" itself), fits an int
    private static bool Number(string p, out int value)
    {
        value = 0;
        if (p.Length == 0 || (p.Length > 1 && p[0] == '0')) return false;
        foreach (char c in p) if (c is < '0' or > '9') return false;
        return int.TryParse(p, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value);
    }

    // dot-separated non-empty identifiers of [0-9A-Za-z-]; pre-release numeric identifiers have no leading zero
    private static bool Identifiers(string s, bool numericNoLeadingZero)
    {
        if (s.Length == 0) return false;
        foreach (var id in s.Split('.'))
        {
            if (id.Length == 0) return false;
            bool numeric = true;
            foreach (char c in id)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c == '-')) return false;
                if (!char.IsAsciiDigit(c)) numeric = false;
            }
            if (numericNoLeadingZero && numeric && id.Length > 1 && id[0] == '0') return false;
        }
        return true;
    }
}
