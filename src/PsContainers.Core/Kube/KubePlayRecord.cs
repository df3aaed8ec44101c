using System.Globalization;
using System.Text.Json;
using PsContainers.Core.Networking;

namespace PsContainers.Core.Kube;

/// <summary>
/// What Import-ContainerKube records on each pod and container it makes, as labels under <see cref="Prefix"/>, so that
/// ConvertTo-ContainerKubeYaml can write the manifest back as it was (generate → import → generate is a fixed
/// point): on a container, its Kubernetes container name (<see cref="ContainerLabel"/>), which ports of the pod's
/// publications it declared (<see cref="PortsLabel"/>), the ports it declared without publishing them
/// (<see cref="ExposedLabel"/>) and which variables came from a Secret or ConfigMap key
/// (<see cref="EnvLabel"/>); on a pod made for a Deployment, the Deployment's name and the replica's index
/// (<see cref="DeploymentLabel"/>, <see cref="ReplicaLabel"/>). These labels are the engine's bookkeeping: the
/// generator never writes them as labels.
/// </summary>
public static class KubePlayRecord
{
    /// <summary>The prefix of every label of this record (the engine's bookkeeping, left out of generated manifests).</summary>
    public const string Prefix = "io.pscontainers.kube.";

    /// <summary>
    /// The ports of the pod's publications that this container declared with a hostPort, as "containerPort/protocol"
    /// (protocol lower case) joined by ',' in the manifest's order: "8080/tcp,53/udp".
    /// </summary>
    public const string PortsLabel = Prefix + "ports";

    /// <summary>
    /// The ports this container declared without a hostPort (a bare containerPort: Kubernetes does not publish it, and
    /// neither does a play), in the form of <see cref="PortsLabel"/>: "80/tcp,53/udp". Without it they would be lost,
    /// and a manifest generated from the container would drop them.
    /// </summary>
    public const string ExposedLabel = Prefix + "exposed";

    /// <summary>
    /// Of the ports of <see cref="ExposedLabel"/>, those a Service of the played manifest targets (its selector matches
    /// the pod, a port's targetPort is the number of the port), in the same form. The Service itself is not played;
    /// this lets a manifest generated with a Service list them in it again.
    /// </summary>
    public const string ServicedLabel = Prefix + "service-ports";

    /// <summary>The container's <see cref="KubeEnvReference"/>s as a JSON array (names only, never values).</summary>
    public const string EnvLabel = Prefix + "env";

    /// <summary>The container's name in the manifest (the engine's container is named &lt;pod&gt;-&lt;name&gt;).</summary>
    public const string ContainerLabel = Prefix + "container";

    /// <summary>On a pod made for replica i of a Deployment (named &lt;deployment&gt;-pod-&lt;i&gt;): the Deployment's metadata.name.</summary>
    public const string DeploymentLabel = Prefix + "deployment";

    /// <summary>On a pod made for a Deployment: the replica's index i, in decimal ("0" for the first).</summary>
    public const string ReplicaLabel = Prefix + "replica";

    /// <summary>Whether <paramref name="key"/> is a label of this record (never written into a generated manifest).</summary>
    public static bool IsRecord(string key) => key.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>
    /// The Deployment and replica index a played pod records in <paramref name="labels"/>; null when it has no (or a
    /// malformed) record: a pod made otherwise, or a Pod of a manifest.
    /// </summary>
    public static (string Deployment, int Replica)? DeploymentOf(IReadOnlyDictionary<string, string> labels) =>
        labels.TryGetValue(DeploymentLabel, out var name) && KubeNames.IsDnsSubdomain(name)
        && labels.TryGetValue(ReplicaLabel, out var index) && int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            ? (name, i) : null;

    /// <summary>The value of <see cref="PortsLabel"/> for <paramref name="ports"/>; null when there is none.</summary>
    public static string? FormatPorts(IEnumerable<PortMapping> ports)
    {
        var list = ports.Select(PortKey).Distinct(StringComparer.Ordinal).ToList();
        return list.Count == 0 ? null : string.Join(',', list);
    }

    /// <summary>"containerPort/protocol" (protocol lower case) of a pod publication: the key <see cref="PortsLabel"/> lists.</summary>
    public static string PortKey(PortMapping p) => p.ContainerPort.ToString(CultureInfo.InvariantCulture) + "/" + p.Protocol.ToLowerInvariant();

    /// <summary>Whether <paramref name="labels"/> record that their container declared the publication <paramref name="p"/>.</summary>
    public static bool Declared(IReadOnlyDictionary<string, string> labels, PortMapping p) =>
        labels.TryGetValue(PortsLabel, out var v) && v.Split(',').Contains(PortKey(p), StringComparer.Ordinal);

    /// <summary>The value of <see cref="ExposedLabel"/> for ports declared without a hostPort; null when there is none.</summary>
    /// <param name="ports">(containerPort 1-65535, protocol "tcp"/"udp" in any case), in the manifest's order; a port given twice is written once.</param>
    public static string? FormatExposed(IEnumerable<(int ContainerPort, string Protocol)> ports)
    {
        var list = ports.Select(p => p.ContainerPort.ToString(CultureInfo.InvariantCulture) + "/" + p.Protocol.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();
        return list.Count == 0 ? null : string.Join(',', list);
    }

    /// <summary>
    /// The ports <paramref name="labels"/> record as declared without a hostPort (<see cref="ExposedLabel"/>), in their
    /// order; an entry that does not parse ("x/tcp", port 0, an unknown protocol: edited by hand) is skipped.
    /// </summary>
    public static IReadOnlyList<(int ContainerPort, string Protocol)> Exposed(IReadOnlyDictionary<string, string> labels) => PortList(labels, ExposedLabel);

    /// <summary>The ports <paramref name="labels"/> record as targeted by a Service (<see cref="ServicedLabel"/>), as <see cref="Exposed"/> reads them.</summary>
    public static IReadOnlyList<(int ContainerPort, string Protocol)> Serviced(IReadOnlyDictionary<string, string> labels) => PortList(labels, ServicedLabel);

    private static List<(int ContainerPort, string Protocol)> PortList(IReadOnlyDictionary<string, string> labels, string label)
    {
        var result = new List<(int, string)>();
        if (!labels.TryGetValue(label, out var v)) return result;
        foreach (var item in v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = item.Split('/', 2);
            if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port is > 0 and <= 65535
                && parts[1] is "tcp" or "udp")
                result.Add((port, parts[1]));
        }
        return result;
    }

    /// <summary>The value of <see cref="EnvLabel"/> for <paramref name="refs"/>; null when there is none.</summary>
    public static string? FormatEnv(IReadOnlyCollection<KubeEnvReference> refs) =>
        refs.Count == 0 ? null : JsonSerializer.Serialize(refs);

    /// <summary>
    /// The references recorded in <paramref name="labels"/>, by variable name; empty when there is no record. A record
    /// that does not parse (edited by hand) counts as none: the values are then written as they are.
    /// </summary>
    public static IReadOnlyDictionary<string, KubeEnvReference> EnvReferences(IReadOnlyDictionary<string, string> labels)
    {
        var result = new Dictionary<string, KubeEnvReference>(StringComparer.Ordinal);
        if (!labels.TryGetValue(EnvLabel, out var json)) return result;
        try
        {
            foreach (var r in JsonSerializer.Deserialize<List<KubeEnvReference>>(json) ?? [])
                if (r.Name.Length > 0 && r.Kind is ("Secret" or "ConfigMap") && r.Object.Length > 0 && r.Key.Length > 0
                    && (r.Prefix is null || r.Name == r.Prefix + r.Key)) result[r.Name] = r;
        }
        catch (JsonException) { }
        return result;
    }
}
