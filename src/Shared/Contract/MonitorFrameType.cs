namespace PsContainers.Contract;

/// <summary>
/// The type byte of one frame on the monitor's launcher stream (see <see cref="MonitorProtocol"/>). The values are
/// the ASCII characters written on the wire; <see cref="None"/> is never written and stands for the end of the stream.
/// </summary>
public enum MonitorFrameType : byte
{
    /// <summary>No frame: the stream ended (the monitor exited or detached).</summary>
    None = 0,
    /// <summary>'S': the container's init runs; payload = its host pid in ASCII decimal.</summary>
    Started = (byte)'S',
    /// <summary>'E': the container could not be started; payload = the runtime's message (UTF-8). Last frame.</summary>
    Failed = (byte)'E',
    /// <summary>'1': attached only; payload = bytes the container wrote to its standard output.</summary>
    Stdout = (byte)'1',
    /// <summary>'2': attached only; payload = bytes the container wrote to its standard error.</summary>
    Stderr = (byte)'2',
    /// <summary>'X': attached only; payload = the exit code in ASCII decimal (0-255). Last frame.</summary>
    Exit = (byte)'X',
}
