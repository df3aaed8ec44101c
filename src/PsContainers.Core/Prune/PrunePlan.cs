using PsContainers.Core.Images;

namespace PsContainers.Core.Prune;

/// <summary>
/// What a system prune would remove, made by <see cref="PrunePlanner"/> and carried out by
/// <see cref="PruneExecutor"/>: the same list for -WhatIf and for the real run.
/// </summary>
public sealed class PrunePlan
{
    /// <summary>The objects, in removal order: containers, networks, volumes, images (docker system prune's order).</summary>
    public IReadOnlyList<PruneItem> Items { get; init; } = [];

    /// <summary>The options it was made for.</summary>
    public PruneOptions Options { get; init; } = new();

    /// <summary>The bytes the items free together (the sum of their sizes).</summary>
    public long SpaceReclaimed => Items.Sum(i => i.Size);

    /// <summary>The items of one kind.</summary>
    public IEnumerable<PruneItem> Of(PruneKind kind) => Items.Where(i => i.Kind == kind);

    /// <summary>docker's last line: "Total reclaimed space: 1.2MB".</summary>
    public string TotalText => "Total reclaimed space: " + HumanFormat.Size(SpaceReclaimed);
}
