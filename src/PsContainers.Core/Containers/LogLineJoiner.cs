using System.Text;

namespace PsContainers.Core.Containers;

/// <summary>
/// Rejoins the partial records of a json-file log into whole lines, as <c>docker logs</c> shows them: the json-file
/// driver (docker's jsonfilelog, written the same way by pscmon) splits a line longer than 16 KiB into records whose
/// "log" text has no trailing newline; the record that ends with "\n" closes the line. Partial records are joined per
/// stream (stdout and stderr interleave freely), and the joined entry carries the time and stream of its first part.
/// </summary>
public sealed class LogLineJoiner
{
    private readonly Dictionary<string, (ContainerLogEntry First, StringBuilder Text)> _pending = new(StringComparer.Ordinal);

    /// <summary>True while some stream has a line whose last part has not been read yet.</summary>
    public bool HasPending => _pending.Count > 0;

    /// <summary>
    /// Takes the next record in file order. Returns the whole line it completes (a complete record with no partial
    /// parts before it is returned as it is), or null when <paramref name="record"/> is a partial part to be continued.
    /// </summary>
    public ContainerLogEntry? Add(ContainerLogEntry record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!_pending.TryGetValue(record.Stream, out var p))
        {
            if (record.Complete) return record;
            _pending[record.Stream] = (record, new StringBuilder(record.Text));
            return null;
        }
        p.Text.Append(record.Text);
        if (!record.Complete) return null;
        _pending.Remove(record.Stream);
        // "\r\n" cut between its two bytes: the last part is empty and the carriage return ends the part before
        if (record.Text.Length == 0 && p.Text.Length > 0 && p.Text[^1] == '\r') p.Text.Length--;
        return Whole(p.First, p.Text, complete: true);
    }

    /// <summary>
    /// The lines still waiting for their last part (a program that ended without a final newline), oldest first,
    /// each marked <see cref="ContainerLogEntry.Complete"/> = false; the joiner is empty afterwards.
    /// </summary>
    public List<ContainerLogEntry> Flush()
    {
        var list = _pending.Values.OrderBy(p => p.First.Time).Select(p => Whole(p.First, p.Text, complete: false)).ToList();
        _pending.Clear();
        return list;
    }

    private static ContainerLogEntry Whole(ContainerLogEntry first, StringBuilder text, bool complete)
    {
        return new ContainerLogEntry
        {
            Time = first.Time, Stream = first.Stream, Text = text.ToString(), Complete = complete,
            ContainerId = first.ContainerId, ContainerName = first.ContainerName,
        };
    }
}
