namespace PsContainers.Core;

/// <summary>
/// The request conflicts with what exists: the object already exists (a name in use, category ResourceExists), or
/// it is in use and cannot change now (a network with containers, a busy rootfs, category ResourceBusy). Docker
/// answers both with 409 Conflict.
/// </summary>
public sealed class ConflictException(string errorId, string message, object? target = null, bool inUse = false, Exception? inner = null)
    : PscException(errorId, inUse ? PscErrorCategory.ResourceBusy : PscErrorCategory.ResourceExists, message, target, inner)
{
    /// <summary>True when the object is in use (ResourceBusy); false when it already exists (ResourceExists).</summary>
    public bool InUse { get; } = inUse;
}
