using System.Diagnostics;
using System.Runtime.InteropServices;
using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Core.Images;

/// <summary>Get-ContainerVersion output (docker version).</summary>
public sealed class ContainerVersionInfo
{
    public string ModuleVersion { get; set; } = "";
    public string EngineVersion { get; set; } = "";
    public string? RuntimeName { get; set; }
    public string? RuntimeVersion { get; set; }
    public string? RuntimePath { get; set; }
    public string OciRuntimeSpecVersion { get; set; } = RuntimeSpec.CurrentVersion;
    public string OciImageSpecVersion { get; set; } = "1.1.0";
    public string OciDistributionSpecVersion { get; set; } = "1.1.0";
    public string Os { get; set; } = "linux";
    public string Architecture { get; set; } = "";
    public string KernelVersion { get; set; } = "";
    /// <summary>
    /// "1" (v1 only), "1 (hybrid)" (v1 controllers with the unified hierarchy beside them) or "2" (a unified host),
    /// from what is mounted at /sys/fs/cgroup, not from the distribution (docker version's cgroup facts).
    /// </summary>
    public string CgroupVersion { get; set; } = "";
    /// <summary>
    /// "cgroupfs": pscrun and the engine write the cgroup file system themselves, containers in PARENT/ID of each
    /// hierarchy, PARENT being $env:PSCONTAINERS_CGROUP_PARENT or /pscontainers (docker info's "Cgroup Driver");
    /// there is no systemd driver.
    /// </summary>
    public string CgroupDriver { get; set; } = "cgroupfs";
    public string StorageDriver { get; set; } = "overlay";
    public string StorageRoot { get; set; } = "";
    public string DotNetVersion { get; set; } = "";
    public string? PowerShellVersion { get; set; }

    /// <param name="probeRuntime">Run the bundled pscrun's --version (a process); false when the caller knows the runtime already.</param>
    public static ContainerVersionInfo Collect(PscPaths paths, string? powerShellVersion, bool probeRuntime = true)
    {
        var v = new ContainerVersionInfo
        {
            ModuleVersion = typeof(ContainerVersionInfo).Assembly.GetName().Version?.ToString(3) ?? "",
            Architecture = RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant() switch { "x64" => "amd64", "arm64" => "arm64", var a => a },
            KernelVersion = ReadFirst("/proc/sys/kernel/osrelease") ?? Environment.OSVersion.Version.ToString(),
            CgroupVersion = CgroupVersionText(PsContainers.Cgroups.CgroupHierarchy.Mode()),
            DotNetVersion = Environment.Version.ToString(),
            PowerShellVersion = powerShellVersion,
            StorageRoot = paths.Storage,
        };
        var info = typeof(ContainerVersionInfo).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion;
        v.EngineVersion = (info ?? v.ModuleVersion).Split('+')[0];
        string pscrun = Path.Combine(PscPaths.BinDirectory, "pscrun");
        if (probeRuntime && File.Exists(pscrun))
        {
            v.RuntimeName = "pscrun";
            v.RuntimePath = pscrun;
            v.RuntimeVersion = RunVersion(pscrun);
        }
        return v;
    }

    /// <summary>
    /// <see cref="CgroupVersion"/>'s text for a host's cgroup layout (<c>CgroupHierarchy.ModeOf</c>, from what is
    /// mounted): "2" unified, "1 (hybrid)", "1" legacy, "" when no cgroup file system is mounted.
    /// </summary>
    internal static string CgroupVersionText(PsContainers.Cgroups.CgroupMode mode) => mode switch
    {
        PsContainers.Cgroups.CgroupMode.Unified => "2",
        PsContainers.Cgroups.CgroupMode.Hybrid => "1 (hybrid)",
        PsContainers.Cgroups.CgroupMode.Legacy => "1",
        _ => "",
    };

    private static string? ReadFirst(string path)
    {
        try { return File.ReadLines(path).FirstOrDefault()?.Trim(); } catch { return null; }
    }

    private static string? RunVersion(string exe)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo(exe, "--version") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false });
            if (p is null) return null;
            string output = p.StandardOutput.ReadToEnd();
            if (!p.WaitForExit(5000)) { try { p.Kill(); } catch { } return null; }
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim();
        }
        catch { return null; }
    }
}
