using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Core.Containers;

/// <summary>
/// -Init (docker run --init): the static init program (src/PsContainers.Init, installed as bin/pscinit) becomes PID 1
/// and runs the command as its child; it forwards signals to it and reaps orphans. It is bound read-only onto the /dev
/// tmpfs at <see cref="Destination"/> (docker uses /sbin/docker-init in the rootfs; /dev keeps the image's own layer
/// untouched), and the process arguments become <c>/dev/init -- ARGS...</c>.
/// </summary>
public sealed class InitSpecContributor : ISpecContributor
{
    /// <summary>Where the init program appears inside the container.</summary>
    public const string Destination = "/dev/init";

    /// <summary>The init program on the host (<see cref="PscPaths.BinDirectory"/>/pscinit).</summary>
    public static string ProgramPath => Path.Combine(PscPaths.BinDirectory, "pscinit");

    public string Name => "init";

    /// <summary>Nothing for a container without -Init.</summary>
    public void ContributeSpec(Container container, RuntimeSpec spec, string bundle)
    {
        if (!container.HostConfig.Init) return;
        (spec.Mounts ??= new()).Add(new SpecMount { Destination = Destination, Type = "bind", Source = ProgramPath, Options = ["bind", "ro", "nosuid", "nodev"] });
        if (spec.Process is not null) spec.Process.Args = new List<string> { Destination, "--" }.Concat(spec.Process.Args ?? []).ToList();
    }
}
