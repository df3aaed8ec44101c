namespace PsContainers.Core.Containers;

/// <summary>What a container mount is (docker inspect: Mounts[].Type); stored by name.</summary>
public enum MountKind
{
    /// <summary>A host directory or file (-Volume /host:/path, -Mount type=bind).</summary>
    Bind,
    /// <summary>A named or anonymous volume of the volume store (-Volume name:/path, -Volume /path, image VOLUMEs).</summary>
    Volume,
    /// <summary>A memory file system (-Tmpfs, -Mount type=tmpfs); its settings are in <see cref="MountSpec.Tmpfs"/>.</summary>
    Tmpfs,
}
