using PsContainers.FileSystem;

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
    public int Mount(string? source, string target, string? fsType, ulong flags, string? data) =>
        MountNative(source, target, fsType, flags, data) == 0 ? 0 : Libc.Errno;

    public int Unmount(string target) => Umount2Native(target, Libc.MNT_DETACH) == 0 ? 0 : Libc.Errno;

    /// <summary>mount(2) over the shared table: 0, or -1 with errno left for the caller's next statement.</summary>
    private static unsafe int MountNative(string? source, string target, string? fsType, ulong flags, string? data)
    {
        fixed (byte* a = Libc.CString(source)) fixed (byte* b = Libc.CString(target)) fixed (byte* c = Libc.CString(fsType)) fixed (byte* d = Libc.CString(data))
            return Libc.mount(a, b, c, flags, d);
    }

    /// <summary>umount2(2) over the shared table: 0, or -1 with errno left for the caller's next statement.</summary>
    private static unsafe int Umount2Native(string target, int flags)
    {
        fixed (byte* p = Libc.CString(target)) return Libc.umount2(p, flags);
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
        int r = Libc.kill(pid, 0);
        return r == 0 || Libc.Errno == 1 /* EPERM: exists */;
    }
}
