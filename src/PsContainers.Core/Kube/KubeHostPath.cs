namespace PsContainers.Core.Kube;

/// <summary>
/// A hostPath volume and its type (Kubernetes "hostPath" volume types, which podman kube play checks the same way):
/// "" checks nothing; DirectoryOrCreate and FileOrCreate create a missing directory (0755) or empty file (0644);
/// Directory, File, Socket, CharDevice and BlockDevice require the path to exist and be of that type.
/// </summary>
public sealed class KubeHostPath
{
    /// <summary>The absolute host path.</summary>
    public string Path { get; init; } = "";
    /// <summary>The hostPath type as written ("" when none).</summary>
    public string Type { get; init; } = "";
    /// <summary>The pod volume's name, for messages.</summary>
    public string Volume { get; init; } = "";
}
