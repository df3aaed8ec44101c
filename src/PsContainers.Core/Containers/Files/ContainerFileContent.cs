namespace PsContainers.Core.Containers.Files;

/// <summary>
/// A file the engine writes into a new container's root file system before its first start (docker compose's way of
/// giving a container a secret or config whose content is not a host file: pkg/compose/secrets.go copies a one-file tar
/// into the created container). The file lands in the container's writable layer, replacing what the image has at
/// <see cref="Path"/>; missing parent directories are created (root, 0755). The content is never stored in the
/// container's record, and <see cref="ToString"/> does not show it.
/// </summary>
public sealed class ContainerFileContent
{
    /// <summary>The absolute path inside the container, resolved with the secure join (links followed as the container sees them).</summary>
    public required string Path { get; init; }
    /// <summary>The bytes of the file.</summary>
    public required byte[] Content { get; init; }
    /// <summary>The permission bits (the umask does not apply); compose's default for secrets and configs is 0444.</summary>
    public uint Mode { get; init; } = 0x124; // 0444
    /// <summary>The owner's numeric user id inside the container.</summary>
    public uint Uid { get; init; }
    /// <summary>The owner's numeric group id inside the container.</summary>
    public uint Gid { get; init; }

    public override string ToString() => $"{Path} ({Content.Length} bytes)";
}
