namespace PsContainers.Core.Containers;

/// <summary>
/// What Wait-Container writes for a container that stopped (docker wait's exit code, with the container it belongs
/// to, so that waiting on several containers keeps each code's owner). Read from the container's state after the wait.
/// </summary>
public sealed class ContainerExitStatus
{
    /// <summary>The container's name.</summary>
    public string Name { get; init; } = "";
    /// <summary>The container's full id (64 hex digits).</summary>
    public string Id { get; init; } = "";
    /// <summary>The exit code (docker's: 128 + the signal's number when a signal killed it, 137 for SIGKILL); -1 when none was recorded.</summary>
    public int ExitCode { get; init; }
    /// <summary>The status after the wait: Exited, Created, Dead (and Removing while an auto-removed container goes).</summary>
    public ContainerStatus Status { get; init; }
    /// <summary>Whether the kernel's OOM killer ended it.</summary>
    public bool OOMKilled { get; init; }
    /// <summary>When it stopped (UTC), or null.</summary>
    public DateTime? FinishedAt { get; init; }

    /// <summary>
    /// The status of <paramref name="c"/> as read after a wait (<paramref name="exitCode"/> when the wait returned
    /// one); <paramref name="gone"/>: the container was removed meanwhile (an auto-removed run), so it is Exited.
    /// </summary>
    public static ContainerExitStatus Of(Container c, int? exitCode = null, bool gone = false) => new()
    {
        Name = c.Name,
        Id = c.Id,
        ExitCode = exitCode ?? c.State.ExitCode ?? -1,
        Status = gone ? ContainerStatus.Exited : c.State.Status,
        OOMKilled = c.State.OOMKilled,
        FinishedAt = c.State.FinishedAt,
    };

    /// <summary>"name: code", as the default view prints it.</summary>
    public override string ToString() => $"{Name}: {ExitCode}";
}
