namespace PsContainers.Core.Kube;

/// <summary>One mount of a <see cref="KubeWorkload"/>'s container, before it is named and turned into a pod volume.</summary>
public sealed class KubeWorkloadMount
{
    public KubeMountKind Kind { get; init; }
    /// <summary>Volume: the engine's volume name (the claim's name before sanitizing). Bind: the absolute host path. Otherwise null.</summary>
    public string? Source { get; init; }
    /// <summary>The absolute path in the container (volumeMounts[].mountPath).</summary>
    public string Target { get; init; } = "";
    public bool ReadOnly { get; init; }
    /// <summary>Volume: a path inside the volume to mount instead of its root (compose volume.subpath; volumeMounts[].subPath), or null.</summary>
    public string? SubPath { get; init; }
    /// <summary>Tmpfs: the size limit in bytes, or null.</summary>
    public long? SizeLimit { get; init; }
    /// <summary>Bind: create the host path when missing (compose bind.create_host_path; hostPath type DirectoryOrCreate).</summary>
    public bool CreateHostPath { get; init; }
    /// <summary>ConfigMap, Secret: what the play recorded of the volume (<see cref="KubePlayRecord.VolumesLabel"/>); otherwise null.</summary>
    public KubeVolumeSource? VolumeSource { get; init; }
    /// <summary>ConfigMap, Secret: the object's data as the volume's files hold it, by key (the keys whose file could be read).</summary>
    public IReadOnlyDictionary<string, byte[]> Data { get; init; } = new Dictionary<string, byte[]>();
}
