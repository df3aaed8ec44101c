namespace PsContainers.Core.Compose;

/// <summary>
/// A project as the store knows it from container labels (docker compose ls): its name, how many of its containers
/// run, and the files and directory it was started from (labels com.docker.compose.project.config_files and
/// .working_dir of its containers). One-off containers are not counted.
/// </summary>
public sealed class ContainerProjectSummary
{
    public string Name { get; init; } = "";
    /// <summary>"running(2/3)" when some run (running/total), else "exited(3)" or "created(1)" with the count.</summary>
    public string Status { get; init; } = "";
    /// <summary>The number of running (or paused or restarting) containers.</summary>
    public int Running { get; init; }
    /// <summary>The number of containers of the project (one-offs excluded).</summary>
    public int Total { get; init; }
    /// <summary>The compose files, absolute, as the containers' labels give them.</summary>
    public IReadOnlyList<string> ConfigFiles { get; init; } = [];
    /// <summary>The project directory, from the containers' labels.</summary>
    public string? WorkingDirectory { get; init; }

    public override string ToString() => Name;
}
