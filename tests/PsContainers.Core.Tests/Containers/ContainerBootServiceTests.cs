using PsContainers.Contract;
using PsContainers.Core.Containers;

namespace PsContainers.Core.Tests.Containers;

/// <summary>The boot step's rule (docker's restart at daemon start) and the unit and cron files that run it.</summary>
public class ContainerBootServiceTests
{
    [Theory]
    [InlineData("always", false, true)]
    [InlineData("always", true, true)]
    [InlineData("unless-stopped", false, true)]
    [InlineData("unless-stopped", true, false)]
    [InlineData("no", false, false)]
    [InlineData("on-failure", false, false)]
    [InlineData("on-failure:3", false, false)]
    public void StartsAtBoot_follows_docker(string policy, bool userStopped, bool expected)
    {
        Assert.True(RestartPolicy.TryParse(policy, out var p));
        Assert.Equal(expected, ContainerBootRestore.StartsAtBoot(p, userStopped));
    }

    private static Container Boot(string name, Container? sharesWith = null) => new()
    {
        Id = ContainerStore.NewId(), Name = name,
        HostConfig = sharesWith is null ? new HostConfig { NetworkModeKind = NetworkMode.Bridge }
            : new HostConfig { NetworkModeKind = NetworkMode.Container, NetworkContainerId = sharesWith.Id },
    };

    [Fact]
    public void StartOrder_starts_a_shared_namespace_after_its_owner_and_keeps_the_rest_in_order()
    {
        var db = Boot("db");
        var side = Boot("side", db);
        var side2 = Boot("side2", side);
        var web = Boot("web");
        var orphan = Boot("orphan", Boot("gone"));
        Assert.Equal(["web", "db", "side", "side2", "orphan"],
            ContainerBootRestore.StartOrder([side2, web, side, db, orphan]).Select(c => c.Name));
        Assert.Equal(["web", "db", "side"], ContainerBootRestore.StartOrder([web, db, side]).Select(c => c.Name));
        var a = Boot("a"); var b = Boot("b", a);
        a.HostConfig = new HostConfig { NetworkModeKind = NetworkMode.Container, NetworkContainerId = b.Id };
        Assert.Equal(["b", "a"], ContainerBootRestore.StartOrder([b, a]).Select(c => c.Name));
    }

    [Fact]
    public void Command_quotes_the_module_path_for_PowerShell()
    {
        Assert.Equal("/usr/bin/pwsh -NoLogo -NoProfile -NonInteractive -Command \"Import-Module '/opt/o''brien/PsContainers.psd1'; Restore-Container\"",
            ContainerBootService.Command("/usr/bin/pwsh", "/opt/o'brien/PsContainers.psd1"));
    }

    [Fact]
    public void UnitText_is_a_oneshot_unit_with_escaped_specifiers()
    {
        string t = ContainerBootService.UnitText("/usr/bin/pwsh", "/m%/PsContainers.psd1", "/srv/psc%x");
        var lines = t.Split('\n');
        Assert.Contains("[Unit]", lines);
        Assert.Contains("[Service]", lines);
        Assert.Contains("[Install]", lines);
        Assert.Contains("Type=oneshot", lines);
        Assert.Contains("RemainAfterExit=yes", lines);
        Assert.Contains("KillMode=process", lines);
        Assert.Contains("WantedBy=default.target", lines);
        Assert.Contains("Wants=network-online.target", lines);
        Assert.Contains("Environment=\"PSCONTAINERS_ROOT=/srv/psc%%x\"", lines);
        Assert.Contains("ExecStart=/usr/bin/pwsh -NoLogo -NoProfile -NonInteractive -Command \"Import-Module '/m%%/PsContainers.psd1'; Restore-Container\"", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("Environment=", StringComparison.Ordinal) && !l.Contains("PSCONTAINERS_ROOT", StringComparison.Ordinal));
    }

    [Fact]
    public void UnitText_without_a_store_root_sets_no_environment()
    {
        Assert.DoesNotContain("Environment=", ContainerBootService.UnitText("/usr/bin/pwsh", "/m/PsContainers.psd1", null), StringComparison.Ordinal);
    }

    [Fact]
    public void CronText_is_a_cron_d_reboot_line_run_as_root_with_percent_escaped()
    {
        var lines = ContainerBootService.CronText("/usr/bin/pwsh", "/m%/PsContainers.psd1", "/srv/psc").Split('\n');
        Assert.Contains("PSCONTAINERS_ROOT=/srv/psc", lines);
        Assert.Contains("@reboot root /usr/bin/pwsh -NoLogo -NoProfile -NonInteractive -Command \"Import-Module '/m\\%/PsContainers.psd1'; Restore-Container\"", lines);
    }

    [Fact]
    public void Register_and_Unregister_under_a_root_write_and_remove_only_their_files()
    {
        string root = Path.Combine(Path.GetTempPath(), "psc-boot-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var reg = ContainerBootService.Register(root, "/usr/bin/pwsh", "/m/PsContainers.psd1", null, cron: true);
            Assert.False(reg.Enabled);
            Assert.Equal(Path.Combine(root, "etc/systemd/system/pscontainers-restart.service"), reg.UnitPath);
            Assert.Equal(Path.Combine(root, "etc/cron.d/pscontainers-restart"), reg.CronPath);
            Assert.Equal(ContainerBootService.UnitText("/usr/bin/pwsh", "/m/PsContainers.psd1", null), File.ReadAllText(reg.UnitPath));
            Assert.Equal(ContainerBootService.CronText("/usr/bin/pwsh", "/m/PsContainers.psd1", null), File.ReadAllText(reg.CronPath!));
            string other = Path.Combine(root, "etc/systemd/system/other.service");
            File.WriteAllText(other, "x");
            var removed = ContainerBootService.Unregister(root);
            Assert.Equal(new[] { reg.UnitPath, reg.CronPath }, removed);
            Assert.False(File.Exists(reg.UnitPath));
            Assert.False(File.Exists(reg.CronPath));
            Assert.True(File.Exists(other));
            Assert.Empty(ContainerBootService.Unregister(root));
        }
        finally { Directory.Delete(root, recursive: true); }
    }
}
