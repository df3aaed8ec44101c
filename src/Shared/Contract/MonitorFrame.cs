namespace PsContainers.Contract;

/// <summary>One frame read from the monitor: its type and its payload bytes (empty for <see cref="MonitorFrameType.None"/>).</summary>
public readonly record struct MonitorFrame(MonitorFrameType Type, byte[] Payload)
{
    /// <summary>The end of the stream.</summary>
    public static MonitorFrame End => new(MonitorFrameType.None, []);

    /// <summary>The payload as UTF-8 text (the message of a Failed frame).</summary>
    public string Text => System.Text.Encoding.UTF8.GetString(Payload);

    /// <summary>
    /// The payload of a Started (pid) or Exit (exit code) frame as a number.
    /// </summary>
    /// <exception cref="FormatException">The payload is not an ASCII decimal integer.</exception>
    public int Number => int.Parse(System.Text.Encoding.ASCII.GetString(Payload), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture);
}
