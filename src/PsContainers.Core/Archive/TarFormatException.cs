namespace PsContainers.Core.Archive;

/// <summary>What kind of problem a <see cref="TarFormatException"/> reports.</summary>
public enum TarFormatErrorKind
{
    /// <summary>The bytes are not a valid tar archive: a bad checksum, a malformed numeric field, a pax record
    /// whose length lies, a negative or overflowing size, an inconsistent sparse map.</summary>
    Invalid,
    /// <summary>The stream ended inside a header, inside an extended header or inside an entry's data.</summary>
    Truncated,
    /// <summary>The archive is well formed but uses a feature this codec deliberately does not handle
    /// (GNU dumpdir 'D', multi-volume 'M', volume label 'V', an unknown GNU sparse version, a limit exceeded).</summary>
    Unsupported,
}

/// <summary>
/// A tar archive could not be read (or an entry could not be written in the requested form).
/// Derives from <see cref="FormatException"/> (<see cref="InvalidDataException"/> is sealed), so callers that already catch
/// FormatException for bad archives keep working.
/// </summary>
public sealed class TarFormatException : FormatException
{
    /// <summary>Create the exception.</summary>
    /// <param name="kind">Invalid, truncated or unsupported.</param>
    /// <param name="message">A sentence describing the problem (the entry name and offset are appended by the reader).</param>
    /// <param name="entryName">The raw name of the entry concerned, or null when no entry is known yet.</param>
    /// <param name="offset">Byte offset in the archive stream of the header concerned, or -1 when unknown.</param>
    public TarFormatException(TarFormatErrorKind kind, string message, byte[]? entryName = null, long offset = -1)
        : base(Compose(message, entryName, offset))
    {
        Kind = kind;
        EntryNameBytes = entryName;
        EntryName = entryName is null ? null : TarText.Display(entryName);
        Offset = offset;
    }

    /// <summary>Invalid, truncated or unsupported.</summary>
    public TarFormatErrorKind Kind { get; }

    /// <summary>The entry name as displayable text (valid UTF-8 kept; invalid bytes and control characters as \xNN,
    /// a backslash as \\), or null when the problem is not tied to an entry.</summary>
    public string? EntryName { get; }

    /// <summary>The entry name exactly as stored in the archive, or null.</summary>
    public byte[]? EntryNameBytes { get; }

    /// <summary>Byte offset (from the start of the stream given to the reader) of the header block concerned, or -1.</summary>
    public long Offset { get; }

    private static string Compose(string message, byte[]? name, long offset)
    {
        string s = message;
        if (name is not null) s += $" (entry '{TarText.Display(name)}'";
        if (offset >= 0) s += name is null ? $" (at byte {offset})" : $", at byte {offset})";
        else if (name is not null) s += ")";
        return s;
    }
}
