namespace PsContainers.Core.Kube;

/// <summary>One port of a <see cref="KubeWorkload"/>'s container (Kubernetes ContainerPort, before naming).</summary>
public sealed class KubeWorkloadPort
{
    /// <summary>The port in the container, 1-65535.</summary>
    public int ContainerPort { get; init; }
    /// <summary>"tcp", "udp" or "sctp" (any case; written upper case).</summary>
    public string Protocol { get; init; } = "tcp";
    /// <summary>The host port it is published on, or null when it is not published or the engine picks a free port at start.</summary>
    public int? HostPort { get; init; }
    /// <summary>The host address it is published on, or null for every address.</summary>
    public string? HostIp { get; init; }
    /// <summary>The name asked for (compose ports[].name), or null for "&lt;protocol&gt;-&lt;port&gt;".</summary>
    public string? Name { get; init; }
    /// <summary>Published on the host (with a fixed or a picked port), or a bare port a played manifest's Service targeted: what a Service is made for.</summary>
    public bool Published { get; init; }
}
