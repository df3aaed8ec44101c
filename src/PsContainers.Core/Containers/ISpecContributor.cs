using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Core.Containers;

/// <summary>
/// One typed edit of a container's runtime spec (OCI runtime-spec config.json), made by <see cref="BundleBuilder"/> in
/// a fixed order after the secure defaults of <see cref="Runtime.SpecBuilder"/>: -Init, -Tmpfs, then the lifecycle
/// participants (pod membership, network, volumes). Each contributor adds to the <see cref="RuntimeSpec"/> object it is given (mounts,
/// namespace paths, hooks, process arguments); nobody edits JSON.
/// </summary>
public interface ISpecContributor
{
    /// <summary>A short name for traces and tests ("init", "tmpfs", "network", "volumes").</summary>
    string Name { get; }

    /// <summary>
    /// Edit <paramref name="spec"/> for <paramref name="container"/>. At start the container lock is held and its root
    /// file system is mounted at <c>spec.Root.Path</c>; <paramref name="bundle"/> is the container's bundle directory.
    /// </summary>
    /// <exception cref="PscException">The container's settings cannot be honoured (nothing is written then).</exception>
    void ContributeSpec(Container container, RuntimeSpec spec, string bundle);
}
