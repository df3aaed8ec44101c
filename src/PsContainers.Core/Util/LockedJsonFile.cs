using System.Text.Json;

namespace PsContainers.Core.Util;

/// <summary>
/// A small JSON document kept in one file, read whole and changed by read-modify-write under an exclusive
/// <see cref="FileLock"/> on a lock file beside it, then replaced with <see cref="AtomicFile"/>: concurrent writers in
/// any number of processes lose no update, and a reader (which takes no lock) sees the old or the new document, never
/// a mix. Used by the registry caches (compressed-layers.json, blob-sources.json), the credential files (auth.json,
/// docker's config.json) and the engine settings (config.json).
/// </summary>
/// <typeparam name="T">The document's type: a serializable class (List, Dictionary, a record) or a JsonObject.</typeparam>
public sealed class LockedJsonFile<T> where T : class
{
    private readonly Func<string, T?> _parse;
    private readonly Func<T, string> _format;
    private readonly Func<T> _empty;

    /// <param name="path">The JSON file.</param>
    /// <param name="lockPath">The lock file (created when missing; its content is never used).</param>
    /// <param name="empty">The document of a missing file (and, without <see cref="OnCorrupt"/>, of a corrupt one).</param>
    /// <param name="parse">Text to document; null result: <paramref name="empty"/>. Null: System.Text.Json's default deserializer.</param>
    /// <param name="format">Document to text. Null: System.Text.Json's default serializer (compact).</param>
    public LockedJsonFile(string path, string lockPath, Func<T> empty, Func<string, T?>? parse = null, Func<T, string>? format = null)
    {
        Path = path;
        LockPath = lockPath;
        _empty = empty;
        _parse = parse ?? (text => JsonSerializer.Deserialize<T>(text));
        _format = format ?? (doc => JsonSerializer.Serialize(doc));
    }

    /// <summary>The JSON file.</summary>
    public string Path { get; }

    /// <summary>The lock file taken by <see cref="Update"/>.</summary>
    public string LockPath { get; }

    /// <summary>
    /// The error for a file that is not valid JSON (a torn write of another tool, a hand edit). Null (the default): a
    /// cache's rule, the document reads as empty, and so does a file that cannot be read (IOException); the next
    /// <see cref="Update"/> replaces it. Set: <see cref="Read"/> and <see cref="Update"/> throw what it returns, and
    /// I/O errors propagate.
    /// </summary>
    public Func<JsonException, Exception>? OnCorrupt { get; init; }

    /// <summary>The permission bits of the written file (default 0644; 0600 for credentials).</summary>
    public UnixFileMode Mode { get; init; } = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Whether a write is fsynced (file and directory) so it survives a power loss; true by default.</summary>
    public bool Durable { get; init; } = true;

    /// <summary>The document now, read without the lock (a concurrent writer's rename is atomic).</summary>
    /// <exception cref="Exception">What <see cref="OnCorrupt"/> returns, for a corrupt file; an IOException when it is set and the file cannot be read.</exception>
    public T Read()
    {
        string text;
        try
        {
            if (!File.Exists(Path)) return _empty();
            text = File.ReadAllText(Path);
        }
        catch (IOException) when (OnCorrupt is null) { return _empty(); }
        try { return _parse(text) ?? _empty(); }
        catch (JsonException e)
        {
            if (OnCorrupt is null) return _empty();
            throw OnCorrupt(e);
        }
    }

    /// <summary>
    /// Read the document under the exclusive lock, let <paramref name="change"/> edit it in place, and write it back
    /// atomically when <paramref name="change"/> returns true (nothing is written when it returns false).
    /// </summary>
    /// <returns>Whether the file was written.</returns>
    /// <exception cref="IOException">The lock or the file could not be written.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled while waiting for the lock.</exception>
    public bool Update(Func<T, bool> change, CancellationToken ct = default)
    {
        using var l = FileLock.Exclusive(LockPath, ct);
        var doc = Read();
        if (!change(doc)) return false;
        AtomicFile.WriteAllBytes(Path, System.Text.Encoding.UTF8.GetBytes(_format(doc)), Mode, durable: Durable);
        return true;
    }
}
