using System.Text;
using PsContainers.FileSystem;

namespace PsContainers.Core.Containers;

/// <summary>
/// One host device given to a container (docker run --device, compose <c>devices</c>), stored as docker inspect's
/// HostConfig.Devices entry: {"PathOnHost":"/dev/zero","PathInContainer":"/dev/myzero","CgroupPermissions":"rwm"}.
/// At start <see cref="DeviceSpecContributor"/> adds the node (linux.devices) and its cgroup allow rule.
/// </summary>
public sealed record DeviceMapping(string PathOnHost, string PathInContainer, string CgroupPermissions)
{
    /// <summary>
    /// Parse docker's --device text: "/dev/host[:/dev/container][:rwm]" ("rwm" when no permissions are given; the
    /// container path is the host path when none is given). Both paths must be absolute; the permissions are a
    /// non-empty set of the letters r (read), w (write), m (mknod), as the device cgroup takes them.
    /// </summary>
    /// <exception cref="PscException">InvalidDevice (InvalidArgument): not of that form.</exception>
    public static DeviceMapping Parse(string text)
    {
        var parts = (text ?? "").Split(':');
        string host = parts[0], container = host, perms = "rwm";
        if (parts.Length == 2)
        {
            if (IsPermissions(parts[1])) perms = parts[1];
            else container = parts[1];
        }
        else if (parts.Length == 3) { container = parts[1]; perms = parts[2]; }
        else if (parts.Length > 3) throw Invalid(text!, "it has more than three ':'-separated fields");
        if (container.Length == 0) container = host;
        if (!host.StartsWith('/')) throw Invalid(text!, "the host path must be absolute");
        if (!container.StartsWith('/')) throw Invalid(text!, "the container path must be absolute");
        if (!IsPermissions(perms)) throw Invalid(text!, $"'{perms}' is not a set of the permissions r, w, m");
        return new DeviceMapping(host, container, perms);
    }

    /// <summary>True when <paramref name="s"/> is 1 to 3 distinct letters of "rwm" (docker's validDeviceMode).</summary>
    public static bool IsPermissions(string s) =>
        s.Length is > 0 and <= 3 && s.All(ch => ch is 'r' or 'w' or 'm') && s.Distinct().Count() == s.Length;

    /// <summary>
    /// The host node, stat'ed (its symbolic links followed, as docker resolves /dev/disk/by-id/... names): its type
    /// ("c" or "b"), major and minor numbers, permission bits, owner and group.
    /// </summary>
    /// <exception cref="PscException">DeviceNotFound (ObjectNotFound): no such path; InvalidDevice: not a character or block device.</exception>
    public (string Type, uint Major, uint Minor, uint Mode, uint Uid, uint Gid) StatHost()
    {
        FsStat st;
        try
        {
            if (!Fs.TryStat(null, Encoding.UTF8.GetBytes(PathOnHost), out st, followSymlinks: true))
                throw PscException.NotFound(ErrorIds.DeviceNotFound, $"The device '{PathOnHost}' does not exist on this host.", PathOnHost);
        }
        catch (FsException e)
        {
            throw PscException.NotFound(ErrorIds.DeviceNotFound, $"The device '{PathOnHost}' cannot be read: {e.Message}", PathOnHost);
        }
        if (!st.IsCharDevice && !st.IsBlockDevice)
            throw PscException.InvalidArgument(ErrorIds.InvalidDevice, $"'{PathOnHost}' is not a character or block device.", PathOnHost);
        return (st.IsCharDevice ? "c" : "b", st.RdevMajor, st.RdevMinor, st.Permissions, st.Uid, st.Gid);
    }

    private static PscException Invalid(string text, string why) =>
        PscException.InvalidArgument(ErrorIds.InvalidDevice, $"Device '{text}' is not of the form /dev/host[:/dev/container][:rwm]: {why}.", text);
}
