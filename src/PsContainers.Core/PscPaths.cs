using PsContainers.Contract;

namespace PsContainers.Core;

/// <summary>
/// Where all state lives: one root directory, /var/lib/pscontainers by default or $PSCONTAINERS_ROOT.
/// Everything the engine knows is under it; see docs/architecture.md for the layout.
/// </summary>
public sealed class PscPaths
{
    public const string DefaultRoot = "/var/lib/pscontainers";
    public const string RootVariable = EngineEnvironment.RootVariable;

    public string Root { get; }

    public PscPaths(string? root = null)
    {
        root ??= EngineEnvironment.Root;
        if (string.IsNullOrWhiteSpace(root)) root = DefaultRoot;
        Root = Path.GetFullPath(root);
    }

    /// <summary>Image storage: blobs, layers, image records.</summary>
    public string Storage => Path.Combine(Root, "storage");
    /// <summary>Containers: one directory per container (bundle, state, logs).</summary>
    public string Containers => Path.Combine(Root, NetworkLayout.ContainersDirectoryName);
    /// <summary>Named volumes.</summary>
    public string Volumes => Path.Combine(Root, "volumes");
    /// <summary>Pods: one directory per pod (pod.json), their names, and the empty root file system of infra containers.</summary>
    public string Pods => Path.Combine(Root, "pods");
    /// <summary>Network definitions (CNI conflists) and per-network state.</summary>
    public string Networks => NetworkLayout.NetworksDirectory(Root);
    /// <summary>Engine settings (runtime choice, ...).</summary>
    public string ConfigFile => Path.Combine(Root, "config.json");
    /// <summary>State directory handed to the OCI runtime as --root.</summary>
    public string RuntimeState => Path.Combine(Root, "runtime");
    /// <summary>
    /// Where the engine's native executables (pscrun, pscmon) are: $PSCONTAINERS_BIN, else the bin/ folder
    /// next to this assembly (the module layout), else out/PsContainers/bin of the source tree (tests).
    /// </summary>
    public static string BinDirectory
    {
        get
        {
            if (EngineEnvironment.BinDirectory is { } env) return env;
            return s_installedBin.Value;
        }
    }
    /// <summary>The module's bin/ folder, found once (it follows from this assembly's location, which does not change).</summary>
    private static readonly Lazy<string> s_installedBin = new(FindInstalledBin);

    private static string FindInstalledBin()
    {
        string here = Path.GetDirectoryName(typeof(PscPaths).Assembly.Location) ?? AppContext.BaseDirectory;
        string beside = Path.Combine(here, "bin");
        if (File.Exists(Path.Combine(beside, "pscrun")) || File.Exists(Path.Combine(beside, "pscmon"))) return beside;
        for (var d = new DirectoryInfo(here); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "PsContainers.sln")))
                return Path.Combine(d.FullName, "out", "PsContainers", "bin");
        }
        return beside;
    }

    /// <summary>
    /// The names of the entries the engine makes directly under its root (the properties above, the registry caches,
    /// the played pods' kube files), and names older layouts used there: what is the engine's own state in a path under
    /// the root (Kube.KubeStoreFiles.InStore); any other directory under the root is a user's.
    /// </summary>
    public static readonly System.Collections.Frozen.FrozenSet<string> EntryNames = System.Collections.Frozen.FrozenSet.ToFrozenSet(
    [
        "storage", NetworkLayout.ContainersDirectoryName, "volumes", "pods", "runtime", "tmp", "kube", "events",
        NetworkLayout.NetworksDirectoryName, "images", "layers", "registry", "lock", "config.json",
    ], StringComparer.Ordinal);

    /// <summary>Temporary work of builds: guarded scratch directories and the trash (<see cref="Build.BuildTrash"/>, which collects what a build that died left), RUN --mount staging.</summary>
    public string Tmp => Path.Combine(Root, "tmp");
}
