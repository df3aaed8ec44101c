using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using PsContainers.Core.Networking;

namespace PsContainers.Core.Containers;

/// <summary>
/// The container on one network it joins: docker inspect's <c>NetworkSettings.Networks.&lt;name&gt;</c>
/// (docker's EndpointSettings). What was asked at create is recorded in container.json (<see cref="IPAMConfig"/>,
/// <see cref="Aliases"/>); what the network setup assigned at start (<see cref="IPAddress"/>,
/// <see cref="IPPrefixLen"/>, <see cref="Gateway"/>, <see cref="MacAddress"/>) is read from the container's network
/// state while it runs (containers/&lt;id&gt;/network.json, written atomically by the setup before the process starts
/// and deleted when the container stops) and is null otherwise, as docker clears it at stop.
/// </summary>
public sealed class ContainerEndpoint
{
    /// <summary>A fixed address asked for on this network (docker's IPAMConfig.IPv4Address; -IPAddress), or null.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public EndpointIPAMConfig? IPAMConfig { get; set; }

    /// <summary>Extra names the container answers to on this network, besides its name and short id.</summary>
    public string[] Aliases { get; set; } = [];

    /// <summary>
    /// docker's NetworkID: the network's id, the SHA-256 of its name in 64 lowercase hex digits (how podman names a
    /// CNI network; Get-ContainerNetwork shows it as Id). Known whether or not the container runs.
    /// </summary>
    [JsonIgnore] public string NetworkID => IdOf(_network);

    /// <summary>The IPv4 address assigned on this network (dotted quad) while the container runs; null when it is stopped.</summary>
    [JsonIgnore] public string? IPAddress => Attachment?.IPAddress;

    /// <summary>The prefix length of <see cref="IPAddress"/> (24 for a /24) while the container runs; 0 when it is stopped.</summary>
    [JsonIgnore] public int IPPrefixLen => Attachment?.PrefixLength ?? 0;

    /// <summary>The network's gateway (the bridge's address) as the container's route uses it while it runs; null when stopped.</summary>
    [JsonIgnore] public string? Gateway => Attachment?.Gateway;

    /// <summary>The MAC address of the container's interface on this network (eth0 for the first) while it runs; null when stopped.</summary>
    [JsonIgnore] public string? MacAddress => Attachment?.MacAddress;

    /// <summary>
    /// Read only, from records written before <see cref="IPAMConfig"/>: their IPAddress was the fixed address asked
    /// for. Never written.
    /// </summary>
    [JsonPropertyName("IPAddress")]
    [JsonInclude]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    private string? LegacyIPAddress
    {
        get => null;
        set { if (value is not null && IPAMConfig is null) IPAMConfig = new EndpointIPAMConfig { IPv4Address = value }; }
    }

    private string _network = "";
    private Lazy<ContainerNetworkState?>? _runtime;

    /// <summary>This network's attachment in the network state, when the container runs.</summary>
    private NetworkAttachment? Attachment => _runtime?.Value?.Networks.FirstOrDefault(n => n.Network == _network);

    /// <summary>Links the endpoint to its network's name and to the container's network state (null: not running).</summary>
    internal void Bind(string network, Lazy<ContainerNetworkState?>? runtime)
    {
        _network = network;
        _runtime = runtime;
    }

    /// <summary>
    /// The id of a network by name: SHA-256 of the UTF-8 name, 64 lowercase hex digits (podman's id of a CNI network,
    /// which has none of its own).
    /// </summary>
    public static string IdOf(string network) =>
        network.Length == 0 ? "" : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(network)));
}
