using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Core.Containers;

/// <summary>
/// -Sysctl: the container's namespaced kernel parameters (<see cref="HostConfig.Sysctls"/>) into linux.sysctl, which
/// the runtime writes under /proc/sys inside the container's namespaces. Each is checked by
/// <see cref="ContainerSysctls.Check"/> against the container's network mode; this runs at create too
/// (<see cref="BundleBuilder.Validate"/>), so a refused parameter leaves nothing behind.
/// </summary>
public sealed class SysctlSpecContributor : ISpecContributor
{
    public string Name => "sysctl";

    /// <exception cref="PscException">SysctlNotAllowed (<see cref="ContainerSysctls.Check"/>); ConflictingOptions (<see cref="ContainerSysctls.CheckUtsConflict"/>).</exception>
    public void ContributeSpec(Container container, RuntimeSpec spec, string bundle)
    {
        if (container.HostConfig.Sysctls.Count == 0) return;
        var linux = spec.Linux ??= new SpecLinux();
        foreach (var (name, value) in container.HostConfig.Sysctls)
        {
            ContainerSysctls.Check(name, container.HostConfig.NetworkModeKind);
            ContainerSysctls.CheckUtsConflict(name, container);
            // the UTS fields are the spec's own (hostname, domainname): given as a sysctl too, the spec's value would win
            if (name == "kernel.hostname") spec.Hostname = value;
            else if (name == "kernel.domainname") spec.Domainname = value;
            else (linux.Sysctl ??= new())[name] = value;
        }
    }
}
