namespace PsContainers.Core;

/// <summary>
/// A value the caller gave is not valid (a malformed reference, port, mount, size, name or option). Category
/// InvalidArgument; docker answers these with 400 Bad Request. The message names the value and what is wrong.
/// </summary>
public sealed class InvalidArgumentException(string errorId, string message, object? target = null, Exception? inner = null)
    : PscException(errorId, PscErrorCategory.InvalidArgument, message, target, inner);
