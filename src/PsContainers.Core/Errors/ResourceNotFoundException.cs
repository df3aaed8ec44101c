namespace PsContainers.Core;

/// <summary>
/// The named object (container, image, network, volume, blob, path, …) does not exist. Category ObjectNotFound
/// (docker answers such requests with 404 "No such …"; runc's <c>ErrNotExist</c>).
/// </summary>
public sealed class ResourceNotFoundException(string errorId, string message, object? target = null, Exception? inner = null)
    : PscException(errorId, PscErrorCategory.ObjectNotFound, message, target, inner);
