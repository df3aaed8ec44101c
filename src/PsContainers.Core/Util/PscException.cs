namespace PsContainers.Core;

/// <summary>
/// Error categories of the engine. The names match System.Management.Automation.ErrorCategory
/// so the cmdlet layer maps them by name; the core keeps no PowerShell reference.
/// </summary>
public enum PscErrorCategory
{
    NotSpecified,
    OpenError,
    CloseError,
    DeviceError,
    DeadlockDetected,
    InvalidArgument,
    InvalidData,
    InvalidOperation,
    InvalidResult,
    InvalidType,
    MetadataError,
    NotImplemented,
    NotInstalled,
    ObjectNotFound,
    OperationStopped,
    OperationTimeout,
    SyntaxError,
    ParserError,
    PermissionDenied,
    ResourceBusy,
    ResourceExists,
    ResourceUnavailable,
    ReadError,
    WriteError,
    FromStdErr,
    SecurityError,
    ProtocolError,
    ConnectionError,
    AuthenticationError,
    LimitsExceeded,
    QuotaExceeded,
    NotEnabled,
}

/// <summary>
/// An engine error with a stable ErrorId, a category and the object it is about.
/// Cmdlets turn it into an ErrorRecord unchanged.
/// </summary>
public class PscException : Exception
{
    public string ErrorId { get; }
    public PscErrorCategory Category { get; }
    public object? Target { get; }

    public PscException(string errorId, PscErrorCategory category, string message, object? target = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Category = category;
        Target = target;
    }

    public static PscException NotFound(string errorId, string message, object? target = null) =>
        new(errorId, PscErrorCategory.ObjectNotFound, message, target);

    public static PscException Exists(string errorId, string message, object? target = null) =>
        new(errorId, PscErrorCategory.ResourceExists, message, target);

    public static PscException InvalidArgument(string errorId, string message, object? target = null) =>
        new(errorId, PscErrorCategory.InvalidArgument, message, target);

    public static PscException InvalidData(string errorId, string message, object? target = null, Exception? inner = null) =>
        new(errorId, PscErrorCategory.InvalidData, message, target, inner);

    public static PscException InvalidOperation(string errorId, string message, object? target = null) =>
        new(errorId, PscErrorCategory.InvalidOperation, message, target);
}
