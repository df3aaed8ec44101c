using System.Diagnostics;
using System.Text;

namespace PsContainers.Core.Containers;

/// <summary>What Register-ContainerBootService did: the files written and how the boot step is hooked in.</summary>
public sealed class ContainerBootServiceRegistration
{
    /// <summary>The systemd unit file written (under the given root).</summary>
    public string UnitPath { get; init; } = "";
    /// <summary>The cron.d file written with an @reboot line, or null when none was asked for.</summary>
    public string? CronPath { get; init; }
    /// <summary>systemd runs on this host and the unit was enabled (<c>systemctl enable</c>).</summary>
    public bool Enabled { get; init; }
    /// <summary>The command the boot step runs (pwsh importing the module and calling Restore-Container).</summary>
    public string Command { get; init; } = "";
}

/// <summary>
/// The host side of the boot step (<see cref="ContainerBootRestore"/>): a systemd unit,
/// <c>/etc/systemd/system/pscontainers-restart.service</c>, that runs pwsh with the module and Restore-Container once
/// at boot (like podman's podman-restart.service: Type=oneshot, RemainAfterExit, WantedBy=default.target, after the
/// network is online), and for hosts without systemd a cron.d file with an <c>@reboot</c> line
/// (<c>/etc/cron.d/pscontainers-restart</c>, cron.d's format with the user field). Every path is under a root
/// directory ("/" on a real host; a temporary directory in tests) so it can be tested without touching /etc.
/// </summary>
public static class ContainerBootService
{
    /// <summary>The unit's file name.</summary>
    public const string UnitName = "pscontainers-restart.service";
    /// <summary>The unit's directory, relative to the root: where an administrator's units go (systemd.unit(5)).</summary>
    public const string UnitDirectory = "etc/systemd/system";
    /// <summary>The cron file, relative to the root.</summary>
    public const string CronFile = "etc/cron.d/pscontainers-restart";

    /// <summary>systemd is the running init: /run/systemd/system exists (sd_booted(3)).</summary>
    public static bool SystemdRunning => Directory.Exists("/run/systemd/system");

    /// <summary>
    /// The command line of the boot step: <paramref name="pwsh"/> -NoLogo -NoProfile -NonInteractive -Command
    /// "Import-Module '<paramref name="module"/>'; Restore-Container", with the single quotes of the module path
    /// doubled (PowerShell's quoting).
    /// </summary>
    public static string Command(string pwsh, string module) =>
        $"{pwsh} -NoLogo -NoProfile -NonInteractive -Command \"Import-Module '{module.Replace("'", "''", StringComparison.Ordinal)}'; Restore-Container\"";

    /// <summary>
    /// The unit's text for the boot step <see cref="Command"/>; <paramref name="storeRoot"/>, when given, is set as
    /// PSCONTAINERS_ROOT. '%' is doubled (systemd.unit(5) specifiers). KillMode=process: stopping the unit never
    /// kills the monitors it started (containers live in their own cgroups; their monitors must not die with it).
    /// </summary>
    public static string UnitText(string pwsh, string module, string? storeRoot)
    {
        static string Esc(string s) => s.Replace("%", "%%", StringComparison.Ordinal);
        var sb = new StringBuilder();
        sb.Append("# Written by PsContainers' Register-ContainerBootService; removed by Unregister-ContainerBootService.\n");
        sb.Append("[Unit]\n");
        sb.Append("Description=Start PsContainers containers with restart policy always or unless-stopped\n");
        sb.Append("Wants=network-online.target\n");
        sb.Append("After=network-online.target local-fs.target\n\n");
        sb.Append("[Service]\n");
        sb.Append("Type=oneshot\n");
        sb.Append("RemainAfterExit=yes\n");
        sb.Append("KillMode=process\n");
        if (!string.IsNullOrEmpty(storeRoot)) sb.Append("Environment=\"").Append(PscPaths.RootVariable).Append('=').Append(Esc(storeRoot)).Append("\"\n");
        sb.Append("ExecStart=").Append(Esc(Command(pwsh, module))).Append("\n\n");
        sb.Append("[Install]\n");
        sb.Append("WantedBy=default.target\n");
        return sb.ToString();
    }

    /// <summary>The cron.d text: one <c>@reboot root</c> line running <see cref="Command"/> (with PSCONTAINERS_ROOT when given).</summary>
    public static string CronText(string pwsh, string module, string? storeRoot)
    {
        string env = string.IsNullOrEmpty(storeRoot) ? "" : $"{PscPaths.RootVariable}={storeRoot}\n";
        return "# Written by PsContainers' Register-ContainerBootService; removed by Unregister-ContainerBootService.\n"
            + "SHELL=/bin/sh\n" + env + "@reboot root " + Command(pwsh, module).Replace("%", "\\%", StringComparison.Ordinal) + "\n";
    }

    /// <summary>
    /// Write the unit under <paramref name="root"/> (and the cron file with <paramref name="cron"/>); when
    /// <paramref name="root"/> is "/" and systemd runs, reload systemd and enable the unit.
    /// </summary>
    /// <exception cref="PscException">BootServiceFailed: systemctl failed (its message).</exception>
    public static ContainerBootServiceRegistration Register(string root, string pwsh, string module, string? storeRoot, bool cron)
    {
        string unit = Path.Combine(root, UnitDirectory, UnitName);
        Directory.CreateDirectory(Path.GetDirectoryName(unit)!);
        File.WriteAllText(unit, UnitText(pwsh, module, storeRoot));
        string? cronPath = null;
        if (cron)
        {
            cronPath = Path.Combine(root, CronFile);
            Directory.CreateDirectory(Path.GetDirectoryName(cronPath)!);
            File.WriteAllText(cronPath, CronText(pwsh, module, storeRoot));
        }
        bool enabled = false;
        if (IsHostRoot(root) && SystemdRunning)
        {
            Systemctl("daemon-reload");
            Systemctl("enable", UnitName);
            enabled = true;
        }
        return new ContainerBootServiceRegistration { UnitPath = unit, CronPath = cronPath, Enabled = enabled, Command = Command(pwsh, module) };
    }

    /// <summary>
    /// Remove the unit and the cron file under <paramref name="root"/> (disabling the unit first when
    /// <paramref name="root"/> is "/" and systemd runs). Returns the files removed; none is an empty list.
    /// </summary>
    public static IReadOnlyList<string> Unregister(string root)
    {
        string unit = Path.Combine(root, UnitDirectory, UnitName);
        bool systemd = IsHostRoot(root) && SystemdRunning;
        if (systemd && File.Exists(unit)) Systemctl("disable", UnitName);
        var removed = new List<string>();
        foreach (var f in new[] { unit, Path.Combine(root, CronFile) })
        {
            if (!File.Exists(f)) continue;
            File.Delete(f);
            removed.Add(f);
        }
        if (systemd && removed.Count > 0) Systemctl("daemon-reload");
        return removed;
    }

    private static bool IsHostRoot(string root) => Path.GetFullPath(root) == "/";

    private static void Systemctl(params string[] args)
    {
        var psi = new ProcessStartInfo("systemctl") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw PscException.InvalidOperation(ErrorIds.BootServiceFailed, $"systemctl {string.Join(' ', args)} failed (exit {p.ExitCode}): {err.Trim()}");
    }
}
