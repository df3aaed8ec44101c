using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using PsContainers.Contract;
using static PsContainers.FileSystem.Libc;
using static PsContainers.Monitor.Native;

namespace PsContainers.Monitor;

/// <summary>
/// The container's json.log in docker's json-file format: one JSON object per line,
/// {"log":"...","stream":"stdout|stderr","time":"RFC3339Nano"}; a line longer than 16 KiB is split (docker splits at
/// 16 KiB too). Each stream also relays its raw bytes to the launcher while it is attached.
/// </summary>
internal sealed class JsonFileLog
{
    private int _fd = -1;
    private readonly ArrayBufferWriter<byte> _json = new(4096);

    /// <summary>Open (append, create) the log file.</summary>
    public void Open(string path) => _fd = Native.Open(path, O_WRONLY | O_CREAT | O_APPEND);

    /// <summary>Close the log file (idempotent).</summary>
    public void Close()
    {
        if (_fd >= 0) { close(_fd); _fd = -1; }
    }

    /// <summary>A line splitter for one of the container's streams ("stdout" or "stderr").</summary>
    public LineStream Stream(MonitorContext ctx, string stream, MonitorFrameType frameType) => new(this, ctx, stream, frameType);

    /// <summary>One docker json-file record: {"log":"...","stream":"stdout","time":"RFC3339Nano"}.</summary>
    public void Write(string stream, ReadOnlySpan<byte> text)
    {
        if (_fd < 0) return;
        _json.Clear();
        using (var w = new Utf8JsonWriter(_json))
        {
            w.WriteStartObject();
            w.WriteString("log", Encoding.UTF8.GetString(text));
            w.WriteString("stream", stream);
            w.WriteString("time", DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }
        _json.Write("\n"u8);
        WriteAll(_fd, _json.WrittenSpan);
    }

    /// <summary>Splits one stream's bytes into log records at newlines.</summary>
    public sealed class LineStream(JsonFileLog log, MonitorContext ctx, string stream, MonitorFrameType frameType)
    {
        private readonly ArrayBufferWriter<byte> _partial = new();
        private const int MaxLine = 16 * 1024;

        public void Add(ReadOnlySpan<byte> data)
        {
            ctx.Relay(frameType, data);
            while (data.Length > 0)
            {
                int nl = data.IndexOf((byte)'\n');
                if (nl < 0)
                {
                    _partial.Write(data);
                    if (_partial.WrittenCount >= MaxLine) Flush();
                    return;
                }
                _partial.Write(data[..(nl + 1)]);
                Emit();
                data = data[(nl + 1)..];
            }
        }

        public void Flush() { if (_partial.WrittenCount > 0) Emit(); }

        private void Emit()
        {
            log.Write(stream, _partial.WrittenSpan);
            _partial.Clear();
        }
    }
}
