namespace PsContainers.Core.Containers;

/// <summary>
/// A part of the engine that takes part in every container's lifecycle (networking, volumes). The
/// <see cref="Engine"/> registers the participants in a fixed order (<see cref="Engine.Participants"/>); the container
/// lifecycle calls them in that order, and in reverse to undo.
/// </summary>
/// <remarks>
/// <code>
/// create ──► Create (validate, record in the container; throw to refuse, nothing is written)
/// start  ──► ContributeSpec (set up, edit the typed runtime spec; <see cref="BundleBuilder"/> writes it once after all of them)
/// exit   ──► Released (the process has exited: release what ContributeSpec set up; also the undo of a failed start)
/// remove ──► Released, then Removed (forget the container for good)
/// </code>
/// Errors are <see cref="PscException"/>s; Released and Removed are best effort and idempotent (they also run for a
/// container whose monitor died, or whose start failed halfway).
/// </remarks>
public interface IContainerParticipant : ISpecContributor
{
    /// <summary>
    /// At create time: check <paramref name="options"/> and record what this participant needs in <paramref name="container"/>
    /// (mounts, networks, ports). <paramref name="image"/> is the image the container is created from (read once).
    /// </summary>
    void Create(Container container, ContainerCreateOptions options, ResolvedImage image);

    // ContributeSpec (from ISpecContributor): before each start, with the container lock held and its root file system
    // mounted at spec.Root.Path: set up what the run needs and add it to the spec (mounts, namespace paths, hooks).

    /// <summary>After the container's process has exited (or a start failed): release what the run held.</summary>
    void Released(Container container);

    /// <summary>
    /// When the container is removed (after <see cref="Released"/>). <paramref name="removeVolumes"/>: Remove-Container
    /// -Volumes, docker rm -v (anonymous volumes go too).
    /// </summary>
    void Removed(Container container, bool removeVolumes);
}
