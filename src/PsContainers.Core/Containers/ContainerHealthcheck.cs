using System.Text.Json;
using PsContainers.Contract;

namespace PsContainers.Core.Containers;

/// <summary>
/// The engine's side of healthchecks: the effective Config.Healthcheck of a new container (docker's flag checks and
/// daemon merge) and the State.Health read from the monitor's health.json (<see cref="HealthStateFile"/>). The probes
/// themselves run in the container's monitor (pscmon's HealthProber).
/// </summary>
public static class ContainerHealthcheck
{
    /// <summary>
    /// The healthcheck a container gets: the -Health* settings (<see cref="ContainerCreateOptions.Healthcheck"/>) over
    /// the image's HEALTHCHECK (<see cref="HealthConfig.Merge"/>); null when neither has one.
    /// </summary>
    /// <exception cref="PscException">InvalidHealthcheck: a negative or sub-millisecond duration, negative retries, a
    /// Test that is not NONE / CMD / CMD-SHELL, or -NoHealthcheck with other health settings (docker's checks).</exception>
    public static HealthConfig? Effective(ContainerCreateOptions o, ResolvedImage image)
    {
        if (o.Healthcheck is { } user)
        {
            if (user.Test is ["NONE", ..] && (user.Test.Length > 1 || user.Interval != 0 || user.Timeout != 0 || user.StartPeriod != 0 || user.StartInterval != 0 || user.Retries != 0))
                throw PscException.InvalidArgument(ErrorIds.InvalidHealthcheck, "-NoHealthcheck conflicts with the -Health* parameters.", "NoHealthcheck");
            if (user.Validate() is { } problem) throw PscException.InvalidArgument(ErrorIds.InvalidHealthcheck, problem, user);
        }
        return HealthConfig.Merge(o.Healthcheck, image.Healthcheck);
    }

    /// <summary>
    /// State.Health of <paramref name="c"/>: what its monitor recorded in health.json; Starting for a running
    /// container whose monitor has not written it yet; null when the container has no active healthcheck (none,
    /// or NONE) or the record cannot be read.
    /// </summary>
    public static ContainerHealth? ReadHealth(Container c)
    {
        if (c.Config.Healthcheck is not { } h || !h.IsActive() || c.BundlePath is null) return null;
        ContainerHealth? recorded;
        try { recorded = HealthStateFile.ReadFrom(c.BundlePath); }
        catch (JsonException) { recorded = null; }
        catch (IOException) { recorded = null; }
        if (recorded is null && c.State.Running) return new ContainerHealth { Status = HealthStatus.Starting };
        return recorded;
    }
}
