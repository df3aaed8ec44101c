using System.Text;

namespace PsContainers.Core.Containers;

/// <summary>
/// Splits one stream's bytes into lines as they arrive in chunks: UTF-8 safe across chunk boundaries (a character cut
/// between two chunks is decoded whole), '\n' ends a line and a '\r' before it is dropped (so CRLF output reads as
/// lines too). Not thread-safe: one splitter per stream.
/// </summary>
public sealed class LineSplitter
{
    private readonly Decoder _dec = new UTF8Encoding(false).GetDecoder();
    private readonly StringBuilder _sb = new();

    /// <summary>The lines <paramref name="data"/> completes (possibly none); the rest waits for the next chunk.</summary>
    public IReadOnlyList<string> Add(byte[] data)
    {
        char[] chars = new char[_dec.GetCharCount(data, 0, data.Length)];
        _dec.GetChars(data, 0, data.Length, chars, 0);
        var lines = new List<string>();
        foreach (char ch in chars)
        {
            if (ch == '\n')
            {
                if (_sb.Length > 0 && _sb[^1] == '\r') _sb.Length--;
                lines.Add(_sb.ToString()); _sb.Clear();
            }
            else _sb.Append(ch);
        }
        return lines;
    }

    /// <summary>The last line when the stream ended without a '\n'; null when nothing is left.</summary>
    public string? Rest() { if (_sb.Length == 0) return null; var s = _sb.ToString(); _sb.Clear(); return s; }
}
