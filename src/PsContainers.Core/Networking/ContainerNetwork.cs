namespace PsContainers.Core.Networking;

/// <summary>A network: one CNI configuration list under the store's networks directory.</summary>
public sealed class ContainerNetwork
{
    public string Name { get; set; } = "";
    /// <summary>
    /// The network's id: SHA-256 of its name, 64 lowercase hex digits (podman's id of a CNI network); a container's
    /// NetworkSettings.Networks[name].NetworkID.
    /// </summary>
    public string Id => PsContainers.Core.Containers.ContainerEndpoint.IdOf(Name);
    /// <summary>Main plugin type: bridge, macvlan, ipvlan, or whatever a dropped-in list uses.</summary>
    public string Driver { get; set; } = "bridge";
    public string? Subnet { get; set; }
    public string? Gateway { get; set; }
    /// <summary>The bridge (or parent interface for macvlan/ipvlan) on the host.</summary>
    public string? Interface { get; set; }
    /// <summary>No outbound NAT and no default route: containers reach only each other.</summary>
    public bool Internal { get; set; }
    /// <summary>Containers on the network find each other by name.</summary>
    public bool DnsEnabled { get; set; }
    public bool IsDefault { get; set; }
    public string[] Plugins { get; set; } = Array.Empty<string>();
    public string CniVersion { get; set; } = "";
    public DateTime Created { get; set; }
    public string ConfigPath { get; set; } = "";
    /// <summary>Names of the containers attached to it.</summary>
    public string[] Containers { get; set; } = Array.Empty<string>();
    /// <summary>The labels given at creation (docker network create --label); kept in the configuration list under "pscLabels".</summary>
    public Dictionary<string, string> Labels { get; set; } = new();

    public override string ToString() => Name;
}

/// <summary>Options of New-ContainerNetwork.</summary>
public sealed class NetworkCreateOptions
{
    public string Name { get; set; } = "";
    public string Driver { get; set; } = "bridge";
    public string? Subnet { get; set; }
    public string? Gateway { get; set; }
    public string? IPRange { get; set; }
    public bool Internal { get; set; }
    /// <summary>Host interface for macvlan/ipvlan (default: the interface of the default route).</summary>
    public string? Parent { get; set; }
    /// <summary>Bridge name (default psc&lt;N&gt;).</summary>
    public string? BridgeName { get; set; }
    public bool DisableDns { get; set; }
    /// <summary>Labels to keep with the network (docker network create --label; compose's com.docker.compose.project/.network).</summary>
    public Dictionary<string, string> Labels { get; set; } = new();
}
