namespace PsContainers.FileSystem;

/// <summary>
/// Which newer kernel interfaces the layer uses. Each is tried first and, once the kernel answers ENOSYS, never again
/// in this process: openat2(2) (5.6), fchmodat2(2) (6.6), setxattrat/getxattrat/listxattrat/removexattrat (6.13).
/// Without them the layer falls back to component-by-component O_PATH resolution, fchmod on an fd opened O_NOFOLLOW
/// (or chmod on /proc/self/fd/N for device nodes) and the l*xattr calls on "/proc/self/fd/DIRFD/NAME".
/// </summary>
public static class FsFeatures
{
    [ThreadStatic] private static bool t_forceFallback;
    private static volatile bool s_noOpenat2, s_noFchmodat2, s_noXattrAt;

    /// <summary>
    /// Behave as on a kernel without any of the newer calls, on the calling thread only (tests use it to check that
    /// both paths give the same answers; other threads are not affected).
    /// </summary>
    public static bool ForceFallbackOnThisThread { get => t_forceFallback; set => t_forceFallback = value; }

    /// <summary>True when openat2(2) is (still believed to be) available and not forced off on this thread.</summary>
    public static bool UseOpenat2 => !t_forceFallback && !s_noOpenat2;
    /// <summary>True when fchmodat2(2) with AT_SYMLINK_NOFOLLOW is used.</summary>
    public static bool UseFchmodat2 => !t_forceFallback && !s_noFchmodat2;
    /// <summary>True when the *xattrat(2) calls are used.</summary>
    public static bool UseXattrAt => !t_forceFallback && !s_noXattrAt;

    internal static void Openat2Missing() => s_noOpenat2 = true;
    internal static void Fchmodat2Missing() => s_noFchmodat2 = true;
    internal static void XattrAtMissing() => s_noXattrAt = true;
}
