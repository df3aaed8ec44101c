namespace PsContainers.Runtime;

/// <summary>An error pscrun reports and exits on.</summary>
internal sealed class RuntimeError : Exception
{
    public int Errno { get; }
    /// <summary>The exit status of the process that fails with this error (1; 126/127 when the program cannot be executed).</summary>
    public int ExitCode { get; init; } = 1;
    public RuntimeError(string message, int errno = 0) : base(message) { Errno = errno; }
}
