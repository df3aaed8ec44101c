using System.Runtime.InteropServices;

namespace PsContainers.Core.Util;

public partial interface ISyscalls
{
    /// <summary>mount(2); returns 0 or the errno.</summary>
    int Mount(string? source, string target, string? fsType, ulong flags, string? data);
    /// <summary>umount2(2) with MNT_DETACH; returns 0 or the errno.</summary>
    int Unmount(string target);
    /// <summary>True when <paramref name="path"/> is a mount point in this mount namespace.</summary>
    bool IsMountPoint(string path);
    /// <summary>True when a process with this pid exists (kill 0).</summary>
    bool ProcessExists(int pid);
}

public partial class LinuxSyscalls
{
    [LibraryImport("libc", EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mount_native(string? source, string target, string? fstype, ulong flags, string? data);
    [LibraryImport("libc", EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int umount2_native(string target, int flags);
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int kill0_native(int pid, int sig);

    public int Mount(string? source, string target, string? fsType, ulong flags, string? data)
    {
        int r = mount_native(source, target, fsType, flags, data);
        return r == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    public int Unmount(string target)
    {
        int r = umount2_native(target, 2 /* MNT_DETACH */);
        return r == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    public bool IsMountPoint(string path)
    {
        string full = Path.GetFullPath(path).TrimEnd('/');
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            // field 5 is the mount point, with spaces etc. octal-escaped
            int i = 0, start = 0;
            for (int f = 0; f < 4; f++) { start = line.IndexOf(' ', start) + 1; if (start == 0) break; }
            i = line.IndexOf(' ', start);
            if (start <= 0 || i < 0) continue;
            string mp = line[start..i].Replace("\\040", " ");
            if (mp == full) return true;
        }
        return false;
    }

    public bool ProcessExists(int pid)
    {
        if (pid <= 0) return false;
        int r = kill0_native(pid, 0);
        return r == 0 || Marshal.GetLastPInvokeError() == 1 /* EPERM: exists */;
    }
}
