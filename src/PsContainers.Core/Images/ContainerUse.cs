namespace PsContainers.Core.Images;

/// <summary>
/// A container that uses an image: its id, name, image id (sha256:...), directory, and the names of the volumes it mounts.
/// </summary>
/// <param name="Running">Running, paused or restarting by the container store's one liveness rule (its monitor is alive).</param>
public sealed record ContainerUse(string ContainerId, string? ContainerName, string ImageId, string Directory, IReadOnlyList<string>? Volumes = null, bool Running = false);
