namespace PsContainers.Contract;

/// <summary>
/// The names of the files in a container's directory (PscPaths.Containers/&lt;id&gt;/) that the engine and the monitor
/// share. A marker is an empty file whose presence is the fact; the engine writes them under the container lock.
/// </summary>
public static class ContainerMarkers
{
    /// <summary>The state record (<see cref="ContainerStateFile"/>), written by the monitor, or by the engine while no monitor runs.</summary>
    public const string StateFile = "state.json";

    /// <summary>The user stopped (or killed) the container: the monitor must not restart it (docker: "manually stopped").</summary>
    public const string UserStop = "userstop";

    /// <summary>
    /// The restart policy changed while the monitor runs (docker update --restart): docker's --restart text
    /// (<see cref="RestartPolicy.TryParse"/>); the monitor reads it when a run ends and it decides, over its --restart.
    /// </summary>
    public const string RestartPolicyFile = "restart-policy";

    /// <summary>
    /// The container is a started member of a pod whose exit policy is stop (podman): the text is the pod's infra
    /// container id; the monitor of the member that ends last stops that infra container (<see cref="PodExitStop"/>).
    /// </summary>
    public const string PodExitStop = "pod-exit-stop";

    /// <summary>The container's cgroup is frozen: a recorded "running" reads as paused.</summary>
    public const string Paused = "paused";

    /// <summary>The container is being removed: readers treat it as gone.</summary>
    public const string Removing = "removing";

    /// <summary>
    /// The path of the container's attach socket (a unix socket in the temporary directory, since a container directory
    /// can be longer than sun_path's 108 bytes), as text; written by the monitor while it accepts attach clients
    /// (docker attach), removed when the container ends.
    /// </summary>
    public const string AttachSocket = "attach.socket";

    /// <summary>The container's log in docker's json-file format, written by the monitor, read by the engine (Get-ContainerLog).</summary>
    public const string LogFile = "json.log";

    /// <summary>
    /// The container's root file system: the overlay mount point the engine mounts before each start and the monitor
    /// unmounts when the container ends (and never deletes through while it is mounted).
    /// </summary>
    public const string RootfsDirectory = "rootfs";

    /// <summary>
    /// The OCI bundle's configuration (runtime-spec bundle.md: "config.json ... MUST be in the root of the bundle");
    /// the container's directory is the bundle. Written by the engine, read by the runtime and by the monitor (its
    /// poststop hooks).
    /// </summary>
    public const string BundleConfigFile = "config.json";

    /// <summary>
    /// The per-container locks, a directory beside the container directories (PscPaths.Containers/.locks/&lt;id&gt;.lock):
    /// the engine's ContainerStore takes them; the monitor of a -Remove container deletes its lock file.
    /// </summary>
    public const string LocksDirectory = ".locks";

    /// <summary>The lock file of container <paramref name="id"/> in the containers directory <paramref name="containersDirectory"/>.</summary>
    public static string LockFile(string containersDirectory, string id) => Path.Combine(containersDirectory, LocksDirectory, id + ".lock");

    /// <summary>
    /// Prefix of the name a removed container's directory is renamed to (a sibling in the containers directory) before
    /// its files are deleted: the container disappears at once, the deletion happens after the lock is released.
    /// </summary>
    public const string TrashPrefix = ".trash-";
}
