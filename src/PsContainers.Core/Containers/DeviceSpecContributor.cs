using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Core.Containers;

/// <summary>
/// -Device (docker run --device): for each <see cref="DeviceMapping"/> of the container, the node the host path stands
/// for is created at its container path (linux.devices: its type, major, minor, the host node's mode, owner and group)
/// and the device cgroup allows it with its permissions (linux.resources.devices), after docker's default rules. A
/// privileged container already has every device allowed; its node is still created. Runs at create too
/// (<see cref="BundleBuilder.Validate"/>), so a missing device is refused before anything exists.
/// </summary>
public sealed class DeviceSpecContributor : ISpecContributor
{
    public string Name => "devices";

    /// <exception cref="PscException">DeviceNotFound, InvalidDevice (<see cref="DeviceMapping.StatHost"/>).</exception>
    public void ContributeSpec(Container container, RuntimeSpec spec, string bundle)
    {
        foreach (var d in container.HostConfig.Devices)
        {
            var (type, major, minor, mode, uid, gid) = d.StatHost();
            var linux = spec.Linux ??= new SpecLinux();
            (linux.Devices ??= new()).RemoveAll(x => x.Path == d.PathInContainer);
            linux.Devices.Add(new SpecDevice { Path = d.PathInContainer, Type = type, Major = major, Minor = minor, FileMode = mode, Uid = uid, Gid = gid });
            if (container.HostConfig.Privileged) continue;
            ((linux.Resources ??= new()).Devices ??= new()).Add(new SpecDeviceCgroup { Allow = true, Type = type, Major = major, Minor = minor, Access = d.CgroupPermissions });
        }
    }
}
