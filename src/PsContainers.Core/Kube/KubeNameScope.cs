namespace PsContainers.Core.Kube;

/// <summary>
/// Hands out names unique within one scope (the objects of one kind in a manifest, the volumes or ports of one pod).
/// A wanted name already taken by another original gets '-' and the <see cref="KubeNames.ShortHash"/> of the original
/// (trimmed to fit <paramref name="maxLength"/>), so the outcome depends on the originals, not only on their order.
/// </summary>
/// <param name="maxLength">The longest name the scope's rule allows (63 for labels, 15 for port names).</param>
public sealed class KubeNameScope(int maxLength = KubeNames.MaxLabelLength)
{
    private readonly Dictionary<string, string> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _byOriginal = new(StringComparer.Ordinal);

    /// <summary>
    /// The name for <paramref name="original"/>: <paramref name="wanted"/> (already valid for the scope's rule) when
    /// free or given to the same original before, else a suffixed variant.
    /// </summary>
    public string Take(string original, string wanted)
    {
        if (_byOriginal.TryGetValue(original, out var had)) return had;
        string name = wanted;
        for (int i = 0; _byName.ContainsKey(name); i++)
        {
            string tag = "-" + KubeNames.ShortHash(i == 0 ? original : original + "#" + i);
            if (maxLength < 20) tag = tag[..5];
            name = (wanted.Length + tag.Length > maxLength ? wanted[..(maxLength - tag.Length)].TrimEnd('-', '.') : wanted) + tag;
        }
        _byName[name] = original;
        _byOriginal[original] = name;
        return name;
    }

    /// <summary>Whether <paramref name="name"/> has been handed out.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);
}
