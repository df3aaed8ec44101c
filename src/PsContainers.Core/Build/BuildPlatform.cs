using System.Collections.Frozen;
using PsContainers.Core.Oci;

namespace PsContainers.Core.Build;

/// <summary>
/// The platform checks of a build (<c>docker build --platform</c>, <c>FROM --platform</c>): the value must be
/// <c>os/arch[/variant]</c> (or <c>arch</c> alone) with an OS and an architecture Go knows, as containerd's platforms
/// parser requires of a known name; and a RUN step needs a platform this host executes natively (its own
/// architecture, 386 on amd64, arm on arm64 when the kernel says so) or through a registered binfmt_misc interpreter
/// (qemu-user): docker build fails such a RUN with "exec format error", this builder with a clear error first.
/// </summary>
public static class BuildPlatform
{
    /// <summary>The GOOS values (go tool dist list).</summary>
    private static readonly FrozenSet<string> KnownOs = FrozenSet.ToFrozenSet<string>(
    [
        "aix", "android", "darwin", "dragonfly", "freebsd", "illumos", "ios", "js", "linux", "netbsd", "openbsd", "plan9", "solaris", "wasip1", "windows",
    ], StringComparer.Ordinal);

    /// <summary>The GOARCH values (go tool dist list).</summary>
    private static readonly FrozenSet<string> KnownArchitectures = FrozenSet.ToFrozenSet<string>(
    [
        "386", "amd64", "arm", "arm64", "loong64", "mips", "mips64", "mips64le", "mipsle", "ppc64", "ppc64le", "riscv64", "s390x", "wasm",
    ], StringComparer.Ordinal);

    /// <summary>The qemu-user interpreter name binfmt_misc registers for a GOARCH (qemu-&lt;name&gt;).</summary>
    private static string QemuName(string arch) => arch switch
    {
        "amd64" => "x86_64", "arm64" => "aarch64", "386" => "i386", "ppc64le" => "ppc64le", "loong64" => "loongarch64", _ => arch,
    };

    /// <summary>
    /// Parse and check a platform given to a build. <paramref name="where"/> ("-Platform", "Dockerfile:3") starts the message.
    /// </summary>
    /// <exception cref="PscException">InvalidPlatform (InvalidArgument): not os/arch[/variant], or an OS or architecture Go does not know.</exception>
    public static Platform Parse(string text, string where)
    {
        Platform p;
        try { p = Platform.Parse(text); }
        catch (PscException e) { throw PscException.InvalidArgument(ErrorIds.InvalidPlatform, $"{where}: {e.Message}", text); }
        if (!KnownOs.Contains(p.Os))
            throw PscException.InvalidArgument(ErrorIds.InvalidPlatform, $"{where}: invalid platform '{text}': unknown operating system '{p.Os}'; use os/arch[/variant], e.g. linux/amd64 or linux/arm64/v8.", text);
        if (!KnownArchitectures.Contains(p.Architecture))
            throw PscException.InvalidArgument(ErrorIds.InvalidPlatform, $"{where}: invalid platform '{text}': unknown architecture '{p.Architecture}'; use os/arch[/variant], e.g. linux/amd64 or linux/arm64/v8.", text);
        return p;
    }

    /// <summary>
    /// Whether this host runs programs of <paramref name="p"/>: linux and the host's architecture, 386 on an amd64
    /// host, or an enabled binfmt_misc entry <c>qemu-&lt;arch&gt;</c> under <paramref name="binfmtDirectory"/>
    /// (default /proc/sys/fs/binfmt_misc).
    /// </summary>
    public static bool CanRun(Platform p, string binfmtDirectory = "/proc/sys/fs/binfmt_misc")
    {
        if (p.Os != "linux") return false;
        var host = Platform.Host;
        if (p.Architecture == host.Architecture) return true;
        if (host.Architecture == "amd64" && p.Architecture == "386") return true;
        string entry = Path.Combine(binfmtDirectory, "qemu-" + QemuName(p.Architecture));
        try { return File.Exists(entry) && File.ReadLines(entry).FirstOrDefault() == "enabled"; }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    /// <summary>Refuse a RUN for a platform the host cannot execute (<see cref="CanRun"/>).</summary>
    /// <exception cref="PscException">BuildPlatformNotSupported (InvalidOperation), the message starting with <paramref name="where"/>.</exception>
    public static void EnsureRunnable(Platform p, string where)
    {
        if (!CanRun(p))
            throw PscException.InvalidOperation(ErrorIds.BuildPlatformNotSupported,
                $"{where}: RUN for the platform {p} cannot execute on this {Platform.Host} host: no native support and no binfmt_misc emulator (qemu-{QemuName(p.Architecture)}) is registered.", p.ToString());
    }
}
