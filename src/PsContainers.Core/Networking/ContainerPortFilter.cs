namespace PsContainers.Core.Networking;

/// <summary>
/// The container-port filter of <c>docker port CONTAINER PRIVATE_PORT[/PROTO]</c> (Get-ContainerPort -ContainerPort):
/// a container port, and optionally its protocol. Without a protocol every protocol of that port matches, as in docker.
/// </summary>
/// <param name="Port">The container port.</param>
/// <param name="Protocol">tcp, udp or sctp in lower case, or null for any.</param>
public sealed record ContainerPortFilter(int Port, string? Protocol)
{
    /// <summary>Parse "80" or "80/tcp" (the protocol is compared in lower case).</summary>
    /// <exception cref="InvalidArgumentException">InvalidPortSpec: the part before '/' is not a number.</exception>
    public static ContainerPortFilter Parse(string text)
    {
        var f = text.Split('/');
        if (!int.TryParse(f[0], out int port))
            throw new InvalidArgumentException(ErrorIds.InvalidPortSpec, $"'{text}' is not a port (like 80 or 80/tcp).", text);
        return new ContainerPortFilter(port, f.Length > 1 ? f[1].ToLowerInvariant() : null);
    }

    /// <summary>True when <paramref name="p"/> publishes this container port (and protocol, when one was given).</summary>
    public bool Matches(PortMapping p) => p.ContainerPort == Port && (Protocol is null || p.Protocol == Protocol);
}
