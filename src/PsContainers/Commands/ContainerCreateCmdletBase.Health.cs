using System.Management.Automation;
using PsContainers.Core.Containers;
using PsContainers.Transformations;

namespace PsContainers.Commands;

/// <summary>The healthcheck parameters of New-Container and Invoke-ContainerImage (docker run's --health-* flags).</summary>
public abstract partial class ContainerCreateCmdletBase
{
    /// <summary>
    /// The probe: one string is a shell command (docker's CMD-SHELL, run with /bin/sh -c); several strings are an
    /// executable and its arguments run directly (CMD). The first word may also be CMD, CMD-SHELL or NONE, as in a
    /// Dockerfile's HEALTHCHECK JSON form.
    /// </summary>
    [Parameter] [ValidateNotNullOrEmpty] public string[]? HealthCommand { get; set; }
    /// <summary>Between probes (docker --health-interval; default 30s).</summary>
    [Parameter] [DurationTransformation] public TimeSpan HealthInterval { get; set; }
    /// <summary>A probe running longer is killed and fails (docker --health-timeout; default 30s).</summary>
    [Parameter] [DurationTransformation] public TimeSpan HealthTimeout { get; set; }
    /// <summary>Consecutive failures that make the container unhealthy (docker --health-retries; default 3).</summary>
    [Parameter] [ValidateRange(1, int.MaxValue)] public int HealthRetries { get; set; }
    /// <summary>After a start, failures do not count until this has passed or a probe succeeded (docker --health-start-period; default 0).</summary>
    [Parameter] [DurationTransformation] public TimeSpan HealthStartPeriod { get; set; }
    /// <summary>Between probes during the start period (docker --health-start-interval; default 5s).</summary>
    [Parameter] [DurationTransformation] public TimeSpan HealthStartInterval { get; set; }
    /// <summary>Disable the image's HEALTHCHECK (docker --no-healthcheck).</summary>
    [Parameter] public SwitchParameter NoHealthcheck { get; set; }

    /// <summary>The -Health* parameters in docker's shape, or null when none was given (the image's healthcheck applies).</summary>
    private HealthConfig? HealthcheckParameters()
    {
        var bound = MyInvocation.BoundParameters;
        bool any = new[] { nameof(HealthCommand), nameof(HealthInterval), nameof(HealthTimeout), nameof(HealthRetries), nameof(HealthStartPeriod), nameof(HealthStartInterval) }
            .Any(bound.ContainsKey);
        if (!any && !NoHealthcheck) return null;
        var h = new HealthConfig
        {
            Test = NoHealthcheck ? ["NONE"] : HealthTest(HealthCommand),
            Interval = HealthConfig.ToNanoseconds(HealthInterval),
            Timeout = HealthConfig.ToNanoseconds(HealthTimeout),
            StartPeriod = HealthConfig.ToNanoseconds(HealthStartPeriod),
            StartInterval = HealthConfig.ToNanoseconds(HealthStartInterval),
            Retries = HealthRetries,
        };
        // -NoHealthcheck with other health settings is refused by the engine (as docker does): keep them to show it
        if (NoHealthcheck && HealthCommand is not null) h.Test = ["NONE", .. HealthCommand];
        return h;
    }

    /// <summary>-HealthCommand as a Test: one string = CMD-SHELL; several = CMD; an explicit CMD/CMD-SHELL/NONE first word is kept.</summary>
    internal static string[] HealthTest(string[]? command) => command switch
    {
        null => [],
        [var first, ..] when first is "CMD" or "CMD-SHELL" or "NONE" => command,
        [var script] => ["CMD-SHELL", script],
        _ => ["CMD", .. command],
    };
}
