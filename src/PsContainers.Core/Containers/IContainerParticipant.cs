using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Core.Containers;

/// <summary>
/// A part of the engine that takes part in every container's lifecycle (networking, volumes). The
/// <see cref="Engine"/> registers the participants in a fixed order (<see cref="Engine.Participants"/>); the container
/// lifecycle calls them in that order, and in reverse to undo.
/// </summary>
/// <remarks>
/// <code>
/// create ──► Create (validate, record in the container; throw to refuse, nothing is written)
/// start  ──► ContributeSpec (set up, edit the typed runtime spec; the spec is written once after all of them)
/// exit   ──► Released (the process has exited: release what ContributeSpec set up; also the undo of a failed start)
/// remove ──► Released, then Removed (forget the container for good)
/// </code>
/// Errors are <see cref="PscException"/>s; Released and Removed are best effort and idempotent (they also run for a
/// container whose monitor died, or whose start failed halfway).
/// </remarks>
public interface IContainerParticipant
{
    /// <summary>A short name for traces and tests ("network", "volumes").</summary>
    string Name { get; }

    /// <summary>
    /// At create time: check <paramref name="options"/> and record what this participant needs in <paramref name="container"/>
    /// (mounts, networks, ports). <paramref name="image"/> is the image the container is created from (read once).
    /// </summary>
    void Create(Container container, ContainerCreateOptions options, ResolvedImage image);

    /// <summary>
    /// Before each start, with the container lock held and its root file system mounted at <c>spec.Root.Path</c>: set up
    /// what the run needs and add it to <paramref name="spec"/> (mounts, namespace paths, hooks). <paramref name="bundle"/>
    /// is the container's bundle directory.
    /// </summary>
    void ContributeSpec(Container container, RuntimeSpec spec, string bundle);

    /// <summary>After the container's process has exited (or a start failed): release what the run held.</summary>
    void Released(Container container);

    /// <summary>
    /// When the container is removed (after <see cref="Released"/>). <paramref name="removeVolumes"/>: Remove-Container
    /// -Volumes, docker rm -v (anonymous volumes go too).
    /// </summary>
    void Removed(Container container, bool removeVolumes);
}

/// <summary>Runs the participants of a lifecycle step in their order (and undoes a failed start in reverse).</summary>
public static class ContainerParticipants
{
    /// <summary>
    /// <see cref="IContainerParticipant.ContributeSpec"/> of each participant in order. When one fails, those that
    /// already contributed are released in reverse order and the error is rethrown.
    /// </summary>
    public static void ContributeSpec(IReadOnlyList<IContainerParticipant> participants, Container container, RuntimeSpec spec, string bundle)
    {
        var done = new List<IContainerParticipant>();
        try
        {
            foreach (var p in participants)
            {
                p.ContributeSpec(container, spec, bundle);
                done.Add(p);
            }
        }
        catch
        {
            for (int i = done.Count - 1; i >= 0; i--)
                try { done[i].Released(container); } catch (Exception) { /* best effort: the start error is what matters */ }
            throw;
        }
    }

    /// <summary><see cref="IContainerParticipant.Released"/> of each participant, in reverse order, best effort.</summary>
    public static void Released(IReadOnlyList<IContainerParticipant> participants, Container container)
    {
        for (int i = participants.Count - 1; i >= 0; i--)
            try { participants[i].Released(container); } catch (Exception) { /* best effort */ }
    }
}
