using PsContainers.Core.Containers;

namespace PsContainers.Core.Networking;

/// <summary>
/// The network mode and networks of a container, decided from what -Network asked for. The one rule, used at create
/// (<see cref="ContainerManager.Create"/>) and by <see cref="ContainerNetworking.Setup"/>.
/// </summary>
/// <param name="Mode">None, Host, Bridge or Container.</param>
/// <param name="Networks">For Bridge, the network names in order, "bridge"/"default" given as the default network's
/// name (<see cref="NetworkStore.DefaultNetworkName"/>), duplicates dropped; empty otherwise.</param>
/// <param name="Container">For Container, the other container as given after "container:" (a name, an id or an id
/// prefix; not resolved here); null otherwise.</param>
public sealed record NetworkChoice(NetworkMode Mode, IReadOnlyList<string> Networks, string? Container = null)
{
    /// <summary>The prefix of docker's shared-namespace mode: <c>--network container:&lt;name|id&gt;</c>.</summary>
    public const string ContainerPrefix = "container:";

    /// <summary>docker's names of the default network, as -Network takes them: "bridge" and "default", in any case (a
    /// PowerShell user writes <c>-Network Default</c>; <see cref="NetworkStore.ValidateName"/> keeps these names from
    /// networks of the store in every case, so none is hidden).</summary>
    public static bool NamesDefaultNetwork(string name) =>
        name.Equals("bridge", StringComparison.OrdinalIgnoreCase) || name.Equals("default", StringComparison.OrdinalIgnoreCase);

    /// <summary>"host" and "none", in any case: network modes -Network takes by name, not networks of the store.</summary>
    public static bool NamesMode(string name) =>
        name.Equals("host", StringComparison.OrdinalIgnoreCase) || name.Equals("none", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Decide like docker: nothing asked (or only blanks) means the default bridge network; "host", "none" and
    /// "container:&lt;name|id&gt;" stand alone; anything else names bridge networks ("bridge" and "default" mean the
    /// default one). The mode words are taken in any case ("None", "Default"), as PowerShell users write them. Whether a named network or container exists is not checked here.
    /// </summary>
    /// <exception cref="PscException">
    /// InvalidNetworkMode (InvalidArgument): host, none or container:x combined with another network, or "container:"
    /// without a name.
    /// </exception>
    public static NetworkChoice Decide(IEnumerable<string>? requested)
    {
        var nets = (requested ?? []).Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim())
            .Select(n => NamesDefaultNetwork(n) ? NetworkStore.DefaultNetworkName : NamesMode(n) ? n.ToLowerInvariant() : n).Distinct().ToList();
        if (nets.Count == 0) nets.Add(NetworkStore.DefaultNetworkName);
        var shared = nets.Where(n => n.StartsWith(ContainerPrefix, StringComparison.OrdinalIgnoreCase)).ToList();
        var mode = shared.Count > 0 ? NetworkMode.Container
            : nets.Contains("host") ? NetworkMode.Host : nets.Contains("none") ? NetworkMode.None : NetworkMode.Bridge;
        if (mode != NetworkMode.Bridge && nets.Count > 1)
        {
            string name = mode == NetworkMode.Container ? shared[0] : Name(mode);
            throw new InvalidArgumentException(ErrorIds.InvalidNetworkMode, $"Network mode '{name}' cannot be combined with other networks.", string.Join(",", nets)) { Remedy = Remedy.OneNetworkMode };
        }
        if (mode == NetworkMode.Container)
        {
            string target = shared[0][ContainerPrefix.Length..].Trim();
            if (target.Length == 0)
                throw new InvalidArgumentException(ErrorIds.InvalidNetworkMode, $"Network mode '{shared[0]}' names no container: give container:<name|id>.", shared[0]);
            return new NetworkChoice(mode, [], target);
        }
        return new NetworkChoice(mode, mode == NetworkMode.Bridge ? nets : []);
    }

    /// <summary>The mode as -Network and network.json spell it: "none", "host", "bridge", "container".</summary>
    public static string Name(NetworkMode mode) => mode switch
    {
        NetworkMode.Host => "host",
        NetworkMode.None => "none",
        NetworkMode.Container => "container",
        _ => "bridge",
    };
}
