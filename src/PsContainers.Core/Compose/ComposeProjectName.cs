using System.Text;

namespace PsContainers.Core.Compose;

/// <summary>
/// Project-name rules (compose-spec spec.md "name top-level element", compose-go <c>NormalizeProjectName</c>): a
/// name holds only lowercase letters, digits, <c>-</c> and <c>_</c> and starts with a letter or digit. A name given
/// explicitly (<c>-p</c>, COMPOSE_PROJECT_NAME) must already be so; one taken from <c>name:</c> or the directory is
/// normalized (lowercased, other characters dropped, leading <c>-</c>/<c>_</c> trimmed: <c>My_App.v2</c> →
/// <c>my_appv2</c>).
/// </summary>
public static class ComposeProjectName
{
    /// <summary>The normalized form of <paramref name="name"/> (possibly empty).</summary>
    public static string Normalize(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (char c in name.ToLowerInvariant())
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_') sb.Append(c);
        return sb.ToString().TrimStart('-', '_');
    }

    /// <summary>Whether <paramref name="name"/> is a valid project name as it is.</summary>
    public static bool IsValid(string name) => name.Length > 0 && Normalize(name) == name;

    /// <summary><paramref name="name"/> if valid.</summary>
    /// <exception cref="PscException">InvalidProjectName (InvalidArgument, Target = the name).</exception>
    public static string Require(string name, string source)
    {
        if (!IsValid(name))
            throw PscException.InvalidArgument(ErrorIds.InvalidProjectName,
                $"'{name}' ({source}) is not a valid project name: use lowercase letters, digits, '-' and '_', starting with a letter or digit.", name);
        return name;
    }
}
