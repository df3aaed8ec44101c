using PsContainers.Contract;
using PsContainers.Core.Containers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PsContainers.Core.Networking;

/// <summary>One network a container is attached to.</summary>
public sealed class NetworkAttachment
{
    public string Network { get; set; } = "";
    public string IfName { get; set; } = "eth0";
    public string? IPAddress { get; set; }
    public int PrefixLength { get; set; }
    public string? Gateway { get; set; }
    public string? MacAddress { get; set; }
    public string[] Aliases { get; set; } = Array.Empty<string>();
    /// <summary>
    /// The fixed IPv4 address asked for when the network was joined on a running container (Connect-ContainerNetwork
    /// -IPAddress, docker network connect --ip), shown as docker's NetworkSettings.Networks[name].IPAMConfig.IPv4Address;
    /// null when the address was assigned, or when the network was joined at start (what create asked is in container.json).
    /// </summary>
    public string? RequestedIPAddress { get; set; }
}

/// <summary>How a container is networked; saved as network.json in the container's directory.</summary>
public sealed class ContainerNetworkState
{
    public string ContainerId { get; set; } = "";
    public string? ContainerName { get; set; }
    public string? Hostname { get; set; }
    /// <summary>The container's -Domainname: its /etc/hosts line names "hostname.domain hostname", as docker writes it; null for none.</summary>
    public string? Domainname { get; set; }
    /// <summary>bridge (CNI networks), host or none.</summary>
    public string Mode { get; set; } = "bridge";
    /// <summary>The namespace the runtime joins; null in host mode.</summary>
    public string? NetnsPath { get; set; }
    public List<NetworkAttachment> Networks { get; set; } = new();
    public List<PortMapping> Ports { get; set; } = new();
    public string? HostsFile { get; set; }
    public string? HostnameFile { get; set; }
    public string? ResolvConfFile { get; set; }
    public List<string> ExtraHosts { get; set; } = new();
    public DateTime Created { get; set; } = DateTime.UtcNow;
    /// <summary>
    /// Identifies this setup; a cleanup hook from an earlier start of the same container leaves it alone (pscmon reads it
    /// by <see cref="NetworkLayout.ReadSetupId"/>, under the name <see cref="NetworkLayout.SetupIdProperty"/>).
    /// </summary>
    [JsonPropertyName(NetworkLayout.SetupIdProperty)]
    public string SetupId { get; set; } = Guid.NewGuid().ToString("N");

    /// <summary>The container directory's network state file (<see cref="FileName"/>).</summary>
    public static string PathIn(string containerDir) => NetworkLayout.StateFileIn(containerDir);

    /// <summary>network.json: the file in the container's directory that holds this state while the network is set up.</summary>
    public const string FileName = NetworkLayout.StateFileName;

    /// <summary>Read a network.json; null when it does not exist or is not a network state.</summary>
    public static ContainerNetworkState? ReadFrom(string path)
    {
        try { return JsonSerializer.Deserialize<ContainerNetworkState>(File.ReadAllText(path), Json); }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
        catch (JsonException) { return null; }
    }

    internal static readonly JsonSerializerOptions Json = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, IncludeFields = false };
}

/// <summary>What a container asks of the network layer when it is set up.</summary>
public sealed class NetworkSetupRequest
{
    public string ContainerId { get; set; } = "";
    public string? ContainerName { get; set; }
    public string? Hostname { get; set; }
    /// <summary>The container's -Domainname (docker --domainname), for /etc/hosts; null for none.</summary>
    public string? Domainname { get; set; }
    /// <summary>Network names, or "host" / "none"; empty = the default bridge.</summary>
    public List<string> Networks { get; set; } = new();
    /// <summary>Static IPv4 address on the first network (overrides that network's <see cref="Endpoints"/> address).</summary>
    public string? IPAddress { get; set; }
    /// <summary>Per-network settings by network name: a fixed IPv4 address, aliases (added to <see cref="Aliases"/>).</summary>
    public IReadOnlyDictionary<string, EndpointSettings> Endpoints { get; set; } = new Dictionary<string, EndpointSettings>();
    /// <summary>-Publish values, already parsed.</summary>
    public List<PortMapping> Ports { get; set; } = new();
    /// <summary>Extra /etc/hosts lines ("name:ip").</summary>
    public List<string> AddHosts { get; set; } = new();
    /// <summary>DNS servers for resolv.conf instead of the host's (docker --dns).</summary>
    public List<string> Dns { get; set; } = new();
    /// <summary>Search domains for resolv.conf instead of the host's (docker --dns-search; "." alone: none).</summary>
    public List<string> DnsSearch { get; set; } = new();
    /// <summary>resolv.conf options instead of the host's (docker --dns-option, e.g. "ndots:2").</summary>
    public List<string> DnsOptions { get; set; } = new();
    /// <summary>Aliases the container answers to on its networks (besides its name).</summary>
    public List<string> Aliases { get; set; } = new();
}

/// <summary>A bind mount the runtime must add for the network files (/etc/hosts, /etc/hostname, /etc/resolv.conf).</summary>
public sealed class NetworkFileMount
{
    public string Source { get; set; } = "";
    public string Destination { get; set; } = "";
}
