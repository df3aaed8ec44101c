namespace PsContainers.Contract;

/// <summary>
/// The key sequence that detaches an attach client from a container without stopping it, in docker's --detach-keys
/// syntax: a comma-separated list of keys, each a single character or "ctrl-&lt;value&gt;" with value a letter (a-z,
/// either case: ctrl-a = 0x01 ... ctrl-z = 0x1a) or one of @ [ \ ] ^ _ (0x00, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f), as
/// docker's term.ToBytes. docker's default is "ctrl-p,ctrl-q". An empty text means no detach keys.
/// <see cref="Scan"/> watches a client's input for the sequence, holding back a partial match until it is decided.
/// </summary>
public sealed class DetachKeys
{
    /// <summary>docker's default, ctrl-p then ctrl-q.</summary>
    public const string Default = "ctrl-p,ctrl-q";

    /// <summary>The bytes of the sequence (empty: detaching by keys is off).</summary>
    public byte[] Sequence { get; }

    private int _matched;

    private DetachKeys(byte[] sequence) => Sequence = sequence;

    /// <summary>Parse docker's syntax (see the class); null means <see cref="Default"/>.</summary>
    /// <exception cref="ArgumentException">A key that is neither one character nor ctrl- with a valid value.</exception>
    public static DetachKeys Parse(string? text)
    {
        text ??= Default;
        var bytes = new List<byte>();
        if (text.Length == 0) return new DetachKeys([]);
        foreach (var key in text.Split(','))
        {
            if (key.StartsWith("ctrl-", StringComparison.OrdinalIgnoreCase) && key.Length == 6)
            {
                char v = char.ToLowerInvariant(key[5]);
                if (v is >= 'a' and <= 'z') bytes.Add((byte)(v - 'a' + 1));
                else if (v is '@' or '[' or '\\' or ']' or '^' or '_') bytes.Add((byte)(key[5] == '@' ? 0 : key[5] - '[' + 0x1b));
                else throw new ArgumentException($"Invalid detach key '{key}': ctrl- takes a letter or one of @ [ \\ ] ^ _ (docker's --detach-keys).");
            }
            else if (key.Length == 1 && key[0] < 0x80) bytes.Add((byte)key[0]);
            else throw new ArgumentException($"Invalid detach key '{key}': use one character or ctrl-<key>, separated by commas, like '{Default}'.");
        }
        return new DetachKeys([.. bytes]);
    }

    /// <summary>
    /// Feed client input; the bytes to forward to the container are appended to <paramref name="forward"/>. Returns
    /// true when the sequence completed (what followed it is dropped, as docker does). Bytes that began a match that
    /// then failed are forwarded as they were.
    /// </summary>
    public bool Scan(ReadOnlySpan<byte> input, List<byte> forward)
    {
        if (Sequence.Length == 0) { foreach (var b in input) forward.Add(b); return false; }
        foreach (var b in input)
        {
            if (b == Sequence[_matched])
            {
                if (++_matched == Sequence.Length) { _matched = 0; return true; }
                continue;
            }
            for (int i = 0; i < _matched; i++) forward.Add(Sequence[i]);
            _matched = 0;
            if (b == Sequence[0]) { _matched = 1; if (Sequence.Length == 1) return true; }
            else forward.Add(b);
        }
        return false;
    }
}
