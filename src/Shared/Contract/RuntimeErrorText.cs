using System.Text.Json;

namespace PsContainers.Contract;

/// <summary>
/// An OCI runtime's error output as one readable message, for the engine (OciRuntimeClient) and for pscmon (an exec on
/// a terminal), which both show what runc or pscrun said when a command could not run.
/// </summary>
public static class RuntimeErrorText
{
    /// <summary>
    /// The messages of <paramref name="stderr"/>, joined by "; ": of a JSON log line (runc/pscrun --log-format json) its
    /// "msg"; of a logrus text line (<c>time="..." level=error msg="exec failed: ..."</c>, runc's default) the quoted
    /// msg with its \" unescaped; any other non-blank line as it is. "(no error output)" when there is none.
    /// </summary>
    public static string Clean(string stderr)
    {
        var parts = new List<string>();
        foreach (var raw in stderr.Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0) continue;
            if (line.StartsWith('{'))
            {
                try
                {
                    using var d = JsonDocument.Parse(line);
                    if (d.RootElement.TryGetProperty("msg", out var m)) { parts.Add(m.GetString() ?? line); continue; }
                }
                catch (JsonException) { }
            }
            int i = line.IndexOf("msg=\"", StringComparison.Ordinal);
            if (i >= 0)
            {
                string rest = line[(i + 5)..];
                int end = rest.LastIndexOf('"');
                parts.Add((end > 0 ? rest[..end] : rest).Replace("\\\"", "\""));
                continue;
            }
            parts.Add(line);
        }
        return parts.Count == 0 ? "(no error output)" : string.Join("; ", parts);
    }
}
