namespace PsContainers.Core.Compose;

/// <summary>
/// One step of converging a project (Start-ContainerProject's plan, what -WhatIf prints): the resource, what is done to
/// it and why ("config-hash 3f2a… → 9bc1…", "replica 3 is above the scale 2"). A container's replica number is given
/// for containers; 0 for networks and volumes.
/// </summary>
public sealed class ContainerProjectChange
{
    public string Project { get; init; } = "";
    /// <summary>The service; null for a network or a volume.</summary>
    public string? Service { get; init; }
    /// <summary>"container", "network" or "volume".</summary>
    public string Kind { get; init; } = "container";
    /// <summary>The engine name of the container, network or volume.</summary>
    public string Target { get; init; } = "";
    /// <summary>The container's replica number (from 1); 0 for networks and volumes.</summary>
    public int Number { get; init; }
    public ContainerProjectAction Action { get; init; }
    /// <summary>Why, in words.</summary>
    public string Reason { get; init; } = "";

    public override string ToString() => $"{Action} {Kind} {Target}: {Reason}";
}
