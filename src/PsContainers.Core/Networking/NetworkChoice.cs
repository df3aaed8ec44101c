using PsContainers.Core.Containers;

namespace PsContainers.Core.Networking;

/// <summary>
/// The network mode and networks of a container, decided from what -Network asked for. The one rule, used at create
/// (<see cref="ContainerManager.Create"/>) and by <see cref="ContainerNetworking.Setup"/>.
/// </summary>
/// <param name="Mode">None, Host or Bridge.</param>
/// <param name="Networks">For Bridge, the network names in order, "bridge"/"default" given as the default network's
/// name (<see cref="NetworkStore.DefaultNetworkName"/>), duplicates dropped; empty otherwise.</param>
public sealed record NetworkChoice(NetworkMode Mode, IReadOnlyList<string> Networks)
{
    /// <summary>
    /// Decide like docker: nothing asked (or only blanks) means the default bridge network; "host" and "none" stand
    /// alone; anything else names bridge networks ("bridge" and "default" mean the default one). Whether a named
    /// network exists is not checked here.
    /// </summary>
    /// <exception cref="PscException">InvalidNetworkMode (InvalidArgument): host or none combined with another network.</exception>
    public static NetworkChoice Decide(IEnumerable<string>? requested)
    {
        var nets = (requested ?? []).Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim())
            .Select(n => n is "bridge" or "default" ? NetworkStore.DefaultNetworkName : n).Distinct().ToList();
        if (nets.Count == 0) nets.Add(NetworkStore.DefaultNetworkName);
        var mode = nets.Contains("host") ? NetworkMode.Host : nets.Contains("none") ? NetworkMode.None : NetworkMode.Bridge;
        if (mode != NetworkMode.Bridge && nets.Count > 1)
        {
            string name = Name(mode);
            throw new InvalidArgumentException(ErrorIds.InvalidNetworkMode, $"Network mode '{name}' cannot be combined with other networks.", string.Join(",", nets)) { Remedy = Remedy.OneNetworkMode };
        }
        return new NetworkChoice(mode, mode == NetworkMode.Bridge ? nets : []);
    }

    /// <summary>The mode as -Network and network.json spell it: "none", "host", "bridge".</summary>
    public static string Name(NetworkMode mode) => mode switch
    {
        NetworkMode.Host => "host",
        NetworkMode.None => "none",
        _ => "bridge",
    };
}
