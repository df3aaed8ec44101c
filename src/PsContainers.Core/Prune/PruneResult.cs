using PsContainers.Core.Images;

namespace PsContainers.Core.Prune;

/// <summary>
/// What a system prune removed (Clear-ContainerSystem's output; docker system prune's "Deleted Containers: ...",
/// "Deleted Networks: ...", "Deleted Volumes: ...", "Deleted Images: ..." and "Total reclaimed space").
/// </summary>
public sealed class PruneResult
{
    /// <summary>Ids of the containers removed.</summary>
    public List<string> ContainersDeleted { get; } = [];

    /// <summary>Names of the networks removed.</summary>
    public List<string> NetworksDeleted { get; } = [];

    /// <summary>Names of the volumes removed.</summary>
    public List<string> VolumesDeleted { get; } = [];

    /// <summary>Image names untagged (familiar form, as docker rmi prints them).</summary>
    public List<string> ImagesUntagged { get; } = [];

    /// <summary>Ids of the images deleted.</summary>
    public List<string> ImagesDeleted { get; } = [];

    /// <summary>The objects that could not be removed (something started using them meanwhile...), with the error; the others went.</summary>
    public List<(PruneItem Item, Exception Error)> Failed { get; } = [];

    /// <summary>Bytes freed: the planned sizes of the objects actually removed.</summary>
    public long SpaceReclaimed { get; set; }

    /// <summary>Counts per kind.</summary>
    public int Containers => ContainersDeleted.Count;
    /// <summary>Counts per kind.</summary>
    public int Networks => NetworksDeleted.Count;
    /// <summary>Counts per kind.</summary>
    public int Volumes => VolumesDeleted.Count;
    /// <summary>Counts per kind.</summary>
    public int Images => ImagesDeleted.Count;

    /// <summary>docker's last line: "Total reclaimed space: 1.2MB".</summary>
    public string TotalReclaimedSpace => HumanFormat.Size(SpaceReclaimed);

    /// <inheritdoc/>
    public override string ToString() => "Total reclaimed space: " + TotalReclaimedSpace;
}
