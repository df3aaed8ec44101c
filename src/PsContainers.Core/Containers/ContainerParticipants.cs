using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Core.Containers;

/// <summary>Runs the participants of a lifecycle step in their order (and undoes a failed start in reverse).</summary>
public static class ContainerParticipants
{
    /// <summary>
    /// <see cref="ISpecContributor.ContributeSpec"/> of each contributor in order. When one fails, the participants among
    /// those that already contributed are released (<see cref="IContainerParticipant.Released"/>) in reverse order, best
    /// effort, and the error is rethrown; plain contributors hold nothing to release.
    /// </summary>
    public static void ContributeSpec(IReadOnlyList<ISpecContributor> contributors, Container container, RuntimeSpec spec, string bundle)
    {
        var done = new List<IContainerParticipant>();
        try
        {
            foreach (var p in contributors)
            {
                p.ContributeSpec(container, spec, bundle);
                if (p is IContainerParticipant participant) done.Add(participant);
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
