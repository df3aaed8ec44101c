namespace PsContainers.Core.Containers;

/// <summary>
/// How far a container's json.log has been read by <see cref="ContainerLogs.Read"/>: the byte offset just past the
/// last whole record returned (0 = the start of the log). The log is only appended to (the monitor opens it with
/// O_APPEND, a restart writes on), so a later read that begins here writes no line twice.
/// </summary>
public sealed class LogCursor
{
    /// <summary>The byte offset in json.log, at a record boundary.</summary>
    public long Offset { get; set; }
}
