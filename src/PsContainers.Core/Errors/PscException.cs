namespace PsContainers.Core;

/// <summary>
/// An engine error with a stable ErrorId (one of <see cref="ErrorIds"/>), a category and the object it is about.
/// Cmdlets turn it into an ErrorRecord unchanged. The typed subclasses say what kind of error it is without
/// matching ids: <see cref="ResourceNotFoundException"/> (ObjectNotFound), <see cref="ConflictException"/>
/// (ResourceExists, ResourceBusy), <see cref="InvalidArgumentException"/> (InvalidArgument) and
/// <see cref="Containers.InvalidStateException"/> (an operation the container's state does not allow).
/// </summary>
public class PscException : Exception
{
    /// <summary>The stable id, one of <see cref="ErrorIds"/>.</summary>
    public string ErrorId { get; }
    public PscErrorCategory Category { get; }
    /// <summary>What the error is about (a name, an id, a path, a reference), or null.</summary>
    public object? Target { get; }
    /// <summary>What the user can do about it, worded by the cmdlet layer (<see cref="Core.Remedy"/>); None by default.</summary>
    public Remedy Remedy { get; init; }
    /// <summary>
    /// For a container that could not start: the exit status docker gives it (<see cref="Contract.StartFailure"/>:
    /// 125 engine or runtime failure, 126 command not executable, 127 command not found); null otherwise.
    /// </summary>
    public int? ExitCode { get; init; }

    public PscException(string errorId, PscErrorCategory category, string message, object? target = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Category = category;
        Target = target;
    }

    /// <summary>A <see cref="ResourceNotFoundException"/>.</summary>
    public static PscException NotFound(string errorId, string message, object? target = null) =>
        new ResourceNotFoundException(errorId, message, target);

    /// <summary>A <see cref="ConflictException"/> (ResourceExists).</summary>
    public static PscException Exists(string errorId, string message, object? target = null) =>
        new ConflictException(errorId, message, target);

    /// <summary>A <see cref="InvalidArgumentException"/>.</summary>
    public static PscException InvalidArgument(string errorId, string message, object? target = null) =>
        new InvalidArgumentException(errorId, message, target);

    public static PscException InvalidData(string errorId, string message, object? target = null, Exception? inner = null) =>
        new(errorId, PscErrorCategory.InvalidData, message, target, inner);

    public static PscException InvalidOperation(string errorId, string message, object? target = null) =>
        new(errorId, PscErrorCategory.InvalidOperation, message, target);
}
