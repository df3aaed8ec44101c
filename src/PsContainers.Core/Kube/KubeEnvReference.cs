using System.Text.Json.Serialization;

namespace PsContainers.Core.Kube;

/// <summary>
/// Where one environment variable of a played container came from: the key of a Secret or a ConfigMap of the
/// manifest (env valueFrom secretKeyRef/configMapKeyRef, or envFrom secretRef/configMapRef). Import-ContainerKube
/// records these on the container (<see cref="KubePlayRecord.EnvLabel"/>), never the values, so that
/// ConvertTo-ContainerKubeYaml writes the variable back as a reference to a Secret or ConfigMap object instead of a
/// literal value (a secret must not end up in plain text in a manifest people commit).
/// </summary>
public sealed class KubeEnvReference
{
    /// <summary>The environment variable's name in the container (with an envFrom prefix applied).</summary>
    public string Name { get; init; } = "";
    /// <summary>"Secret" or "ConfigMap".</summary>
    public string Kind { get; init; } = "";
    /// <summary>The object's metadata.name in the played manifest.</summary>
    public string Object { get; init; } = "";
    /// <summary>The key of the object's data the value was read from.</summary>
    public string Key { get; init; } = "";
    /// <summary>
    /// For a variable that came with the whole object (envFrom configMapRef/secretRef): the prefix given there ("" for
    /// none; <see cref="Name"/> is the prefix + <see cref="Key"/>). Null for a single key (env valueFrom
    /// configMapKeyRef/secretKeyRef). The generator writes the first kind back as envFrom, the second as valueFrom.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Prefix { get; init; }

    /// <summary>Whether the variable came with the whole object (envFrom), not as one key (valueFrom).</summary>
    [JsonIgnore]
    public bool IsWholeObject => Prefix is not null;

    public override string ToString() => IsWholeObject ? $"{Name} <- {Kind}/{Object} (envFrom, prefix '{Prefix}')" : $"{Name} <- {Kind}/{Object}[{Key}]";
}
