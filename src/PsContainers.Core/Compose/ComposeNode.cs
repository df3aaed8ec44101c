namespace PsContainers.Core.Compose;

/// <summary>The shape of a <see cref="ComposeNode"/>: YAML's null, scalar, sequence and mapping.</summary>
internal enum ComposeNodeKind { Null, Scalar, Sequence, Mapping }

/// <summary>The compose-spec merge tags a node may carry (merge.md "Reset value" and "Replace value").</summary>
internal enum ComposeNodeTag { None, Reset, Override }

/// <summary>
/// One node of a compose file as the loader works on it before the typed model exists: scalars stay strings (so
/// <c>22:22</c> is never read as a base-60 number), mappings keep their key order, and every node remembers the file
/// and the line (1-based) it came from, for error messages. Aliases and merge keys (<c>&lt;&lt;</c>) are already
/// expanded into copies, so a node can be changed in place without touching another.
/// </summary>
internal sealed class ComposeNode
{
    public ComposeNodeKind Kind { get; private set; }
    /// <summary>The text of a scalar; null for other kinds.</summary>
    public string? Value { get; set; }
    /// <summary>True for a quoted or explicitly tagged scalar (never read as null or a boolean).</summary>
    public bool Quoted { get; set; }
    public List<ComposeNode> Items { get; } = [];
    public OrderedDictionary<string, ComposeNode> Map { get; } = new(StringComparer.Ordinal);
    public ComposeNodeTag Tag { get; set; }
    public string File { get; set; } = "";
    public int Line { get; set; }

    private ComposeNode(ComposeNodeKind kind) => Kind = kind;

    public static ComposeNode Null(string file = "", int line = 0) => new(ComposeNodeKind.Null) { File = file, Line = line };
    public static ComposeNode Scalar(string value, string file = "", int line = 0, bool quoted = false) =>
        new(ComposeNodeKind.Scalar) { Value = value, File = file, Line = line, Quoted = quoted };
    public static ComposeNode Sequence(string file = "", int line = 0) => new(ComposeNodeKind.Sequence) { File = file, Line = line };
    public static ComposeNode Mapping(string file = "", int line = 0) => new(ComposeNodeKind.Mapping) { File = file, Line = line };

    public bool IsNull => Kind == ComposeNodeKind.Null;
    public bool IsScalar => Kind == ComposeNodeKind.Scalar;
    public bool IsSequence => Kind == ComposeNodeKind.Sequence;
    public bool IsMapping => Kind == ComposeNodeKind.Mapping;

    /// <summary>"file:line", the place errors name.</summary>
    public string Where => Line > 0 ? $"{File}:{Line}" : File;

    /// <summary>The child at <paramref name="key"/> of a mapping, or null.</summary>
    public ComposeNode? this[string key] => IsMapping && Map.TryGetValue(key, out var n) ? n : null;

    /// <summary>Set a mapping entry (adding it at the end when new).</summary>
    public ComposeNode Set(string key, ComposeNode value)
    {
        Map[key] = value;
        return this;
    }

    public ComposeNode Add(ComposeNode item)
    {
        Items.Add(item);
        return this;
    }

    /// <summary>A deep copy (tags and positions kept).</summary>
    public ComposeNode Clone()
    {
        var c = new ComposeNode(Kind) { Value = Value, Quoted = Quoted, Tag = Tag, File = File, Line = Line };
        foreach (var i in Items) c.Items.Add(i.Clone());
        foreach (var (k, v) in Map) c.Map[k] = v.Clone();
        return c;
    }

    /// <summary>A scalar with this node's position.</summary>
    public ComposeNode NewScalar(string value, bool quoted = true) => Scalar(value, File, Line, quoted);
    public ComposeNode NewMapping() => Mapping(File, Line);
    public ComposeNode NewSequence() => Sequence(File, Line);

    public override string ToString() => Kind switch
    {
        ComposeNodeKind.Scalar => Value!,
        ComposeNodeKind.Null => "null",
        ComposeNodeKind.Sequence => $"[{Items.Count} items]",
        _ => $"{{{Map.Count} keys}}",
    };
}
