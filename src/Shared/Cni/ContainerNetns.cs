namespace PsContainers.Cni;

/// <summary>
/// Where a container's network namespace is bind-mounted, like `ip netns add` does: DIRECTORY/psc-&lt;the first 16
/// characters of the container id&gt;, DIRECTORY being $PSCONTAINERS_NETNS_DIR or /run/netns (so `ip netns` lists it).
/// The engine creates it (Core's NetworkNamespace); pscmon's net-release unmounts it.
/// </summary>
public static class ContainerNetns
{
    /// <summary>$PSCONTAINERS_NETNS_DIR when set and not empty, else /run/netns.</summary>
    public static string DefaultDirectory =>
        Environment.GetEnvironmentVariable("PSCONTAINERS_NETNS_DIR") is { Length: > 0 } d ? d : "/run/netns";

    public static string PathFor(string directory, string containerId) =>
        Path.Combine(directory, "psc-" + (containerId.Length > 16 ? containerId[..16] : containerId));
}
