namespace PsContainers.Core.Images;

/// <summary>
/// A container that uses an image: its id, name, image id (sha256:...), writable layer, and the names of the volumes it mounts.
/// </summary>
/// <param name="UpperDirectory">The container's writable layer, the overlay upper directory (ContainerStore.UpperOf):
/// what its disk usage counts.</param>
/// <param name="Running">Running, paused or restarting by the container store's one liveness rule (its monitor is alive).</param>
public sealed record ContainerUse(string ContainerId, string? ContainerName, string ImageId, string UpperDirectory, IReadOnlyList<string>? Volumes = null, bool Running = false);
