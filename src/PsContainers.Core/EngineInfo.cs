using PsContainers.Contract;
using PsContainers.Core.Containers;
using PsContainers.Core.Images;
using PsContainers.Core.Registry;

namespace PsContainers.Core;

/// <summary>
/// Engine facts as one object (docker info / podman info): what the store holds, how containers are run and the host
/// they run on. Collecting it changes nothing in the image store or the networks (no recovery, no default network
/// created); a container whose monitor died is repaired first, as Get-Container does, so its count is true.
/// </summary>
public sealed class EngineInfo
{
    /// <summary>The store root (docker's DockerRootDir).</summary>
    public string StoreRoot { get; init; } = "";
    public int Containers { get; init; }
    public int ContainersRunning { get; init; }
    public int ContainersPaused { get; init; }
    /// <summary>Created, exited and dead containers.</summary>
    public int ContainersStopped { get; init; }
    public int Images { get; init; }
    public int Volumes { get; init; }
    public int Networks { get; init; }
    /// <summary>"overlay": every container root is an overlayfs mount of the image's unpacked layers.</summary>
    public string StorageDriver { get; init; } = "overlay";
    /// <summary>The file system type under the store (ext4, xfs, tmpfs...), from statfs.</summary>
    public string BackingFilesystem { get; init; } = "";
    /// <summary>The OCI runtime containers are run with (path), and its version line.</summary>
    public string Runtime { get; init; } = "";
    public string? RuntimeVersion { get; init; }
    /// <summary>Whether that is the engine's default choice (pscrun, else runc) rather than one configured.</summary>
    public bool IsDefaultRuntime { get; init; }
    /// <summary>"1" (v1 only), "1 (hybrid)" (v1 controllers with the unified hierarchy beside them) or "2".</summary>
    public string CgroupVersion { get; init; } = "";
    /// <summary>"cgroupfs": the engine writes the cgroup file system itself (there is no systemd driver).</summary>
    public string CgroupDriver { get; init; } = "cgroupfs";
    public string KernelVersion { get; init; } = "";
    /// <summary>PRETTY_NAME of /etc/os-release.</summary>
    public string OperatingSystem { get; init; } = "";
    /// <summary>docker's names: amd64, arm64.</summary>
    public string Architecture { get; init; } = "";
    public int Cpus { get; init; }
    /// <summary>Total memory of the host in bytes (MemTotal of /proc/meminfo).</summary>
    public long MemoryTotal { get; init; }
    /// <summary>The engine's version (the module's).</summary>
    public string EngineVersion { get; init; } = "";
    /// <summary>What confines containers by default: seccomp (the built-in profile), capabilities, namespaces.</summary>
    public IReadOnlyList<string> SecurityOptions { get; init; } = [];
    /// <summary>Registries reached over plain HTTP or without verifying TLS (registries.json and the environment).</summary>
    public IReadOnlyList<string> InsecureRegistries { get; init; } = [];
    /// <summary>Mirrors per registry, as "registry=mirror1,mirror2".</summary>
    public IReadOnlyList<string> RegistryMirrors { get; init; } = [];
    /// <summary>The event journal's file.</summary>
    public string EventsFile { get; init; } = "";

    /// <summary>Collect the facts of <paramref name="engine"/>'s store and this host.</summary>
    public static EngineInfo Collect(Engine engine)
    {
        var paths = engine.Paths;
        // a pure read (docker info): a container whose monitor is gone counts as stopped, and nothing is killed or unmounted
        var containers = engine.ContainerStore.LoadAll();
        var version = ContainerVersionInfo.Collect(paths, null, probeRuntime: false); // the configured runtime is asked below
        var cfg = engine.LoadConfiguration(withVersion: true);
        var registries = RegistryOptions.Load(paths);
        int images = Directory.Exists(paths.Storage) ? engine.Images.ListImages().Count : 0;
        return new EngineInfo
        {
            StoreRoot = paths.Root,
            Containers = containers.Count,
            ContainersRunning = containers.Count(c => c.State.Running && !c.State.Paused), // docker info: paused ones are counted apart
            ContainersPaused = containers.Count(c => c.Status == ContainerStatus.Paused),
            ContainersStopped = containers.Count(c => c.Status is ContainerStatus.Created or ContainerStatus.Exited or ContainerStatus.Dead),
            Images = images,
            Volumes = Directory.Exists(paths.Volumes) ? engine.Volumes.List().Count : 0,
            Networks = engine.Networks.List().Count,
            BackingFilesystem = FileSystemType(Directory.Exists(paths.Storage) ? paths.Storage : paths.Root),
            Runtime = cfg.Runtime,
            RuntimeVersion = cfg.RuntimeVersion,
            IsDefaultRuntime = cfg.IsDefaultRuntime,
            CgroupVersion = version.CgroupVersion,
            KernelVersion = version.KernelVersion,
            OperatingSystem = OsPrettyName(),
            Architecture = version.Architecture,
            Cpus = Environment.ProcessorCount,
            MemoryTotal = MemTotal(engine.Syscalls),
            EngineVersion = version.EngineVersion,
            SecurityOptions = ["seccomp (builtin profile)", "capabilities (docker's default set)", "namespaces: mount, pid, ipc, uts, net, cgroup"],
            InsecureRegistries = registries.Insecure.ToList(),
            RegistryMirrors = registries.Mirrors.Select(kv => $"{kv.Key}={string.Join(',', kv.Value)}").ToList(),
            EventsFile = Path.Combine(engine.Events.Journal.DirectoryPath, EventJournal.FileName),
        };
    }

    private static string FileSystemType(string path)
    {
        try { return new DriveInfo(path).DriveFormat; } catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException) { return ""; }
    }

    private static string OsPrettyName()
    {
        try
        {
            foreach (var line in File.ReadLines("/etc/os-release"))
                if (line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal)) return line["PRETTY_NAME=".Length..].Trim('"');
        }
        catch (IOException) { }
        return "Linux";
    }

    /// <summary>The host's memory in bytes (the MemTotal line of /proc/meminfo, in KiB); 0 when it cannot be read.</summary>
    internal static long MemTotal(Util.ISyscalls sys)
    {
        foreach (var line in (sys.ReadHostProcFile("meminfo") ?? "").Split('\n'))
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        return 0;
    }
}
